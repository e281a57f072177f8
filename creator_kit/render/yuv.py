"""BT.709 limited-range conversions between RGB and planar YUV 4:2:0 (what we encode)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]

# BT.709 luma coefficients; limited ("tv") range: Y in 16..235, Cb/Cr in 16..240.
KR, KB = 0.2126, 0.0722
KG = 1.0 - KR - KB


def rgb_to_yuv(rgb: npt.NDArray[np.uint8]) -> tuple[F32, F32, F32]:
    """Full-resolution Y, Cb, Cr planes (float32, limited range) for an (h, w, 3) RGB image."""
    f = rgb.astype(np.float32) * (1.0 / 255.0)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = KR * r + KG * g + KB * b
    cb = (b - y) / (2.0 * (1.0 - KB))
    cr = (r - y) / (2.0 * (1.0 - KR))
    return 16.0 + 219.0 * y, 128.0 + 224.0 * cb, 128.0 + 224.0 * cr


def yuv420_to_rgb(y: U8, u: U8, v: U8) -> U8:
    """An (h, w, 3) RGB image from limited-range BT.709 4:2:0 planes.

    Chroma is upsampled by repetition (nearest neighbour).
    """
    h, w = y.shape
    yf = (y.astype(np.float32) - 16.0) * (1.0 / 219.0)
    uf = np.repeat(np.repeat(u, 2, axis=0), 2, axis=1)[:h, :w].astype(np.float32)
    vf = np.repeat(np.repeat(v, 2, axis=0), 2, axis=1)[:h, :w].astype(np.float32)
    cb = (uf - 128.0) * (1.0 / 224.0)
    cr = (vf - 128.0) * (1.0 / 224.0)
    r = yf + 2.0 * (1.0 - KR) * cr
    b = yf + 2.0 * (1.0 - KB) * cb
    g = (yf - KR * r - KB * b) / KG
    out = np.stack([r, g, b], axis=-1) * 255.0
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
