"""The render job: a child ``creator-kit render`` spoken to through the v1 JSON protocol."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from creator_kit.core.model import ClipRef, OutputSettings, Project
from creator_kit.core.project_io import save_project
from creator_kit.render.job import RenderJob, parse_event
from tests.mediagen import make_clip
from tests.videoread import frame_count

FAST = OutputSettings(x264_preset="ultrafast")


def project_file(folder: Path, clip: Path) -> Path:
    path = folder / "p.ckproj"
    save_project(Project(clips=(ClipRef(str(clip)),), output=FAST), path)
    return path


def test_parse_event_accepts_only_v1_events():
    assert parse_event('{"v": 1, "event": "warning", "message": "m"}').message == "m"
    assert parse_event('{"v": 2, "event": "progress"}') is None  # a newer protocol is skipped
    assert parse_event('{"v": 1, "event": "launch"}') is None
    assert parse_event("not json") is None


@pytest.mark.slow
def test_job_reports_progress_and_a_checked_result(tmp_path, landscape_clip):
    out = tmp_path / "out.mp4"
    job = RenderJob(project_file(tmp_path, landscape_clip), out)
    job.start()
    names = [e.name for e in job.events(timeout=180)]
    assert job.returncode == 0, job.state.stderr
    assert "progress" in names and names[-1] == "result"
    result = job.state.result
    assert result is not None and Path(result["path"]) == out
    assert result["check"]["ok"] is True and result["check"]["lines"][0].startswith("OK:")
    assert frame_count(out) == result["frames"] == 60


def test_job_reports_a_bad_project_as_an_error_event(tmp_path):
    bad = tmp_path / "bad.ckproj"
    bad.write_text('{"schema_version": 2, "clips": []}', encoding="utf-8")
    job = RenderJob(bad, tmp_path / "out.mp4")
    job.start()
    assert job.wait(timeout=120) == 2
    assert job.state.error is not None and job.state.error["code"] == "input"
    assert "bad.ckproj" in job.state.error["message"]
    assert not (tmp_path / "out.mp4").exists()


@pytest.mark.slow
def test_cancel_through_stdin_leaves_nothing(tmp_path):
    clip = make_clip(tmp_path / "long.mp4", size="640x360", duration=20.0)
    out = tmp_path / "out.mp4"
    job = RenderJob(project_file(tmp_path, clip), out)
    job.start()
    child = psutil.Process(job.pid)
    for event in job.events(timeout=180):
        if event.name == "progress" and event.data["stage"] == "render" and \
                event.data["fraction"] > 0.1:
            kids = child.children(recursive=True)
            job.cancel()
    assert job.returncode == 130
    assert job.cancelled
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if ".ck-" in p.name] == []
    gone, alive = psutil.wait_procs(kids, timeout=10)
    assert alive == []


@pytest.mark.slow
def test_closing_stdin_cancels_a_controlled_render(tmp_path):
    # The parent going away (its end of the pipe closes) must not leave a render running.
    clip = make_clip(tmp_path / "long.mp4", size="320x240", duration=20.0)
    out = tmp_path / "out.mp4"
    proc = subprocess.Popen(
        [sys.executable, "-m", "creator_kit.cli.main", "render", str(project_file(tmp_path, clip)),
         "-o", str(out), "--progress", "json", "--control", "stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    for line in proc.stdout:
        msg = json.loads(line)
        if msg["event"] == "progress" and msg["stage"] == "render":
            break
    proc.stdin.close()
    rest = [json.loads(line) for line in proc.stdout]
    assert proc.wait(timeout=60) == 130
    assert rest[-1]["event"] == "error" and rest[-1]["code"] == "cancelled"
    assert not out.exists()


def test_cli_command_in_the_app_bundle_is_its_console_executable(tmp_path, monkeypatch):
    import sys

    from creator_kit.render.job import cli_command

    assert cli_command()[:2] == [sys.executable, "-m"]
    suffix = ".exe" if sys.platform == "win32" else ""
    console = tmp_path / f"creator-kit{suffix}"
    windowed = tmp_path / f"creator-kit-gui{suffix}"
    for exe in (console, windowed):
        exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    # The windowed editor starts its renders and analyses with the console CLI beside it...
    monkeypatch.setattr(sys, "executable", str(windowed))
    assert cli_command() == [str(console)]
    # ...and the console app starts itself, without "-m" (a frozen app takes no module).
    monkeypatch.setattr(sys, "executable", str(console))
    assert cli_command() == [str(console)]
