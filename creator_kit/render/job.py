"""Renders in a separate process, spoken to through a versioned JSON event protocol.

The editor, batch scripts and anything else that must not stall or crash with a render runs
``creator-kit render PROJECT -o OUT --progress json --control stdin`` and reads its standard
output line by line. Every line is one JSON object (the protocol is documented in
``docs/render-protocol.md``)::

    {"v": 1, "event": "progress", "stage": "render", "fraction": 0.42, "eta_s": 3.1}
    {"v": 1, "event": "warning", "message": "..."}
    {"v": 1, "event": "result", "path": "...", "frames": 240, "duration": 8.0, "check": {...}}
    {"v": 1, "event": "error", "code": "input"|"output"|"render"|"cancelled"|"internal",
     "message": "..."}

Cancelling must work on Windows too, where there is no SIGINT to send to a child without a
console: the child reads commands from its standard input (``cancel``; end of input, i.e. the
parent went away, also cancels) and watches an optional cancel file. Signals stay as a last
resort after a grace period. The export itself guarantees that a cancel leaves nothing at the
target and no ffmpeg running.

:class:`RenderJob` is the client: plain Python, no Qt, safe to poll from a GUI timer.
:class:`FaceJob` runs ``creator-kit faces FILE --progress json`` the same way (the editor's
face analysis), both on :class:`ChildJob`.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

PROTOCOL_VERSION = 1
EventName = Literal["progress", "warning", "result", "error"]
ErrorCode = Literal["input", "output", "render", "cancelled", "internal"]
CANCEL_COMMAND = "cancel"
# How long a cancelled child gets to clean up before it is terminated.
CANCEL_GRACE_S = 20.0


def event_line(event: EventName, **fields: Any) -> str:
    """One protocol line (with its newline) for ``event``."""
    return json.dumps({"v": PROTOCOL_VERSION, "event": event, **fields}, ensure_ascii=False) + "\n"


def write_event(stream: TextIO, event: EventName, **fields: Any) -> None:
    """Write one protocol line to ``stream`` and flush it at once (the reader waits on it)."""
    stream.write(event_line(event, **fields))
    stream.flush()


@dataclass(frozen=True)
class Event:
    """One event read from a job: its name and every field of the line."""

    name: str
    data: dict[str, Any]

    @property
    def message(self) -> str:
        """The ``message`` field (empty when there is none)."""
        return str(self.data.get("message", ""))


def parse_event(line: str) -> Event | None:
    """The event on ``line``; None for a line that is not a protocol event of a known version.

    A newer protocol version is not misread: its lines are skipped, and the job's exit code
    still tells success from failure.
    """
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != PROTOCOL_VERSION:
        return None
    name = data.get("event")
    if name not in ("progress", "warning", "result", "error"):
        return None
    return Event(str(name), data)


def watch_for_cancel(
    cancel: Callable[[], None], *, stdin: TextIO | None = None, cancel_file: str | None = None
) -> None:
    """Call ``cancel`` on a ``cancel`` line (or the end) on ``stdin``, or when the file appears.

    Used by the render command (the child side). Runs daemon threads; returns at once.
    """
    if stdin is not None:

        def read() -> None:
            try:
                for line in stdin:
                    if line.strip() == CANCEL_COMMAND:
                        break
            except (OSError, ValueError):
                pass
            cancel()  # a cancel command, or the parent closed our input (it went away)

        threading.Thread(target=read, name="cancel-stdin", daemon=True).start()
    if cancel_file is not None:
        path = Path(cancel_file)

        def poll() -> None:
            while not path.exists():
                time.sleep(0.2)
            cancel()

        threading.Thread(target=poll, name="cancel-file", daemon=True).start()


@dataclass
class JobState:
    """What a job has reported so far (updated as events are read)."""

    stage: str = ""
    fraction: float = 0.0
    eta_s: float | None = None
    warnings: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    stderr: list[str] = field(default_factory=list)


def cli_command() -> list[str]:
    """The command that runs ``creator-kit``: this interpreter, or the app bundle's CLI.

    In the frozen app (PyInstaller) ``sys.executable`` is the app itself, which takes no
    ``-m``; its console executable is the CLI, and the windowed editor beside it
    (``creator-kit-gui``, which only ever opens the editor) starts that one.
    """
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        console = exe.with_name("creator-kit" + exe.suffix)
        return [str(console if console.is_file() else exe)]
    return [sys.executable, "-m", "creator_kit.cli.main"]


class ChildJob:
    """A ``creator-kit`` command in a child process speaking the event protocol.

    ``start`` launches it; events are read on a helper thread and queued, so a GUI can call
    :meth:`poll` from a timer without ever blocking, and a script can iterate :meth:`events`.
    ``cancel`` asks the child to stop (standard input and a cancel file, then a signal after
    a grace period). ``state`` holds the latest progress, the warnings, and the result or
    error. Subclasses say which command runs (:attr:`command`).
    """

    what = "job"  # named in the error of a child that died without saying why

    def __init__(self, *, env: dict[str, str] | None = None, nice: int = 0) -> None:
        self.env = env
        self.nice = nice
        self.state = JobState()
        self.returncode: int | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._control_dir = tempfile.TemporaryDirectory(prefix="ck-job-")
        self.cancel_file = Path(self._control_dir.name) / "cancel"
        self._cancel_at: float | None = None
        self._finished = False
        self._ended = False  # its output ended (the process may still be exiting)

    @property
    def command(self) -> list[str]:
        """The child's command line."""
        raise NotImplementedError

    def start(self) -> None:
        """Launch the child process."""
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONIOENCODING", "utf-8")
        flags = 0
        if sys.platform == "win32":  # its own process group: a Ctrl+C in our console spares it
            flags = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
            # Its output is read through pipes: no console window flashing up for it.
            flags |= subprocess.CREATE_NO_WINDOW  # type: ignore[attr-defined]
        self._proc = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace", bufsize=1, env=env,
            creationflags=flags,
        )
        self._threads = [
            threading.Thread(target=self._read_stdout, name="job-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name="job-stderr", daemon=True),
        ]
        for t in self._threads:
            t.start()
        if self.nice:
            # Before the child has started any ffmpeg (it is still importing): they inherit it.
            lower_priority(self._proc.pid, self.nice)

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return None if self._proc is None else self._proc.pid

    def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            event = parse_event(line)
            if event is not None:
                self._queue.put(event)
        self._queue.put(None)  # end of output

    def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        for line in self._proc.stderr:
            self.state.stderr.append(line.rstrip("\n"))

    def _apply(self, event: Event) -> None:
        data = event.data
        if event.name == "progress":
            self.state.stage = str(data.get("stage", ""))
            self.state.fraction = float(data.get("fraction", 0.0))
            eta = data.get("eta_s")
            self.state.eta_s = None if eta is None else float(eta)
        elif event.name == "warning":
            self.state.warnings.append(event.message)
        elif event.name == "result":
            self.state.result = data
            self.state.fraction = 1.0
        elif event.name == "error":
            self.state.error = data

    def poll(self) -> list[Event]:
        """The events that arrived since the last call (never blocks)."""
        out: list[Event] = []
        while True:
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                break
            if event is None:
                self._ended = True
                continue
            self._apply(event)
            out.append(event)
        # Only once the process has exited: waiting for its teardown (an interpreter and its
        # ffmpegs ending) would block the caller, a GUI's event loop.
        if self._ended and self._proc is not None and self._proc.poll() is not None:
            self._finish()
        self._enforce_cancel()
        return out

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """Yield events as they arrive until the child's output ends (blocking)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._ended and self._queue.empty():  # poll() already read the end
                self._finish()
                return
            wait = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
            try:
                event = self._queue.get(timeout=wait)
            except queue.Empty:
                self._enforce_cancel()
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError("the render job did not finish in time") from None
                continue
            if event is None:
                self._ended = True
                self._finish()
                return
            self._apply(event)
            yield event

    def _finish(self) -> None:
        if self._finished or self._proc is None:
            return
        self.returncode = self._proc.wait()
        for t in self._threads:
            t.join(timeout=5)
        self._finished = True
        for pipe in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        if self.state.error is None and self.state.result is None:
            # The child died without saying why (killed, crashed): report it as an error.
            tail = next((line for line in reversed(self.state.stderr) if line.strip()), "")
            stopped = f"the {self.what} stopped (exit {self.returncode})"
            self.state.error = {"v": PROTOCOL_VERSION, "event": "error", "code": "internal",
                                "message": tail or stopped}
        self._control_dir.cleanup()

    @property
    def done(self) -> bool:
        """True once the child has ended and all its events were read."""
        return self._finished

    def wait(self, timeout: float | None = None) -> int:
        """Read events until the child ends; returns its exit code."""
        for _ in self.events(timeout):
            pass
        assert self.returncode is not None
        return self.returncode

    def cancel(self) -> None:
        """Ask the child to stop; a child that does not stop in time is terminated."""
        if self._proc is None or self._finished or self._cancel_at is not None:
            return
        self._cancel_at = time.monotonic()
        try:
            self.cancel_file.touch()
        except OSError:
            pass
        if self._proc.stdin is not None:
            try:
                self._proc.stdin.write(CANCEL_COMMAND + "\n")
                self._proc.stdin.flush()
            except (OSError, ValueError):
                pass  # the child already ended

    def _enforce_cancel(self) -> None:
        if (self._cancel_at is not None and self._proc is not None and not self._finished
                and self._proc.poll() is None
                and time.monotonic() - self._cancel_at > CANCEL_GRACE_S):
            self._proc.terminate()

    @property
    def cancelled(self) -> bool:
        """True when the job ended because it was cancelled."""
        return self.state.error is not None and self.state.error.get("code") == "cancelled"

    def kill(self) -> None:
        """End the child now (no grace period) and collect it; for work with nothing to clean."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for _ in self.events():
            pass


def lower_priority(pid: int, niceness: int = 10) -> None:
    """Run process ``pid`` (and what it starts from now on) ``niceness`` below this one.

    For work in the background of an interactive program: the editor's event loop and
    player come first, the export or analysis takes the rest of the machine. A no-op where
    the OS has no ``setpriority`` (Windows) or refuses.
    """
    if not hasattr(os, "setpriority"):
        return
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, own + niceness))
    except OSError:
        pass


