"""Where batch rows run: the executor seam between the runner and the machines.

The runner (:mod:`creator_kit.batch.runner`) decides *what* to render: it validates,
consults the manifest, skips up-to-date rows, counts progress and writes the summary. An
executor decides *where*: it takes :class:`RowTask` objects and reports back
:class:`RowUpdate` objects (a row's progress, or its :class:`RowOutcome`). Two exist:

* :class:`LocalPoolExecutor`: worker processes on this machine (``spawn``, so no Qt or
  thread state is inherited by forking; processes, not threads, because compositing is
  Python and would hold the GIL, and a crash in one render cannot take the batch down);
* :class:`creator_kit.batch.cluster.DaskExecutor`: the workers of a Dask cluster.

Both render a row with :func:`render_row`, so a row means the same on either.

Workers of the local pool end when the batch process dies, even by SIGKILL: each runs a
watchdog thread that checks every half second that the process that started it is still
the same living process (``psutil``: pid and creation time, which works on Linux, macOS
and Windows, where an orphan is not re-parented). It then cancels the render (which
removes its temporary file and kills its ffmpeg) and exits; the multiprocessing resource
tracker ends by itself once no worker holds its pipe.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psutil

from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.errors import Cancelled, CreatorKitError, OutputError
from creator_kit.core.model import Project
from creator_kit.core.paths import confine

Status = Literal["made", "skipped", "failed", "cancelled"]


@dataclass(frozen=True)
class RowTask:
    """One row to render: its project and where the output goes.

    ``out_dir`` and ``name`` (not just a path) travel so that the worker can check, at the
    moment it writes, that the output still resolves inside the output folder.
    """

    row: int
    name: str  # output name inside out_dir, / separated
    out_dir: str
    project: Project
    overwrite: bool

    @property
    def output(self) -> Path:
        """The output path as named (not resolved)."""
        return Path(self.out_dir, *self.name.split("/"))


@dataclass(frozen=True)
class RowOutcome:
    """How one attempt at a row ended, and where it ran."""

    row: int
    status: Status
    reason: str = ""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    worker: str = ""
    attempts: int = 1


@dataclass(frozen=True)
class RowUpdate:
    """Progress of a running row (``outcome`` None) or its end (``outcome`` set)."""

    row: int
    fraction: float = 0.0
    worker: str = ""
    outcome: RowOutcome | None = None


class RowExecutor(ABC):
    """Runs rows somewhere; the runner's only view of the machines.

    ``slots`` is how many rows the runner keeps submitted at once (the local pool's size;
    for a cluster every row, so that its scheduler can balance them).
    """

    slots: int = 1
    description: str = ""

    @abstractmethod
    def submit(self, task: RowTask) -> None:
        """Start ``task`` as soon as there is room."""

    @abstractmethod
    def updates(self, timeout: float) -> list[RowUpdate]:
        """Progress and finished rows since the last call (waits up to ``timeout`` for one)."""

    @abstractmethod
    def cancel(self) -> None:
        """Ask every row to stop; rows not yet started come back as cancelled."""

    @abstractmethod
    def close(self) -> None:
        """Wait for running rows to end and release workers (idempotent)."""

    def workers(self) -> list[str]:
        """Names of the workers known so far (for per-worker progress)."""
        return []


# ----------------------------------------------------------------------- one row anywhere

def prepare_output(task: RowTask) -> Path:
    """The row's output path, its folders made, checked to resolve inside ``out_dir``.

    Every component is resolved (a symlinked folder inside the output folder that leads
    elsewhere is refused), before and after the folders are made.
    """
    target = confine(Path(task.out_dir), task.name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})",
                          target.parent) from None
    return confine(Path(task.out_dir), task.name)


def render_row(task: RowTask, token: CancelToken, on_fraction: Callable[[float], None],
               worker: str, output: Path | None = None) -> RowOutcome:
    """Render one row; never raises for a failed render (the outcome says why).

    ``output`` overrides where the file is written (a cluster worker without the shared
    folder renders to a local file that is sent back).
    """
    from creator_kit.render.export import export

    started = time.monotonic()
    if token.cancelled:
        return RowOutcome(task.row, "cancelled", "cancelled before it started", worker=worker)
    warnings: list[str] = []

    def progress(p: Progress) -> None:
        on_fraction(p.fraction)

    def outcome(status: Status, reason: str = "") -> RowOutcome:
        return RowOutcome(task.row, status, reason, time.monotonic() - started,
                          tuple(warnings), worker)

    try:
        target = output if output is not None else prepare_output(task)
        export(task.project, target, overwrite=task.overwrite, on_progress=progress,
               on_warning=warnings.append, cancel=token)
    except Cancelled:
        return outcome("cancelled", "cancelled")
    except CreatorKitError as exc:
        return outcome("failed", exc.message)
    except Exception as exc:  # a bug must fail its row, not the batch
        return outcome("failed", f"{type(exc).__name__}: {exc}"[:500])
    return outcome("made")


# ------------------------------------------------------------------- local worker processes

_token: CancelToken | None = None
_queue: Any = None
_busy = threading.Event()


def parent_alive(pid: int, created: float) -> bool:
    """True while the process ``pid`` started at ``created`` still runs (pid reuse safe)."""
    try:
        proc = psutil.Process(pid)
        return bool(abs(proc.create_time() - created) < 0.01
                    and proc.status() != psutil.STATUS_ZOMBIE)
    except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
        return False


def start_parent_watchdog(pid: int, created: float, token: CancelToken,
                          busy: threading.Event, interval: float = 0.5,
                          grace: float = 15.0) -> threading.Thread:
    """Exit this process soon after its parent dies (see the module docstring).

    The running render (``busy`` set) gets ``grace`` seconds to cancel and remove its
    temporary file; then the process leaves with ``os._exit`` since its executor loop
    would otherwise wait on a queue nobody feeds.
    """

    def watch() -> None:
        while parent_alive(pid, created):
            time.sleep(interval)
        token.cancel()
        deadline = time.monotonic() + grace
        while busy.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        os._exit(1)

    thread = threading.Thread(target=watch, name="creator-kit-parent-watchdog", daemon=True)
    thread.start()
    return thread


def _init_worker(event: Any, progress_queue: Any, parent: int, created: float) -> None:
    """Worker start-up: cancel follows the parent's event; the worker ends with its parent."""
    global _token, _queue
    # The parent decides about Ctrl-C: a terminal sends SIGINT to the whole process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _token = CancelToken()
    _queue = progress_queue
    token = _token

    def follow_event() -> None:
        event.wait()
        token.cancel()

    threading.Thread(target=follow_event, name="batch-cancel-watch", daemon=True).start()
    start_parent_watchdog(parent, created, token, _busy)
    # Fonts and the Qt application belong on the main thread, once.
    from creator_kit.text.fonts import ensure_fonts

    ensure_fonts()


