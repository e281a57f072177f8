"""Tracking and smoothing on hand-made detections (no video needed)."""

from __future__ import annotations

import numpy as np

from creator_kit.vision.detect import Detection
from creator_kit.vision.track import OneEuroFilter, TrackerSettings, densify, link, smooth


def det(cx: float, cy: float, w: float = 60.0, score: float = 0.9) -> Detection:
    h = w * 1.25
    box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    lms = np.array(
        [[cx - 0.2 * w, cy - 0.1 * h], [cx + 0.2 * w, cy - 0.1 * h], [cx, cy + 0.05 * h],
         [cx - 0.15 * w, cy + 0.25 * h], [cx + 0.15 * w, cy + 0.25 * h]],
        dtype=np.float32,
    )
    return Detection(box, score, lms)


def frames_of(n: int, rate: float = 10.0) -> list[float]:
    return [i / rate for i in range(n)]


def test_two_faces_keep_their_ids_while_moving() -> None:
    times = frames_of(30)
    frames = [(t, [det(100 + 50 * t, 100), det(400 - 40 * t, 120, w=50)]) for t in times]
    tracks = link(frames)
    assert len(tracks) == 2
    left, right = tracks
    assert len(left.dets) == len(right.dets) == 30
    assert all(d.box[0] < 300 for d in left.dets)
    assert all(d.box[0] > 250 for d in right.dets)


def test_detections_arriving_in_any_order_join_the_right_track() -> None:
    times = frames_of(20)
    frames = []
    for i, t in enumerate(times):
        pair = [det(100, 100), det(300, 100)]
        frames.append((t, pair[::-1] if i % 2 else pair))
    tracks = link(frames)
    assert [len(tr.dets) for tr in tracks] == [20, 20]
    assert {round(d.box[0]) for d in tracks[0].dets} == {70}


def test_short_gap_is_bridged_and_filled_by_interpolation() -> None:
    times = frames_of(20)
    frames = [(t, [] if 8 <= i <= 11 else [det(100 + 100 * t, 100)]) for i, t in enumerate(times)]
    tracks = link(frames)
    assert len(tracks) == 1
    dense = densify(tracks[0], times)
    assert len(dense.times) == 20
    assert not dense.detected[8:12].any() and dense.detected[:8].all()
    centres = (dense.boxes[:, 0] + dense.boxes[:, 2]) / 2
    assert np.allclose(centres, [100 + 100 * t for t in times], atol=1e-4)


def test_long_gap_starts_a_new_track() -> None:
    times = frames_of(40)
    frames = [(t, [] if 10 <= i < 25 else [det(100, 100)]) for i, t in enumerate(times)]
    assert len(link(frames, TrackerSettings(max_gap=1.0))) == 2


def test_one_frame_flickers_and_unsure_tracks_are_dropped() -> None:
    times = frames_of(20)
    frames = []
    for i, t in enumerate(times):
        dets = [det(100, 100)]
        if i == 5:
            dets.append(det(400, 300))  # a one-frame false positive
        if 10 <= i < 16:
            dets.append(det(250, 50, w=20, score=0.35))  # never sure enough
        frames.append((t, dets))
    tracks = link(frames)
    assert len(tracks) == 1 and len(tracks[0].dets) == 20


def test_a_cut_ends_every_track() -> None:
    times = frames_of(20)
    frames = [(t, [det(100, 100)]) for t in times]
    tracks = link(frames, cuts={10})
    assert [len(tr.dets) for tr in tracks] == [10, 10]


def test_a_jump_across_the_frame_is_a_different_face() -> None:
    times = frames_of(20)
    frames = [(t, [det(100 if i < 10 else 500, 100)]) for i, t in enumerate(times)]
    assert len(link(frames)) == 2


def test_one_euro_filter_removes_noise_and_follows_steps_of_motion() -> None:
    rng = np.random.default_rng(7)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    noisy = [f(i / 30, np.array([5.0 + rng.normal(0, 0.2)]))[0] for i in range(300)]
    assert np.std(noisy[100:]) < 0.2 * 0.5
    g = OneEuroFilter(min_cutoff=1.0, beta=5.0)
    ramp = [g(i / 30, np.array([i / 30 * 3.0]))[0] for i in range(90)]
    # With beta the cutoff rises with speed: after a second the ramp is followed closely.
    assert abs(ramp[-1] - 89 / 30 * 3.0) < 0.2


def test_smoothing_is_steady_on_noise_and_has_no_lag_on_motion() -> None:
    rng = np.random.default_rng(1)
    times = frames_of(40)
    # Detector noise of about 1.5 % of the face width around a still face.
    still = [(t, [det(200 + rng.normal(0, 1.0), 150)]) for t in times]
    dense = densify(link(still)[0], times)
    sm = smooth(dense)
    raw = (dense.boxes[:, 0] + dense.boxes[:, 2]) / 2 - 200
    out = (sm.boxes[:, 0] + sm.boxes[:, 2]) / 2 - 200
    assert out.std() < 0.7 * raw.std()
    assert np.abs(np.diff(out)).max() < 0.6 * np.abs(np.diff(raw)).max()
    moving = [(t, [det(100 + 120 * t, 150)]) for t in times]
    dense = densify(link(moving)[0], times)
    sm = smooth(dense)
    centres = (sm.boxes[:, 0] + sm.boxes[:, 2]) / 2
    assert np.abs(centres - (100 + 120 * np.asarray(times))).max() < 0.5  # pixels, not frames
