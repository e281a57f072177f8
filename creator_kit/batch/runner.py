"""Running a checked batch: workers, resume, clean cancel, a summary.

* **Where rows run** is an executor's business (:mod:`creator_kit.batch.executors`): local
  worker processes by default, or a Dask cluster (:mod:`creator_kit.batch.cluster`). What
  follows is the same for both. :func:`auto_jobs` sizes the local pool from the cores and
  the free memory.
* **Resume.** A manifest beside the outputs (``.creator-kit-batch.json``) records, for
  each output made, a hash of its project (template, texts, settings, creator_kit's
  version) and the size and modification time of every file it read. Run the sheet again
  and rows whose output is still there and whose inputs and settings are unchanged are
  skipped; touching one input re-renders only its rows.
* **Existing files.** An output the manifest does not know is never replaced without
  ``overwrite``; a stale output this batch made earlier is replaced. An output whose
  folder is a symbolic link leading outside the output folder is refused.
* **Cancel.** Setting the cancel token (the CLI does on SIGINT/SIGTERM) stops starting
  rows and tells every worker to cancel its export, which removes its temporary file:
  no partial output is ever left at an output path. :class:`Cancelled` is raised after
  the manifest and summary are written.
* **Failures** are recorded and the batch goes on; ``batch-summary.csv`` lists every row
  as made, skipped, failed or cancelled, with the reason, the worker and the number of
  attempts (a cluster re-runs a row whose worker was lost). Cells that a spreadsheet would
  read as a formula are escaped. Whether the summary can be written is checked before
  any row renders.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from creator_kit.batch.executors import (
    LocalPoolExecutor,
    RowExecutor,
    RowOutcome,
    RowTask,
    Status,
)
from creator_kit.batch.jobs import MANIFEST_NAME, SUMMARY_NAME, BatchPlan, Job
from creator_kit.core.atomic import atomic_write, reserve_temp
from creator_kit.core.cancel import CancelToken, Progress, ProgressCallback
from creator_kit.core.errors import Cancelled, CreatorKitError, InputError, OutputError
from creator_kit.core.files import check_file, read_file
from creator_kit.core.paths import confine

MANIFEST_VERSION = 1
# Memory one 1080x1920 render may need at its peak, whole process tree (the render engine
# keeps it under 600 MB: frame pool, x264 lookahead, decoder, Qt text); a margin on top.
RENDER_MEMORY = 700 * 1024 * 1024
# Temporary files of an export (render/export.py names them so), for the final sweep.
_PART = re.compile(r"^\..+\.ck-.+\.part$")


@dataclass(frozen=True)
class RowResult:
    """What happened to one row (``worker`` and ``attempts`` for rows that ran)."""

    row: int
    output: str
    status: Status
    reason: str = ""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    worker: str = ""
    attempts: int = 0


@dataclass(frozen=True)
class WorkerCount:
    """Rows one worker has finished and is running now."""

    worker: str
    done: int
    running: int


@dataclass(frozen=True)
class BatchProgress(Progress):
    """Batch progress: the overall fraction and ETA, rows done, and per-worker counts."""

    rows_done: int = 0
    rows_total: int = 0
    workers: tuple[WorkerCount, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """Every row's result, in sheet order, and where the summary was written."""

    results: tuple[RowResult, ...]
    summary: Path

    def count(self, status: Status) -> int:
        """How many rows ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def auto_jobs(rows: int, *, cores: int | None = None, available: int | None = None) -> int:
    """How many renders to run at once: one per core, as memory allows, never more than rows.

    Each render's ffmpeg encoder already uses threads, but the compositing between decoder
    and encoder is one Python thread, so one render leaves cores idle. Measured with
    ``benchmarks/bench_batch.py`` on 2 cores (eight 10 s clips + end cards): one after
    another 82.6 s at 81 % CPU; batch with 1 job 81.1 s (82 %); with 2 jobs 69.9 s (99 %),
    0.85 of the sequential time. Hence one render per core.
    """
    cores = cores if cores is not None else cpu_count()
    available = available if available is not None else psutil.virtual_memory().available
    by_memory = max(1, available // RENDER_MEMORY)
    return max(1, min(cores, by_memory, max(rows, 1)))


# ------------------------------------------------------------------------------ manifest

def fingerprint(paths: tuple[str, ...]) -> dict[str, list[int] | None]:
    """Size and modification time (ns) of each file; None for a file that is missing."""
    out: dict[str, list[int] | None] = {}
    for p in paths:
        try:
            st = os.stat(p)
            out[p] = [st.st_size, st.st_mtime_ns]
        except OSError:
            out[p] = None
    return out


def _output_stamp(path: Path) -> list[int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


# The manifest is our own small file; anything larger was not written by creator_kit.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def load_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest's ``outputs`` table (empty when absent or unreadable)."""
    path = out_dir / MANIFEST_NAME
    try:
        os.stat(path)
    except OSError:
        return {}  # absent (or a dangling link): a first run
    # The guarded reader: a manifest that is (or links to) a FIFO, a device or a folder is
    # refused with an error instead of blocking the batch or reading without end.
    check_file(path, "batch manifest")
    try:
        raw = read_file(path, "batch manifest", MAX_MANIFEST_BYTES)
    except InputError:
        return {}  # too large or unreadable: rebuilt from scratch, like a corrupt one
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    outputs = doc.get("outputs") if isinstance(doc, dict) else None
    return outputs if isinstance(outputs, dict) else {}