class RenderJob(ChildJob):
    """One export running in a child ``creator-kit render`` process.

    The export removes its partial output when cancelled (see :class:`ChildJob`).
    """

    what = "render"

    def __init__(
        self,
        project_file: str | Path,
        output: str | Path,
        *,
        overwrite: bool = False,
        check: bool = True,
        extra_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        nice: int = 0,
    ) -> None:
        super().__init__(env=env, nice=nice)
        self.project_file = Path(project_file)
        self.output = Path(output)
        self.overwrite = overwrite
        self.check = check
        self.extra_args = list(extra_args)

    @property
    def command(self) -> list[str]:
        """The child's command line."""
        cmd = [*cli_command(), "render", str(self.project_file), "-o", str(self.output),
               "--progress", "json", "--control", "stdin", "--cancel-file", str(self.cancel_file)]
        if self.overwrite:
            cmd.append("--overwrite")
        if self.check:
            cmd.append("--check")
        return cmd + self.extra_args


class FaceJob(ChildJob):
    """Face analysis of one clip in a child ``creator-kit faces FILE --progress json`` process.

    The child writes the analysis to the face cache and sends it in its ``result`` event
    (``analysis``: :meth:`~creator_kit.vision.FaceAnalysis.to_data`), so a program that shows
    frames meanwhile (the editor's preview) never shares a GIL with the detector.
    """

    what = "face analysis"

    def __init__(self, source: str | Path, *, rate: float = 10.0,
                 env: dict[str, str] | None = None, nice: int = 0) -> None:
        super().__init__(env=env, nice=nice)
        self.source = Path(source)
        self.rate = rate

    @property
    def command(self) -> list[str]:
        """The child's command line."""
        return [*cli_command(), "faces", str(self.source), "--rate", f"{self.rate:g}",
                "--progress", "json", "--control", "stdin", "--cancel-file",
                str(self.cancel_file)]
