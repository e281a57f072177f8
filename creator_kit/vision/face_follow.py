"""The face-following reframe: a vertical window that moves like a camera operator.

:func:`reframe_path` turns a :class:`~creator_kit.vision.analysis.FaceAnalysis` into a
:class:`ReframePath`: for every source time, the crop window ``(x, y, w, h)`` in displayed
source pixels. The render engine applies it as **per-frame windows**: decode the wide frame,
take ``frame[y:y+h, x:x+w]`` (or :meth:`ReframePath.crop`) and scale it to the canvas; no
ffmpeg expression is involved, so any path shape works and preview and export agree.

How the window moves, in order:

1. The *subject* is the largest, most persistent track present (weight = frames seen x mean
   face area); the current subject is kept while it stays, unless another face is much
   heavier. When ``keep_two`` is on and a second face fits in the window beside the subject
   (with ``margin``), the target is the middle of the two.
2. A *dead zone*: the goal only changes when the target leaves the middle ``dead_zone`` part
   of the window, and then it re-centres on the target, as an operator reframes a shot.
3. *Eased motion*: a critically damped spring (settling in about ``ease`` seconds) with a
   top speed drives the window towards the goal, so it starts and stops smoothly.
4. With no face the window holds for ``hold`` seconds, then eases back to the rest position
   (the centre by default). At a scene cut found by the analysis the window cuts too, instead
   of panning across to the new shot's subject.
5. The subject's face is never allowed out of the window: if the spring is too slow for a
   fast move, the window is pushed along, keeping headroom above a face when it moves up
   and down.
6. When the face with its headroom would leave even the largest window inside the picture
   (a speaker whose face reaches the top edge), the window is widened once for the clip, up
   to :data:`MAX_ZOOM`, and may reach past the picture's edges; the render fills that part
   with the picture's blurred copy, as ``fit-blur`` does (``ReframePath.margins``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from creator_kit.core.face_settings import FaceReframeSettings
from creator_kit.vision.analysis import FaceAnalysis, FaceTrack

F64 = npt.NDArray[np.float64]
_SIM_RATE = 60.0  # steps a second for the spring simulation


@dataclass(frozen=True, eq=False)
class ReframePath:
    """Crop windows over time; call it (or :meth:`window`) with a source time in seconds.

    ``times`` and ``xs``/``ys`` are the simulated window positions (top-left, floats);
    ``w``/``h`` the fixed window size. ``notice`` is set when there were no faces to follow.
    """

    src_w: int
    src_h: int
    w: int
    h: int
    times: F64
    xs: F64
    ys: F64
    notice: str | None = None
    # > 1 when the window was widened beyond the largest one inside the source, so a face
    # near an edge keeps its headroom: the window may then reach past the source's edges,
    # where the render shows the blurred picture (as ``fit-blur`` does).
    zoom: float = 1.0

    @property
    def margins(self) -> tuple[int, int]:
        """How far (x, y) the window may reach past each edge of the source, in pixels."""
        return max(0, self.w - self.src_w), max(0, self.h - self.src_h)

    def __call__(self, t: float) -> tuple[int, int, int, int]:
        """The window ``(x, y, w, h)`` at source time ``t``, in whole pixels, inside the source."""
        return self.window(t)

    def window(self, t: float) -> tuple[int, int, int, int]:
        """Same as calling the path: ``(x, y, w, h)`` at source time ``t``."""
        x, y = self.position(t)
        xi = int(round(min(max(x, min(0.0, self.src_w - self.w)), max(0, self.src_w - self.w))))
        yi = int(round(min(max(y, min(0.0, self.src_h - self.h)), max(0, self.src_h - self.h))))
        return xi, yi, self.w, self.h

    def position(self, t: float) -> tuple[float, float]:
        """The window's top-left corner at ``t`` with sub-pixel precision."""
        return float(np.interp(t, self.times, self.xs)), float(np.interp(t, self.times, self.ys))

    def windows(self, fps: float, duration: float | None = None, start: float = 0.0) -> list[
        tuple[int, int, int, int]
    ]:
        """Per-frame windows for frames at ``start + i / fps`` up to ``duration`` seconds."""
        end = float(self.times[-1]) if duration is None else start + duration
        count = max(0, int(math.floor((end - start) * fps + 1e-6)))
        return [self.window(start + i / fps) for i in range(count)]

    def crop(self, frame: npt.NDArray[np.uint8], t: float) -> npt.NDArray[np.uint8]:
        """The window at ``t`` cut out of ``frame`` (H, W, C) at the source's displayed size."""
        if frame.shape[1] != self.src_w or frame.shape[0] != self.src_h:
            raise ValueError(
                f"frame is {frame.shape[1]}x{frame.shape[0]}, path is for {self.src_w}x{self.src_h}"
            )
        x, y, w, h = self.window(t)
        mx, my = self.margins
        if mx or my:  # a widened window: what lies past the source's edges is black here
            frame = np.pad(frame, ((my, my), (mx, mx), (0, 0)))
        return frame[y + my : y + my + h, x + mx : x + mx + w]


