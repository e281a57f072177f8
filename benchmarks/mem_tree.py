"""Where a command's memory goes: per-process resident size of its whole tree, every 20 ms.

Prints each process's own peak (with its command line), the tree's peak and what each process
held at that moment, and, with ``--timeline``, the tree total once a second. Used to find which
process (Python, the export's ffmpeg, a helper ffmpeg) makes a render's peak.

    python benchmarks/mem_tree.py [--timeline] -- COMMAND ...
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class TreeSample:
    """What the sampler saw: per-pid peaks and names, the tree's peak and its make-up."""

    peaks: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    peak: float = 0.0
    peak_at: float = 0.0
    at_peak: dict[int, float] = field(default_factory=dict)
    timeline: list[tuple[float, float]] = field(default_factory=list)


def _name(p: psutil.Process) -> str:
    try:
        cmd = p.cmdline()
    except psutil.Error:
        return "?"
    if not cmd:
        return "?"
    exe = cmd[0].rsplit("/", 1)[-1]
    if "python" in exe and len(cmd) > 2:
        return f"python {' '.join(cmd[1:4])}"
    return f"{exe} {' '.join(cmd[1:6])}"[:90]


def measure_tree(cmd: list[str], env: dict[str, str] | None = None) -> tuple[TreeSample, int]:
    """Run ``cmd`` sampling its tree every 20 ms; returns what was seen and the exit code."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seen = TreeSample()
    stop = threading.Event()

    def sample() -> None:
        last_tick = -1
        while not stop.is_set():
            now = time.perf_counter() - start
            rss: dict[int, float] = {}
            try:
                procs = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                procs = [proc]
            for p in procs:
                try:
                    rss[p.pid] = p.memory_info().rss / 1e6
                except psutil.Error:
                    continue
                if p.pid not in seen.names:
                    seen.names[p.pid] = _name(p)
                seen.peaks[p.pid] = max(seen.peaks.get(p.pid, 0.0), rss[p.pid])
            total = sum(rss.values())
            if total > seen.peak:
                seen.peak, seen.peak_at, seen.at_peak = total, now, rss
            if int(now) != last_tick:
                last_tick = int(now)
                seen.timeline.append((now, total))
            stop.wait(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return seen, proc.returncode


def report(seen: TreeSample, timeline: bool = False) -> str:
    """A readable account of ``seen``."""
    lines = [f"tree peak {seen.peak:.0f} MB at {seen.peak_at:.1f} s; at that moment:"]
    for pid, mb in sorted(seen.at_peak.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {mb:7.0f} MB  {pid:>7}  {seen.names.get(pid, '?')}")
    lines.append("each process's own peak:")
    for pid, mb in sorted(seen.peaks.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {mb:7.0f} MB  {pid:>7}  {seen.names.get(pid, '?')}")
    if timeline:
        lines.append("tree total per second:")
        lines += [f"  {t:6.1f} s {mb:7.0f} MB" for t, mb in seen.timeline]
    return "\n".join(lines)


def main() -> None:
    """Run the command after ``--`` and print where its memory went."""
    if "--" not in sys.argv:
        raise SystemExit(__doc__)
    cmd = sys.argv[sys.argv.index("--") + 1 :]
    seen, code = measure_tree(cmd)
    print(report(seen, "--timeline" in sys.argv[: sys.argv.index("--")]))
    raise SystemExit(code)


if __name__ == "__main__":
    main()
