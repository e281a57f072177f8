"""Batch vs one-after-another: eight 10 s clips through the same campaign template.

Prints the wall time of rendering the eight outputs one after another in one process (the
baseline, what a user does with ``creator-kit render`` in a loop) and with
``creator-kit batch`` (worker processes, ``--jobs auto`` and each fixed count asked for),
the ratio batch/baseline (below 1.0: the batch is faster) and the CPU utilisation of the
machine during each run (100 % = every core busy the whole time).

It then runs the same sheet on a ``--cluster local:2`` Dask cluster (two worker processes,
one render each) and prints its time against the local pool of two processes, and the
cluster path's overhead per row ((cluster - pool) / rows); the cluster's start-up (about a
second or two, once per batch) is printed apart.

    .venv/bin/python benchmarks/bench_batch.py [--clips 8] [--seconds 10] [--jobs 1,2]
        [--no-cluster | --cluster-only]

Clips are made on the fly with ffmpeg (640x360 testsrc2 + tone, like a phone clip
downscaled); nothing is kept. The template is a copy of ``maskup`` without the face mask,
and is reduced to caption layers when the render engine does not draw sticker layers yet.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from creator_kit.batch import auto_jobs, plan_batch, run_batch  # noqa: E402
from creator_kit.batch.runner import cpu_count  # noqa: E402
from creator_kit.render.export import export  # noqa: E402
from creator_kit.templates import find_template, save_template  # noqa: E402
from tests.mediagen import make_clip  # noqa: E402


def make_template(data_dir: Path) -> str:
    """A ``bench`` template: maskup without the face mask."""
    t = find_template("maskup").template
    t = t.replace(name="bench", defaults=t.defaults.__class__(
        output=t.defaults.output, reframe=t.defaults.reframe, face_mask=False,
        face_mask_settings=t.defaults.face_mask_settings, audio=t.defaults.audio))
    folder = data_dir / "templates" / "bench"
    folder.mkdir(parents=True)
    save_template(t, folder)
    return "bench"


def measured(fn: Callable[[], object]) -> tuple[float, float, float]:
    """Wall seconds of ``fn()``, our CPU use and the whole machine's meanwhile (0..1 each).

    Our CPU counts this process and every process it started and waited for (workers,
    ffmpeg), from ``os.times``; the machine's includes whatever else runs on it.
    """
    cores = psutil.cpu_count() or 1
    before, mine = psutil.cpu_times(), os.times()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    after, mine_after = psutil.cpu_times(), os.times()
    ours = sum(getattr(mine_after, f) - getattr(mine, f)
               for f in ("user", "system", "children_user", "children_system"))
    machine = sum(getattr(after, f, 0.0) - getattr(before, f, 0.0)
                  for f in ("user", "system", "nice"))
    return wall, ours / (wall * cores), machine / (wall * cores)


def bench_cluster(sheet: Path, work: Path, name: str, rows: int) -> dict[str, float]:
    """The sheet on a local pool of 2 and on a local:2 Dask cluster, same settings."""
    from creator_kit.batch import LocalPoolExecutor
    from creator_kit.batch.cluster import connect, parse_cluster

    pool_plan = plan_batch(sheet, work / "pool-2", default_template=name)
    pool_wall, pool_cpu, _ = measured(
        lambda: run_batch(pool_plan, executor=LocalPoolExecutor(2)))
    t0 = time.perf_counter()
    executor = connect(parse_cluster("local:2"))
    startup = time.perf_counter() - t0
    dask_plan = plan_batch(sheet, work / "dask-2", default_template=name)
    dask_wall, dask_cpu, _ = measured(lambda: run_batch(dask_plan, executor=executor))
    per_row = (dask_wall - pool_wall) / rows
    print(f"local pool of 2         : {pool_wall:7.1f} s  cpu ours {pool_cpu * 100:5.1f} %")
    print(f"Dask cluster local:2    : {dask_wall:7.1f} s  ratio {dask_wall / pool_wall:.3f} "
          f"vs the pool; overhead {per_row:+.2f} s per row; cluster start-up {startup:.1f} s")
    return {"pool2_s": round(pool_wall, 2), "dask_local2_s": round(dask_wall, 2),
            "dask_vs_pool": round(dask_wall / pool_wall, 3),
            "dask_overhead_per_row_s": round(per_row, 3), "dask_startup_s": round(startup, 2)}


def main() -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--jobs", default="", help="extra fixed job counts to try, e.g. 1,2")
    ap.add_argument("--no-cluster", action="store_true", help="skip the local:2 Dask run")
    ap.add_argument("--cluster-only", action="store_true",
                    help="only the local pool of 2 against the local:2 Dask cluster")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="ck-bench-batch-"))
    try:
        os.environ["CREATOR_KIT_DATA_DIR"] = str(work / "data")
        name = make_template(work / "data")
        clips = [make_clip(work / f"clip{i}.mp4", size="640x360", duration=args.seconds,
                           tone=300 + 40 * i) for i in range(args.clips)]
        sheet = work / "sheet.csv"
        with sheet.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["input", "output", "caption", "var:creator"])
            for i, c in enumerate(clips):
                w.writerow([c.name, f"out{i}", "لا تنسوا الكمامة", f"@creator{i}"])

        plan = plan_batch(sheet, work / "seq", default_template=name)
        assert plan.ok, plan.report()
        if args.cluster_only:
            print(json.dumps(bench_cluster(sheet, work, name, len(plan.jobs))))
            return 0
        (work / "seq").mkdir()

        def sequential() -> None:
            for job in plan.jobs:
                export(job.project, job.output)

        seq_wall, seq_cpu, seq_machine = measured(sequential)
        print(f"machine: {cpu_count()} cores, "
              f"{psutil.virtual_memory().available / 2**30:.1f} GB free; "
              f"{args.clips} clips of {args.seconds:g} s + "
              f"{plan.jobs[0].project.card.duration if plan.jobs[0].project.card else 0:g} s "
              "end card each")
        print(f"one after another     : {seq_wall:7.1f} s  cpu ours {seq_cpu * 100:5.1f} % "
              f"(machine {seq_machine * 100:5.1f} %)")
        counts = [("auto", auto_jobs(len(plan.jobs)))]
        counts += [(c, int(c)) for c in args.jobs.split(",") if c.strip()]
        figures = {"sequential_s": round(seq_wall, 2), "sequential_cpu": round(seq_cpu, 3)}
        for label, jobs in counts:
            out = work / f"batch-{label}"
            p = plan_batch(sheet, out, default_template=name)
            wall, cpu, machine = measured(
                lambda p=p, jobs=jobs: run_batch(p, jobs=jobs))  # type: ignore[misc]
            print(f"batch --jobs {label:<4} ({jobs}) : {wall:7.1f} s  cpu ours {cpu * 100:5.1f} % "
                  f"(machine {machine * 100:5.1f} %)  ratio {wall / seq_wall:.2f}")
            figures[f"batch_{label}_s"] = round(wall, 2)
            figures[f"batch_{label}_cpu"] = round(cpu, 3)
            figures[f"batch_{label}_ratio"] = round(wall / seq_wall, 3)
        if not args.no_cluster:
            figures.update(bench_cluster(sheet, work, name, len(plan.jobs)))
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