def window_size(src_w: int, src_h: int, out_aspect: float) -> tuple[int, int]:
    """The largest window of aspect ``out_aspect`` (w/h) inside the source, in even pixels."""
    if src_w / src_h > out_aspect:
        h = src_h
        w = min(src_w, max(2, int(round(src_h * out_aspect / 2)) * 2))
    else:
        w = src_w
        h = min(src_h, max(2, int(round(src_w / out_aspect / 2)) * 2))
    return w, h


def reframe_path(
    analysis: FaceAnalysis,
    src_w: int | None = None,
    src_h: int | None = None,
    out_aspect: float = 9 / 16,
    settings: FaceReframeSettings | None = None,
    duration: float | None = None,
) -> ReframePath:
    """The face-following window path over the whole source (see module docstring).

    ``src_w``/``src_h`` default to the analysis's displayed size; ``duration`` to its length.
    """
    st = settings or FaceReframeSettings()
    sw = src_w or analysis.width
    sh = src_h or analysis.height
    w, h = window_size(sw, sh, out_aspect)
    end = max(duration if duration is not None else analysis.duration, 1.0 / _SIM_RATE)
    times = np.arange(0.0, end + 1.0 / _SIM_RATE, 1.0 / _SIM_RATE)
    fx = sw / analysis.width if analysis.width else 1.0
    fy = sh / analysis.height if analysis.height else 1.0
    tracks = list(analysis.tracks)
    weight = {tr.id: tr.frame_count * tr.mean_width**2 for tr in tracks}
    zoom = _zoom_needed(analysis, tracks, weight, sw, sh, w, h, fx, fy, st)
    if zoom > 1.0:
        w = max(2, int(round(w * zoom / 2)) * 2)
        h = max(2, int(round(h * zoom / 2)) * 2)
    axes = []
    for horizontal, src, size in ((True, sw, w), (False, sh, h)):
        # The window moves along an axis where it and the source differ in size: inside the
        # source when it is smaller, past its edges (a widened window) when it is larger.
        lo, travel = min(0, src - size), abs(src - size)
        rest = lo + travel / 2 * (1 + (st.rest_x if horizontal else st.rest_y))
        if travel <= 0 or not tracks:
            axes.append(np.full_like(times, rest if travel > 0 else 0.0))
            continue
        axes.append(
            _follow(analysis, tracks, weight, times, horizontal, size, lo, travel, rest,
                    fx, fy, st)
        )
    notice = analysis.notice if not tracks else None
    return ReframePath(sw, sh, w, h, times, axes[0], axes[1], notice, zoom)


# The most a window is widened to keep a face whole with headroom: beyond, the picture
# would shrink to a small inset in a blurred frame.
MAX_ZOOM = 1.35
_HEADROOM = 0.25  # face heights of room kept above a face (hair, air)
_CHIN_ROOM = 0.1  # and below the chin


