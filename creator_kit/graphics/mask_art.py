"""Mask graphics drawn by creator_kit: surgical, cloth and N95, at any size.

Each mask is drawn from code (outline polygons, shading formulas and a few strokes), so it is
crisp at any face size and nothing is copied from anywhere. The drawing is done once per
style at a large "master" size with supersampling; per-frame sprites are scaled (also to the
face's own height/width ratio) and rotated from a prefiltered pyramid of the master in one
affine warp.

Layout of every mask image: the mask body fills the central ``1 / (1 + 2 * LOOP_MARGIN)`` of
the width and ``1 / (1 + 2 * V_MARGIN)`` of the height; the margins hold the ear loops.
The image centre is the body centre, which the overlay puts on the face.

Run ``python -m creator_kit.graphics masks [folder]`` to write preview PNGs (``assets/masks/``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from creator_kit.core.assets import asset_path
from creator_kit.core.face_settings import MASK_STYLES, MaskStyle

RGBA = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

LOOP_MARGIN = 0.16  # of the body width, on each side
V_MARGIN = 0.04  # of the body height, top and bottom
_SS = 3  # supersampling factor for anti-aliased outlines
_MASTER_ASPECT = 0.75  # body height / width the masters are drawn at; others are stretched


def mask_image(style: MaskStyle, width: int, height: int, angle: float = 0.0) -> RGBA:
    """The ``style`` mask as straight-alpha RGBA with a body ``width`` x ``height`` pixels.

    The image is larger than the body by the loop margins (see module docstring) and, when
    ``angle`` (degrees, clockwise on screen) is not zero, by the rotation's bounding box;
    either way the body centre is the image centre. One affine warp from a prefiltered
    pyramid level makes this cheap enough to call per frame (about a millisecond).
    """
    if style not in MASK_STYLES:
        raise ValueError(f"unknown mask style {style!r}")
    width, height = max(4, int(width)), max(4, int(height))
    out_w, out_h = _full(width, LOOP_MARGIN), _full(height, V_MARGIN)
    levels = _pyramid(style)
    # The smallest level still at least as large as the output: the warp then shrinks by
    # less than 2x, which bilinear sampling does without aliasing.
    level = levels[0]
    for candidate in levels:
        if candidate.shape[1] >= out_w and candidate.shape[0] >= out_h:
            level = candidate
    lh, lw = level.shape[:2]
    sx, sy = out_w / lw, out_h / lh
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)
    # Rotated bounding box of the scaled image, and the affine map level -> output.
    nw = max(1, int(math.ceil(abs(out_w * cos) + abs(out_h * sin))))
    nh = max(1, int(math.ceil(abs(out_w * sin) + abs(out_h * cos))))
    a, b = cos * sx, -sin * sy
    c, d = sin * sx, cos * sy
    m = np.array(
        [[a, b, nw / 2 - (a * lw / 2 + b * lh / 2)], [c, d, nh / 2 - (c * lw / 2 + d * lh / 2)]],
        dtype=np.float64,
    )
    out = cv2.warpAffine(
        level, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    return _unpremultiply(np.asarray(out, dtype=np.float32))


def _full(body: int, margin: float) -> int:
    return max(4, round(body * (1 + 2 * margin)))


def _premultiply(img: RGBA) -> F32:
    a = img[:, :, 3:4].astype(np.float32) / 255.0
    return np.concatenate([img[:, :, :3].astype(np.float32) * a, a * 255.0], axis=2)


def _unpremultiply(pre: F32) -> RGBA:
    """Straight-alpha RGBA from premultiplied ``pre``, which is consumed (used as scratch).

    Worked in place: on a 1080x1920 canvas a close face's mask is drawn anew most frames, and
    the temporaries of the plain expression (a dozen float planes) cost 80 MB of peak memory.
    """
    np.clip(pre, 0, 255, out=pre)  # clipping the colour before dividing changes nothing
    scale = pre[:, :, 3] / np.float32(255.0)
    np.maximum(scale, np.float32(1e-3), out=scale)
    rgb = pre[:, :, :3]
    np.divide(rgb, scale[:, :, None], out=rgb)
    np.clip(rgb, 0, 255, out=rgb)
    np.rint(pre, out=pre)
    return pre.astype(np.uint8)


def _resize_rgba(img: RGBA, w: int, h: int) -> RGBA:
    """Resize straight-alpha RGBA without dark fringes (premultiply, resample, unpremultiply)."""
    if img.shape[1] == w and img.shape[0] == h:
        return img
    out = cv2.resize(_premultiply(img), (w, h), interpolation=cv2.INTER_AREA)
    return _unpremultiply(np.asarray(out, dtype=np.float32))


@functools.lru_cache(maxsize=8)
def _pyramid(style: MaskStyle) -> tuple[F32, ...]:
    """The master (premultiplied float) and successive halvings down to about 24 px wide."""
    levels = [_premultiply(_master(style))]
    while levels[-1].shape[1] > 48:
        levels.append(np.asarray(cv2.pyrDown(levels[-1]), dtype=np.float32))
    for lv in levels:
        lv.setflags(write=False)
    return tuple(levels)


_MASTER_BODY_W = 600


def master_path(style: MaskStyle) -> Path:
    """Where the pre-drawn master bitmap of ``style`` ships."""
    return asset_path("masks", f"{style}-master.png")


@functools.lru_cache(maxsize=8)
def _master(style: MaskStyle) -> RGBA:
    """The style at master size: the shipped bitmap when present, else drawn now.

    Drawing takes about 2 s and 400 MB of float buffers (3x supersampled); the masters in
    ``assets/masks`` are that drawing saved once by ``python -m creator_kit.graphics masks``,
    so a render loads a few hundred kilobytes instead.
    """
    body_h = round(_MASTER_BODY_W * _MASTER_ASPECT)
    size = (_full(_MASTER_BODY_W, LOOP_MARGIN), _full(body_h, V_MARGIN))
    path = master_path(style)
    if path.is_file():
        with Image.open(path) as im:
            if im.size == size and im.mode == "RGBA":
                shipped = np.asarray(im, dtype=np.uint8).copy()
                shipped.setflags(write=False)
                return shipped
    return draw_master(style)


def draw_master(style: MaskStyle) -> RGBA:
    """Draw the style's master bitmap from code (h/w 0.75, supersampled)."""
    body_w = _MASTER_BODY_W
    body_h = round(body_w * _MASTER_ASPECT)
    draw = {"surgical": _surgical, "cloth": _cloth, "n95": _n95}[style]
    big = draw(body_w * _SS, body_h * _SS)
    small = _resize_rgba(big, _full(body_w, LOOP_MARGIN), _full(body_h, V_MARGIN))
    small.setflags(write=False)
    return small


