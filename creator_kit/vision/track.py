"""Linking per-frame detections into tracks, bridging gaps, and smoothing them.

Detections arrive a few times a second (the analysis rate). A track is a face followed
through time with a stable id: each new detection joins the track whose predicted box it is
closest to (greedy assignment by cost, gated by distance and size), a track survives short
misses (the gaps are bridged by interpolation afterwards), and tracks too short or too
unsure to be a real face are dropped.

Smoothing uses the One Euro filter (Casiez et al., CHI 2012): a low-pass whose cutoff rises
with speed, so a still face stops shaking while a moving face is not dragged behind. Analysis
is offline, so the filter runs forwards and backwards and the two passes are averaged: their
lags point in opposite directions and cancel, leaving the jitter reduction without the delay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from creator_kit.vision.detect import Detection

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TrackerSettings:
    """Tunable limits of the tracker (the defaults suit 5-15 analysed frames a second)."""

    # Seconds a track may go undetected and still continue (bridged by interpolation): long
    # enough for a blink of the detector, short enough not to draw a mask over the
    # background for long when the face is gone.
    max_gap: float = 0.5
    min_hits: int = 3  # detections a track needs to be kept
    confirm_score: float = 0.5  # a kept track must have at least one detection this sure
    # A track with fewer than ``min_hits`` detections is still kept when a cut explains why it
    # is short (it starts at one or ends just before one) and one detection is this sure:
    # between the cuts of a whip pan a face may be seen for only a frame or two.
    sure_score: float = 0.8
    max_centre_jump: float = 0.9  # face widths the centre may move between detections (+ speed)
    max_size_ratio: float = 1.8  # largest change of face width between detections


@dataclass
class RawTrack:
    """A track while it is being built: detections at sample indices, in analysis pixels."""

    samples: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    dets: list[Detection] = field(default_factory=list)

    def predict(self, t: float) -> tuple[float, float, float, float]:
        """The box expected at ``t``: constant velocity from the last two detections, damped."""
        box = np.asarray(self.dets[-1].box, dtype=np.float64)
        if len(self.dets) >= 2:
            dt = self.times[-1] - self.times[-2]
            if dt > 1e-6:
                vel = (box - np.asarray(self.dets[-2].box, dtype=np.float64)) / dt
                # Trust the velocity for a fraction of a second only: faces stop and turn.
                ahead = min(t - self.times[-1], 0.3)
                box = box + vel * ahead
        x1, y1, x2, y2 = box.tolist()
        return x1, y1, x2, y2


def link(
    frames: list[tuple[float, list[Detection]]],
    settings: TrackerSettings | None = None,
    cuts: set[int] | frozenset[int] = frozenset(),
) -> list[RawTrack]:
    """Link the detections of successive frames ``(t, detections)`` into tracks.

    ``cuts`` are indices of frames that start a new shot: every track ends before them.
    Returns the kept tracks ordered by first appearance (then left to right).
    """
    st = settings or TrackerSettings()
    active: list[RawTrack] = []
    done: list[RawTrack] = []
    for index, (t, dets) in enumerate(frames):
        if index in cuts:
            done.extend(active)
            active = []
        still: list[RawTrack] = []
        for tr in active:
            (still if t - tr.times[-1] <= st.max_gap + 1e-6 else done).append(tr)
        active = still
        pairs: list[tuple[float, int, int]] = []
        for i, tr in enumerate(active):
            pred = tr.predict(t)
            gap = t - tr.times[-1]
            for j, det in enumerate(dets):
                # Against the predicted box, or the last one seen: a face that whipped across
                # the frame and stopped is where it stopped, not where its speed would take it.
                seen = tr.dets[-1].box
                costs = [
                    c
                    for c in (_cost(pred, det.box, gap, st), _cost(seen, det.box, gap, st))
                    if c is not None
                ]
                if costs:
                    pairs.append((min(costs), i, j))
        pairs.sort()
        used_t: set[int] = set()
        used_d: set[int] = set()
        for _cost_value, i, j in pairs:
            if i in used_t or j in used_d:
                continue
            used_t.add(i)
            used_d.add(j)
            active[i].samples.append(index)
            active[i].times.append(t)
            active[i].dets.append(dets[j])
        for j, det in enumerate(dets):
            if j not in used_d:
                active.append(RawTrack([index], [t], [det]))
    done.extend(active)
    short_clip = len(frames) < st.min_hits * 2
    kept = [
        tr
        for tr in done
        if (
            (len(tr.dets) >= st.min_hits or short_clip)
            and max(d.score for d in tr.dets) >= st.confirm_score
        )
        or (
            (tr.samples[0] in cuts or tr.samples[-1] + 1 in cuts)
            and max(d.score for d in tr.dets) >= st.sure_score
        )
    ]
    kept.sort(key=lambda tr: (tr.samples[0], tr.dets[0].box[0]))
    return kept


def _cost(
    pred: tuple[float, float, float, float],
    box: tuple[float, float, float, float],
    gap: float,
    st: TrackerSettings,
) -> float | None:
    """Matching cost of a predicted box and a detected one, or None when they cannot match."""
    pw, dw = max(pred[2] - pred[0], 1.0), max(box[2] - box[0], 1.0)
    ratio = dw / pw
    if not 1.0 / st.max_size_ratio <= ratio <= st.max_size_ratio:
        return None
    dx = (box[0] + box[2] - pred[0] - pred[2]) / 2
    dy = (box[1] + box[3] - pred[1] - pred[3]) / 2
    dist = math.hypot(dx, dy) / max(pw, dw)
    # A longer miss allows a longer way travelled, up to a limit.
    if dist > st.max_centre_jump + min(gap, st.max_gap) * 1.5:
        return None
    return dist + 0.5 * abs(math.log(ratio)) + 0.5 * (1.0 - _iou(pred, box))


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class DenseTrack:
    """A track on the regular sample grid from its first to its last detection.

    ``boxes`` (N, 4), ``landmarks`` (N, 5, 2) and ``scores`` (N,) are in analysis pixels;
    ``detected`` marks samples with a real detection (the others were bridged).
    """

    times: F64
    boxes: F64
    landmarks: F64
    scores: F64
    detected: npt.NDArray[np.bool_]


def densify(track: RawTrack, sample_times: list[float]) -> DenseTrack:
    """Fill the samples a track missed between its detections by linear interpolation."""
    first, last = track.samples[0], track.samples[-1]
    idx = np.arange(first, last + 1)
    times = np.asarray(sample_times[first : last + 1], dtype=np.float64)
    known = np.asarray(track.samples)
    boxes_k = np.asarray([d.box for d in track.dets], dtype=np.float64)
    lms_k = np.asarray([d.landmarks for d in track.dets], dtype=np.float64).reshape(-1, 10)
    scores_k = np.asarray([d.score for d in track.dets], dtype=np.float64)
    boxes = np.stack([np.interp(idx, known, boxes_k[:, c]) for c in range(4)], axis=1)
    lms = np.stack([np.interp(idx, known, lms_k[:, c]) for c in range(10)], axis=1)
    detected = np.zeros(len(idx), dtype=bool)
    detected[known - first] = True
    scores = np.zeros(len(idx), dtype=np.float64)
    scores[known - first] = scores_k
    return DenseTrack(times, boxes, lms.reshape(-1, 5, 2), scores, detected)


class OneEuroFilter:
    """The One Euro filter over vectors: cutoff = ``min_cutoff + beta * |speed|`` (Hz).

    Values should be in units where ``beta`` makes sense; the tracker feeds face-width units.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.5, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._x: F64 | None = None
        self._dx: F64 | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: F64 | float, dt: float) -> F64:
        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
        return np.asarray(1.0 / (1.0 + tau / dt), dtype=np.float64)

    def __call__(self, t: float, x: F64) -> F64:
        """Filter sample ``x`` taken at time ``t`` (seconds, increasing) and return the estimate."""
        if self._x is None or self._t is None or self._dx is None:
            self._x, self._dx, self._t = x.astype(np.float64), np.zeros_like(x, np.float64), t
            return self._x.copy()
        dt = max(t - self._t, 1e-6)
        dx = (x - self._x) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        self._dx = a_d * dx + (1 - a_d) * self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        a = self._alpha(cutoff, dt)
        self._x = a * x + (1 - a) * self._x
        self._t = t
        return self._x.copy()