def _zoom_needed(
    analysis: FaceAnalysis,
    tracks: list[FaceTrack],
    weight: dict[int, float],
    sw: int,
    sh: int,
    w: int,
    h: int,
    fx: float,
    fy: float,
    st: FaceReframeSettings,
) -> float:
    """How much wider and taller than ``w`` x ``h`` the window must be so that the main face,
    with room above and around it, stays in it (1.0: it does anyway; at most MAX_ZOOM).

    A window inside the source cannot show what lies past the source's edge: a face that
    reaches the top of the picture has no headroom until the window reaches past that edge.
    """
    needs = [1.0]
    for t in analysis.sample_times.tolist():
        present = [tr for tr in tracks if tr.start - 1e-6 <= t <= tr.end + 1e-6]
        if not present:
            continue
        face = max(present, key=lambda tr: weight[tr.id]).at(t)
        if face is None:
            continue
        x1, y1, x2, y2 = face.box
        fw, fh = (x2 - x1) * fx, (y2 - y1) * fy
        region = (
            (x1 * fx - st.margin * fw / 2, x2 * fx + st.margin * fw / 2, sw, w),
            (y1 * fy - _HEADROOM * fh, y2 * fy + _CHIN_ROOM * fh, sh, h),
        )
        need = 1.0
        for lo, hi, src, size in region:
            span = hi - lo
            if lo < 0 and hi <= src:
                span = max(span, src - lo)
            elif hi > src and lo >= 0:
                span = max(span, hi)
            need = max(need, span / size)
        needs.append(need)
    # One zoom for the whole clip (the window keeps its size): enough for all but the most
    # demanding tenth of the moments, so one stray detection does not shrink every frame.
    # A few per cent is not worth a blurred border: the plain window is kept then.
    need = float(np.percentile(needs, 90))
    return 1.0 if need < 1.03 else min(need, MAX_ZOOM)


def _follow(
    analysis: FaceAnalysis,
    tracks: list[FaceTrack],
    weight: dict[int, float],
    times: F64,
    horizontal: bool,
    size: int,
    lo: float,
    travel: float,
    rest: float,
    fx: float,
    fy: float,
    st: FaceReframeSettings,
) -> F64:
    """The window's start along one axis over ``times`` (positions ``lo``..``lo + travel``)."""
    samples = analysis.sample_times
    goal_t: list[float] = []
    goal_v: list[float] = []
    cut_times: list[float] = []
    cuts = set(analysis.cuts)
    subject: FaceTrack | None = None
    goal: float | None = None
    last_seen = -math.inf
    dz = st.dead_zone * size / 2
    # Positions are worked out from ``lo`` (so 0..travel), as for a window inside the source.
    rest -= lo
    for t in samples.tolist():
        present = [tr for tr in tracks if tr.start - 1e-6 <= t <= tr.end + 1e-6]
        if subject is None or subject not in present:
            subject = max(present, key=lambda tr: weight[tr.id], default=None)
        else:
            best = max(present, key=lambda tr: weight[tr.id])
            if weight[best.id] > 3 * weight[subject.id]:
                subject = best
        if subject is None:
            target = goal if goal is not None and t - last_seen <= st.hold else rest
        else:
            last_seen = t
            target = _target(subject, present, t, horizontal, fx, fy, size, st, weight) - lo
            if t in cuts and goal is not None and abs(target - goal) > dz:
                cut_times.append(t)  # a new shot: cut the window too instead of panning
        target = min(max(target, 0.0), travel)
        if goal is None or abs(target - goal) > dz or subject is None:
            goal = target
        goal_t.append(t)
        goal_v.append(goal)
    pos = _ease(times, np.asarray(goal_t), np.asarray(goal_v), cut_times, st, size, travel)
    pos = _contain(times, pos, tracks, weight, horizontal, fx, fy, size, travel, lo)
    return pos + lo


