"""Blending RGBA sprites onto yuv420p frames in place.

Frames never leave yuv420p between the decoder and the encoder: converting a 1080x1920 frame
to RGB and back costs more than everything else we do to it. A sprite is converted to YUV
once (cached by its key) and blended only over its own rectangle, with integer arithmetic.

The arithmetic is exactly that of ffmpeg's ``overlay`` filter (``format=yuv420``, straight
alpha) given a yuva420p overlay: luma ``(d*(255-a) + s*a)/255`` rounded, chroma the same with
the floor average of the 2x2 luma alphas. Export lets the encoding ffmpeg blend layers that
way (:mod:`creator_kit.render.direct`) while the preview blends here, and both give the same
pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from creator_kit.core.frames import Sprite
from creator_kit.render.yuv import rgb_to_yuv, yuv420_to_rgb

U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]


class Frame:
    """One yuv420p frame in a single contiguous buffer (the layout ffmpeg's rawvideo uses)."""

    def __init__(self, width: int, height: int, buf: U8 | None = None) -> None:
        if width % 2 or height % 2:
            raise ValueError("frame dimensions must be even for 4:2:0")
        self.width, self.height = width, height
        size = width * height * 3 // 2
        self.buf: U8 = np.empty(size, np.uint8) if buf is None else buf
        wh, cw, ch = width * height, width // 2, height // 2
        self.y: U8 = self.buf[:wh].reshape(height, width)
        self.u: U8 = self.buf[wh : wh + cw * ch].reshape(ch, cw)
        self.v: U8 = self.buf[wh + cw * ch :].reshape(ch, cw)

    def copy(self) -> Frame:
        """An independent copy of this frame."""
        return Frame(self.width, self.height, self.buf.copy())

    def fill_rgb(self, rgb: tuple[int, int, int]) -> None:
        """Paint the whole frame one colour."""
        y, u, v = rgb_to_yuv(np.array([[rgb]], np.uint8))
        self.y[:] = np.uint8(round(float(y[0, 0])))
        self.u[:] = np.uint8(round(float(u[0, 0])))
        self.v[:] = np.uint8(round(float(v[0, 0])))

    def to_rgb(self) -> U8:
        """The frame as (h, w, 3) RGB (BT.709)."""
        return yuv420_to_rgb(self.y, self.u, self.v)

    @classmethod
    def from_rgb(cls, rgb: U8) -> Frame:
        """A frame from an (h, w, 3) RGB image with even dimensions."""
        h, w = rgb.shape[:2]
        frame = cls(w, h)
        # Convert in bands of rows: a whole 1080x1920 frame in float32 would briefly cost
        # about 100 MB, which a closing card does not deserve.
        band = 128
        for r0 in range(0, h, band):
            r1 = min(h, r0 + band)
            y, u, v = rgb_to_yuv(rgb[r0:r1])
            frame.y[r0:r1] = np.clip(y + 0.5, 0, 255).astype(np.uint8)
            frame.u[r0 // 2 : r1 // 2] = np.clip(_pool2(u) + 0.5, 0, 255).astype(np.uint8)
            frame.v[r0 // 2 : r1 // 2] = np.clip(_pool2(v) + 0.5, 0, 255).astype(np.uint8)
        return frame

    @classmethod
    def vertical_gradient(
        cls, width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
    ) -> Frame:
        """A frame shading from ``top`` to ``bottom`` (computed per row, not per pixel)."""
        ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
        rows = np.array(top, np.float32) * (1 - ramp) + np.array(bottom, np.float32) * ramp
        column = np.clip(rows + 0.5, 0, 255).astype(np.uint8)[:, None, :].repeat(2, axis=1)
        small = cls.from_rgb(column)  # height x 2
        frame = cls(width, height)
        frame.y[:] = small.y[:, :1]
        frame.u[:] = small.u[:, :1]
        frame.v[:] = small.v[:, :1]
        return frame


@dataclass(frozen=True)
class _YuvSprite:
    """A sprite pre-converted for blending; ``x``/``y`` even, planes padded to match."""

    y: U16
    u: U16
    v: U16
    a: U16  # alpha at full resolution, 0..255
    a2: U16  # alpha averaged over 2x2 blocks (floor, as ffmpeg's overlay does), 0..255
    dx: int  # 0 or 1: the left/top padding added to reach an even position
    dy: int


def _pool2(p: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    # Four strided adds: several times faster than reshape(...).mean(axis=(1, 3)), which
    # matters for a face mask converted anew every frame.
    out: npt.NDArray[np.float32] = p[0::2, 0::2] + p[1::2, 0::2]
    out += p[0::2, 1::2]
    out += p[1::2, 1::2]
    out *= 0.25
    return out


def _nbytes(s: _YuvSprite) -> int:
    return s.y.nbytes + s.u.nbytes + s.v.nbytes + s.a.nbytes + s.a2.nbytes


# Rows converted at a time: the float temporaries of a whole 844x1300 tip card come to about
# 45 MB, which a render's peak would otherwise include; a band of 64 rows needs 2 MB.
_BAND = 64


def _convert(rgba: U8, dx: int, dy: int) -> _YuvSprite:
    h, w = rgba.shape[:2]
    # Pad so the sprite starts on an even pixel and has even size: chroma is per 2x2 block.
    ph, pw = h + dy + ((h + dy) & 1), w + dx + ((w + dx) & 1)
    padded = np.zeros((ph, pw, 4), np.uint8)
    padded[dy : dy + h, dx : dx + w] = rgba
    y16 = np.empty((ph, pw), np.uint16)
    u16 = np.empty((ph // 2, pw // 2), np.uint16)
    v16 = np.empty((ph // 2, pw // 2), np.uint16)
    a16 = padded[..., 3].astype(np.uint16)
    # Every step works on whole 2x2 blocks, so even bands give the same values as one pass.
    for top in range(0, ph, _BAND):
        band = padded[top : top + _BAND]
        y, u, v = rgb_to_yuv(band[..., :3])
        a = band[..., 3].astype(np.float32)
        # Chroma is averaged weighted by alpha so transparent pixels do not tint the edges.
        wsum = _pool2(a)
        safe = np.where(wsum > 0, wsum, 1.0)
        u2 = np.where(wsum > 0, _pool2(u * a) / safe, 128.0)
        v2 = np.where(wsum > 0, _pool2(v * a) / safe, 128.0)
        y16[top : top + _BAND] = _round(y)
        u16[top // 2 : (top + _BAND) // 2] = _round(u2)
        v16[top // 2 : (top + _BAND) // 2] = _round(v2)
    return _YuvSprite(y16, u16, v16, a16, chroma_alpha(a16), dx, dy)


def _round(p: npt.NDArray[np.floating]) -> U16:
    out: U16 = np.clip(p + 0.5, 0, 255).astype(np.uint16)
    return out


def chroma_alpha(a: U16) -> U16:
    """Alpha for the 4:2:0 chroma planes: the floor average of each 2x2 block (ffmpeg's rule)."""
    out: U16 = a[0::2, 0::2] + a[1::2, 0::2]
    out += a[0::2, 1::2]
    out += a[1::2, 1::2]
    out >>= 2
    return out


def scaled_alpha(ys: _YuvSprite, opacity: float) -> tuple[U16, U16]:
    """The sprite's (luma, chroma) alphas at ``opacity``: alpha*opacity in 1/256 steps."""
    op = int(round(min(1.0, opacity) * 256))
    if op >= 256:
        return ys.a, ys.a2
    a: U16 = ((ys.a * op) >> 8).astype(np.uint16)
    return a, chroma_alpha(a)


class Compositor:
    """Blends sprites onto frames, caching each distinct sprite's YUV form."""

    def __init__(self, cache_bytes: int = 48 * 1024 * 1024) -> None:
        # Bounded by bytes, not entries: a face mask that changes size every frame makes many
        # large sprites, where captions make a few wide ones.
        self._cache: OrderedDict[tuple[Hashable, int, int], _YuvSprite] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._held = 0

    def prepared(self, sprite: Sprite) -> _YuvSprite:
        """The sprite converted for blending (cached by its key)."""
        dx, dy = sprite.x & 1, sprite.y & 1
        if sprite.key is None:
            return _convert(sprite.rgba, dx, dy)
        k = (sprite.key, dx, dy)
        hit = self._cache.get(k)
        if hit is None:
            hit = _convert(sprite.rgba, dx, dy)
            self._cache[k] = hit
            self._held += _nbytes(hit)
            while self._held > self._cache_bytes and len(self._cache) > 1:
                self._held -= _nbytes(self._cache.popitem(last=False)[1])
        else:
            self._cache.move_to_end(k)
        return hit

    def blend(self, frame: Frame, sprites: Iterable[Sprite]) -> None:
        """Blend ``sprites`` (back to front) onto ``frame`` in place."""
        for sprite in sprites:
            if sprite.opacity <= 0.0 or sprite.rgba.size == 0:
                continue
            ys = self.prepared(sprite)
            x0, y0 = sprite.x - ys.dx, sprite.y - ys.dy  # both even now
            a, a2 = scaled_alpha(ys, sprite.opacity)
            _blend_plane(frame.y, ys.y, a, x0, y0)
            _blend_plane(frame.u, ys.u, a2, x0 // 2, y0 // 2)
            _blend_plane(frame.v, ys.v, a2, x0 // 2, y0 // 2)


def _blend_plane(dst: U8, src: U16, alpha: U16, x: int, y: int) -> None:
    """dst = dst*(1-a) + src*a over the overlapping rectangle."""
    h, w = src.shape
    H, W = dst.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x0 >= x1 or y0 >= y1:
        return
    sx, sy = x0 - x, y0 - y
    s = src[sy : sy + (y1 - y0), sx : sx + (x1 - x0)]
    a = alpha[sy : sy + (y1 - y0), sx : sx + (x1 - x0)]
    d = dst[y0:y1, x0:x1]
    # (d*(255-a) + s*a + 127) // 255 in uint32 to stay exact without overflow.
    out = (d.astype(np.uint32) * (255 - a) + s.astype(np.uint32) * a + 127) // 255
    d[...] = out.astype(np.uint8)