def _local_render(task: RowTask) -> RowOutcome:
    assert _token is not None
    token = _token
    worker = f"local:{os.getpid()}"
    _busy.set()
    try:
        def on_fraction(f: float) -> None:
            if _queue is not None:
                _queue.put((task.row, f, worker))

        return render_row(task, token, on_fraction, worker)
    finally:
        _busy.clear()


class LocalPoolExecutor(RowExecutor):
    """A spawn-context process pool on this machine, rebuilt after a worker crash."""

    def __init__(self, size: int) -> None:
        self.ctx = mp.get_context("spawn")
        self.event = self.ctx.Event()
        self.progress = self.ctx.Queue()
        self.slots = size
        self.description = f"{size} local worker process(es)"
        self._done: queue.Queue[tuple[Future[RowOutcome], RowTask]] = queue.Queue()
        self._running: dict[Future[RowOutcome], RowTask] = {}
        self._created = psutil.Process().create_time()
        self._closed = False
        self.executor = self._make()

    def _make(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.slots, mp_context=self.ctx,
                                   initializer=_init_worker,
                                   initargs=(self.event, self.progress, os.getpid(),
                                             self._created))

    def submit(self, task: RowTask) -> None:
        """Queue ``task`` in the pool."""
        fut = self.executor.submit(_local_render, task)
        self._running[fut] = task
        # mypy: a default argument binds the task in the lambda; mypy cannot type lambda defaults.
        fut.add_done_callback(lambda f, t=task: self._done.put((f, t)))  # type: ignore[misc]

    def updates(self, timeout: float) -> list[RowUpdate]:
        """Drain the progress queue and the finished futures."""
        out: list[RowUpdate] = []
        try:
            first: tuple[Future[RowOutcome], RowTask] | None = self._done.get(timeout=timeout)
        except queue.Empty:
            first = None
        while True:
            try:
                row, frac, worker = self.progress.get_nowait()
            except Exception:  # queue.Empty, or a closed queue at shutdown
                break
            out.append(RowUpdate(row, frac, worker))
        finished = [] if first is None else [first]
        while True:
            try:
                finished.append(self._done.get_nowait())
            except queue.Empty:
                break
        broken = False
        for fut, task in finished:
            if self._running.pop(fut, None) is None:
                continue  # already reported as lost with a broken pool
            try:
                outcome = fut.result()
            except CancelledError:
                outcome = RowOutcome(task.row, "cancelled", "not started")
            except BrokenProcessPool:
                broken = True
                outcome = RowOutcome(task.row, "failed", "the render process crashed")
            except Exception as exc:
                outcome = RowOutcome(task.row, "failed", f"{type(exc).__name__}: {exc}"[:500])
            out.append(RowUpdate(task.row, 1.0, outcome.worker, outcome))
        if broken:
            for fut, task in list(self._running.items()):
                self._running.pop(fut)
                out.append(RowUpdate(task.row, 0.0, "", RowOutcome(
                    task.row, "failed", "the render process crashed")))
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._make()
        return out

    def cancel(self) -> None:
        """Tell every worker to cancel its export."""
        self.event.set()

    def close(self) -> None:
        """Stop the workers and the progress queue."""
        if self._closed:
            return
        self._closed = True
        self.event.set()
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.progress.close()
        self.progress.join_thread()