_PAD = 6  # samples fitted at each end, and as many extrapolated beyond it


def _pad(times: F64, state: F64) -> tuple[F64, F64]:
    """Extend ``state`` at both ends with straight lines fitted to its end samples."""
    n = len(times)
    k = min(_PAD, n)
    dt = float(np.median(np.diff(times))) if n > 1 else 0.1
    heads: list[tuple[F64, F64]] = []
    tails: list[tuple[F64, F64]] = []
    for idx, sign, out in ((slice(0, k), -1, heads), (slice(n - k, n), 1, tails)):
        t, x = times[idx], state[idx]
        if k >= 2 and float(np.ptp(t)) > 0:
            slope, icept = np.polyfit(t - t.mean(), x, 1)
        else:
            slope, icept = np.zeros(state.shape[1]), x.mean(axis=0)
        edge = times[0] if sign < 0 else times[-1]
        steps = np.arange(k, 0, -1) if sign < 0 else np.arange(1, k + 1)
        ext_t = edge + sign * steps * dt
        out.append((ext_t, icept + np.outer(ext_t - t.mean(), slope)))
    (ht, hx), (tt, tx) = heads[0], tails[0]
    return np.concatenate([ht, times, tt]), np.concatenate([hx, state, tx])


def _one_euro_pass(times: F64, state: F64, min_cutoff: float, beta: float, d_cutoff: float) -> F64:
    out = np.empty_like(state)
    f = OneEuroFilter(min_cutoff, beta, d_cutoff)
    for i in range(len(times)):
        out[i] = f(float(times[i]), state[i])
    return out


