"""Loading stills (stickers, logos, backgrounds) safely: bombs refused, EXIF orientation applied."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from creator_kit.core.errors import InputError
from creator_kit.core.files import open_file

# Refuse outright above this many pixels (a header can claim 100000x100000 in a few bytes);
# between LARGE and MAX, decode at reduced size so memory stays bounded.
MAX_PIXELS = 50_000_000
LARGE_PIXELS = 12_000_000
MAX_SIDE = 4096


def load_rgba(path: str | Path, *, max_side: int = MAX_SIDE) -> npt.NDArray[np.uint8]:
    """Read an image as (h, w, 4) uint8 RGBA, upright, at most ``max_side`` on its long side.

    Raises :class:`InputError` naming the file for missing, unreadable or oversized images.
    """
    p = Path(path)
    try:
        with open_file(p, "image file") as fh, warnings.catch_warnings():
            # We apply our own, lower limit below; Pillow's bomb warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(fh) as im:
                w, h = im.size
                if w * h > MAX_PIXELS:
                    raise InputError(
                        f"image is too large ({w}x{h}, {w * h / 1e6:.0f} MP; limit "
                        f"{MAX_PIXELS / 1e6:.0f} MP)",
                        p,
                    )
                if max(w, h) > max_side and im.format == "JPEG":
                    im.draft("RGB", (max_side, max_side))  # decode JPEGs at reduced scale
                im.load()
                upright = ImageOps.exif_transpose(im)
                rgba = upright.convert("RGBA")
    except InputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise InputError("not a readable image", p) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read image ({exc})", p) from None
    if max(rgba.size) > max_side:
        rgba.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(rgba, dtype=np.uint8).copy()
