"""Memory and latency limits that used to be asserted inside unit tests, measured here.

Each figure is printed next to a baseline measured in the same run, as a ratio:

* peak memory (whole process tree) of rendering a 0.5 s 7680x4320 source, against the same
  render of a 1920x1080 source (the engine scales 8K down in ffmpeg; the ratio shows it);
* how long a cancel takes to stop an export of a 2-hour source during the render, and during
  the loudness pass, against the time a 0.5 s export takes from start to finish;
* how long loading a 100 MB project file takes to be refused, against loading a small one.

    python benchmarks/bench_limits.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from creator_kit.core.cancel import CancelToken, Progress  # noqa: E402
from creator_kit.core.errors import Cancelled, InputError  # noqa: E402
from creator_kit.core.model import ClipRef, OutputSettings, Project  # noqa: E402
from creator_kit.core.project_io import load_project, save_project  # noqa: E402
from creator_kit.render.export import export  # noqa: E402
from tests.mediagen import ffmpeg  # noqa: E402

FAST = OutputSettings(x264_preset="ultrafast")
CLI = [sys.executable, "-m", "creator_kit.cli"]


def source(folder: Path, name: str, graph: str, *extra: str) -> Path:
    """A generated H.264 clip (lavfi ``graph``)."""
    path = folder / name
    ffmpeg("-f", "lavfi", "-i", graph, *extra, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", str(path))
    return path


def render_peak(src: Path, out: Path) -> float:
    """Peak resident memory (MB) of ``creator-kit render`` and its children."""
    proc = psutil.Popen([*CLI, "render", "-i", str(src), "-o", str(out), "--progress", "none",
                         "--x264-preset", "ultrafast", "--overwrite"], stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.read().decode() if proc.stderr else "render failed")
    return peak / 1e6


def cancel_after(src: Path, out: Path, stage: str, reports: int) -> float:
    """Seconds from the cancel to the export returning, cancelled at ``stage``."""
    token = CancelToken()
    seen: list[str] = []
    cancelled_at: list[float] = []

    def on_progress(p: Progress) -> None:
        seen.append(p.stage)
        if seen.count(stage) >= reports and not token.cancelled:
            cancelled_at.append(time.monotonic())
            token.cancel()

    try:
        export(Project(clips=(ClipRef(str(src)),), output=FAST), out, on_progress=on_progress,
               cancel=token)
    except Cancelled:
        return time.monotonic() - cancelled_at[0]
    raise SystemExit(f"the export was not cancelled at {stage}")


def main() -> int:
    """Print each limit's figure and its ratio to the baseline of the same run."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hd = source(folder, "hd.mp4", "testsrc2=s=1920x1080:r=30:d=0.5")
        uhd = source(folder, "8k.mp4", "testsrc2=s=7680x4320:r=30:d=0.5")
        base = render_peak(hd, folder / "hd_out.mp4")
        big = render_peak(uhd, folder / "8k_out.mp4")
        print(f"8K render peak {big:.0f} MB vs 1080p {base:.0f} MB: {big / base:.2f}x")

        started = time.monotonic()
        export(Project(clips=(ClipRef(str(hd)),), output=FAST), folder / "short.mp4")
        short = time.monotonic() - started
        long_video = source(folder, "2h.mp4", "color=c=gray:s=320x240:r=1:d=7200", "-g", "600")
        during_render = cancel_after(long_video, folder / "2h_out.mp4", "render", 3)
        print(f"cancel during render {during_render:.2f} s vs a 0.5 s export {short:.2f} s: "
              f"{during_render / short:.2f}x")
        talk = folder / "talk.mp4"
        ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x120:r=1:d=600", "-f", "lavfi", "-i",
               "sine=f=220:d=600:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast",
               "-pix_fmt", "yuv420p", "-c:a", "aac", str(talk))
        during_audio = cancel_after(talk, folder / "talk_out.mp4", "audio", 1)
        print(f"cancel during the loudness pass {during_audio:.2f} s vs a 0.5 s export "
              f"{short:.2f} s: {during_audio / short:.2f}x")

        small = folder / "small.ckproj"
        save_project(Project(clips=(ClipRef(str(hd)),)), small)
        huge = folder / "huge.ckproj"
        with open(huge, "wb") as fh:
            fh.truncate(100 * 1024 * 1024)  # sparse
        started = time.perf_counter()
        load_project(small)
        ok = time.perf_counter() - started
        started = time.perf_counter()
        try:
            load_project(huge)
        except InputError:
            pass
        refused = time.perf_counter() - started
        print(f"100 MB project refused in {refused * 1e3:.1f} ms vs a small one loaded in "
              f"{ok * 1e3:.1f} ms: {refused / ok:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
