"""The app bundle: its size on disk and how fast the bundled CLI starts.

Prints the bundle's size (files only; links count once) against the goal of 400 MB, what takes
the room, and the wall time of the bundled ``creator-kit`` against the installed one in
``.venv`` (the baseline, measured in the same run): ``--version`` (interpreter and CLI start),
``probe`` of a short clip (PyAV loaded), ``templates list`` (templates read from the
bundle's assets) and ``gui --screenshot`` (the editor's window shown offscreen with the clip's
frame in the preview, saved, closed: an upper bound of the time to a shown window). Ratios above
1.0: the bundle is slower.

    .venv/bin/python benchmarks/bench_package.py [--bundle dist/creator-kit] [--runs 5]

Build the bundle first with ``make package``. Each command runs once to warm the disk cache,
then ``--runs`` times; the median is reported.
"""

from __future__ import annotations

import argparse
import os
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


def size_of(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symbolic links count as nothing)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(internal: Path, n: int = 8) -> list[tuple[str, int]]:
    """The ``n`` top-level entries of ``_internal`` that take the most room."""
    sizes = []
    for p in internal.iterdir():
        if p.is_symlink():
            continue
        sizes.append((p.name, size_of(p) if p.is_dir() else p.stat().st_size))
    return sorted(sizes, key=lambda x: -x[1])[:n]


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time in seconds of ``cmd`` over ``runs`` runs, after one warm-up run."""
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "creator-kit")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = args.bundle / "creator-kit"
    if not exe.is_file():
        sys.stderr.write(f"error: {exe}: no bundle; run 'make package' first\n")
        return 2
    total = size_of(args.bundle)
    print(f"bundle {args.bundle}: {total / 1e6:.0f} MB ({total / 1024**2:.0f} MiB); "
          f"goal {GOAL_MB} MB: {'met' if total <= GOAL_MB * 1e6 else 'not met'}")
    for name, n in biggest(args.bundle / "_internal"):
        print(f"  {name:32s} {n / 1e6:7.1f} MB")
    installed = ROOT / ".venv" / "bin" / "creator-kit"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        clip = make_clip(Path(tmp) / "clip.mp4", size="640x360", duration=2.0)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "QT_QPA_PLATFORM": "offscreen"}
        venv_env = {**env, "PATH": f"{installed.parent}{os.pathsep}{env['PATH']}"}
        print(f"start time, median of {args.runs} (bundle vs installed in .venv):")
        for label, tail in (("--version", ["--version"]),
                            ("probe clip", ["probe", str(clip)]),
                            ("templates list", ["templates", "list"]),
                            ("gui --screenshot", ["gui", str(clip), "--screenshot",
                                                  str(Path(tmp) / "editor.png"), "--size",
                                                  "1280x800"])):
            bundled = timed([str(exe), *tail], env, args.runs)
            base = timed([str(installed), *tail], venv_env, args.runs)
            print(f"  {label:16s} bundle {bundled:6.2f} s   installed {base:6.2f} s   "
                  f"ratio {bundled / base:4.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
