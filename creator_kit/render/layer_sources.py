"""Turning the project's model layers into drawn sources (the one place that knows every kind).

``graphics`` draws; this module picks the drawn source for each layer kind, all built the
same way, ``Source(layer, ctx)``. The face-mask layer is the render's own: it follows the
timeline's clips and their face analyses (:mod:`creator_kit.render.face_timeline`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
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
from creator_kit.graphics.context import DrawContext
from creator_kit.graphics.stills import ImageSource
from creator_kit.render.timeline import RenderPlan

if TYPE_CHECKING:
    from creator_kit.vision import FaceAnalysis


@dataclass(frozen=True)
class LayerContext(DrawContext):
    """A :class:`DrawContext` plus what the render's face-mask layer needs: the plan and faces."""

    plan: RenderPlan | None = None
    faces: Mapping[str, FaceAnalysis] = field(default_factory=dict)


def build_sources(
    layers: Sequence[Layer],
    ctx: LayerContext,
    *,
    default_end: float,
    offset: float = 0.0,
) -> list[FrameSource]:
    """Drawn sources for ``layers``; times are shifted by ``offset`` seconds on the timeline."""
    ctx = dataclasses.replace(ctx, default_end=default_end, offset=offset)
    # Layers the user placed are prepared before the ones placed by slot, so that these can
    # keep clear of them (graphics.slots); the sources keep the layers' drawing order.
    order = sorted(
        range(len(layers)), key=lambda i: getattr(layers[i], "placement", True) is None
    )
    built: dict[int, FrameSource] = {}
    for index in order:
        layer = layers[index]
        sources: list[FrameSource] = []
        # Preparing a layer can take a while (an image to decode, captions to draw): a
        # cancel takes effect between layers (and between a caption layer's cues).
        if ctx.cancel is not None:
            ctx.cancel.raise_if_cancelled()
        if isinstance(layer, ImageLayer):
            sources.append(ImageSource(layer, ctx))
        elif isinstance(layer, CaptionLayer):
            # Imported here: the Qt text engine costs start-up time and memory that a
            # render without captions need not pay.
            from creator_kit.graphics.captions import CaptionSource

            sources.append(CaptionSource(layer, ctx))
        elif isinstance(layer, StickerLayer):
            from creator_kit.graphics.stickers import StickerSource

            sources.append(StickerSource(layer, ctx))
        elif isinstance(layer, TipCardLayer):
            from creator_kit.graphics.tip_cards import TipCardSource

            sources.append(TipCardSource(layer, ctx))
        elif isinstance(layer, FaceMaskLayer):
            from creator_kit.render.face_timeline import FaceMaskLayerSource

            sources.append(FaceMaskLayerSource(layer, ctx))
        elif isinstance(layer, SourceLayer):
            # Drawn by the caller's code (a moviepy clip, ...): already a frame source.
            sources.append(layer.source)
        else:  # pragma: no cover - the schema admits only known kinds
            raise TypeError(f"no renderer for layer {type(layer).__name__}")
        built[index] = sources[0]
    return [built[i] for i in range(len(layers))]