def _span(tr: FaceTrack, t: float, horizontal: bool, fx: float, fy: float) -> tuple[float, float]:
    face = tr.at(t)
    assert face is not None
    x1, y1, x2, y2 = face.box
    return (x1 * fx, x2 * fx) if horizontal else (y1 * fy, y2 * fy)


def _target(
    subject: FaceTrack,
    present: list[FaceTrack],
    t: float,
    horizontal: bool,
    fx: float,
    fy: float,
    size: int,
    st: FaceReframeSettings,
    weight: dict[int, float],
) -> float:
    """Window start that frames the subject (and a second face when both fit)."""
    a, b = _span(subject, t, horizontal, fx, fy)
    # Vertically the face sits at ``headroom`` from the top; across it is centred.
    anchor = 0.5 if horizontal else st.headroom
    target = (a + b) / 2 - size * anchor
    if st.keep_two:
        others = sorted((tr for tr in present if tr is not subject), key=lambda tr: -weight[tr.id])
        for other in others[:1]:
            c, d = _span(other, t, horizontal, fx, fy)
            margin = st.margin * max(b - a, d - c)
            lo, hi = min(a, c) - margin, max(b, d) + margin
            if hi - lo <= size:
                target = (lo + hi) / 2 - size * anchor
    return target


def _ease(
    times: F64,
    goal_t: F64,
    goal_v: F64,
    cuts: list[float],
    st: FaceReframeSettings,
    size: int,
    travel: float,
) -> F64:
    """Drive the window towards the (step-wise) goal with a critically damped spring."""
    omega = 4.0 / st.ease  # a critically damped spring settles to ~2 % in about 4 / omega
    vmax = st.max_speed * size
    dt = 1.0 / _SIM_RATE
    pos = np.empty_like(times)
    x = float(goal_v[0]) if len(goal_v) else travel / 2
    v = 0.0
    cut_iter = iter(sorted(cuts))
    next_cut = next(cut_iter, math.inf)
    index = np.searchsorted(goal_t, times, side="right") - 1
    goals = goal_v[np.clip(index, 0, None)] if len(goal_v) else np.full_like(times, x)
    for i, t in enumerate(times.tolist()):
        g = float(goals[i])
        if t >= next_cut:
            x, v = g, 0.0
            next_cut = next(cut_iter, math.inf)
        else:
            # Semi-implicit Euler of x'' = omega^2 (g - x) - 2 omega x'.
            acc = omega * omega * (g - x) - 2 * omega * v
            v = max(-vmax, min(vmax, v + acc * dt))
            x += v * dt
        pos[i] = min(max(x, 0.0), travel)
    return pos


def _contain(
    times: F64,
    pos: F64,
    tracks: list[FaceTrack],
    weight: dict[int, float],
    horizontal: bool,
    fx: float,
    fy: float,
    size: int,
    travel: float,
    lo: float = 0.0,
) -> F64:
    """Push the window so the heaviest face present stays inside it, whole, when it fits.

    ``pos`` counts from ``lo``, the window's lowest start (below 0 for a widened window).
    """
    out = pos.copy()
    for i, t in enumerate(times.tolist()):
        present = [tr for tr in tracks if tr.start <= t <= tr.end]
        if not present:
            continue
        subject = max(present, key=lambda tr: weight[tr.id])
        a, b = _span(subject, t, horizontal, fx, fy)
        a, b = a - lo, b - lo
        if b - a >= size:
            continue
        # Room kept around the face: a little at the sides; headroom above, some below.
        room_lo, room_hi = (0.1, 0.1) if horizontal else (_HEADROOM, _CHIN_ROOM)
        fit = min(1.0, (size - (b - a)) / ((room_lo + room_hi) * (b - a)))
        pad_lo, pad_hi = room_lo * (b - a) * fit, room_hi * (b - a) * fit
        if a - pad_lo < out[i]:
            out[i] = a - pad_lo
        elif b + pad_hi > out[i] + size:
            out[i] = b + pad_hi - size
        out[i] = min(max(out[i], 0.0), travel)
    return out
