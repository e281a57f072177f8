"""The face-tracked mask overlay: a :class:`~creator_kit.core.frames.FrameSource` for render.

For each tracked face at a moment, :func:`mask_pose` places the mask from the landmarks: its
top on the bridge of the nose, its bottom under the chin, across the face box (pulled a little
towards nose and mouth, so it follows a turned head), and rolled with the line through the eyes.
The render engine supplies ``src_to_canvas`` for its reframe mode (helpers below build it
for plain scaling and for a :class:`~creator_kit.vision.face_follow.ReframePath`), and
``time_map`` from timeline time to source time.

Per frame the cost is a few dozen arithmetic operations per face: the scaled and rotated
mask bitmap is cached by quantised size and angle, and the sprite ``key`` lets the
compositor reuse its own conversions.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from creator_kit.core.face_settings import FaceMaskSettings
from creator_kit.core.frames import RGBA, Sprite
from creator_kit.graphics.mask_art import mask_image
from creator_kit.vision.analysis import Face, FaceAnalysis
from creator_kit.vision.face_follow import ReframePath

F64 = npt.NDArray[np.float64]

# points (N, 2) in displayed source pixels, source time -> points (N, 2) in canvas pixels
SourceToCanvas = Callable[[F64, float], F64]
TimeMap = Callable[[float], "float | None"]

# Face proportions measured on real faces (CenterFace landmarks), in units of the
# eye-to-mouth distance d: a face is about 2.1 d wide, the chin about 1.75 d below the eyes.
_FACE_WIDTH_D = 2.1
_TOP_D = 0.3  # bridge of the nose
_BOTTOM_D = 1.85  # just under the chin
_MAX_ROLL = math.radians(70)


@dataclass(frozen=True)
class MaskPose:
    """Where a mask body sits: centre, size (along the face's axes) and roll, in pixels."""

    cx: float
    cy: float
    width: float
    height: float
    roll: float  # radians; positive turns the mask clockwise on screen (y points down)


def mask_pose(face: Face, scale: float = 1.0, offset_y: float = 0.0) -> MaskPose:
    """The mask body's place on ``face`` (see module docstring), in the face's pixel space."""
    lm = np.asarray(face.landmarks, dtype=np.float64)
    x1, y1, x2, y2 = face.box
    bw, bh = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
    le, re, nose, ml, mr = lm
    roll = _roll(le, re, (ml + mr) / 2, bw)
    ux, uy = math.cos(roll), math.sin(roll)  # across the face
    vx, vy = -uy, ux  # down the face
    e = (le + re) / 2
    m = (ml + mr) / 2
    d = (m[0] - e[0]) * vx + (m[1] - e[1]) * vy
    if not bh * 0.2 <= d <= bh * 0.6:
        # Landmarks that do not look like a face (side view, blur): fall back on the box.
        d = bh / 2.7
        e = np.array([(x1 + x2) / 2, y1 + 0.35 * bh])
        nose = m = np.array([(x1 + x2) / 2, y1 + 0.6 * bh])
    # Width: the box says how turned the head is; a rolled head's box is too wide, so lean on
    # the landmark-based width as the roll grows.
    k = min(1.0, abs(math.sin(roll)) * 3)
    width = (1 - k) * min(bw, 2.5 * d) + k * _FACE_WIDTH_D * d
    # Across the face: a turned head's box still spans nose tip to far cheek, while nose and
    # mouth sit to one side; mostly the box centre, pulled a little towards the features.
    mid = 0.75 * np.array([(x1 + x2) / 2, (y1 + y2) / 2]) + 0.25 * (nose + m) / 2
    along = (mid[0] - e[0]) * ux + (mid[1] - e[1]) * uy
    top, bottom = _TOP_D * d, _BOTTOM_D * d
    height = (bottom - top) * scale
    down = (top + bottom) / 2 + offset_y * height
    cx = e[0] + ux * along + vx * down
    cy = e[1] + uy * along + vy * down
    return MaskPose(float(cx), float(cy), float(width * 0.98 * scale), float(height), roll)


def _roll(le: F64, re: F64, mouth: F64, bw: float) -> float:
    """Head roll from the line through the eyes and the eyes-to-mouth axis, averaged.

    Either alone is biased by a few degrees (landmark regression pulls towards upright);
    the two errors differ, so their vector mean is steadier than each.
    """
    eyes = re - le
    down = mouth - (le + re) / 2
    across = np.array([down[1], -down[0]])
    total = np.zeros(2)
    for vec in (eyes, across):
        norm = float(np.hypot(*vec))
        if norm > 0.05 * bw:
            total += vec / norm
    if not total.any():
        return 0.0
    return max(-_MAX_ROLL, min(_MAX_ROLL, math.atan2(total[1], total[0])))


class FaceMaskSource:
    """Draws a mask on every tracked face (or the chosen tracks), fading with the face.

    ``src_to_canvas(points, t_src)`` maps displayed-source pixels to canvas pixels;
    ``time_map(t)`` turns timeline time into source time (``None``: this source is not
    showing). ``sprites_at`` returns the masks back to front (small, distant faces first).
    """

    def __init__(
        self,
        analysis: FaceAnalysis,
        settings: FaceMaskSettings,
        src_to_canvas: SourceToCanvas,
        time_map: TimeMap,
        *,
        cache_bytes: int = 24 * 1024 * 1024,
    ) -> None:
        self.analysis = analysis
        self.settings = settings
        self.src_to_canvas = src_to_canvas
        self.time_map = time_map
        wanted = None if settings.tracks is None else set(settings.tracks)
        self._tracks = [tr for tr in analysis.tracks if wanted is None or tr.id in wanted]
        steps = np.diff(analysis.sample_times)
        self._step = float(steps.min()) if steps.size else 0.1
        self._slack = self._step / 2
        # The clip's first analysed frame counts as a cut: a face there was not seen
        # arriving, it is simply in the picture.
        first = [float(analysis.sample_times[0])] if analysis.sample_times.size else []
        self._cuts = np.asarray(sorted([*analysis.cuts, *first]), dtype=np.float64)
        # Bounded by bytes, not entries: on a 1080x1920 canvas a close face's mask is over
        # 1 MB, and 256 of them (a face that moves for ten seconds) held 600 MB. Reuse comes
        # from a face that keeps still, which only needs the last few bitmaps.
        self._cache: OrderedDict[Hashable, RGBA] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._held = 0

    @property
    def notice(self) -> str | None:
        """A line for the user when the mask will draw nothing (no faces, or no such tracks)."""
        if not self.analysis.tracks:
            return self.analysis.notice
        if not self._tracks:
            ids = ", ".join(str(t) for t in self.settings.tracks or ())
            return f"{self.analysis.source}: no face track with id {ids}; the mask draws nothing"
        return None

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The mask sprites at timeline time ``t`` on a canvas of ``size`` (w, h)."""
        ts = self.time_map(t)
        if ts is None or not self._tracks:
            return []
        fade = self.settings.fade
        placed: list[tuple[float, Sprite]] = []
        for tr in self._tracks:
            # Half an analysed frame of slack at each end: the face was last seen at
            # ``tr.end`` and was gone by the next analysed frame.
            face = tr.at(ts, hold=self._slack)
            if face is None:
                continue
            # A face that comes into view gets its mask faded in; one there from a cut (or
            # from the clip's start) has it at once. The mask leaves with the face, unfaded:
            # a fading mask over the background where the face was looks like a ghost.
            fade_in = 0.0 if self._at_cut(tr.start) else fade
            opacity = self.settings.opacity * _fade(ts, tr.start, tr.end, fade_in, 0.0)
            if opacity <= 0.004:
                continue
            sprite = self._sprite(face, ts, opacity, size)
            if sprite is not None:
                placed.append((face.width, sprite))
        placed.sort(key=lambda item: item[0])
        return [s for _, s in placed]

    def _at_cut(self, t: float) -> bool:
        """True when a face first seen at ``t`` appeared with a scene cut (or the clip's start).

        Such a face is plainly there from its first frame: a mask fading in would show its mouth.
        """
        return bool(np.any(np.abs(self._cuts - t) <= 1e-6))

    def _sprite(
        self, face: Face, ts: float, opacity: float, size: tuple[int, int]
    ) -> Sprite | None:
        pose = mask_pose(face, self.settings.scale, self.settings.offset_y)
        ux, uy = math.cos(pose.roll), math.sin(pose.roll)
        pts = np.array(
            [
                [pose.cx, pose.cy],
                [pose.cx + ux * pose.width / 2, pose.cy + uy * pose.width / 2],
                [pose.cx - uy * pose.height / 2, pose.cy + ux * pose.height / 2],
            ],
            dtype=np.float64,
        )
        c, r, b = np.asarray(self.src_to_canvas(pts, ts), dtype=np.float64)
        w = 2 * float(np.hypot(*(r - c)))
        h = 2 * float(np.hypot(*(b - c)))
        if w < 3 or h < 3:
            return None
        angle = math.degrees(math.atan2(r[1] - c[1], r[0] - c[0]))
        # Quantise so a slowly changing face reuses bitmaps: ~1.5 % in size, 1 degree in angle.
        qw, qh = _quantise(w), _quantise(h)
        qa = int(round(angle))
        key: tuple[object, ...] = ("face-mask", self.settings.style, qw, qh, qa)
        rgba = self._bitmap(key, qw, qh, qa)
        x = int(round(c[0] - rgba.shape[1] / 2))
        y = int(round(c[1] - rgba.shape[0] / 2))
        cw, ch = size
        if x >= cw or y >= ch or x + rgba.shape[1] <= 0 or y + rgba.shape[0] <= 0:
            return None
        if x < 0 or y < 0 or x + rgba.shape[1] > cw or y + rgba.shape[0] > ch:
            # Partly off the canvas: hand the compositor only the visible part.
            x0, y0 = max(0, -x), max(0, -y)
            x1, y1 = min(rgba.shape[1], cw - x), min(rgba.shape[0], ch - y)
            rgba = rgba[y0:y1, x0:x1]
            key = (*key, x0, y0, x1, y1)
            x, y = x + x0, y + y0
        return Sprite(rgba=rgba, x=x, y=y, opacity=float(opacity), key=key)

    def _bitmap(self, key: Hashable, w: int, h: int, angle: int) -> RGBA:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        img = mask_image(self.settings.style, w, h, angle)
        img.setflags(write=False)
        self._cache[key] = img
        self._held += img.nbytes
        while self._held > self._cache_bytes and len(self._cache) > 1:
            self._held -= self._cache.popitem(last=False)[1].nbytes
        return img


def _quantise(v: float) -> int:
    """Round a size to steps of about 1.5 % (at least 2 px) so nearby sizes share a bitmap."""
    step = max(2.0, v * 0.015)
    return max(4, int(round(round(v / step) * step)))


def _fade(t: float, start: float, end: float, fade_in: float, fade_out: float) -> float:
    """Opacity 0..1 of a mask on a face seen from ``start`` to ``end``.

    The ramps are centred on the face's first and last analysed frames (half the fade time
    at each side), but only their inner halves are drawn: the mask starts at half opacity
    when the face appears and is gone as soon as it has left, never shown over the
    background where the face is not (yet, or any more).
    """
    fin = (t - (start - fade_in / 2)) / fade_in if fade_in > 0 else 1.0
    fout = ((end + fade_out / 2) - t) / fade_out if fade_out > 0 else 1.0
    return max(0.0, min(1.0, fin, fout))


# --------------------------------------------------------------------------- mappings


def affine_mapping(scale: float, dx: float, dy: float) -> SourceToCanvas:
    """``canvas = source * scale + (dx, dy)``: for static fill/fit placements."""

    def mapping(points: F64, t_src: float) -> F64:
        return np.asarray(np.asarray(points, dtype=np.float64) * scale + np.array([dx, dy]))

    return mapping


def fill_mapping(
    src_w: int, src_h: int, canvas_w: int, canvas_h: int, offset_x: float = 0.0,
    offset_y: float = 0.0,
) -> SourceToCanvas:
    """Mapping for a source scaled to cover the canvas and cropped (``fill`` reframe).

    ``offset_x``/``offset_y`` (-1..1) move the crop window from the centre to an edge.
    """
    s = max(canvas_w / src_w, canvas_h / src_h)
    spare_x, spare_y = src_w * s - canvas_w, src_h * s - canvas_h
    dx = -spare_x / 2 * (1 + offset_x)
    dy = -spare_y / 2 * (1 + offset_y)
    return affine_mapping(s, dx, dy)


def fit_mapping(src_w: int, src_h: int, canvas_w: int, canvas_h: int) -> SourceToCanvas:
    """Mapping for a source scaled to fit inside the canvas, centred (``fit``/``fit-blur``)."""
    s = min(canvas_w / src_w, canvas_h / src_h)
    return affine_mapping(s, (canvas_w - src_w * s) / 2, (canvas_h - src_h * s) / 2)


def path_mapping(path: ReframePath, canvas_w: int, canvas_h: int) -> SourceToCanvas:
    """Mapping for the ``face`` reframe: the path's window at ``t_src`` scaled to the canvas."""

    def mapping(points: F64, t_src: float) -> F64:
        x, y, w, h = path.window(t_src)
        pts = np.asarray(points, dtype=np.float64)
        return np.asarray((pts - np.array([x, y])) * np.array([canvas_w / w, canvas_h / h]))

    return mapping


def identity_time(t: float) -> float | None:
    """A ``time_map`` for a source that starts at timeline time 0 and is never trimmed."""
    return t

