"""The app bundle: its size on disk, what takes the room, and how fast the bundled app starts.

Prints the bundle's size (files only; links count as nothing) against the goal of 400 MB, the
size of each component (the ffmpeg executable, Qt, OpenCV, PyAV, NumPy, ...) and the largest
files, then start times of the bundled ``creator-kit`` against the installed one in ``.venv``
(the baseline, measured in the same run, same clean environment: empty ``HOME``,
``QT_QPA_PLATFORM=offscreen``):

* ``gui sample.ckproj``, window shown (goal <= 2 s): the editor on the sample project
  (``scripts/make_gui_sample.py``) with ``CREATOR_KIT_GUI_PROBE=shown``, which makes it print
  a line after the window's first paint and exit; timed from the launch to that line. A bare
  PySide6 window started by the installed Python, timed the same way, is a second baseline;
* ``--version`` (interpreter and CLI start), ``probe`` of a short clip (PyAV loaded),
  ``templates list`` (templates read from the bundle's assets) and ``gui clip --screenshot``
  (window shown with the clip's frame in the preview after the face analysis, saved, closed).

Each is the median of ``--runs`` runs after one warm-up run (disk cache). Wall times swing with
the machine's load (printed before and after), so each line also gives the CPU seconds the
command used (user + system, its children included), which the load disturbs far less.
Ratios above 1.0: the bundle is slower.

    .venv/bin/python benchmarks/bench_package.py [--bundle dist/creator-kit] [--runs 3]

Build the bundle first with ``make package``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mediagen import make_clip  # noqa: E402

GOAL_MB = 400
GOAL_SHOWN_S = 2.0

# Components of _internal/, by top-level entry; what is not named is "other".
COMPONENTS = {
    "ffmpeg executable (the app's own, or imageio-ffmpeg's)": ("ffmpeg", "imageio_ffmpeg"),
    "Qt (PySide6, ICU included)": ("PySide6", "shiboken6"),
    "OpenCV": ("cv2", "opencv_python_headless.libs"),
    "PyAV and its FFmpeg libraries": ("av", "av.libs"),
    "NumPy (OpenBLAS included)": ("numpy", "numpy.libs"),
    "Pillow": ("PIL", "pillow.libs"),
    "Python (libpython, extension modules, stdlib)": ("libpython3.11.so.1.0", "python3.11",
                                                      "base_library.zip"),
    "creator_kit (fonts, face model, templates)": ("creator_kit",),
}

# A bare PySide6 window, started like the editor: the floor for "window shown".
BARE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "w = QMainWindow(); w.resize(1600, 1000); w.show(); app.processEvents(); w.repaint()\n"
    "print('shown', flush=True)\n"
)


def size_of(path: Path) -> int:
    """Bytes of the regular files at or under ``path`` (symbolic links count as nothing)."""
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def breakdown(bundle: Path) -> list[tuple[str, int]]:
    """Bytes per component (see COMPONENTS), the launcher, system libraries and the rest."""
    internal = bundle / "_internal"
    named = {entry: label for label, entries in COMPONENTS.items() for entry in entries}
    sizes: dict[str, int] = {label: 0 for label in COMPONENTS}
    sizes["launcher executable, share/, BUILD-INFO.json"] = sum(
        size_of(p) for p in bundle.iterdir() if p.name != "_internal")
    for p in internal.iterdir():
        if p.name in named:
            label = named[p.name]
        elif ".so" in p.name and p.is_file():
            label = "system libraries copied from the build machine"
        else:
            label = "other"
        sizes[label] = sizes.get(label, 0) + size_of(p)
    return sorted(sizes.items(), key=lambda x: -x[1])


def largest_files(bundle: Path, n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` largest regular files in the bundle."""
    files = [(str(p.relative_to(bundle)), p.stat().st_size) for p in bundle.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(files, key=lambda x: -x[1])[:n]


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    """Wall seconds, CPU seconds (the command and its children) of one run, and the seconds
    from the launch to the line ``shown ...`` on its stdout, if it prints one.

    The launch-to-line time is taken here, as the line arrives: the ``shown`` value the
    editor prints counts from its process's creation time, which Linux gives with the boot
    time rounded to the second, so it can be off by up to a second.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    shown = None
    with subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if shown is None and line.split()[:1] == ["shown"]:
                shown = time.perf_counter() - t0
        code = proc.wait(timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise SystemExit(f"failed ({code}): {cmd}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, shown


def timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float | None]:
    """Medians over ``runs`` runs after a warm-up: wall s, CPU s, launch to ``shown`` s."""
    run_once(cmd, env)
    walls, cpus, shown = [], [], []
    for _ in range(runs):
        wall, cpu, at = run_once(cmd, env)
        walls.append(wall)
        cpus.append(cpu)
        if at is not None:
            shown.append(at)
    return (statistics.median(walls), statistics.median(cpus),
            statistics.median(shown) if shown else None)


def load() -> str:
    """The load averages, as a string."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "creator-kit")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size-only", action="store_true", help="print the sizes and stop")
    args = ap.parse_args()
    exe = args.bundle / "creator-kit"
    if not exe.is_file():
        sys.stderr.write(f"error: {exe}: no bundle; run 'make package' first\n")
        return 2
    total = size_of(args.bundle)
    print(f"bundle {args.bundle}: {total / 1e6:.0f} MB ({total / 1024**2:.0f} MiB); "
          f"goal {GOAL_MB} MB: {'met' if total <= GOAL_MB * 1e6 else 'not met'}")
    for label, n in breakdown(args.bundle):
        print(f"  {label:55s} {n / 1e6:7.1f} MB")
    print("largest files:")
    for name, n in largest_files(args.bundle):
        print(f"  {name:70s} {n / 1e6:7.1f} MB")
    if args.size_only:
        return 0

    from scripts.make_gui_sample import sample_project

    project = sample_project()
    installed = ROOT / ".venv" / "bin" / "creator-kit"
    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        clip = make_clip(Path(tmp) / "clip.mp4", size="640x360", duration=2.0)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "QT_QPA_PLATFORM": "offscreen"}
        venv_env = {**env, "PATH": f"{installed.parent}{os.pathsep}{env['PATH']}"}
        probe_env = {"CREATOR_KIT_GUI_PROBE": "shown"}
        print(f"start, median of {args.runs} (bundle vs installed in .venv; wall s / CPU s):")
        bare = timed([sys.executable, "-c", BARE], env, args.runs)
        assert bare[2] is not None
        for label, tail, extra in (
                ("gui sample, shown", ["gui", str(project)], probe_env),
                ("--version", ["--version"], {}),
                ("probe clip", ["probe", str(clip)], {}),
                ("templates list", ["templates", "list"], {}),
                ("gui --screenshot", ["gui", str(clip), "--screenshot",
                                      str(Path(tmp) / "editor.png"), "--size", "1280x800"], {})):
            b_wall, b_cpu, b_shown = timed([str(exe), *tail], {**env, **extra}, args.runs)
            i_wall, i_cpu, i_shown = timed([str(installed), *tail], {**venv_env, **extra},
                                           args.runs)
            print(f"  {label:18s} bundle {b_wall:5.2f} / {b_cpu:5.2f}   installed "
                  f"{i_wall:5.2f} / {i_cpu:5.2f}   ratio {b_wall / i_wall:4.2f} wall, "
                  f"{b_cpu / i_cpu:4.2f} CPU")
            if b_shown is not None and i_shown is not None:
                print(f"  {'':18s} window shown after {b_shown:.2f} s bundled, {i_shown:.2f} s "
                      f"installed, {bare[2]:.2f} s for a bare PySide6 window (ratio "
                      f"{b_shown / bare[2]:.1f}x); goal <= {GOAL_SHOWN_S:g} s: "
                      f"{'met' if b_shown <= GOAL_SHOWN_S else 'not met'}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