# --------------------------------------------------------------------------- helpers


class _Canvas:
    """A supersampled drawing surface in body units: u in [-0.5, 0.5] across, v in [0, 1] down."""

    def __init__(self, bw: int, bh: int) -> None:
        self.bw, self.bh = bw, bh
        self.W = _full(bw, LOOP_MARGIN)
        self.H = _full(bh, V_MARGIN)
        self.ox = (self.W - bw) / 2
        self.oy = (self.H - bh) / 2
        ys, xs = np.mgrid[0 : self.H, 0 : self.W].astype(np.float32)
        self.u = (xs + 0.5 - self.ox) / bw - 0.5
        self.v = (ys + 0.5 - self.oy) / bh

    def px(self, u: float, v: float) -> tuple[float, float]:
        """Pixel position of body coordinates ``(u, v)``."""
        return self.ox + (u + 0.5) * self.bw, self.oy + v * self.bh

    def poly(self, pts: list[tuple[float, float]]) -> F32:
        """Coverage (0..1) of the polygon given in body units."""
        im = Image.new("L", (self.W, self.H), 0)
        ImageDraw.Draw(im).polygon([self.px(u, v) for u, v in pts], fill=255)
        return np.asarray(im, dtype=np.float32) / 255.0

    def stroke(
        self, pts: list[tuple[float, float]], width: float, closed: bool = False
    ) -> F32:
        """Coverage of a polyline ``width`` body-widths thick, with round joints."""
        im = Image.new("L", (self.W, self.H), 0)
        d = ImageDraw.Draw(im)
        p = [self.px(u, v) for u, v in pts]
        if closed:
            p.append(p[0])
        w = max(1, round(width * self.bw))
        d.line(p, fill=255, width=w, joint="curve")
        r = w / 2
        for x, y in (p[0], p[-1]):
            d.ellipse([x - r, y - r, x + r, y + r], fill=255)
        return np.asarray(im, dtype=np.float32) / 255.0


def _gauss(x: F32, sigma: float) -> F32:
    return np.asarray(np.exp(-0.5 * (x / sigma) ** 2), dtype=np.float32)


