"""The face-following reframe path: a camera operator, not a tracker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from creator_kit.core.face_settings import FaceReframeSettings
from creator_kit.vision.analysis import FaceAnalysis, FaceTrack, analyse
from creator_kit.vision.face_follow import reframe_path, window_size
from creator_kit.vision.synthetic import draw_face
from tests.helpers import linear, make_face_clip

W, H = 1280, 720  # a landscape source; the 9:16 window is 404x720 (even width <= 405)
WW = 404


def track(tid: int, t0: float, t1: float, centre: Callable[[float], tuple[float, float]],
          width: float = 120.0) -> FaceTrack:
    times = np.round(np.arange(t0, t1 + 1e-9, 0.1), 6)
    boxes, lms = [], []
    for t in times:
        cx, cy = centre(float(t))
        boxes.append([cx - width / 2, cy - width * 0.6, cx + width / 2, cy + width * 0.6])
        lms.append([[cx - width * 0.2, cy - width * 0.1], [cx + width * 0.2, cy - width * 0.1],
                    [cx, cy + width * 0.1], [cx - width * 0.15, cy + width * 0.3],
                    [cx + width * 0.15, cy + width * 0.3]])
    n = len(times)
    return FaceTrack(tid, times, np.asarray(boxes, float), np.asarray(lms, float),
                     np.full(n, 0.9), np.ones(n, bool))


def analysis(*tracks: FaceTrack, duration: float = 6.0, cuts: tuple[float, ...] = (),
             w: int = W, h: int = H) -> FaceAnalysis:
    return FaceAnalysis("mem.mp4", w, h, duration, 10.0, 640,
                        np.round(np.arange(0, duration, 0.1), 6), tracks, cuts)


def inside(win: tuple[int, int, int, int], track_: FaceTrack, t: float) -> bool:
    face = track_.at(t)
    assert face is not None
    x, y, w, h = win
    return x <= face.box[0] and face.box[2] <= x + w


def test_window_size_fits_the_output_aspect() -> None:
    assert window_size(1920, 1080, 9 / 16) == (608, 1080)
    assert window_size(1080, 1920, 9 / 16) == (1080, 1920)
    assert window_size(1080, 1080, 9 / 16) == (608, 1080)
    assert window_size(720, 1600, 9 / 16) == (720, 1280)  # taller than 9:16: moves vertically


def test_no_faces_centres_the_window_and_says_so() -> None:
    path = reframe_path(analysis())
    assert path(0.0) == path(5.0) == ((W - WW) // 2, 0, WW, 720)
    assert path.notice is not None and "no faces" in path.notice


def test_still_face_off_centre_is_framed_from_the_first_frame() -> None:
    a = analysis(track(1, 0, 6, lambda t: (1000, 300)))
    path = reframe_path(a)
    for t in (0.0, 2.0, 5.9):
        x, y, w, h = path(t)
        assert abs(x + w / 2 - 1000) < 3
        assert (y, w, h) == (0, WW, 720)


def test_small_moves_inside_the_dead_zone_do_not_move_the_window() -> None:
    a = analysis(track(1, 0, 6, lambda t: (640 + 30 * np.sin(3 * t), 300)))
    path = reframe_path(a, settings=FaceReframeSettings(dead_zone=0.3))
    xs = {path(t)[0] for t in np.arange(0, 6, 1 / 30)}
    assert len(xs) == 1


def test_walking_subject_is_followed_smoothly_and_kept_in_frame() -> None:
    walk = track(1, 0, 6, lambda t: (150 + 170 * t, 320))
    path = reframe_path(analysis(walk))
    wins = path.windows(30, 6.0)
    assert len(wins) == 180
    xs = np.array([w[0] for w in wins], float)
    for i, t in enumerate(np.arange(0, 5.9, 1 / 30)):
        assert inside(wins[i], walk, float(t)), t
    # Eased: no jumps, speed capped, and the window accelerates rather than jerking.
    steps = np.diff(xs)
    settings = FaceReframeSettings()
    assert np.abs(steps).max() <= settings.max_speed * WW / 30 + 2
    assert np.abs(np.diff(steps)).max() < 8
    assert xs[-1] > xs[0] + 700


def test_window_returns_to_centre_after_the_face_leaves() -> None:
    a = analysis(track(1, 0, 1.5, lambda t: (1100, 300)), duration=6.0)
    path = reframe_path(a, settings=FaceReframeSettings(hold=1.0))
    right = path(1.0)[0]
    assert right > 700
    assert path(2.2)[0] == pytest.approx(right, abs=2)  # holding
    assert path(5.9)[0] == pytest.approx((W - WW) // 2, abs=3)  # back home, eased
    xs = [path(t)[0] for t in np.arange(2.5, 5.0, 1 / 30)]
    assert np.abs(np.diff(xs)).max() < 30


def test_two_faces_that_fit_are_both_kept() -> None:
    a = analysis(track(1, 0, 6, lambda t: (500, 300)), track(2, 0, 6, lambda t: (700, 320), 100))
    path = reframe_path(a)
    win = path(3.0)
    assert inside(win, a.tracks[0], 3.0) and inside(win, a.tracks[1], 3.0)
    solo = reframe_path(a, settings=FaceReframeSettings(keep_two=False))
    assert abs(solo(3.0)[0] + WW / 2 - 500) < 3


def test_faces_too_far_apart_keep_the_main_subject() -> None:
    big = track(1, 0, 6, lambda t: (200, 300), 160)
    small = track(2, 0, 6, lambda t: (1100, 300), 60)
    path = reframe_path(analysis(small, big))
    assert inside(path(3.0), big, 3.0)
    assert not inside(path(3.0), small, 3.0)


def test_persistent_face_wins_over_a_briefly_larger_one() -> None:
    main = track(1, 0, 6, lambda t: (300, 300), 120)
    passer = track(2, 2.0, 2.6, lambda t: (1100, 300), 180)
    path = reframe_path(analysis(main, passer))
    for t in np.arange(0, 6, 0.25):
        assert inside(path(float(t)), main, float(t))


def test_a_scene_cut_cuts_the_window_instead_of_panning() -> None:
    a = analysis(track(1, 0, 2.9, lambda t: (200, 300)), track(2, 3.0, 6, lambda t: (1100, 300)),
                 cuts=(3.0,))
    path = reframe_path(a)
    assert inside(path(2.9), a.tracks[0], 2.9)
    assert inside(path(3.0), a.tracks[1], 3.0)


def test_tall_source_moves_the_window_vertically() -> None:
    a = analysis(track(1, 0, 6, lambda t: (360, 1300), 200), w=720, h=1600)
    path = reframe_path(a)
    x, y, w, h = path(3.0)
    assert (x, w, h) == (0, 720, 1280)
    assert y > 0 and y <= 1300 - 100 and y + h >= 1300 + 120


def test_crop_cuts_the_window_out_of_a_frame() -> None:
    a = analysis(track(1, 0, 6, lambda t: (900, 300)))
    path = reframe_path(a)
    frame = np.zeros((H, W, 3), np.uint8)
    frame[:, :, 0] = np.arange(W)[None, :] % 256
    crop = path.crop(frame, 1.0)
    assert crop.shape == (720, WW, 3)
    x = path(1.0)[0]
    assert crop[0, 0, 0] == x % 256
    with pytest.raises(ValueError):
        path.crop(np.zeros((10, 10, 3), np.uint8), 1.0)


@pytest.mark.slow
def test_reframe_on_generated_footage_keeps_the_face(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))
    clip = tmp_path / "wide.mp4"
    face = draw_face(100)
    truth = make_face_clip(clip, [(face, linear(20, 60, 160, 0))], size=(640, 360), duration=2.0)
    path = reframe_path(analyse(clip))
    assert path.w == 202 and path.h == 360
    for t, boxes in zip(truth.times, truth.boxes, strict=True):
        if t < 0.1 or t > 1.9:
            continue
        x, _, w, _ = path(t)
        x1, _, x2, _ = boxes[0]
        assert x - 2 <= x1 and x2 <= x + w + 2, t


def test_window_widens_for_headroom_when_the_face_reaches_the_top() -> None:
    # The speaker rises until the face touches the top of the picture: a full-height window
    # cannot give headroom, so it widens past the top (shown blurred) and keeps the face
    # whole with room above it; while the face is low, it still keeps the face whole.
    def rising(t: float) -> tuple[float, float]:
        return 640.0, max(90.0, 360.0 - 120.0 * t)

    tr = track(1, 0.0, 5.9, rising, width=150.0)
    path = reframe_path(analysis(tr))
    assert 1.0 < path.zoom <= 1.35
    assert path.h > H and path.w > WW
    assert path.w * 16 == pytest.approx(path.h * 9, rel=0.02)  # still the output's shape
    for t in np.arange(0.0, 5.9, 0.25):
        x, y, w, h = path(float(t))
        face = tr.at(float(t))
        assert face is not None
        x1, y1, x2, y2 = face.box
        fh = y2 - y1
        assert x <= x1 and x2 <= x + w, f"{t:.2f} s: face cut at a side"
        assert y2 <= y + h, f"{t:.2f} s: chin cut"
        assert y1 - y >= 0.2 * fh, f"{t:.2f} s: {y1 - y:.0f} px above the face, no headroom"


def test_window_stays_inside_the_picture_when_faces_have_room() -> None:
    tr = track(1, 0.0, 5.9, lambda t: (640.0, 360.0), width=150.0)
    path = reframe_path(analysis(tr))
    assert path.zoom == 1.0 and (path.w, path.h) == (WW, H) and path.margins == (0, 0)
