"""A drawn, shaded face that the detector accepts, with its true landmarks.

Self-tests, benchmarks and demos need footage where the face position is known exactly and
that contains no one's likeness. This draws a simple head (shaded skin ellipse, eye sockets,
eyes, brows, nose shadow, lips, hair, neck and shoulders) with numpy; CenterFace finds it at
sizes from about 24 to several hundred pixels tall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

RGBA = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]

SKIN_TONES = ((225, 175, 145), (176, 122, 90), (120, 80, 58))


@dataclass(frozen=True, eq=False)
class SyntheticFace:
    """A face image (straight-alpha RGBA) with its true landmarks and face box, in its pixels.

    ``landmarks`` are (5, 2): left eye, right eye, nose tip, left and right mouth corner;
    ``box`` spans brows-to-chin vertically and cheek-to-cheek horizontally.
    """

    rgba: RGBA
    landmarks: F64
    box: tuple[float, float, float, float]

    def moved(self, dx: float, dy: float) -> tuple[F64, tuple[float, float, float, float]]:
        """Landmarks and box after pasting the image with its top-left at ``(dx, dy)``."""
        x1, y1, x2, y2 = self.box
        return self.landmarks + np.array([dx, dy]), (x1 + dx, y1 + dy, x2 + dx, y2 + dy)


def _g(x: F64, y: F64, cx: float, cy: float, sx: float, sy: float) -> F64:
    return np.asarray(np.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2) / 2), dtype=np.float64)


def draw_face(
    height: int, *, skin: tuple[int, int, int] = SKIN_TONES[0], roll: float = 0.0
) -> SyntheticFace:
    """A head ``height`` pixels tall (top of hair to chin), rolled ``roll`` degrees clockwise."""
    ss = 3 if height < 120 else 2  # supersample, then shrink: smooth edges at small sizes
    h = height * ss
    w = int(round(h * 0.8))
    hh = int(round(h * 1.25))
    ys, xs = np.mgrid[0:hh, 0:w].astype(np.float64)
    cx = w / 2
    u = (xs - cx) / (w * 0.39)
    v = (ys - h * 0.55) / (h * 0.45)
    r2 = u**2 + v**2
    face = r2 < 1
    nz = np.sqrt(np.clip(1 - r2, 0, 1))
    light = 0.45 + 0.55 * (nz * 0.8 + 0.2 * (-u * 0.3 - v * 0.2 + 0.5))
    tone = np.asarray(skin, np.float64)
    img = np.zeros((hh, w, 3), np.float64)
    alpha = np.zeros((hh, w), np.float64)
    neck = (np.abs(xs - cx) < w * 0.18) & (ys > h * 0.8) & (ys < h * 1.05)
    img[neck] = tone * 0.7
    alpha[neck] = 1
    shirt = ((xs - cx) / (w * 0.55)) ** 2 + ((ys - h * 1.35) / (h * 0.4)) ** 2 < 1
    img[shirt] = (50, 60, 100)
    alpha[shirt] = 1
    eye_y, eye_dx = h * 0.47, w * 0.2
    # Shading that makes it read as a face: sockets, nose side, under the nose and lip.
    shade = np.ones_like(xs)
    for s in (-1, 1):
        shade -= 0.35 * _g(xs, ys, cx + s * eye_dx, eye_y, w * 0.09, h * 0.05)
    shade -= 0.25 * _g(xs, ys, cx + w * 0.05, h * 0.6, w * 0.04, h * 0.07)
    shade -= 0.35 * _g(xs, ys, cx, h * 0.665, w * 0.07, h * 0.018)
    shade -= 0.2 * _g(xs, ys, cx, h * 0.8, w * 0.1, h * 0.02)
    col = tone[None, None, :] * (light * np.clip(shade, 0, 1))[:, :, None]
    img[face] = col[face]
    alpha[face] = 1
    for s in (-1, 1):
        ex = cx + s * eye_dx
        eye = ((xs - ex) / (w * 0.075)) ** 2 + ((ys - eye_y) / (h * 0.022)) ** 2 < 1
        img[eye] = (235, 235, 230)
        iris = ((xs - ex) / (w * 0.032)) ** 2 + ((ys - eye_y) / (h * 0.026)) ** 2 < 1
        img[eye & iris] = (60, 40, 30)
        brow = (np.abs(xs - ex) < w * 0.1) & (np.abs(ys - (eye_y - h * 0.065)) < h * 0.012)
        img[brow] = (60, 40, 30)
    mouth_y = h * 0.735
    lips = ((xs - cx) / (w * 0.13)) ** 2 + ((ys - mouth_y) / (h * 0.03)) ** 2 < 1
    img[lips] = (170, 80, 80)
    img[lips & (np.abs(ys - mouth_y) < h * 0.004)] = (90, 30, 30)
    hu, hv = (xs - cx) / (w * 0.45), (ys - h * 0.42) / (h * 0.42)
    hair = (hu**2 + hv**2 < 1) & (ys < h * 0.32 + 0.08 * h * np.abs(hu))
    img[hair] = (45, 32, 25)
    alpha[hair] = 1
    rgba = np.dstack([img, alpha * 255]).clip(0, 255).astype(np.uint8)
    lms = np.array(
        [
            [cx - eye_dx, eye_y],
            [cx + eye_dx, eye_y],
            [cx, h * 0.645],
            [cx - w * 0.13, mouth_y],
            [cx + w * 0.13, mouth_y],
        ]
    )
    box = (cx - w * 0.39, h * 0.3, cx + w * 0.39, h * 1.0)
    # Shrink to the asked size (premultiplied, so the edges do not darken).
    out_w, out_h = int(round(w / ss)), int(round(hh / ss))
    rgba = _resize(rgba, out_w, out_h)
    lms = lms * np.array([out_w / w, out_h / hh])
    box = (box[0] * out_w / w, box[1] * out_h / hh, box[2] * out_w / w, box[3] * out_h / hh)
    if roll:
        return _rotated(SyntheticFace(rgba, lms, box), roll)
    return SyntheticFace(rgba, lms, box)


def _resize(rgba: RGBA, w: int, h: int) -> RGBA:
    a = rgba[:, :, 3:4].astype(np.float32) / 255.0
    pre = np.concatenate([rgba[:, :, :3].astype(np.float32) * a, a * 255.0], axis=2)
    out = cv2.resize(pre, (w, h), interpolation=cv2.INTER_AREA)
    al = np.clip(out[:, :, 3], 0, 255)
    rgb = out[:, :, :3] / np.maximum(al[:, :, None] / 255.0, 1e-3)
    return np.dstack([np.clip(rgb, 0, 255), al]).round().astype(np.uint8)


def _rotated(face: SyntheticFace, degrees: float) -> SyntheticFace:
    """The face turned ``degrees`` clockwise on screen about its centre, canvas grown to fit."""
    h, w = face.rgba.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(math.ceil(h * sin + w * cos)), int(math.ceil(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    a = face.rgba[:, :, 3:4].astype(np.float32) / 255.0
    pre = np.concatenate([face.rgba[:, :, :3].astype(np.float32) * a, a * 255.0], axis=2)
    out = cv2.warpAffine(pre, m, (nw, nh), flags=cv2.INTER_LINEAR)
    al = np.clip(out[:, :, 3], 0, 255)
    rgb = out[:, :, :3] / np.maximum(al[:, :, None] / 255.0, 1e-3)
    rgba = np.dstack([np.clip(rgb, 0, 255), al]).round().astype(np.uint8)
    lms = np.c_[face.landmarks, np.ones(5)] @ m.T
    x1, y1, x2, y2 = face.box
    corners = np.array([[x1, y1, 1], [x2, y1, 1], [x1, y2, 1], [x2, y2, 1]]) @ m.T
    box = (
        float(corners[:, 0].min()),
        float(corners[:, 1].min()),
        float(corners[:, 0].max()),
        float(corners[:, 1].max()),
    )
    return SyntheticFace(rgba, lms, box)


def paste(frame: npt.NDArray[np.uint8], face: SyntheticFace, x: float, y: float) -> None:
    """Alpha-blend ``face`` onto ``frame`` (H, W, 3, modified in place) with top-left at (x, y).

    Parts outside the frame are clipped, so a face can enter or leave the picture.
    """
    fx, fy = int(round(x)), int(round(y))
    fh, fw = face.rgba.shape[:2]
    H, W = frame.shape[:2]
    x0, y0 = max(0, fx), max(0, fy)
    x1, y1 = min(W, fx + fw), min(H, fy + fh)
    if x0 >= x1 or y0 >= y1:
        return
    src = face.rgba[y0 - fy : y1 - fy, x0 - fx : x1 - fx].astype(np.float32)
    a = src[:, :, 3:4] / 255.0
    dst = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (src[:, :, :3] * a + dst * (1 - a)).round().astype(np.uint8)


def backdrop(width: int, height: int, t: float = 0.0) -> npt.NDArray[np.uint8]:
    """A soft, slowly shifting background (gradient plus shapes) without anything face-like."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 110 + 40 * np.sin(xs / width * 3.1 + t * 0.7)
    g = 130 + 30 * np.cos(ys / height * 2.3 - t * 0.4)
    b = 120 + 35 * np.sin((xs + ys) / (width + height) * 4.0)
    return np.dstack([r, g, b]).clip(0, 255).astype(np.uint8)