def _compose(layers: list[tuple[F32, tuple[float, float, float] | F32]], H: int, W: int) -> RGBA:
    """Stack (coverage, colour) layers back to front into straight-alpha RGBA."""
    rgb = np.zeros((H, W, 3), np.float32)
    alpha = np.zeros((H, W), np.float32)
    for cov, colour in layers:
        c = np.asarray(colour, np.float32)
        if c.ndim == 1:
            c = np.broadcast_to(c, (H, W, 3))
        a = cov[:, :, None]
        # "over" in premultiplied form, un-premultiplied at the end.
        rgb = c * a + rgb * (1 - a)
        alpha = cov + alpha * (1 - cov)
    return np.dstack([np.clip(rgb, 0, 255), np.clip(alpha * 255, 0, 255)]).astype(np.uint8)


def _curve(
    fn: Callable[[float], float], u0: float, u1: float, n: int = 48
) -> list[tuple[float, float]]:
    return [(float(u), float(fn(float(u)))) for u in np.linspace(u0, u1, n)]


def _ear_loop(
    c: _Canvas, side: int, v0: float, v1: float, bulge: float
) -> list[tuple[float, float]]:
    """A loop leaving the body edge at v0, curving out to the ear and back in at v1."""
    pts = []
    for s in np.linspace(0, 1, 40):
        ang = math.pi * s
        u = side * (0.5 - 0.01 + bulge * math.sin(ang))
        v = v0 + (v1 - v0) * (1 - math.cos(ang)) / 2
        pts.append((u, v))
    return pts


# --------------------------------------------------------------------------- styles


def _surgical(bw: int, bh: int) -> RGBA:
    """A pleated, light blue surgical mask with bound edges and white ear loops."""
    c = _Canvas(bw, bh)
    u, v = c.u, c.v

    def top(x: float) -> float:
        return 0.04 + 0.05 * (2 * x) ** 2

    def bottom(x: float) -> float:
        return 0.97 - 0.13 * (2 * x) ** 2

    outline = _curve(top, -0.5, 0.5) + _curve(bottom, 0.5, -0.5)
    body = c.poly(outline)
    top_v = 0.04 + 0.05 * (2 * u) ** 2
    bot_v = 0.97 - 0.13 * (2 * u) ** 2
    rel = (v - top_v) / np.maximum(bot_v - top_v, 1e-3)  # 0 at top edge, 1 at bottom edge
    base = np.array([150, 200, 232], np.float32)
    # Curved-surface shading: darker towards the cheeks, a soft highlight above the nose.
    shade = 0.72 + 0.28 * np.cos(np.clip(u, -0.5, 0.5) * math.pi * 0.95) ** 0.6
    shade += 0.06 * _gauss(u, 0.18) * _gauss(rel - 0.25, 0.2)
    # Three pleats bowing down in the middle: a light fold above a dark crease.
    for p in (0.3, 0.5, 0.7):
        d = rel - (p + 0.05 * (1 - (2 * u) ** 2))
        shade += 0.10 * _gauss(d + 0.035, 0.02) - 0.22 * _gauss(d, 0.008)
        shade -= 0.07 * _gauss(d - 0.02, 0.025)
    colour = base[None, None, :] * shade[:, :, None]
    # Bound edges: paler strips along the top and bottom, a stitched band at each side.
    edge = np.clip(_gauss(rel, 0.035) + _gauss(rel - 1.0, 0.035), 0, 1)
    paper = np.array([236, 244, 250], np.float32)
    colour = colour * (1 - 0.55 * edge[:, :, None]) + paper * 0.55 * edge[:, :, None]
    side = np.clip((np.abs(u) - 0.455) / 0.01, 0, 1)
    colour *= (1 - 0.10 * side)[:, :, None]
    stitch = (np.abs(np.abs(u) - 0.47) < 0.0035) & (np.mod(v * 40, 1.0) < 0.55)
    colour[stitch] *= 0.8
    # The nose wire shows as a slight ridge under the top binding.
    wire = _gauss(rel - 0.06, 0.012) * (np.abs(u) < 0.16)
    colour *= (1 - 0.12 * wire)[:, :, None]
    loops = np.zeros_like(body)
    for s in (-1, 1):
        loops = np.maximum(loops, c.stroke(_ear_loop(c, s, 0.1, 0.84, LOOP_MARGIN * 0.8), 0.012))
    loop_col = np.array([246, 248, 250], np.float32)
    shadow = _soft(body, c, 0.012)
    return _compose(
        [(loops, loop_col), (shadow * 0.35, (20, 30, 40)), (body, colour)], c.H, c.W
    )


