"""Nothing is lost: existing files, symlinks, full disks, cancels, kills, vanishing sources.

Rows 5, 7, 11, 12, 13, 24-28 and 30 of the bad-inputs table, each with input built here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from creator_kit.cli.main import main
from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.errors import Cancelled, InputError, OutputError, RenderError
from creator_kit.core.model import ClipRef, OutputSettings, Project
from creator_kit.core.project_io import save_project
from creator_kit.render.export import clean_leftovers, export
from tests.helpers import ffmpeg_children, leftovers
from tests.mediagen import ffmpeg, make_clip
from tests.videoread import audio_samples, frame_count

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

FAST = OutputSettings(x264_preset="ultrafast")
CLI = [sys.executable, "-m", "creator_kit.cli"]




def render_under_way(src: Path, out: Path) -> subprocess.Popen[str]:
    """Start ``creator-kit render`` and return once it has rendered a tenth of the frames.

    Checks on the way that every ``--progress json`` line has exactly the documented keys.
    """
    proc = subprocess.Popen(
        [
            *CLI,
            "render",
            "-i",
            str(src),
            "-o",
            str(out),
            "--progress",
            "json",
            "--x264-preset",
            "ultrafast",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        msg = json.loads(line)
        assert set(msg) == {"v", "event", "stage", "fraction", "eta_s"}
        assert (msg["v"], msg["event"]) == (1, "progress")
        if msg["stage"] == "render" and msg["fraction"] > 0.1:
            break
    return proc


def slow_source(folder: Path, seconds: float = 20.0) -> Path:
    """A longer clip so a render is still running when we interrupt it."""
    return make_clip(folder / "long.mp4", size="640x360", duration=seconds)


# -- row 24: output exists ---------------------------------------------------------------


def test_existing_output_is_kept_without_overwrite(tmp_path, landscape_clip, capsys):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"precious")
    code = main(["render", "-i", str(landscape_clip), "-o", str(out), "--progress", "none"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("error: ") and str(out) in err[-1] and "--overwrite" in err[-1]
    assert len(err) == 1
    assert out.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_existing_output(tmp_path, landscape_clip):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"old")
    code = main(
        [
            "render",
            "-i",
            str(landscape_clip),
            "-o",
            str(out),
            "--overwrite",
            "--progress",
            "none",
            "--x264-preset",
            "ultrafast",
        ]
    )
    assert code == 0
    assert frame_count(out) == 60


# -- row 25: symlink at the target --------------------------------------------------------


def test_symlink_target_is_never_followed(tmp_path, landscape_clip):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "out.mp4"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="already exists"):
        export(Project(clips=(ClipRef(str(landscape_clip)),), output=FAST), link)
    assert victim.read_text() == "keep me" and link.is_symlink()
    # With consent the link itself is replaced; what it pointed to is untouched.
    export(Project(clips=(ClipRef(str(landscape_clip)),), output=FAST), link, overwrite=True)
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and frame_count(link) == 60


def test_dangling_symlink_counts_as_existing(tmp_path, landscape_clip):
    link = tmp_path / "out.mp4"
    link.symlink_to(tmp_path / "nowhere" / "x.mp4")
    with pytest.raises(OutputError):
        export(Project(clips=(ClipRef(str(landscape_clip)),), output=FAST), link)
    assert not (tmp_path / "nowhere").exists()


# -- row 26: disk full --------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {res.stderr.decode().strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_fails_cleanly(tmp_path, tiny_disk):
    src = make_clip(tmp_path / "busy.mp4", size="640x360", duration=3.0)
    out = tiny_disk / "out.mp4"
    with pytest.raises(OutputError, match="disk full"):
        export(Project(clips=(ClipRef(str(src)),), output=FAST), out)
    assert not out.exists()
    assert list(tiny_disk.iterdir()) == []
    assert ffmpeg_children(tmp_path) == []


# -- row 27: cancel -----------------------------------------------------------------------


def test_cancel_token_stops_export_and_cleans_up(tmp_path):
    src = slow_source(tmp_path)
    out = tmp_path / "out.mp4"
    token = CancelToken()
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        if p.stage == "render" and p.fraction > 0.1:
            token.cancel()

    with pytest.raises(Cancelled):
        export(
            Project(clips=(ClipRef(str(src)),), output=FAST),
            out,
            on_progress=on_progress,
            cancel=token,
        )
    assert not out.exists() and leftovers(tmp_path) == []
    assert ffmpeg_children(tmp_path) == []
    assert any(p.stage == "render" for p in seen)


def test_sigint_on_cli_exits_130_and_leaves_nothing(tmp_path):
    src = slow_source(tmp_path)
    out = tmp_path / "out.mp4"
    proc = render_under_way(src, out)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert any("ffmpeg" in c.name() for c in children)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert not out.exists() and leftovers(tmp_path) == []
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert alive == []


# -- row 28: renderer killed ----------------------------------------------------------------


def test_killed_renderer_leaves_no_orphans_and_next_start_cleans(tmp_path, landscape_clip):
    src = slow_source(tmp_path)
    out = tmp_path / "out.mp4"
    proc = render_under_way(src, out)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.kill()
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], "ffmpeg outlived the renderer"
    assert not out.exists()
    assert len(leftovers(tmp_path)) == 1  # the killed export's partial file...
    export(Project(clips=(ClipRef(str(landscape_clip)),), output=FAST), tmp_path / "next.mp4")
    assert leftovers(tmp_path) == []  # ...removed by the next export into this folder


def test_leftovers_of_live_processes_are_kept(tmp_path):
    mine = tmp_path / f".x.mp4.ck-{os.getpid()}-0123abcd.part"
    mine.write_bytes(b"in progress")
    assert clean_leftovers(tmp_path) == []
    assert mine.exists()


# -- row 30: source vanishes mid-render ---------------------------------------------------


def test_source_vanishing_mid_render_fails_cleanly(tmp_path):
    first = slow_source(tmp_path, 6.0)
    second = make_clip(tmp_path / "second.mp4", duration=1.0)
    out = tmp_path / "out.mp4"
    token = CancelToken()
    removed = threading.Event()

    def on_progress(p: Progress) -> None:
        if p.stage == "render" and not removed.is_set():
            second.unlink()
            removed.set()

    with pytest.raises((InputError, RenderError)) as info:
        export(
            Project(clips=(ClipRef(str(first)), ClipRef(str(second))), output=FAST),
            out,
            on_progress=on_progress,
            cancel=token,
        )
    assert str(second) in info.value.message
    assert not out.exists() and leftovers(tmp_path) == []
    assert ffmpeg_children(tmp_path) == []


# -- rows 5, 7: audio -----------------------------------------------------------------------


def test_audio_longer_than_video_is_reported_and_cut(tmp_path, capsys):
    src = (
        make_clip(
            tmp_path / "long_audio.mp4", duration=2.0, audio_duration=5.0, extra_out=("-shortest",)
        )
        if False
        else None
    )
    src = tmp_path / "long_audio.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x240:r=30:d=2",
        "-f",
        "lavfi",
        "-i",
        "sine=f=440:d=5:sample_rate=48000",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        str(src),
    )
    out = tmp_path / "cut.mp4"
    code = main(
        [
            "render",
            "-i",
            str(src),
            "-o",
            str(out),
            "--progress",
            "none",
            "--x264-preset",
            "ultrafast",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "warning:" in err and "outlasts the video" in err and str(src) in err
    assert frame_count(out) == 60  # no frozen tail
    samples, rate = audio_samples(out)
    assert abs(len(samples) / rate - 2.0) < 0.06
    frozen = tmp_path / "freeze.mp4"
    assert (
        main(
            [
                "render",
                "-i",
                str(src),
                "-o",
                str(frozen),
                "--progress",
                "none",
                "--audio-tail",
                "freeze",
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 0
    )
    assert frame_count(frozen) == 150  # held last frame until the audio ends


# -- row 11: huge sources -------------------------------------------------------------------


def test_8k_source_renders_with_bounded_memory(tmp_path):
    src = tmp_path / "8k.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=7680x4320:r=30:d=0.5",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        str(src),
    )
    out = tmp_path / "8k_out.mp4"
    proc = psutil.Popen(
        [
            *CLI,
            "render",
            "-i",
            str(src),
            "-o",
            str(out),
            "--progress",
            "none",
            "--x264-preset",
            "ultrafast",
        ],
        stderr=subprocess.PIPE,
    )
    proc.wait()
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    assert frame_count(out) == 15
    # How much memory it takes is a figure for benchmarks/bench_limits.py, not a test.


def test_two_hour_source_reports_progress_and_cancels(tmp_path):
    src = tmp_path / "2h.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=320x240:r=1:d=7200",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "600",
        "-pix_fmt",
        "yuv420p",
        str(src),
    )
    out = tmp_path / "2h_out.mp4"
    token = CancelToken()
    reports: list[Progress] = []

    def on_progress(p: Progress) -> None:
        reports.append(p)
        if sum(r.stage == "render" for r in reports) >= 3:
            token.cancel()

    with pytest.raises(Cancelled):
        export(
            Project(clips=(ClipRef(str(src)),), output=FAST),
            out,
            on_progress=on_progress,
            cancel=token,
        )
    # Stopped within the first few percent (how fast is for benchmarks/bench_limits.py).
    render = [r for r in reports if r.stage == "render"]
    assert render and render[-1].fraction < 0.05 and render[-1].eta_s is not None
    assert render[-1].eta_s > 600  # it knows this is a long job
    assert not out.exists() and leftovers(tmp_path) == []


# -- row 12: awkward names ------------------------------------------------------------------


def test_awkward_names_work_and_nothing_is_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    weird = tmp_path / "-ñ 'x' ;touch pwned; $(touch pwned2).mp4"
    make_clip(weird, duration=1.0)
    out = tmp_path / "نتيجة 🎭 final ;rm -rf x.mp4"
    assert (
        main(
            [
                "render",
                "-i",
                str(weird),
                "-o",
                str(out),
                "--progress",
                "none",
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 0
    )
    assert frame_count(out) == 30
    long_dir = tmp_path / ("d" * 200) / ("e" * 200)
    long_dir.mkdir(parents=True)
    long_out = long_dir / ("ف" * 60 + ".mp4")
    assert (
        main(
            [
                "render",
                "-i",
                str(weird),
                "-o",
                str(long_out),
                "--progress",
                "none",
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 0
    )
    assert long_out.exists()
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


# -- row 13: protocol strings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "concat:a.mp4|b.mp4",
        "http://127.0.0.1:9/x.mp4",
        "pipe:0",
        "subfile,,start,0,end,100,,:x.mp4",
    ],
)
def test_protocol_strings_are_refused(tmp_path, bad, capsys):
    proj = tmp_path / "p.ckproj"
    proj.write_text(json.dumps({"schema_version": 1, "clips": [{"source": bad}]}))
    code = main(["render", str(proj), "-o", str(tmp_path / "o.mp4"), "--progress", "none"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: ") and "\n" not in err
    assert not (tmp_path / "o.mp4").exists()
    code = main(["render", "-i", bad, "-o", str(tmp_path / "o.mp4"), "--progress", "none"])
    assert code == 2 and not (tmp_path / "o.mp4").exists()


# -- row 10 at render time: clear error before any render ------------------------------------


@pytest.mark.parametrize("content", [b"", os.urandom(4096), b"\x89PNG\r\n\x1a\n" + b"\0" * 64])
def test_unusable_source_is_refused_before_rendering(tmp_path, content, capsys):
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(content)
    out = tmp_path / "o.mp4"
    code = main(["render", "-i", str(bad), "-o", str(out), "--progress", "none"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(f"error: {bad}") and "\n" not in err
    assert not out.exists() and leftovers(tmp_path) == []


def test_saved_project_renders_like_flags(tmp_path, landscape_clip):
    p = tmp_path / "proj.ckproj"
    save_project(Project(clips=(ClipRef(str(landscape_clip), 0.5, 1.5),), output=FAST), p)
    out = tmp_path / "o.mp4"
    assert main(["render", str(p), "-o", str(out), "--progress", "none"]) == 0
    assert frame_count(out) == 30


def test_cancel_during_the_loudness_pass_is_prompt(tmp_path):
    # Ten minutes of sound: the loudness pass runs long enough to be interrupted.
    src = tmp_path / "talk.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x120:r=1:d=600", "-f", "lavfi", "-i",
           "sine=f=220:d=600:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", str(src))
    out = tmp_path / "out.mp4"
    token = CancelToken()
    stages: list[str] = []

    def on_progress(p: Progress) -> None:
        stages.append(p.stage)
        if p.stage == "audio":
            token.cancel()

    with pytest.raises(Cancelled):
        export(Project(clips=(ClipRef(str(src)),), output=FAST), out, on_progress=on_progress,
               cancel=token)
    assert "render" not in stages  # the loudness pass stopped: no frame was rendered
    assert not out.exists() and leftovers(tmp_path) == []
    assert ffmpeg_children(tmp_path) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the parent-death signal is Linux's")
def test_ffmpeg_with_no_pipe_to_us_dies_with_the_process_that_started_it(tmp_path):
    """No pipe ties this ffmpeg to its parent: only the parent-death signal ends it."""
    script = (
        "import subprocess, sys, time\n"
        "from creator_kit.media import ffmpeg\n"
        "p = ffmpeg.spawn(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=5', '-f', 'null', '-'],\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 10
    while "ffmpeg" not in child.name():  # a launcher (setpriv) may be about to exec it
        assert time.monotonic() < deadline, child.name()
        time.sleep(0.02)
    parent.kill()
    parent.wait()
    _gone, alive = psutil.wait_procs([child], timeout=10)
    assert alive == [], "ffmpeg outlived the process that started it"
