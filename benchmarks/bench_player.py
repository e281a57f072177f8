"""The editor's player: playback on time, jump and scrub latency, against bare ffmpeg.

Drives the real :class:`~creator_kit.gui.player.PlayerWidget` (offscreen, so on the wall
clock: the sound clock needs an audio device) on the sample project: the 1920x1080 sample
selfie reframed by face, an Arabic caption, a sticker and a tracked face mask, previewed at
540x960. Prints

* playback over 10 s: frames shown on time (within one frame of the clock), late, and
  dropped, per second (target >= 29 of 30);
* jump latency: median of 20 random seeks until their exact frame is painted (target
  <= 150 ms), once the preview proxy is built (and, before it, the same jumps decoded from the
  source, as the baseline);
* scrub latency: a drag of 30 seeks at 60 Hz from 2 s to 7 s, then the release there: time
  until the exact frame is painted, and how many frames were painted during the drag;
* baseline: bare ffmpeg decoding the same segment with the same filter graph to raw frames,
  and the engine's sequential preview frame rate as a ratio of it (from the source and from
  the proxy);
* the CPU time one played frame costs (this process and its ffmpegs), which says how much
  of a frame's 33 ms the player needs whatever else the machine runs, and the load average.

Face analyses and proxies go to a cache folder of the benchmark's own (in the temporary
folder), not the user's; the proxy is removed first, so its build is timed too.

    python benchmarks/bench_player.py
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = Path(tempfile.gettempdir()) / "creator-kit-bench-player"
os.environ["CREATOR_KIT_CACHE_DIR"] = str(FOLDER / "cache")  # not the user's cache

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from creator_kit.core.face_settings import FaceMaskSettings  # noqa: E402
from creator_kit.core.model import (  # noqa: E402
    CaptionLayer,
    ClipRef,
    FaceMaskLayer,
    Project,
    Reframe,
    StickerLayer,
)
from creator_kit.gui.player import PlayerWidget  # noqa: E402
from creator_kit.media import ffmpeg  # noqa: E402
from creator_kit.media.ingest import decode_args  # noqa: E402
from creator_kit.render.decode import segment_filters  # noqa: E402
from creator_kit.render.preview_proxy import proxy_folder  # noqa: E402
from creator_kit.render.preview_session import PreviewSession, clear_caches  # noqa: E402
from scripts.make_sample import make_selfie  # noqa: E402


def sample_project(folder: Path) -> Project:
    """The sample selfie (12 s) with caption, sticker and face mask, reframed by face."""
    selfie = folder / "selfie-12s.mp4"
    if not selfie.exists():
        make_selfie(selfie, duration=12.0)
    return Project(
        clips=(ClipRef(str(selfie)),),
        reframe=Reframe(mode="face"),
        layers=(
            CaptionLayer(text="لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp"),
            StickerLayer(name="mask-up"),
            FaceMaskLayer(settings=FaceMaskSettings(style="surgical")),
        ),
    )


def wait(app: QApplication, until, timeout: float) -> bool:
    """Run the event loop until ``until()`` (checked every 2 ms) or the timeout.

    Returns whether it came true. The GUI thread sleeps in Qt's event loop meanwhile, as in
    the editor (a Python loop polling ``processEvents`` would take the CPU and the GIL from
    the player's worker a thousand times a second).
    """
    if until():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.setTimerType(Qt.TimerType.PreciseTimer)
    poll.timeout.connect(lambda: until() and loop.quit())
    poll.start(2)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    loop.exec()
    poll.stop()
    return bool(until())


def bare_ffmpeg_fps(session: PreviewSession, seconds: float = 6.0) -> float:
    """Frames per second of ffmpeg alone decoding the first segment with the player's graph."""
    plan = session.plan
    seg = plan.segments[0]
    frames = int(seconds * plan.fps)
    args = decode_args(seg.clip.source, seg.info, plan.fps, seg.src_start, frames / plan.fps)
    face = session.renderer.face_paths.get(seg.index)
    cmd = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
           "-threads", "2", *args, "-vf", segment_filters(plan, seg, 0, face),
           "-frames:v", str(frames), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return frames / (time.perf_counter() - start)


def engine_fps(session: PreviewSession, seconds: float = 6.0) -> float:
    """Frames per second of the preview session made one after another (decode + layers)."""
    n = int(seconds * session.fps)
    session.frame(0)
    start = time.perf_counter()
    for i in range(1, n + 1):
        session.frame(i)
    return n / (time.perf_counter() - start)


def engine_jumps(session: PreviewSession, indices: list[int]) -> float:
    """Median seconds for the session to make the exact frame of each random jump."""
    took = []
    for index in indices:
        start = time.perf_counter()
        session.frame(index)
        took.append(time.perf_counter() - start)
    return statistics.median(took)


def tree_cpu() -> float:
    """CPU seconds used so far by this process and its children (running or reaped)."""
    me = psutil.Process()
    t = me.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in me.children(recursive=True):
        try:
            c = child.cpu_times()
            total += c.user + c.system
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> int:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    FOLDER.mkdir(exist_ok=True)
    project = sample_project(FOLDER)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (2 cores)")
    shutil.rmtree(proxy_folder(), ignore_errors=True)  # the proxy's build is timed below

    rng = random.Random(7)
    with PreviewSession(project, proxies=False) as session:
        session.wait_for_faces()  # analysis is cached on disk for the player below
        total = session.total_frames
        jumps = [rng.randrange(total) for _ in range(20)]
        bare = bare_ffmpeg_fps(session)
        eng = engine_fps(session)
        clear_caches()
        from_source = engine_jumps(session, jumps[:5])
    print(f"baseline: bare ffmpeg decode+graph at 540x960: {bare:.1f} frames/s")
    print(f"engine from the source: preview frames made in sequence: {eng:.1f} frames/s "
          f"({eng / bare:.2f} x bare ffmpeg); a random jump's exact frame: median "
          f"{from_source * 1000:.0f} ms of 5 (decoding from the keyframe before it)")

    with PreviewSession(project) as session:
        start = time.perf_counter()
        ready = session.wait_for_proxies(300)
        built = time.perf_counter() - start
        size = sum(p.stat().st_size for p in proxy_folder().glob("*.mkv"))
        eng_proxy = engine_fps(session)
        clear_caches()  # no jump finds its picture decoded already
        from_proxy = engine_jumps(session, jumps)
    print(f"preview proxy: {'built' if ready else 'NOT built'} in {built:.1f} s for "
          f"{total / session.fps:.0f} s of video ({size / 1024**2:.0f} MB); engine from it: "
          f"{eng_proxy:.1f} frames/s in sequence ({eng_proxy / bare:.2f} x bare ffmpeg), a "
          f"random jump's exact frame median {from_proxy * 1000:.1f} ms of 20")

    player = PlayerWidget()
    player.resize(540, 960)
    player.show()
    progress: list[float] = []
    player.faces_progress.connect(progress.append)
    player.set_project(project)
    wait(app, lambda: player.current_frame() is not None and 1.0 in progress, 60)
    fps = player.session().fps
    player.session().wait_for_proxies(120)  # found on disk: built above
    # The soundtrack is mixed (loudness measured) in the background after opening: playback
    # is timed once that is done, as when a user presses play a few seconds after opening.
    wait(app, lambda: player._clock._pcm is not None, 60)

    # Playback: 10 s from the start, on the wall clock (no audio device offscreen).
    shown: list[tuple[int, float]] = []

    def on_shown(index: int) -> None:
        if player.is_playing() and player._clock.running:
            shown.append((index, player._clock.now()))

    player.frame_shown.connect(on_shown)
    player.seek(0.0)
    wait(app, lambda: player.current_frame().index == 0, 10)
    load = os.getloadavg()[0]
    cpu0 = tree_cpu()
    player.play()
    t0 = time.perf_counter()
    wait(app, lambda: False, 10.0)
    player.pause()
    elapsed = time.perf_counter() - t0
    cpu = tree_cpu() - cpu0
    player.frame_shown.disconnect(on_shown)
    due_total = int(min(elapsed, 10.0) * fps)
    on_time = sum(1 for i, t in shown if t - i / fps < 1.0 / fps and i < due_total)
    late = sum(1 for i, t in shown if t - i / fps >= 1.0 / fps and i < due_total)
    seen = {i for i, _t in shown if i < due_total}
    dropped = due_total - len(seen)
    secs = due_total / fps
    print(f"playback 10 s at {fps:g} fps, 540x960: {on_time / secs:.1f} frames/s on time, "
          f"{late / secs:.1f} late, {dropped / secs:.1f} dropped (target >= 29 of 30 on time); "
          f"clock: {'audio' if player._clock.uses_audio else 'wall'}; CPU "
          f"{cpu / max(1, len(shown)) * 1000:.1f} ms per frame shown (of {1000 / fps:.0f}); "
          f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}")

    # Jumps: the same 20 random seeks, each until its exact frame is painted.
    clear_caches()
    took = []
    for index in jumps:
        start = time.perf_counter()
        player.seek(index / fps + 1e-6)
        wait(app, lambda index=index: player.current_frame().index == index, 10)
        took.append(time.perf_counter() - start)
    print(f"jump latency, 20 random jumps: the exact frame painted after median "
          f"{statistics.median(took) * 1000:.0f} ms (max {max(took) * 1000:.0f}) "
          "(target <= 150 ms)")

    # Scrub: a drag from 2 s to 7 s in 30 seeks at 60 Hz, then release.
    painted: list[int] = []
    player.frame_shown.connect(painted.append)
    for k in range(30):
        player.seek(2.0 + 5.0 * k / 29)
        wait(app, lambda: False, 1 / 60)
    during = len(painted)
    release = int(round(7.0 * fps))  # where the drag stopped: the release's own seek
    start = time.perf_counter()
    player.seek(release / fps + 1e-6)
    wait(app, lambda: player.current_frame().index == release, 10)
    scrub = time.perf_counter() - start
    print(f"scrub: {during} frames painted during a 0.5 s drag of 30 seeks; release to its "
          f"exact frame: {scrub * 1000:.0f} ms")
    rss = psutil.Process().memory_info().rss / 1024**2
    print(f"memory: the process with the player open after all this: {rss:.0f} MB RSS")
    player.shutdown()
    print("(measured on the shared 2-core machine while other work ran: figures are lower "
          "bounds of what an idle machine does)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
