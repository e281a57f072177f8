"""Batch rows on a Dask cluster: the same rows, validation, manifest and summary, other machines.

creator_kit writes no scheduler, queue or worker protocol of its own: :class:`DaskExecutor`
submits each row to a Dask ``distributed`` scheduler (the ``creator-kit[cluster]`` extra)
and reads back how it ended. What the cluster adds, and why:

* **One render per worker slot.** Each row asks for the resource ``render=1``; workers
  declare ``--resources render=1`` (with ``--nthreads 1``). Dask's ``--memory-limit``
  measures only the worker process, not its ffmpeg children, so it cannot bound a render.
* **Faults.** A worker lost mid-row (killed, machine gone) makes the scheduler run the row
  again on another worker, up to its ``allowed-failures`` (2 here for ``local:N``: three
  attempts); the summary gives the number of attempts. A lost worker takes its ffmpeg
  down with it (ffmpeg runs with a parent-death signal on Linux) and its temporary file
  is swept by the runner once the batch's rows have ended. Outputs are only ever moved
  into place complete, so a row is safe to run twice.
* **Cancel.** ``Client.cancel`` does not stop a running task, so every row also follows a
  Dask ``Event`` named for this batch through the engine's :class:`CancelToken`: on Ctrl-C
  the event is set, running exports stop and remove their temporary files, rows not yet
  started are cancelled in the scheduler.
* **Qt's main thread.** The text engine creates its ``QGuiApplication`` on the main thread;
  in a Dask worker that is the thread of its event loop, where the preload module
  :mod:`creator_kit.batch.dask_worker` (and, for workers started without it, each row
  before it renders) sets the engine up.
* **Files.** With a shared filesystem (``files="shared"``) the workers read the sheet's
  paths and write the outputs themselves; a row whose input a worker cannot read fails
  with that reason. Without one (``files="send"``), every file a row reads is sent with the
  task (each distinct file once), the worker renders into a private folder, and the
  finished file comes back to this machine, where it is written beside its target, checked
  against the worker's SHA-256 and moved into place.
* **Allocator.** A Dask nanny starts its worker with ``MALLOC_TRIM_THRESHOLD_=65536``,
  which turns off glibc's adaptive mmap threshold: every 3 MB frame buffer (in the worker
  and in the ffmpeg it starts, which inherits the variable) is then a fresh ``mmap`` and
  page-faulted in again, about 12 % slower per render on this engine. The worker set-up
  drops the variable for its children and gives its own allocator the thresholds the
  adaptive rule would have reached (:func:`tune_allocator`).
* **Versions.** Every worker must run this creator_kit version (a different one may render
  differently or read the project otherwise): checked when connecting, and again by each
  row for workers that join later.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal

from creator_kit import __version__
from creator_kit.batch.executors import (
    RowExecutor,
    RowOutcome,
    RowTask,
    RowUpdate,
    Status,
    prepare_output,
    render_row,
)
from creator_kit.core.atomic import atomic_write
from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import open_file

FileMode = Literal["shared", "send"]
# Attempts a row may take when its workers keep getting lost (local:N sets the scheduler's
# allowed-failures to this minus one; a remote scheduler's own setting applies there).
MAX_ATTEMPTS = 3
RESOURCE = "render"
PRELOAD = "creator_kit.batch.dask_worker"
IGNORE_SIGINT = "CREATOR_KIT_WORKER_IGNORE_SIGINT"
WORKER_HINT = (f"start workers with: dask worker ADDRESS --nthreads 1 --resources {RESOURCE}=1 "
               f"--preload {PRELOAD}")
_ADDRESS = re.compile(r"^tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-]*):(\d{1,5})$")
_LOCAL = re.compile(r"^local:(\d{1,3})$")
# Fields of the project model that name a file the render reads.
_FILE_FIELDS = frozenset({"source", "path", "music", "image", "font_file"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClusterSpec:
    """A parsed ``--cluster`` value."""

    kind: Literal["address", "local", "file"]
    value: str  # the address, "local:N", or the scheduler file's path
    workers: int = 0  # for local:N

    def describe(self) -> str:
        """How to name the cluster in a message."""
        if self.kind == "file":
            return f"the scheduler in {self.value}"
        if self.kind == "local":
            return f"a local Dask cluster of {self.workers} worker(s)"
        return self.value


def parse_cluster(value: str) -> ClusterSpec:
    """Parse ``tcp://host:port``, ``local:N`` or a scheduler file; InputError otherwise."""
    v = value.strip()
    m = _ADDRESS.match(v)
    if m:
        port = int(m.group(2))
        if not 1 <= port <= 65535:
            raise InputError(f"--cluster {value!r}: the port must be between 1 and 65535")
        return ClusterSpec("address", v)
    m = _LOCAL.match(v)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 64:
            raise InputError(f"--cluster {value!r}: local:N needs N between 1 and 64")
        return ClusterSpec("local", v, n)
    if v.lower().endswith(".json") and "://" not in v:
        path = Path(v)
        if not path.is_file():
            raise InputError("scheduler file not found (--cluster)", path)
        return ClusterSpec("file", str(path.absolute()))
    raise InputError(f"--cluster {value!r} is not tcp://HOST:PORT, local:N or a scheduler "
                     "file (.json)")


