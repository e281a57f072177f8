"""Still images for layers: bitmaps through the safe loader, SVG drawn at the size shown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from creator_kit.core.frames import Sprite
from creator_kit.core.model import ImageLayer
from creator_kit.graphics.animation import Animated, fit_width
from creator_kit.graphics.context import DrawContext
from creator_kit.media.images import load_rgba


def is_svg(path: str | Path) -> bool:
    """True for an ``.svg`` file name."""
    return Path(path).suffix.lower() == ".svg"


def load_still(path: str | Path, width: int | None = None) -> npt.NDArray[np.uint8]:
    """RGBA pixels of ``path``; an SVG is rasterised ``width`` pixels wide (crisp)."""
    if is_svg(path):
        from creator_kit.graphics.svg import rasterise_svg

        return rasterise_svg(path, width)
    return load_rgba(path)


def still_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image as shown (upright; an SVG's own size)."""
    if is_svg(path):
        from creator_kit.graphics.svg import svg_size

        return svg_size(path)
    h, w = load_rgba(path).shape[:2]
    return w, h


class ImageSource:
    """A still image layer (sticker, logo, badge)."""

    def __init__(self, layer: ImageLayer, ctx: DrawContext) -> None:
        size = ctx.size
        self._anim = Animated.for_layer(layer, layer.placement, ctx.default_end, ctx.offset)
        width = None
        if layer.placement.width is not None:
            width = max(1, round(layer.placement.width * size[0]))
        # An SVG is drawn at its final width; a bitmap is resized to it.
        self._image = fit_width(load_still(layer.path, width), layer.placement, size)
        self._key = ("image", layer.path, self._image.shape)

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The image's sprite while visible at ``t``."""
        if not self._anim.visible(t):
            return ()
        s = self._anim.sprite(self._image, self._key, t, size)
        return () if s is None else (s,)
