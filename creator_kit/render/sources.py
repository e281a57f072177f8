"""Turning model layers into runtime frame sources (the one place that knows every layer kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from creator_kit.core.frames import FrameSource
from creator_kit.core.model import (
    CaptionLayer,
    FaceMaskLayer,
    ImageLayer,
    Layer,
    SourceLayer,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.presets import ExportProfile
from creator_kit.render.layers import ImageSource
from creator_kit.render.plan import RenderPlan

if TYPE_CHECKING:
    from creator_kit.vision import FaceAnalysis


@dataclass(frozen=True)
class SourceContext:
    """What every layer source may need to know about the render."""

    size: tuple[int, int]
    profile: ExportProfile
    warn: Callable[[str], None]
    plan: RenderPlan
    faces: Mapping[str, FaceAnalysis] = field(default_factory=dict)


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
        elif isinstance(layer, StickerLayer):
            from creator_kit.render.stickers import StickerSource

            sources.append(
                StickerSource(layer, ctx.size, default_end, offset, profile=ctx.profile)
            )
        elif isinstance(layer, TipCardLayer):
            from creator_kit.render.stickers import TipCardSource

            sources.append(
                TipCardSource(layer, ctx.size, default_end, offset, profile=ctx.profile)
            )
        elif isinstance(layer, FaceMaskLayer):
            from creator_kit.render.faces import FaceMaskLayerSource

            sources.append(FaceMaskLayerSource(layer, ctx.plan, dict(ctx.faces), ctx.warn))
        elif isinstance(layer, SourceLayer):
            # Drawn by the caller's code (a moviepy clip, ...): already a frame source.
            sources.append(layer.source)
        else:  # pragma: no cover - the schema admits only known kinds
            raise TypeError(f"no renderer for layer {type(layer).__name__}")
    return sources
