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
   fast move, the window is pushed along.
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

    def __call__(self, t: float) -> tuple[int, int, int, int]:
        """The window ``(x, y, w, h)`` at source time ``t``, in whole pixels, inside the source."""
        return self.window(t)

    def window(self, t: float) -> tuple[int, int, int, int]:
        """Same as calling the path: ``(x, y, w, h)`` at source time ``t``."""
        x, y = self.position(t)
        xi = int(round(min(max(x, 0.0), self.src_w - self.w)))
        yi = int(round(min(max(y, 0.0), self.src_h - self.h)))
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
        return frame[y : y + h, x : x + w]


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
    # The window moves along one axis: across a wide source, up and down a tall one.
    horizontal = w < sw
    travel = (sw - w) if horizontal else (sh - h)
    size = w if horizontal else h
    rest = travel / 2 * (1 + (st.rest_x if horizontal else st.rest_y))
    # Express the subject's position as "window start that frames it right".
    fx = sw / analysis.width if analysis.width else 1.0
    fy = sh / analysis.height if analysis.height else 1.0
    if travel <= 0 or not analysis.tracks:
        notice = analysis.notice if not analysis.tracks else None
        pos = np.full_like(times, rest if travel > 0 else 0.0)
        return _path(sw, sh, w, h, times, pos, horizontal, notice)
    tracks = list(analysis.tracks)
    weight = {tr.id: tr.frame_count * tr.mean_width**2 for tr in tracks}
    samples = analysis.sample_times
    goal_t: list[float] = []
    goal_v: list[float] = []
    cut_times: list[float] = []
    cuts = set(analysis.cuts)
    subject: FaceTrack | None = None
    goal: float | None = None
    last_seen = -math.inf
    dz = st.dead_zone * size / 2
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
            target = _target(subject, present, t, horizontal, fx, fy, size, st, weight)
            if t in cuts and goal is not None and abs(target - goal) > dz:
                cut_times.append(t)  # a new shot: cut the window too instead of panning
        target = min(max(target, 0.0), travel)
        if goal is None or abs(target - goal) > dz or subject is None:
            goal = target
        goal_t.append(t)
        goal_v.append(goal)
    pos = _ease(times, np.asarray(goal_t), np.asarray(goal_v), cut_times, st, size, travel)
    pos = _contain(times, pos, tracks, weight, horizontal, fx, fy, size, travel)
    return _path(sw, sh, w, h, times, pos, horizontal, None)


def _path(
    sw: int, sh: int, w: int, h: int, times: F64, pos: F64, horizontal: bool, notice: str | None
) -> ReframePath:
    if horizontal:
        return ReframePath(sw, sh, w, h, times, pos, np.zeros_like(pos), notice)
    return ReframePath(sw, sh, w, h, times, np.zeros_like(pos), pos, notice)


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
) -> F64:
    """Push the window so the heaviest face present stays inside it, whole, when it fits."""
    out = pos.copy()
    for i, t in enumerate(times.tolist()):
        present = [tr for tr in tracks if tr.start <= t <= tr.end]
        if not present:
            continue
        subject = max(present, key=lambda tr: weight[tr.id])
        a, b = _span(subject, t, horizontal, fx, fy)
        if b - a >= size:
            continue
        pad = min(0.1 * (b - a), (size - (b - a)) / 2)
        if a - pad < out[i]:
            out[i] = a - pad
        elif b + pad > out[i] + size:
            out[i] = b + pad - size
        out[i] = min(max(out[i], 0.0), travel)
    return out
