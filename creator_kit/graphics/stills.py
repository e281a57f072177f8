"""Still images for layers: bitmaps through the safe loader, SVG drawn at the size shown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from creator_kit.core.errors import InputError
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


# The pixels all image layers of one render together may keep, at the sizes they are shown
# (16 full 1080x1920 canvases, 128 MB of RGBA): placement widths up to 4x the canvas would
# otherwise let a few layers hold gigabytes. docs/project-format.md lists it.
MAX_IMAGE_PIXELS = 32_000_000


class ImageSource:
    """A still image layer (sticker, logo, badge)."""

    def __init__(self, layer: ImageLayer, ctx: DrawContext) -> None:
        size = ctx.size
        self._anim = Animated.for_layer(layer, layer.placement, ctx.default_end, ctx.offset)
        width = None
        if layer.placement.width is not None:
            width = max(1, round(layer.placement.width * size[0]))
        key = (layer.path, width)
        image = ctx.stills.get(key)
        if image is None:
            # An SVG is drawn at its final width; a bitmap is resized to it.
            image = fit_width(load_still(layer.path, width), layer.placement, size)
            image.setflags(write=False)  # shared by every layer showing the same file
            ctx.stills[key] = image
            kept = sum(a.shape[0] * a.shape[1] for a in ctx.stills.values())
            if kept > MAX_IMAGE_PIXELS:
                raise InputError(
                    f"the image layers need {kept / 1e6:.0f} MP in total at the sizes they "
                    f"are shown; the limit is {MAX_IMAGE_PIXELS / 1e6:.0f} MP (show fewer or "
                    "smaller images)",
                    layer.path,
                )
        self._image = image
        self._key = ("image", layer.path, self._image.shape)

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The image's sprite while visible at ``t``."""
        if not self._anim.visible(t):
            return ()
        s = self._anim.sprite(self._image, self._key, t, size)
        return () if s is None else (s,)