def _soft(cov: F32, c: _Canvas, radius: float) -> F32:
    """A blurred copy of ``cov`` shifted down: a soft contact shadow around the mask."""
    im = Image.fromarray((cov * 255).astype(np.uint8))
    im = im.filter(ImageFilter.GaussianBlur(max(1.0, radius * c.bw)))
    shift = max(1, round(radius * c.bw * 0.6))
    arr = np.asarray(im, dtype=np.float32) / 255.0
    out = np.zeros_like(arr)
    out[shift:] = arr[:-shift]
    return out


def _cloth(bw: int, bh: int) -> RGBA:
    """A contoured fabric mask with a centre seam, a woven texture and a dotted print."""
    c = _Canvas(bw, bh)
    u, v = c.u, c.v

    def top(x: float) -> float:
        # Rises to a rounded peak over the nose.
        return 0.13 - 0.11 * math.exp(-((x / 0.2) ** 2)) + 0.05 * (2 * x) ** 2

    def bottom(x: float) -> float:
        # Drops to a rounded point under the chin.
        return 0.8 + 0.19 * math.exp(-((x / 0.26) ** 2)) - 0.06 * (2 * x) ** 2

    def side(v_: float, s: int) -> float:
        return s * (0.5 - 0.04 * (2 * v_ - 1) ** 2)

    outline = (
        _curve(top, -0.46, 0.46)
        + [(side(t, 1), t) for t in np.linspace(0.2, 0.8, 12)]
        + _curve(bottom, 0.46, -0.46)
        + [(side(t, -1), t) for t in np.linspace(0.8, 0.2, 12)]
    )
    body = c.poly(outline)
    base = np.array([34, 78, 120], np.float32)  # deep denim blue
    shade = 0.62 + 0.38 * np.cos(np.clip(u, -0.5, 0.5) * math.pi * 0.95) ** 0.7
    # Light falls from above: the upper half facing it is brighter than the under-chin part.
    shade *= 1.05 - 0.18 * np.clip(v - 0.55, 0, 1)
    # The centre seam: a crease with a highlight on one side.
    seam_u = 0.0
    shade += 0.12 * _gauss(u - seam_u - 0.012, 0.008) - 0.3 * _gauss(u - seam_u, 0.004)
    # Woven texture: fine crossing threads, deterministic so every render looks the same.
    weave = np.sin(u * bw / 3.1) * np.sin(v * bh / 3.1)
    shade *= 1 + 0.035 * weave
    colour = base[None, None, :] * shade[:, :, None]
    # A small dotted print, as on many home-made masks.
    gu = np.mod(u * 14 + 0.5 * (np.floor(v * 11) % 2), 1.0) - 0.5
    gv = np.mod(v * 11, 1.0) - 0.5
    dots = np.clip((0.16 - np.hypot(gu, gv * 1.27)) / 0.03, 0, 1)
    ink = np.array([225, 232, 240], np.float32)
    colour = colour * (1 - 0.55 * dots[:, :, None]) + ink * (0.55 * dots * shade)[:, :, None]
    # Hemmed edge: a darker line just inside the outline.
    inner = c.poly([(x * 0.96, 0.02 + (y - 0.02) * 0.965) for x, y in outline])
    hem = np.clip(body - inner, 0, 1)
    colour *= (1 - 0.25 * hem)[:, :, None]
    loops = np.zeros_like(body)
    for s in (-1, 1):
        loops = np.maximum(loops, c.stroke(_ear_loop(c, s, 0.2, 0.78, LOOP_MARGIN * 0.85), 0.02))
    loop_col = base * 0.7
    shadow = _soft(body, c, 0.014)
    return _compose([(loops, loop_col), (shadow * 0.4, (10, 10, 20)), (body, colour)], c.H, c.W)


