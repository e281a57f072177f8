"""``creator-kit faces``: tracks as text or JSON, exit 2 on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from creator_kit.cli.main import main
from creator_kit.vision.synthetic import draw_face
from tests.helpers import linear, make_face_clip
from tests.mediagen import make_clip

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def face_clip(tmp_path: Path) -> Path:
    clip = tmp_path / "face clip.mp4"
    make_face_clip(clip, [(draw_face(100), linear(40, 50, 80, 0))], duration=1.0)
    return clip


def test_faces_json_lists_tracks_with_boxes_and_landmarks(
    face_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faces", str(face_clip), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["width"], data["height"]) == (480, 270)
    assert data["landmark_names"] == ["left_eye", "right_eye", "nose", "mouth_left",
                                      "mouth_right"]
    (tr,) = data["tracks"]
    # Ten a second, and the clip's last frame (0.97 s).
    assert tr["id"] == 1 and tr["frames"] == 11 and tr["first"] == 0.0
    assert 0.85 <= tr["last"] <= 1.0 and 0.5 < tr["score"] <= 1.0
    sample = tr["samples"][5]
    assert len(sample["box"]) == 4 and len(sample["landmarks"]) == 5
    x1, y1, x2, y2 = sample["box"]
    assert 0 <= x1 < x2 <= 480 and 0 <= y1 < y2 <= 270
    assert all(x1 - 5 <= x <= x2 + 5 and y1 - 5 <= y <= y2 + 5 for x, y in sample["landmarks"])


def test_faces_text_summary_and_rate(face_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", str(face_clip), "--rate", "5"]) == 0
    out = capsys.readouterr().out
    # Five a second, the last frame, and the frames between samples where the face moved
    # more than a fifth of its width (it moves 1.4 widths a second).
    found = re.search(r"(\d+) frames analysed at 5/s", out)
    assert found is not None and 6 <= int(found.group(1)) <= 30
    assert "track 1:" in out


def test_no_faces_prints_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_clip(tmp_path / "bars.mp4", size="160x120", duration=0.5, audio=False)
    assert main(["faces", str(clip), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["tracks"] == []
    assert "no faces" in captured.err


@pytest.mark.parametrize(
    "args,message",
    [
        (["faces", "missing.mp4"], "file not found"),
        (["faces", "concat:a.mp4|b.mp4"], "not a local file"),
        (["faces", "{noise}"], "cannot read video"),
        (["faces", "{clip}", "--rate", "0"], "analysis rate"),
        (["faces", "{clip}", "--rate", "fast"], "invalid float"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, face_clip: Path, capsys: pytest.CaptureFixture[str], args: list[str],
    message: str,
) -> None:
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(b"\x00\x01garbage" * 100)
    argv = [a.replace("{noise}", str(noise)).replace("{clip}", str(face_clip)) for a in args]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and err.count("\n") == 1


def test_faces_job_runs_apart_and_fills_the_cache(face_clip: Path) -> None:
    from creator_kit.render.job import FaceJob
    from creator_kit.vision.analysis import FaceAnalysis, analyse, cached_analysis

    assert cached_analysis(face_clip) is None
    job = FaceJob(face_clip)
    job.start()
    events = list(job.events(timeout=300))
    assert job.returncode == 0, job.state.stderr
    assert [e.name for e in events][-1] == "result"
    assert any(e.name == "progress" and e.data["stage"] == "faces" for e in events)
    assert job.state.result is not None
    shipped = FaceAnalysis.from_data(job.state.result["analysis"])
    # The child wrote the cache: this process reads the same analysis without running it.
    cached = cached_analysis(face_clip)
    assert cached is not None and cached.to_data() == shipped.to_data()
    (track,) = shipped.tracks  # the one face of the clip, tracked through it
    assert track.frame_count >= 10 and track.end > 0.8
    assert analyse(face_clip).to_data() == shipped.to_data()


def test_faces_job_reports_a_bad_clip_as_an_input_error_event(tmp_path: Path) -> None:
    from creator_kit.render.job import FaceJob

    noise = tmp_path / "noise.mp4"
    noise.write_bytes(b"\x00\x01garbage" * 100)
    job = FaceJob(noise)
    job.start()
    assert job.wait(300) == 2
    assert job.state.error is not None and job.state.error["code"] == "input"
    assert "noise.mp4" in job.state.error["message"]


def test_faces_job_cancel_ends_the_child(tmp_path: Path) -> None:
    import psutil

    from creator_kit.render.job import FaceJob

    clip = tmp_path / "long.mp4"
    make_face_clip(clip, [(draw_face(100), linear(40, 50, 20, 0))], duration=8.0)
    job = FaceJob(clip)
    job.start()
    for event in job.events(timeout=300):
        if event.name == "progress" and 0 < event.data["fraction"] < 0.5:
            job.cancel()
    assert job.returncode == 130
    assert job.cancelled
    assert job.pid is not None and not psutil.pid_exists(job.pid)
