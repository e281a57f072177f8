"""Still images for layers: bitmaps through the safe loader, SVG drawn at the size shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from creator_kit.media.images import load_rgba


def is_svg(path: str | Path) -> bool:
    """True for an ``.svg`` file name."""
    return Path(path).suffix.lower() == ".svg"


def load_still(path: str | Path, width: int | None = None) -> npt.NDArray[np.uint8]:
    """RGBA pixels of ``path``; an SVG is rasterised ``width`` pixels wide (crisp)."""
    if is_svg(path):
        from creator_kit.text.svg import rasterise_svg

        return rasterise_svg(path, width)
    return load_rgba(path)


def still_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image as shown (upright; an SVG's own size)."""
    if is_svg(path):
        from creator_kit.text.svg import svg_size

        return svg_size(path)
    h, w = load_rgba(path).shape[:2]
    return w, h