def _need_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError("--cluster needs Dask: install creator-kit[cluster] (pip install "
                         "'creator-kit[cluster]')") from None
    return distributed


def worker_facts(dask_worker: Any = None) -> dict[str, Any]:
    """What a worker runs (creator_kit's version) and offers (its resources)."""
    import creator_kit

    resources: dict[str, float] = {}
    if dask_worker is not None:
        resources = dict(getattr(dask_worker.state, "total_resources", {}) or {})
    return {"version": creator_kit.__version__, "resources": resources}


def connect(spec: ClusterSpec, *, files: FileMode = "shared", timeout: float = 10.0,
            wait_workers: float = 30.0) -> DaskExecutor:
    """Connect to (or, for ``local:N``, start) the cluster and check its workers.

    Raises :class:`InputError` (exit 2) before anything is submitted when the scheduler
    cannot be reached, no worker joins within ``wait_workers`` seconds, a worker runs another
    creator_kit version or cannot import it, or no worker offers the ``render`` resource.
    """
    distributed = _need_distributed()
    import dask

    # The scheduler's and workers' own chatter (a worker lost, a connection closed) is not
    # for the terminal: what matters reaches the summary.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    where = spec.describe()
    try:
        if spec.kind == "local":
            # The worker processes of a local cluster share the terminal's process group:
            # a Ctrl-C reaches them too, and must reach only the batch, which then cancels
            # through the cancel event (the preload reads this variable).
            environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}),
                       IGNORE_SIGINT: "1"}
            with dask.config.set({"distributed.scheduler.allowed-failures": MAX_ATTEMPTS - 1,
                                  "distributed.nanny.pre-spawn-environ": environ}
                                 ), warnings.catch_warnings():
                # The scheduler's HTTP endpoint moves to a free port when another local
                # cluster has the default one, and says so on stderr: nothing to tell here.
                warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
                cluster = distributed.LocalCluster(
                    n_workers=spec.workers, threads_per_worker=1, processes=True,
                    resources={RESOURCE: 1}, host="127.0.0.1", scheduler_port=0,
                    dashboard_address=None, silence_logs=logging.ERROR, memory_limit=0,
                    preload=[PRELOAD])
            client = distributed.Client(cluster, timeout=timeout)
        elif spec.kind == "file":
            client = distributed.Client(scheduler_file=spec.value, timeout=timeout)
        else:
            client = distributed.Client(spec.value, timeout=timeout)
    except InputError:
        raise
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
        if cluster is not None:
            cluster.close()
        if spec.kind == "local":
            raise InputError(f"cannot start {where} ({_short(exc)})") from None
        raise InputError(f"cannot reach the Dask scheduler at {where} ({_short(exc)})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=wait_workers)
        except (TimeoutError, OSError):
            raise InputError(f"no worker joined the Dask scheduler at {where} within "
                             f"{wait_workers:g} s; {WORKER_HINT}") from None
        facts = client.run(worker_facts, on_error="return")
        check_workers(facts, where)
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return DaskExecutor(client, cluster, where, files)


def check_workers(facts: dict[str, Any], where: str) -> None:
    """Refuse workers that cannot run this creator_kit, or a cluster that cannot render."""
    renderers = 0
    for address, fact in sorted(facts.items()):
        if isinstance(fact, BaseException) or not isinstance(fact, dict):
            raise InputError(f"worker {address} of {where} cannot run creator_kit "
                             f"({_short(fact)}); install creator_kit {__version__} on every "
                             "worker")
        if fact.get("version") != __version__:
            raise InputError(f"worker {address} of {where} runs creator_kit "
                             f"{fact.get('version')}, this computer {__version__}; install "
                             "the same version on every worker")
        if float(fact.get("resources", {}).get(RESOURCE, 0)) >= 1:
            renderers += 1
    if not renderers:
        raise InputError(f"no worker of {where} offers the {RESOURCE!r} resource; "
                         f"{WORKER_HINT}")


def _workers(client: Any) -> dict[str, Any]:
    """Every worker the scheduler knows (newer Dask lists only a few unless asked for all)."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # a Dask from before the n_workers argument
        info = client.scheduler_info()
    return dict(info.get("workers", {}))


def _short(exc: object) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


# ---------------------------------------------------------------------- on the worker

@dataclass(frozen=True)
class RowContext:
    """What a row needs to know about its batch on the worker."""

    version: str
    topic: str  # where progress events go
    cancel_event: str  # the Dask Event that cancels the batch


@dataclass(frozen=True)
class RowReturn:
    """A row's outcome as the worker sends it back (with the file in send mode)."""

    outcome: RowOutcome
    data: bytes | None = None
    sha256: str = ""


_engine_ready = threading.Event()
TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"
# glibc's mallopt parameters and the values its adaptive rule reaches for frame-sized blocks.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 * 2**20
_TRIM_THRESHOLD = 2 * _MMAP_THRESHOLD


def tune_allocator() -> bool:
    """Undo the Dask nanny's allocator setting in this worker and the processes it starts.

    Removes ``MALLOC_TRIM_THRESHOLD_`` from the environment (ffmpeg inherits it) and, on
    glibc, sets this process's mmap and trim thresholds to what glibc's adaptive rule gives
    frame-sized buffers. Returns whether the allocator was tuned (False off glibc).
    """
    os.environ.pop(TRIM_VARIABLE, None)
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # another C library (musl): nothing to undo
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))


