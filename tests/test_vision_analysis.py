"""Face analysis on generated clips where every face's true position is known."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.errors import Cancelled, InputError
from creator_kit.vision import analysis as analysis_mod
from creator_kit.vision.analysis import FaceAnalysis, analyse, cache_dir
from creator_kit.vision.synthetic import SKIN_TONES, draw_face
from tests.helpers import Truth, iou, linear, make_face_clip, still
from tests.mediagen import make_clip

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own analysis cache folder."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(folder))
    return folder


def eye_centre(landmarks: np.ndarray) -> np.ndarray:
    return (landmarks[0] + landmarks[1]) / 2


def test_still_face_is_one_steady_track(tmp_path: Path) -> None:
    clip = tmp_path / "still.mp4"
    truth = make_face_clip(clip, [(draw_face(110), still(180, 60))], duration=2.0)
    a = analyse(clip)
    assert [tr.id for tr in a.tracks] == [1]
    tr = a.tracks[0]
    assert tr.start == pytest.approx(0.0, abs=0.01)
    assert tr.end >= 1.85
    # A still face needs no frames between samples: 10 a second, plus the clip's last
    # frame (so the analysis knows what the end shows).
    assert tr.frame_count == len(a.sample_times) == 21
    assert a.sample_times[-1] == pytest.approx(59 / 30)
    box, lms = truth.at(1.0)
    width = box[2] - box[0]
    face = tr.at(1.0)
    assert face is not None
    assert iou(face.box, box) > 0.6
    assert np.abs(face.landmarks - lms).max() < 0.08 * width
    # Jitter: the smoothed centre moves less than 1 % of the face width per video frame,
    # and per analysed frame too.
    centres = np.array(
        [eye_centre(f.landmarks) for t in np.arange(0, tr.end, 1 / 30) if (f := tr.at(t))]
    )
    assert (np.hypot(*np.diff(centres, axis=0).T) / width).max() < 0.01
    box_centres = (tr.boxes[:, :2] + tr.boxes[:, 2:]) / 2
    assert (np.hypot(*np.diff(box_centres, axis=0).T) / width).max() < 0.01


@pytest.mark.parametrize(
    "name,path",
    [
        ("linear", linear(20, 50, 150, 10)),
        ("wave", lambda t: (180 + 110 * math.sin(math.pi * t), 50 + 25 * math.sin(4 * t))),
    ],
)
def test_moving_face_is_followed_without_lag(tmp_path: Path, name: str, path: object) -> None:
    clip = tmp_path / f"{name}.mp4"
    truth = make_face_clip(clip, [(draw_face(110), path)], duration=2.0)  # type: ignore[list-item]
    a = analyse(clip)
    assert [tr.id for tr in a.tracks] == [1]  # one identity throughout
    tr = a.tracks[0]
    errors = []
    for t in np.arange(tr.start, tr.end, 1 / 30):  # every video frame, interpolated
        face = tr.at(float(t))
        assert face is not None
        box, lms = truth.at(float(t))
        errors.append((eye_centre(face.landmarks) - eye_centre(lms)) / (box[2] - box[0]))
    err = np.asarray(errors)
    # Trailing shows as a mean error along the motion; there is none to speak of.
    assert np.abs(err.mean(axis=0)).max() < 0.03
    assert np.abs(err).max() < 0.08


def test_faces_at_interpolates_between_analysed_frames(tmp_path: Path) -> None:
    clip = tmp_path / "move.mp4"
    make_face_clip(clip, [(draw_face(100), linear(30, 40, 120, 0))], duration=1.5)
    a = analyse(clip, rate=5)
    tr = a.tracks[0]
    t0, t1 = float(tr.times[2]), float(tr.times[3])
    mid = a.faces_at((t0 + t1) / 2)
    assert len(mid) == 1
    expect = (tr.boxes[2] + tr.boxes[3]) / 2
    assert np.allclose(mid[0].box, expect, atol=1e-6)
    assert a.faces_at(tr.end + 1.0) == []


def test_face_entering_and_leaving_gives_a_track_while_it_is_in_view(tmp_path: Path) -> None:
    clip = tmp_path / "cross.mp4"
    face = draw_face(120)
    fw = face.rgba.shape[1]
    # Starts fully off the left edge and leaves past the right edge of a 480 wide frame.
    truth = make_face_clip(clip, [(face, linear(-fw - 10, 60, (480 + fw + 20) / 3.0, 0))],
                           duration=3.0)
    a = analyse(clip)
    assert len(a.tracks) == 1
    tr = a.tracks[0]
    in_view = [t for t, b in zip(truth.times, truth.boxes, strict=True)
               if b[0][0] > 0 and b[0][2] < 480]
    assert tr.start <= in_view[0] + 0.05
    assert tr.end >= in_view[-1] - 0.05
    assert tr.start > 0.15 and tr.end < 2.85  # not before it came in, not after it left
    # While half outside the frame it is still followed (partial faces count).
    half_out = [t for t, b in zip(truth.times, truth.boxes, strict=True) if b[0][0] < 0 < b[0][2]]
    assert any(tr.start <= t <= tr.end for t in half_out)


def test_no_faces_gives_no_tracks_and_a_notice(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "bars.mp4", size="320x240", duration=1.0, audio=False)
    a = analyse(clip)
    assert a.tracks == ()
    assert a.faces_at(0.5) == []
    assert a.notice is not None and "no faces" in a.notice and "bars.mp4" in a.notice


@pytest.mark.parametrize("rotate", [90, 270])
def test_rotated_phone_clip_is_analysed_upright(tmp_path: Path, rotate: int) -> None:
    clip = tmp_path / f"phone{rotate}.mp4"
    truth = make_face_clip(clip, [(draw_face(140), still(60, 120))], size=(270, 480),
                           duration=1.0, rotate=rotate)
    a = analyse(clip)
    assert (a.width, a.height) == (270, 480)
    assert len(a.tracks) == 1
    face = a.tracks[0].at(0.5)
    box, lms = truth.at(0.5)
    assert face is not None
    assert iou(face.box, box) > 0.6
    # Upright: the eyes are above the mouth, left eye left of the right eye.
    assert face.landmarks[0][1] < face.landmarks[3][1]
    assert face.landmarks[0][0] < face.landmarks[1][0]


def test_small_faces_in_a_large_frame_are_found(tmp_path: Path) -> None:
    clip = tmp_path / "small.mp4"
    # 1280x720 is analysed at 640x360, where these heads are about 26 px tall.
    faces = [(draw_face(52, skin=SKIN_TONES[k]), still(200 + 380 * k, 300)) for k in range(3)]
    make_face_clip(clip, faces, size=(1280, 720), duration=1.0)
    a = analyse(clip)
    assert len(a.tracks) == 3
    assert all(tr.frame_count >= 8 for tr in a.tracks)


def test_twelve_faces_get_twelve_stable_tracks(tmp_path: Path) -> None:
    clip = tmp_path / "crowd.mp4"
    faces = []
    for k in range(12):
        x, y = 10 + (k % 6) * 105, 10 + (k // 6) * 170
        faces.append((draw_face(70, skin=SKIN_TONES[k % 3]), linear(x, y, 4, 2)))
    truth = make_face_clip(clip, faces, size=(640, 360), duration=1.0)
    a = analyse(clip)
    assert len(a.tracks) == 12
    assert sorted(tr.id for tr in a.tracks) == list(range(1, 13))
    # Each true face is covered by exactly one track all through the clip.
    for k in range(12):
        box, _ = truth.at(0.5, face=k)
        matches = [tr for tr in a.tracks if (f := tr.at(0.5)) and iou(f.box, box) > 0.5]
        assert len(matches) == 1
        assert matches[0].frame_count == len(a.sample_times)


def test_progress_is_reported_and_cancel_stops(tmp_path: Path) -> None:
    clip = tmp_path / "p.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=1.0)
    seen: list[Progress] = []
    analyse(clip, on_progress=seen.append, use_cache=False)
    assert seen and seen[-1].fraction == 1.0
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        analyse(clip, cancel=token, use_cache=False)


# --------------------------------------------------------------------------- cache


def _forbid_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("analysis ran although a valid cache existed")

    monkeypatch.setattr(analysis_mod, "FaceDetector", boom)


def test_second_analysis_comes_from_the_cache(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = tmp_path / "c.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=1.0)
    first = analyse(clip)
    files = list((private_cache / "faces").glob("*.json"))
    assert len(files) == 1
    assert cache_dir() == private_cache / "faces"
    _forbid_detection(monkeypatch)
    again = analyse(clip)
    assert len(again.tracks) == len(first.tracks) == 1
    assert np.allclose(again.tracks[0].boxes, first.tracks[0].boxes, atol=0.01)
    # Other settings are a different cache entry.
    with pytest.raises(AssertionError, match="cache existed"):
        analyse(clip, rate=5)


def test_changed_source_invalidates_its_cache(tmp_path: Path) -> None:
    clip = tmp_path / "v.mp4"
    make_face_clip(clip, [(draw_face(90), still(40, 50))], duration=1.0)
    before = analyse(clip)
    # Same name, new content: the face is somewhere else now.
    make_face_clip(clip, [(draw_face(90), still(330, 50))], duration=1.0)
    after = analyse(clip)
    assert before.tracks[0].boxes[0][0] < 150 < after.tracks[0].boxes[0][0]


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"identity": 1}', b"\xff\xfe\x00",
                                     b'{"identity": "x", "analysis": []}'])
def test_corrupt_cache_is_ignored_and_rebuilt(
    tmp_path: Path, private_cache: Path, garbage: bytes
) -> None:
    clip = tmp_path / "k.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=1.0)
    analyse(clip)
    (cached,) = (private_cache / "faces").glob("*.json")
    cached.write_bytes(garbage)
    a = analyse(clip)
    assert len(a.tracks) == 1
    data = json.loads(cached.read_text())
    assert FaceAnalysis.from_data(data["analysis"]).tracks[0].id == 1


def test_cache_with_wrong_shapes_is_rebuilt(tmp_path: Path, private_cache: Path) -> None:
    clip = tmp_path / "s.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=1.0)
    analyse(clip)
    (cached,) = (private_cache / "faces").glob("*.json")
    data = json.loads(cached.read_text())
    data["analysis"]["tracks"][0]["boxes"] = [[1, 2, 3]]
    cached.write_text(json.dumps(data))
    assert len(analyse(clip).tracks) == 1


def test_unwritable_cache_folder_does_not_stop_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(blocker))
    clip = tmp_path / "u.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=0.5)
    assert len(analyse(clip).tracks) == 1


# --------------------------------------------------------------------------- bad input


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        analyse(tmp_path / "nope.mp4")


def test_random_bytes_are_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "noise.mp4"
    bad.write_bytes(np.random.default_rng(1).integers(0, 255, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match="noise.mp4"):
        analyse(bad)


def test_audio_only_file_is_an_input_error(tmp_path: Path) -> None:
    from tests.mediagen import ffmpeg

    audio = tmp_path / "a.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", str(audio))
    with pytest.raises(InputError, match="no video stream"):
        analyse(audio)


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"rate": 500}, {"max_side": 10}])
def test_bad_settings_are_input_errors(tmp_path: Path, kwargs: dict[str, float]) -> None:
    clip = make_clip(tmp_path / "x.mp4", size="160x120", duration=0.5, audio=False)
    with pytest.raises(InputError):
        analyse(clip, **kwargs)  # type: ignore[arg-type]


def test_truth_helper_reports_nearest_frame() -> None:
    truth = Truth([0.0, 0.5], [[(0, 0, 1, 1)], [(5, 5, 6, 6)]], [[np.zeros((5, 2))]] * 2)
    assert truth.at(0.4)[0] == (5, 5, 6, 6)
