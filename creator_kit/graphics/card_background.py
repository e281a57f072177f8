"""The closing card's background: a colour, a vertical gradient, an image or the last frame.

Drawn here as RGB; the render engine turns it into its own frame format. Flat colours and
gradients stay descriptions (:class:`SolidBackdrop`, :class:`GradientBackdrop`) so the engine
can paint them straight into its frames, row by row, without a full-size RGB image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from creator_kit.core.colour import parse_rgb
from creator_kit.core.model import Background
from creator_kit.media.images import load_rgba

RGB = npt.NDArray[np.uint8]  # (h, w, 3)


@dataclass(frozen=True)
class SolidBackdrop:
    """One flat colour."""

    rgb: tuple[int, int, int]


@dataclass(frozen=True)
class GradientBackdrop:
    """A vertical shade from ``top`` to ``bottom``."""

    top: tuple[int, int, int]
    bottom: tuple[int, int, int]


@dataclass(frozen=True, eq=False)
class PictureBackdrop:
    """A full-size RGB picture."""

    rgb: RGB


Backdrop = SolidBackdrop | GradientBackdrop | PictureBackdrop


def card_backdrop(
    bg: Background, width: int, height: int, last: Callable[[], RGB | None]
) -> Backdrop:
    """The card's static background; ``last()`` gives the last clip frame (for last-frame)."""
    if bg.kind == "colour":
        return SolidBackdrop(parse_rgb(bg.colour))
    if bg.kind == "gradient":
        return GradientBackdrop(parse_rgb(bg.colour), parse_rgb(bg.colour2))
    if bg.kind == "image":
        assert bg.image is not None
        rgb = _cover(load_rgba(bg.image)[..., :3], width, height)
    else:
        previous = last()
        rgb = previous if previous is not None else np.zeros((height, width, 3), np.uint8)
    if bg.blur > 0:
        # Blur at a quarter size: same look, a fraction of the cost.
        small = Image.fromarray(rgb).resize((width // 4, height // 4), Image.Resampling.BOX)
        small = small.filter(ImageFilter.GaussianBlur(radius=1 + bg.blur * 8))
        rgb = np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), np.uint8)
    if bg.dim > 0:
        rgb = (rgb.astype(np.float32) * (1.0 - bg.dim) + 0.5).astype(np.uint8)
    return PictureBackdrop(np.ascontiguousarray(rgb))


def _cover(rgb: RGB, width: int, height: int) -> RGB:
    h, w = rgb.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, int(round(w * scale))), max(height, int(round(h * scale)))
    resized = np.asarray(Image.fromarray(rgb).resize((nw, nh), Image.Resampling.LANCZOS))
    x, y = (nw - width) // 2, (nh - height) // 2
    return np.ascontiguousarray(resized[y : y + height, x : x + width])