def _n95(bw: int, bh: int) -> RGBA:
    """A white moulded N95 respirator: a domed cup, a nose clip, head straps and a valve."""
    c = _Canvas(bw, bh)
    u, v = c.u, c.v
    # The cup: a rounded shape, a little narrower at the top (nose) than at the chin.
    cu, cv_ = 0.0, 0.5
    half_w = 0.46 + 0.04 * np.clip((v - 0.2) / 0.6, 0, 1)
    r = np.hypot(u / half_w, (v - cv_) / 0.48)
    outline = []
    for a in np.linspace(0, 2 * math.pi, 120, endpoint=False):
        y = cv_ + 0.48 * math.sin(a)
        hw = 0.46 + 0.04 * min(max((y - 0.2) / 0.6, 0.0), 1.0)
        squish = 1.0 if math.sin(a) > 0 else 0.92  # a flatter top along the nose bridge
        outline.append((cu + hw * math.cos(a), cv_ + 0.48 * math.sin(a) * squish))
    body = c.poly(outline)
    base = np.array([238, 236, 230], np.float32)
    # Dome shading: lit from the upper left, falling off towards the rim.
    nz = np.sqrt(np.clip(1 - np.minimum(r, 1) ** 2, 0, 1))
    shade = 0.62 + 0.34 * nz + 0.06 * (-u * 0.6 - (v - 0.5) * 0.8)
    # The moulded seam across the middle and the fibre texture of the shell.
    seam = v - (0.47 + 0.05 * (1 - (u / 0.5) ** 2))
    shade += 0.05 * _gauss(seam + 0.02, 0.015) - 0.12 * _gauss(seam, 0.006)
    rng = np.random.default_rng(95)
    grain = rng.normal(0.0, 1.0, (c.H // 6 + 1, c.W // 6 + 1)).astype(np.float32)
    grain_img = Image.fromarray(grain).resize((c.W, c.H), Image.Resampling.BILINEAR)
    shade *= 1 + 0.02 * np.asarray(grain_img, dtype=np.float32)
    rim = np.clip((r - 0.93) / 0.05, 0, 1)
    shade *= 1 - 0.14 * rim
    colour = base[None, None, :] * np.clip(shade, 0, 1.1)[:, :, None]
    # Nose clip: a grey metal strip following the top of the cup.
    clip_pts = [(x, 0.1 + 0.1 * (x / 0.2) ** 2) for x in np.linspace(-0.2, 0.2, 20)]
    nose = c.stroke(clip_pts, 0.035)
    # Exhalation valve: a round grey disc with slots, low on one side.
    vx, vy, vr = 0.19, 0.63, 0.085
    dist = np.hypot(u - vx, (v - vy) * bh / bw)
    valve = np.clip((vr - dist) * bw / 2.0, 0, 1).astype(np.float32)
    valve_col = np.full((c.H, c.W, 3), 150.0, np.float32)
    valve_col *= (0.85 + 0.25 * np.clip(1 - dist / vr, 0, 1))[:, :, None]
    slots = (np.mod((u - vx) * 90, 1.0) < 0.4) & (dist < vr * 0.7)
    valve_col[slots] *= 0.6
    straps = np.zeros_like(body)
    for s in (-1, 1):
        upper = [(s * 0.4, 0.2), (s * 0.55, 0.14), (s * 0.68, 0.1)]
        lower = [(s * 0.42, 0.8), (s * 0.56, 0.86), (s * 0.68, 0.92)]
        straps = np.maximum(straps, np.maximum(c.stroke(upper, 0.03), c.stroke(lower, 0.03)))
    # The straps run round the head: let them fade out as they leave the face.
    straps *= np.clip(1 - (np.abs(u) - 0.5) / LOOP_MARGIN, 0, 1)
    # A soft foam seal just inside the rim.
    seal = np.clip(1 - np.abs(r - 0.95) / 0.03, 0, 1) * body
    strap_col = (90, 130, 190)
    shadow = _soft(body, c, 0.02)
    return _compose(
        [
            (straps, strap_col),
            (shadow * 0.45, (10, 10, 10)),
            (body, colour),
            (seal * 0.35, (200, 196, 188)),
            (nose * body, (168, 172, 178)),
            (valve, valve_col),
        ],
        c.H,
        c.W,
    )


def write_previews(folder: Path, body_width: int = 360, aspect: float = 0.8) -> list[Path]:
    """Write each style's master bitmap and a preview PNG into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for style in MASK_STYLES:
        master = folder / f"{style}-master.png"
        Image.fromarray(draw_master(style), "RGBA").save(master, optimize=True)
        out.append(master)
        path = folder / f"{style}.png"
        Image.fromarray(mask_image(style, body_width, round(body_width * aspect)), "RGBA").save(
            path, optimize=True
        )
        out.append(path)
    return out
