"""Turning model layers into runtime frame sources (the one place that knows every layer kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import InputError
from creator_kit.core.frames import RGBA, FrameSource
from creator_kit.core.model import (
    CaptionLayer,
    FaceMaskLayer,
    ImageLayer,
    Layer,
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
    cancel: CancelToken | None = None
    # Still images already loaded, by (path, width): the same sticker many times costs once.
    stills: dict[tuple[str, int | None], RGBA] = field(default_factory=dict)


# The pixels all image layers together may keep, at the sizes they are shown (16 full
# 1080x1920 canvases; 128 MB of RGBA): placement widths up to 4x the canvas would otherwise
# let a few layers hold gigabytes.
MAX_IMAGE_PIXELS = 32_000_000


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
        # Preparing a layer can take a while (an image to decode, captions to draw): a
        # cancel takes effect between layers (and between a caption layer's cues).
        if ctx.cancel is not None:
            ctx.cancel.raise_if_cancelled()
        if isinstance(layer, ImageLayer):
            sources.append(ImageSource(layer, ctx.size, default_end, offset, cache=ctx.stills))
            kept = sum(image.shape[0] * image.shape[1] for image in ctx.stills.values())
            if kept > MAX_IMAGE_PIXELS:
                raise InputError(
                    f"the image layers need {kept / 1e6:.0f} MP in total at the sizes they "
                    f"are shown; the limit is {MAX_IMAGE_PIXELS / 1e6:.0f} MP (show fewer or "
                    "smaller images)",
                    layer.path,
                )
        elif isinstance(layer, CaptionLayer):
            # Imported here: the Qt text engine costs start-up time and memory that a
            # render without captions need not pay.
            from creator_kit.render.captions import CaptionSource

            sources.append(
                CaptionSource(
                    layer, ctx.size, ctx.profile, default_end, offset, ctx.warn,
                    fps=ctx.plan.fps, cancel=ctx.cancel,
                )
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
        else:  # pragma: no cover - the schema admits only known kinds
            raise TypeError(f"no renderer for layer {type(layer).__name__}")
    return sources