def save_manifest(out_dir: Path, outputs: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    doc = {"version": MANIFEST_VERSION, "outputs": outputs}
    atomic_write(
        out_dir / MANIFEST_NAME, json.dumps(doc, ensure_ascii=False, indent=1), what="manifest"
    )


def up_to_date(job: Job, entry: Any) -> bool:
    """True when ``job``'s output exists as recorded and nothing it depends on changed."""
    if not isinstance(entry, dict):
        return False
    return (entry.get("settings") == job.settings
            and entry.get("inputs") == fingerprint(job.inputs)
            and entry.get("output") == _output_stamp(job.output)
            and entry.get("output") is not None)


# A cell starting with one of these is a formula to a spreadsheet application (OWASP's
# CSV-injection list: = + - @, tab and carriage return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: a leading formula character is escaped.

    As the OWASP guidance says: prefix such a cell with a single quote, which the
    applications show as text and do not evaluate. The csv module quotes the cell.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


SUMMARY_COLUMNS = ("row", "output", "status", "reason", "seconds", "warnings", "worker",
                   "attempts")


def write_summary(path: Path, results: list[RowResult]) -> None:
    """The summary CSV (UTF-8 with BOM so spreadsheet apps show Arabic correctly)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SUMMARY_COLUMNS)
    for r in sorted(results, key=lambda r: r.row):
        w.writerow([r.row, csv_cell(r.output), r.status, csv_cell(r.reason),
                    f"{r.seconds:.1f}", csv_cell(" | ".join(r.warnings)), csv_cell(r.worker),
                    r.attempts])
    atomic_write(path, buf.getvalue(), what="summary", encoding="utf-8-sig")


def check_writable(folder: Path) -> None:
    """Refuse a folder where the manifest or summary could not be written, before any render.

    Creating (and removing) a file is the only reliable test: permissions say nothing of a
    read-only mount, an ACL or a full disk.
    """
    reserve_temp(folder / SUMMARY_NAME, what="the summary").unlink()


def sweep_leftovers(out_dir: Path, names: list[str]) -> list[Path]:
    """Remove temporary files that exports of these outputs left (a worker killed mid-row).

    Called once no row of this batch runs any more, so every such file is a leftover,
    whichever machine's process made it.
    """
    removed: list[Path] = []
    folders: dict[Path, set[str]] = {}
    for name in names:
        path = out_dir / name
        folders.setdefault(path.parent, set()).add(path.name[:120])
    for folder, stems in folders.items():
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if not _PART.match(entry.name):
                continue
            if not any(entry.name.startswith(f".{stem}.ck-") for stem in stems):
                continue
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def run_batch(
    plan: BatchPlan,
    *,
    jobs: int | None = None,
    executor: RowExecutor | None = None,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
    on_row: Callable[[RowResult], None] | None = None,
    cancel: CancelToken | None = None,
    summary: str | Path | None = None,
) -> BatchResult:
    """Make every output of ``plan`` (see the module docstring); returns each row's result.

    ``executor`` says where rows run (default: a :class:`LocalPoolExecutor` of ``jobs``
    processes, None: :func:`auto_jobs`); run_batch closes it. ``on_progress`` receives
    :class:`BatchProgress` reports. Raises :class:`Cancelled` when ``cancel`` is set, after
    recording what was made; a plan with problems is refused with
    :class:`~creator_kit.core.errors.InputError`, an output folder or summary that cannot be
    written with :class:`OutputError`, both before anything renders.
    """
    try:
        return _run(plan, jobs, executor, overwrite, on_progress, on_row, cancel, summary)
    finally:
        if executor is not None:
            executor.close()  # idempotent; also when nothing was left to run


def _run(plan: BatchPlan, jobs: int | None, executor: RowExecutor | None, overwrite: bool,
         on_progress: ProgressCallback | None, on_row: Callable[[RowResult], None] | None,
         cancel: CancelToken | None, summary: str | Path | None) -> BatchResult:
    from creator_kit.core.errors import InputError

    if not plan.ok:
        raise InputError(f"the spreadsheet has {len(plan.problems)} problem(s); nothing was "
                         "rendered", plan.sheet)
    out_dir = plan.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", out_dir) from None
    summary_path = Path(summary) if summary is not None else out_dir / SUMMARY_NAME
    check_writable(out_dir)
    if summary_path.parent != out_dir:
        if not summary_path.parent.is_dir():
            raise OutputError("the summary's folder does not exist", summary_path.parent)
        check_writable(summary_path.parent)
    if summary_path.is_dir():
        raise OutputError("the summary path is a folder", summary_path)
    manifest = load_manifest(out_dir)
    report = on_progress or (lambda _p: None)
    results: dict[int, RowResult] = {}
    done_by: dict[str, int] = {}
    running_on: dict[int, str] = {}

    def finish(result: RowResult) -> None:
        results[result.row] = result
        running_on.pop(result.row, None)
        if result.worker and result.status != "skipped":
            done_by[result.worker] = done_by.get(result.worker, 0) + 1
        if on_row is not None:
            on_row(result)

    to_run: list[tuple[Job, bool]] = []
    for job in plan.jobs:
        entry = manifest.get(job.name)
        if up_to_date(job, entry):
            finish(RowResult(job.row, job.name, "skipped", "up to date"))
            continue
        try:
            confine(out_dir, job.name)
        except CreatorKitError as exc:
            finish(RowResult(job.row, job.name, "failed", exc.problem))
            continue
        replace = overwrite
        if os.path.lexists(job.output) and not overwrite:
            ours = isinstance(entry, dict) and entry.get("output") == _output_stamp(job.output)
            if not ours:
                finish(RowResult(job.row, job.name, "failed", "output already exists and was "
                                 "not made by this batch; use --overwrite to replace it"))
                continue
            replace = True  # our own earlier output, now out of date
        to_run.append((job, replace))

    weights = {job.row: job.duration for job in plan.jobs}
    total_w = sum(weights.values()) or 1.0
    run_w = sum(weights[j.row] for j, _ in to_run) or 1.0
    fractions: dict[int, float] = {}
    started = time.monotonic()
    cancelled = False

    def progress() -> None:
        done_w = sum(weights[r] for r in results)
        live = sum(weights[r] * f for r, f in fractions.items() if r not in results)
        fraction = min(1.0, (done_w + live) / total_w)
        ran = sum(weights[r] for r, res in results.items() if res.status != "skipped") + live
        elapsed = time.monotonic() - started
        eta = elapsed * (run_w - ran) / ran if ran > 0.03 * run_w else None
        names = sorted(set(done_by) | set(running_on.values()))
        counts = tuple(WorkerCount(w, done_by.get(w, 0),
                                   sum(1 for x in running_on.values() if x == w))
                       for w in names)
        report(BatchProgress("batch", fraction, eta, len(results), len(plan.jobs), counts))

    progress()
    if to_run:
        ex = executor if executor is not None else LocalPoolExecutor(
            jobs or auto_jobs(len(to_run)))
        by_row = {job.row: job for job, _ in to_run}
        pending = deque(to_run)
        in_flight: set[int] = set()
        fingerprints: dict[int, dict[str, list[int] | None]] = {}
        try:
            while pending or in_flight:
                if cancel is not None and cancel.cancelled and not cancelled:
                    cancelled = True
                    ex.cancel()
                    while pending:
                        job, _ = pending.popleft()
                        finish(RowResult(job.row, job.name, "cancelled", "not started"))
                while pending and len(in_flight) < ex.slots:
                    job, replace = pending.popleft()
                    # Fingerprint before the render: an input edited meanwhile re-renders.
                    fingerprints[job.row] = fingerprint(job.inputs)
                    ex.submit(RowTask(job.row, job.name, str(out_dir), job.project, replace))
                    in_flight.add(job.row)
                for update in ex.updates(0.25):
                    if update.row not in in_flight:
                        continue
                    if update.outcome is None:
                        fractions[update.row] = update.fraction
                        if update.worker:
                            running_on[update.row] = update.worker
                        continue
                    in_flight.discard(update.row)
                    job = by_row[update.row]
                    o: RowOutcome = update.outcome
                    if o.status == "made":
                        manifest[job.name] = {"row": job.row, "settings": job.settings,
                                              "inputs": fingerprints[job.row],
                                              "output": _output_stamp(job.output)}
                        save_manifest(out_dir, manifest)
                    finish(RowResult(job.row, job.name, o.status, o.reason, o.seconds,
                                     o.warnings, o.worker, o.attempts))
                progress()
        finally:
            if cancel is not None and cancel.cancelled:
                ex.cancel()
            ex.close()
            # Nothing of this batch runs any more: a temporary file of one of its outputs
            # is what a lost worker left.
            sweep_leftovers(out_dir, [job.name for job, _ in to_run])
    write_summary(summary_path, list(results.values()))
    ordered = tuple(results[j.row] for j in plan.jobs if j.row in results)
    if cancelled:
        raise Cancelled("batch cancelled; finished rows are kept, see " + str(summary_path))
    return BatchResult(ordered, summary_path)
