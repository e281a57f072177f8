"""Turning model layers into runtime frame sources (the one place that knows every layer kind)."""

from __future__ import annotations

from collections.abc import Sequence

from creator_kit.core.frames import FrameSource
from creator_kit.core.model import ImageLayer, Layer
from creator_kit.render.layers import ImageSource


def build_sources(
    layers: Sequence[Layer], size: tuple[int, int], *, default_end: float, offset: float = 0.0
) -> list[FrameSource]:
    """Runtime sources for ``layers``; times are shifted by ``offset`` seconds on the timeline."""
    sources: list[FrameSource] = []
    for layer in layers:
        if isinstance(layer, ImageLayer):
            sources.append(ImageSource(layer, size, default_end, offset))
        else:  # pragma: no cover - the schema admits only known kinds
            raise TypeError(f"no renderer for layer {type(layer).__name__}")
    return sources
