"""Running a checked batch: parallel worker processes, resume, clean cancel, a summary.

* **Workers.** Each output is rendered by :func:`creator_kit.render.export.export` in a
  worker process (started with ``spawn``, so no Qt or thread state is inherited by
  forking). Processes, not threads: compositing is Python and would hold the GIL, and a
  crash in one render cannot take the batch down. :func:`auto_jobs` sizes the pool from
  the cores and the free memory.
* **Resume.** A manifest beside the outputs (``.creator-kit-batch.json``) records, for
  each output made, a hash of its project (template, texts, settings, creator_kit's
  version) and the size and modification time of every file it read. Run the sheet again
  and rows whose output is still there and whose inputs and settings are unchanged are
  skipped; touching one input re-renders only its rows.
* **Existing files.** An output the manifest does not know is never replaced without
  ``overwrite``; a stale output this batch made earlier is replaced.
* **Cancel.** Setting the cancel token (the CLI does on SIGINT/SIGTERM) stops starting
  rows and tells every worker to cancel its export, which removes its temporary file:
  no partial output is ever left at an output path. :class:`Cancelled` is raised after
  the manifest and summary are written.
* **Failures** are recorded and the batch goes on; ``batch-summary.csv`` lists every row
  as made, skipped, failed or cancelled, with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psutil

from creator_kit.batch.plan import MANIFEST_NAME, SUMMARY_NAME, BatchPlan, Job
from creator_kit.core.cancel import CancelToken, Progress, ProgressCallback
from creator_kit.core.errors import Cancelled, CreatorKitError, InputError, OutputError
from creator_kit.core.files import check_file, read_file
from creator_kit.core.model import Project

Status = Literal["made", "skipped", "failed", "cancelled"]
MANIFEST_VERSION = 1
# Memory one 1080x1920 render may need at its peak, whole process tree (the render engine
# keeps it under 600 MB: frame pool, x264 lookahead, decoder, Qt text); a margin on top.
RENDER_MEMORY = 700 * 1024 * 1024


@dataclass(frozen=True)
class RowResult:
    """What happened to one row."""

    row: int
    output: str
    status: Status
    reason: str = ""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()


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


def _atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write ({exc.strerror})", path) from None


def save_manifest(out_dir: Path, outputs: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    doc = {"version": MANIFEST_VERSION, "outputs": outputs}
    _atomic_write(out_dir / MANIFEST_NAME, json.dumps(doc, ensure_ascii=False, indent=1))


def up_to_date(job: Job, entry: Any) -> bool:
    """True when ``job``'s output exists as recorded and nothing it depends on changed."""
    if not isinstance(entry, dict):
        return False
    return (entry.get("settings") == job.settings
            and entry.get("inputs") == fingerprint(job.inputs)
            and entry.get("output") == _output_stamp(job.output)
            and entry.get("output") is not None)