def ensure_engine(worker: Any) -> None:
    """Set up fonts and Qt on the worker's event-loop thread (its main thread), once."""
    if _engine_ready.is_set():
        return
    tune_allocator()
    from creator_kit.text.fonts import ensure_fonts

    if threading.current_thread() is threading.main_thread():
        ensure_fonts()
        _engine_ready.set()
        return
    box: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            ensure_fonts()
        except BaseException as exc:  # reported by the row that needed it
            box.append(exc)
        finally:
            done.set()

    worker.loop.add_callback(run)
    if not done.wait(120):
        raise RuntimeError("the worker's event loop did not set up the text engine")
    if box:
        raise box[0]
    _engine_ready.set()


def relocate(obj: Any, mapping: dict[str, str]) -> Any:
    """A copy of a project (or part of one) with its file paths replaced per ``mapping``."""
    if is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in _FILE_FIELDS and isinstance(value, str):
                if value in mapping:
                    changes[f.name] = mapping[value]
            else:
                new = relocate(value, mapping)
                if new is not value:
                    changes[f.name] = new
        return replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        items = tuple(relocate(v, mapping) for v in obj)
        return items if any(a is not b for a, b in zip(items, obj, strict=True)) else obj
    return obj


def project_paths(obj: Any, found: dict[str, None] | None = None) -> list[str]:
    """Every file path a project names (clips, images, music, fonts), without duplicates."""
    found = {} if found is None else found
    if is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in _FILE_FIELDS and isinstance(value, str):
                found[value] = None
            else:
                project_paths(value, found)
    elif isinstance(obj, tuple):
        for v in obj:
            project_paths(v, found)
    return list(found)


