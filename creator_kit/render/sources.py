"""Turning model layers into runtime frame sources (the one place that knows every layer kind)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from creator_kit.core.frames import FrameSource
from creator_kit.core.model import CaptionLayer, ImageLayer, Layer
from creator_kit.core.presets import ExportProfile
from creator_kit.render.layers import ImageSource


@dataclass(frozen=True)
class SourceContext:
    """What every layer source may need to know about the render."""

    size: tuple[int, int]
    profile: ExportProfile
    warn: Callable[[str], None]


def build_sources(
    layers: Sequence[Layer],
    ctx: SourceContext,
    *,
    default_end: float,
    offset: float = 0.0,
) -> list[FrameSource]:
    """Runtime sources for ``layers``; times are shifted by ``offset`` seconds on the timeline."""
    sources: list[FrameSource] = []
    for layer in layers:
        if isinstance(layer, ImageLayer):
            sources.append(ImageSource(layer, ctx.size, default_end, offset))
        elif isinstance(layer, CaptionLayer):
            # Imported here: the Qt text engine costs start-up time and memory that a
            # render without captions need not pay.
            from creator_kit.render.captions import CaptionSource

            sources.append(
                CaptionSource(layer, ctx.size, ctx.profile, default_end, offset, ctx.warn)
            )
        else:  # pragma: no cover - the schema admits only known kinds
            raise TypeError(f"no renderer for layer {type(layer).__name__}")
    return sources
