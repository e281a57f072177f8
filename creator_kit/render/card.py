"""The closing card: a background (colour, gradient, image or the clip's last frame) and layers."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from creator_kit.core.model import Background
from creator_kit.media.images import load_rgba
from creator_kit.render.colour import parse_colour
from creator_kit.render.compositor import Frame


def card_background(bg: Background, width: int, height: int, last: Frame | None) -> Frame:
    """The card's static background as a frame; ``last`` is the last clip frame (for last-frame)."""
    if bg.kind == "colour":
        frame = Frame(width, height)
        frame.fill_rgb(parse_colour(bg.colour))
        return frame
    if bg.kind == "gradient":
        return Frame.vertical_gradient(
            width, height, parse_colour(bg.colour), parse_colour(bg.colour2)
        )
    if bg.kind == "image":
        assert bg.image is not None
        rgb = _cover(load_rgba(bg.image)[..., :3], width, height)
    else:
        rgb = last.to_rgb() if last is not None else np.zeros((height, width, 3), np.uint8)
    if bg.blur > 0:
        # Blur at a quarter size: same look, a fraction of the cost.
        small = Image.fromarray(rgb).resize((width // 4, height // 4), Image.Resampling.BOX)
        small = small.filter(ImageFilter.GaussianBlur(radius=1 + bg.blur * 8))
        rgb = np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), np.uint8)
    if bg.dim > 0:
        rgb = (rgb.astype(np.float32) * (1.0 - bg.dim) + 0.5).astype(np.uint8)
    return Frame.from_rgb(np.ascontiguousarray(rgb))


def _cover(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, int(round(w * scale))), max(height, int(round(h * scale)))
    resized = np.asarray(Image.fromarray(rgb).resize((nw, nh), Image.Resampling.LANCZOS))
    x, y = (nw - width) // 2, (nh - height) // 2
    return np.ascontiguousarray(resized[y : y + height, x : x + width])