def run_row(task: RowTask, ctx: RowContext, files: dict[str, bytes] | None = None
            ) -> RowReturn:
    """The Dask task of one row (runs on a worker; see the module docstring).

    ``files`` (send mode) maps each path the project names to its content; Dask resolves
    the scattered data, which it does only in a task's top-level arguments.
    """
    import distributed

    worker = distributed.get_worker()
    name = str(worker.address)
    attempt = uuid.uuid4().hex[:8]
    last = [0.0]

    def send(fraction: float, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - last[0] >= 0.25:
            last[0] = now
            worker.log_event(ctx.topic, {"row": task.row, "attempt": attempt,
                                         "worker": name, "fraction": round(fraction, 4)})

    send(0.0, force=True)
    if ctx.version != __version__:
        return RowReturn(RowOutcome(task.row, "failed", f"worker {name} runs creator_kit "
                                    f"{__version__}, the batch {ctx.version}", worker=name))
    token = CancelToken()
    finished = threading.Event()
    # The client must be bound here, on the task's thread: an Event looks its client up
    # lazily, and the polling thread below is not one Dask knows.
    event = distributed.Event(ctx.cancel_event, client=distributed.get_client())

    def follow() -> None:
        # Poll the batch's cancel event (a scheduler round trip each half second at most).
        while not finished.is_set():
            try:
                if event.wait(0.5):
                    token.cancel()
                    return
            except Exception:  # the scheduler gone: the worker is going too
                if finished.wait(0.5):
                    return

    watcher = threading.Thread(target=follow, name=f"creator-kit-cancel-row-{task.row}",
                               daemon=True)
    watcher.start()
    try:
        try:
            ensure_engine(worker)
        except Exception as exc:
            return RowReturn(RowOutcome(task.row, "failed", "the worker cannot set up the "
                                        f"text engine ({_short(exc)}); {WORKER_HINT}",
                                        worker=name))
        if files is None:
            return RowReturn(render_row(task, token, send, name))
        return _render_sent(task, files, token, send, name)
    finally:
        finished.set()


def _render_sent(task: RowTask, files: dict[str, Any], token: CancelToken,
                 send: Any, name: str) -> RowReturn:
    """Send mode: inputs into a private folder, render there, return the file's bytes."""
    work = Path(tempfile.mkdtemp(prefix="creator-kit-row-"))
    try:
        mapping: dict[str, str] = {}
        for i, (path, data) in enumerate(files.items()):
            local = work / "in" / f"{i:03d}-{Path(path).name[-100:]}"
            local.parent.mkdir(exist_ok=True)
            local.write_bytes(data)
            mapping[path] = str(local)
        local_task = replace(task, project=relocate(task.project, mapping), overwrite=False)
        out = work / "out" / Path(task.name).name
        out.parent.mkdir()
        outcome = render_row(local_task, token, send, name, output=out)
        if outcome.status != "made":
            return RowReturn(outcome)
        data = out.read_bytes()
        return RowReturn(outcome, data, hashlib.sha256(data).hexdigest())
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------- on the client

class DaskExecutor(RowExecutor):
    """Rows as Dask tasks (see the module docstring). Made by :func:`connect`."""

    def __init__(self, client: Any, cluster: Any, where: str, files: FileMode) -> None:
        import distributed

        self.client = client
        self.cluster = cluster
        self.where = where
        self.files = files
        self.batch = uuid.uuid4().hex[:12]
        self.topic = f"creator-kit-batch-{self.batch}"
        self._event = distributed.Event(f"creator-kit-cancel-{self.batch}", client=client)
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._futures: dict[int, Any] = {}
        self._tasks: dict[int, RowTask] = {}
        self._attempts: dict[int, set[str]] = {}
        self._scattered: dict[str, Any] = {}
        self._uses: dict[str, int] = {}  # in-flight rows using each scattered file
        self._cancelled = False
        self._cancel_at = 0.0
        self._closed = False
        self._last_check = time.monotonic()
        self._no_workers_since: float | None = None
        n = len(_workers(client))
        # Everything at once when workers read the shared folder (the scheduler balances);
        # with files sent along, a few per worker so the data in flight stays bounded.
        self.slots = 1_000_000 if files == "shared" else max(2, 2 * n)
        self.description = (f"Dask cluster at {where} ({n} worker(s), files "
                            f"{'on a shared filesystem' if files == 'shared' else 'sent'})")
        client.subscribe_topic(self.topic, self._on_event)

    def _on_event(self, event: Any) -> None:
        self._queue.put(("progress", event[1]))

    def workers(self) -> list[str]:
        """Addresses of the cluster's workers."""
        return sorted(_workers(self.client))

    def submit(self, task: RowTask) -> None:
        """Submit the row to the scheduler (with its files in send mode)."""
        files: dict[str, Any] | None = None
        if self.files == "send":
            try:
                files = {p: self._scatter(p) for p in project_paths(task.project)}
                for p in files:
                    self._uses[p] = self._uses.get(p, 0) + 1
            except InputError as exc:
                self._queue.put(("outcome", RowOutcome(task.row, "failed", str(exc))))
                return
            except OSError as exc:
                self._queue.put(("outcome", RowOutcome(
                    task.row, "failed", f"cannot read {exc.filename} to send it to the "
                    f"cluster ({exc.strerror})")))
                return
        ctx = RowContext(__version__, self.topic, f"creator-kit-cancel-{self.batch}")
        fut = self.client.submit(run_row, task, ctx, files, key=f"creator-kit-row-{task.row}-"
                                 f"{self.batch}", resources={RESOURCE: 1},
                                 retries=MAX_ATTEMPTS - 1)
        self._futures[task.row] = fut
        self._tasks[task.row] = task
        fut.add_done_callback(lambda f, row=task.row: self._queue.put(("done", row)))

    def _scatter(self, path: str) -> Any:
        hit = self._scattered.get(path)
        if hit is None:
            # The guarded reader: a FIFO or device named by a sheet never blocks the batch.
            with open_file(path, "file to send") as fh:
                data = fh.read()
            hit = self.client.scatter(data, hash=True)
            self._scattered[path] = hit
        return hit

    def _release_files(self, task: RowTask) -> None:
        """Drop the cluster's copy of files no row in flight needs any more."""
        for p in project_paths(task.project):
            left = self._uses.get(p, 0) - 1
            if left > 0:
                self._uses[p] = left
                continue
            self._uses.pop(p, None)
            hit = self._scattered.pop(p, None)
            if hit is not None:
                hit.release()

    def updates(self, timeout: float) -> list[RowUpdate]:
        """Progress events and finished rows from the cluster."""
        out: list[RowUpdate] = []
        try:
            items = [self._queue.get(timeout=timeout)]
        except queue.Empty:
            items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        for kind, value in items:
            if kind == "progress":
                row = int(value["row"])
                self._attempts.setdefault(row, set()).add(str(value["attempt"]))
                out.append(RowUpdate(row, float(value["fraction"]), str(value["worker"])))
            elif kind == "outcome":
                out.append(RowUpdate(value.row, 1.0, "", value))
            else:
                update = self._finish(int(value))
                if update is not None:
                    out.append(update)
        out.extend(self._watch_cluster())
        return out

    def _finish(self, row: int) -> RowUpdate | None:
        import distributed

        fut = self._futures.pop(row, None)
        task = self._tasks.pop(row, None)
        if fut is None or task is None:
            return None
        if self.files == "send":
            self._release_files(task)
        attempts = max(1, len(self._attempts.get(row, ())))
        try:
            ret: RowReturn = fut.result()
            outcome = ret.outcome
            if ret.data is not None and outcome.status == "made":
                outcome = self._write_back(task, ret, outcome)
        except distributed.client.FutureCancelledError:
            why = "cancelled" if self._cancelled else ("the cluster dropped this row (its "
                                                       "scheduler restarted or was lost)")
            outcome = RowOutcome(row, "cancelled" if self._cancelled else "failed", why)
        except distributed.KilledWorker:
            outcome = RowOutcome(row, "failed", f"the worker rendering this row was lost "
                                 f"{attempts} time(s); gave up after {attempts} attempt(s)")
        except Exception as exc:
            outcome = RowOutcome(row, "failed", f"{type(exc).__name__}: {_short(exc)}")
        if attempts > 1 and outcome.status == "made":
            outcome = replace(outcome, reason=f"made on attempt {attempts}: a worker was lost "
                              "mid-row")
        fut.release()
        return RowUpdate(row, 1.0, outcome.worker, replace(outcome, attempts=attempts))

    def _write_back(self, task: RowTask, ret: RowReturn, outcome: RowOutcome) -> RowOutcome:
        """Send mode: write the returned file beside its target, verify, move into place."""
        assert ret.data is not None
        try:
            target = prepare_output(task)
            write_verified(target, ret.data, ret.sha256, task.overwrite)
        except OutputError as exc:
            return replace(outcome, status="failed", reason=exc.message)
        return outcome

    def _watch_cluster(self) -> list[RowUpdate]:
        """Rows that can no longer finish: no worker for a long time, or a cancel unanswered."""
        now = time.monotonic()
        if now - self._last_check < 5 or not self._futures:
            return []
        self._last_check = now
        give_up = ""
        try:
            alive = len(_workers(self.client))
        except Exception:
            alive = 0
        if alive:
            self._no_workers_since = None
        elif self._no_workers_since is None:
            self._no_workers_since = now
        elif now - self._no_workers_since > 120:
            give_up = f"no worker left in {self.where} for two minutes"
        if self._cancelled and now - self._cancel_at > 60:
            give_up = "cancelled (the cluster did not confirm within a minute)"
        if not give_up:
            return []
        out = []
        for row, fut in list(self._futures.items()):
            fut.cancel()
            self._futures.pop(row)
            self._tasks.pop(row, None)
            status: Status = "cancelled" if self._cancelled else "failed"
            out.append(RowUpdate(row, 0.0, "", RowOutcome(row, status, give_up)))
        return out

    def cancel(self) -> None:
        """Set the batch's cancel event; cancel rows that have not started."""
        if self._cancelled:
            return
        self._cancelled = True
        self._cancel_at = time.monotonic()
        try:
            self._event.set()
            idle = [f for row, f in self._futures.items() if row not in self._attempts]
            if idle:
                self.client.cancel(idle)
        except Exception as exc:  # the scheduler gone: nothing runs there any more
            log.debug("cancel: %s", exc)

    def close(self) -> None:
        """Unsubscribe, release the batch's data and close the client (and a local cluster)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._futures:
                self.cancel()  # rows still out there keep polling the (set) event
            elif self._cancelled:
                # Every row came back: the scheduler can forget the set event (it keeps a
                # set event until it is cleared).
                self._event.clear()
            self.client.unsubscribe_topic(self.topic)
            for fut in self._scattered.values():
                fut.release()
        except Exception as exc:
            log.debug("close: %s", exc)
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def write_verified(target: Path, data: bytes, sha256: str, overwrite: bool) -> None:
    """Write ``data`` to a temporary file beside ``target``, check its hash, move it in place.

    The temporary file is named like an export's, so an interrupted write is swept the same
    way. ``overwrite`` False refuses anything already at ``target`` (atomically).
    """
    from creator_kit.render.export import temp_path

    def check(tmp: Path) -> None:
        with open(tmp, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        if digest != sha256:
            raise OutputError("the file received from the worker does not match its "
                              "checksum", target)

    atomic_write(
        target, data, what="the output", overwrite=overwrite, temp_name=temp_path, verify=check
    )