def write_summary(path: Path, results: list[RowResult]) -> None:
    """The summary CSV (UTF-8 with BOM so spreadsheet apps show Arabic correctly)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["row", "output", "status", "reason", "seconds", "warnings"])
    for r in sorted(results, key=lambda r: r.row):
        w.writerow([r.row, r.output, r.status, r.reason, f"{r.seconds:.1f}",
                    " | ".join(r.warnings)])
    _atomic_write(path, buf.getvalue(), encoding="utf-8-sig")


# ------------------------------------------------------------------------------- workers

_token: CancelToken | None = None
_queue: Any = None


def _init_worker(event: Any, queue: Any, parent: int) -> None:
    """Worker start-up: cancel follows the parent's event (or the parent's death)."""
    global _token, _queue
    # The parent decides about Ctrl-C: a terminal sends SIGINT to the whole process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _token = CancelToken()
    _queue = queue
    token = _token

    def watch() -> None:
        while not event.wait(0.5):
            if os.getppid() != parent:
                break
        token.cancel()

    threading.Thread(target=watch, name="batch-cancel-watch", daemon=True).start()
    # Fonts and the Qt application belong on the main thread, once.
    from creator_kit.text.fonts import ensure_fonts

    ensure_fonts()


def _render(row: int, project: Project, output: str, overwrite: bool
            ) -> tuple[Status, str, float, tuple[str, ...]]:
    """Render one row in a worker; never raises for a failed render."""
    from creator_kit.render.export import export

    assert _token is not None
    started = time.monotonic()
    if _token.cancelled:
        return "cancelled", "cancelled before it started", 0.0, ()
    warnings: list[str] = []

    def progress(p: Progress) -> None:
        if _queue is not None:
            _queue.put((row, p.fraction))

    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        export(project, output, overwrite=overwrite, on_progress=progress,
               on_warning=warnings.append, cancel=_token)
    except Cancelled:
        return "cancelled", "cancelled", time.monotonic() - started, tuple(warnings)
    except CreatorKitError as exc:
        return "failed", exc.message, time.monotonic() - started, tuple(warnings)
    except Exception as exc:  # a bug must fail its row, not the batch
        return ("failed", f"{type(exc).__name__}: {exc}"[:500], time.monotonic() - started,
                tuple(warnings))
    return "made", "", time.monotonic() - started, tuple(warnings)


# -------------------------------------------------------------------------------- runner

class _Pool:
    """A spawn-context process pool that can be rebuilt after a worker crash."""

    def __init__(self, size: int) -> None:
        self.ctx = mp.get_context("spawn")
        self.event = self.ctx.Event()
        self.queue = self.ctx.Queue()
        self.size = size
        self.executor = self._make()

    def _make(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.size, mp_context=self.ctx,
                                   initializer=_init_worker,
                                   initargs=(self.event, self.queue, os.getpid()))

    def rebuild(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._make()

    def drain(self) -> list[tuple[int, float]]:
        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except Exception:  # queue.Empty, or a closed queue at shutdown
                return out

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.queue.close()
        self.queue.join_thread()


def run_batch(
    plan: BatchPlan,
    *,
    jobs: int | None = None,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
    on_row: Callable[[RowResult], None] | None = None,
    cancel: CancelToken | None = None,
    summary: str | Path | None = None,
) -> BatchResult:
    """Make every output of ``plan`` (see the module docstring); returns each row's result.

    ``jobs`` is the number of renders at once (None: :func:`auto_jobs`). Raises
    :class:`Cancelled` when ``cancel`` is set, after recording what was made; a plan with
    problems is refused with :class:`~creator_kit.core.errors.InputError`.
    """
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
    manifest = load_manifest(out_dir)
    report = on_progress or (lambda _p: None)
    results: dict[int, RowResult] = {}

    def finish(result: RowResult) -> None:
        results[result.row] = result
        if on_row is not None:
            on_row(result)

    to_run: list[tuple[Job, bool]] = []
    for job in plan.jobs:
        entry = manifest.get(job.name)
        if up_to_date(job, entry):
            finish(RowResult(job.row, job.name, "skipped", "up to date"))
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
        report(Progress("batch", fraction, eta))

    progress()
    if to_run:
        pool = _Pool(jobs or auto_jobs(len(to_run)))
        pending = deque(to_run)
        running: dict[Future[tuple[Status, str, float, tuple[str, ...]]], Job] = {}
        fingerprints: dict[int, dict[str, list[int] | None]] = {}
        try:
            while pending or running:
                if cancel is not None and cancel.cancelled and not cancelled:
                    cancelled = True
                    pool.event.set()
                    while pending:
                        job, _ = pending.popleft()
                        finish(RowResult(job.row, job.name, "cancelled", "not started"))
                while pending and len(running) < pool.size:
                    job, replace = pending.popleft()
                    # Fingerprint before the render: an input edited meanwhile re-renders.
                    fingerprints[job.row] = fingerprint(job.inputs)
                    fut = pool.executor.submit(_render, job.row, job.project, str(job.output),
                                               replace)
                    running[fut] = job
                done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
                for row, frac in pool.drain():
                    fractions[row] = frac
                broken = False
                for fut in done:
                    job = running.pop(fut)
                    try:
                        status, reason, secs, warns = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        status, reason, secs, warns = ("failed", "the render process "
                                                       "crashed", 0.0, ())
                    if status == "made":
                        manifest[job.name] = {"row": job.row, "settings": job.settings,
                                              "inputs": fingerprints[job.row],
                                              "output": _output_stamp(job.output)}
                        save_manifest(out_dir, manifest)
                    finish(RowResult(job.row, job.name, status, reason, secs, warns))
                if broken:
                    for fut, job in list(running.items()):
                        running.pop(fut)
                        finish(RowResult(job.row, job.name, "failed",
                                         "the render process crashed"))
                    pool.rebuild()
                progress()
        finally:
            pool.event.set()
            pool.close()
    write_summary(summary_path, list(results.values()))
    ordered = tuple(results[j.row] for j in plan.jobs if j.row in results)
    if cancelled:
        raise Cancelled("batch cancelled; finished rows are kept, see " + str(summary_path))
    return BatchResult(ordered, summary_path)