def smooth(
    dense: DenseTrack, min_cutoff: float = 1.5, beta: float = 5.0, d_cutoff: float = 1.0
) -> DenseTrack:
    """Zero-lag One Euro smoothing of a track's boxes and landmarks (see module docstring)."""
    n = len(dense.times)
    if n < 3:
        return dense
    widths = dense.boxes[:, 2] - dense.boxes[:, 0]
    unit = max(float(np.median(widths)), 1.0)
    # State in face-width units: centre, log size, and landmarks relative to the box centre,
    # so one set of filter constants fits small and large faces alike.
    cx = (dense.boxes[:, 0] + dense.boxes[:, 2]) / 2
    cy = (dense.boxes[:, 1] + dense.boxes[:, 3]) / 2
    w = np.maximum(dense.boxes[:, 2] - dense.boxes[:, 0], 1.0)
    h = np.maximum(dense.boxes[:, 3] - dense.boxes[:, 1], 1.0)
    rel = (dense.landmarks - np.stack([cx, cy], axis=1)[:, None, :]) / unit
    state = np.concatenate(
        [np.stack([cx / unit, cy / unit, np.log(w / unit), np.log(h / unit)], axis=1),
         rel.reshape(n, 10)],
        axis=1,
    )
    # Each pass starts from a line fitted to the first samples it sees, not from the first
    # (noisy) sample itself, so the track's ends are as steady as its middle.
    times, padded = _pad(dense.times, state)
    fwd = _one_euro_pass(times, padded, min_cutoff, beta, d_cutoff)
    bwd = _one_euro_pass(times[-1] - times[::-1], padded[::-1], min_cutoff, beta, d_cutoff)[::-1]
    pad = (len(times) - n) // 2
    fwd, bwd = fwd[pad : pad + n], bwd[pad : pad + n]
    out = (fwd + bwd) / 2
    scx, scy = out[:, 0] * unit, out[:, 1] * unit
    sw, sh = np.exp(out[:, 2]) * unit, np.exp(out[:, 3]) * unit
    boxes = np.stack([scx - sw / 2, scy - sh / 2, scx + sw / 2, scy + sh / 2], axis=1)
    lms = out[:, 4:].reshape(n, 5, 2) * unit + np.stack([scx, scy], axis=1)[:, None, :]
    return DenseTrack(dense.times, boxes, lms, dense.scores, dense.detected)
