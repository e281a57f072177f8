"""The closing card: a background (colour, gradient, image or the clip's last frame) and layers."""

from __future__ import annotations

import cv2
import numpy as np

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
        top = np.array(parse_colour(bg.colour), np.float32)
        bottom = np.array(parse_colour(bg.colour2), np.float32)
        ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
        rgb = (top * (1 - ramp) + bottom * ramp).repeat(width, axis=1)
        return Frame.from_rgb(np.clip(rgb + 0.5, 0, 255).astype(np.uint8))
    if bg.kind == "image":
        assert bg.image is not None
        rgb = _cover(load_rgba(bg.image)[..., :3], width, height)
    else:
        rgb = last.to_rgb() if last is not None else np.zeros((height, width, 3), np.uint8)
    if bg.blur > 0:
        # Blur at a quarter size: same look, a fraction of the cost.
        small = cv2.resize(rgb, (width // 4, height // 4), interpolation=cv2.INTER_AREA)
        k = int(1 + bg.blur * 24) | 1
        small = cv2.GaussianBlur(small, (k, k), 0)
        rgb = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    if bg.dim > 0:
        rgb = (rgb.astype(np.float32) * (1.0 - bg.dim) + 0.5).astype(np.uint8)
    return Frame.from_rgb(np.ascontiguousarray(rgb))


def _cover(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, int(round(w * scale))), max(height, int(round(h * scale)))
    resized = cv2.resize(
        rgb, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    )
    x, y = (nw - width) // 2, (nh - height) // 2
    return resized[y : y + height, x : x + width]
