"""Locating and running the ffmpeg binary that imageio-ffmpeg ships.

Every ffmpeg creator_kit starts goes through :func:`spawn`, so all of them share the same
safety rules: no shell, a new session (a terminal's Ctrl-C reaches only creator_kit, which
then cancels cleanly), and on Linux a parent-death signal so that a killed renderer never
leaves an orphan ffmpeg writing somewhere (set by util-linux's ``setpriv`` where it is
installed, so that Python can vfork: see :func:`spawn`).
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import RenderError
from creator_kit.core.memory import child_env


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (``CREATOR_KIT_FFMPEG`` overrides the bundled one)."""
    override = os.environ.get("CREATOR_KIT_FFMPEG")
    if override:
        return override
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@functools.cache
def major_version(exe: str) -> int | None:
    """The major version of the ffmpeg at ``exe`` (``ffmpeg -version``), None if unknown."""
    try:
        out = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True,
                             text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.match(r"ffmpeg version n?(\d+)\.", out)
    return int(found.group(1)) if found else None


@functools.cache
def _setpriv() -> str | None:
    """util-linux's ``setpriv`` (Linux), which can set the parent-death signal and exec."""
    import shutil

    return shutil.which("setpriv") if sys.platform.startswith("linux") else None


def _linux_pdeathsig() -> None:  # pragma: no cover - runs in the child
    # PR_SET_PDEATHSIG = 1: the kernel sends SIGKILL to this ffmpeg if creator_kit dies.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def spawn(
    args: Sequence[str],
    *,
    stdin: int | IO[bytes] | None = None,
    stdout: int | IO[bytes] | None = None,
    stderr: int | IO[bytes] | None = subprocess.PIPE,
    loglevel: str = "error",
    pass_fds: Sequence[int] = (),
) -> subprocess.Popen[bytes]:
    """Start ``ffmpeg <args>`` safely (see module docstring).

    ``-nostdin`` is added when stdin is unused. ``pass_fds`` are inherited by ffmpeg (POSIX),
    which reads them as ``pipe:N`` inputs.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", loglevel]
    if stdin is None:
        cmd.append("-nostdin")
    graph_files: list[str] = []
    cmd += _graphs_to_files(args, graph_files)
    kwargs: dict[str, object] = {}
    argv = cmd
    if pass_fds:
        kwargs["pass_fds"] = tuple(pass_fds)
    if sys.platform.startswith("linux"):
        setpriv = _setpriv()
        if setpriv is not None and os.access(cmd[0], os.X_OK):
            # setpriv sets the signal and execs ffmpeg (the setting survives the exec). A
            # preexec_fn would do the same, but it makes Python fork() the whole process,
            # holding the GIL, where it otherwise vforks: 35-55 ms for the editor's 400 MB,
            # its event loop frozen meanwhile, at every decoder the preview starts.
            argv = [setpriv, "--pdeathsig", "KILL", "--", *cmd]
        else:
            kwargs["preexec_fn"] = _linux_pdeathsig
    env = child_env()
    if env is not None:
        kwargs["env"] = env  # glibc's heap kept near ffmpeg's live data (core.memory)
    if os.name == "posix":
        kwargs["start_new_session"] = True
    elif os.name == "nt":  # pragma: no cover - Windows
        # mypy: the constant exists only on Windows, where this runs; typeshed hides it elsewhere.
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    try:
        # mypy: Popen's overloads cannot match keyword arguments passed as a dict of objects.
        proc: subprocess.Popen[bytes] = subprocess.Popen(  # type: ignore[call-overload]
            argv,
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=subprocess.DEVNULL if stdout is None else stdout,
            stderr=stderr,
            **kwargs,
        )
    except OSError as exc:
        _remove(graph_files)
        raise RenderError(f"cannot start ffmpeg ({exc.strerror})", cmd[0]) from None
    if graph_files:
        # ffmpeg reads the graph while parsing its options; the file goes once it has exited.
        threading.Thread(
            target=_remove_when_done, args=(proc, graph_files), name="ck-graph-cleanup",
            daemon=True,
        ).start()
    return proc


# A filter graph longer than this goes to ffmpeg in a file (``-/filter_complex FILE``, ffmpeg
# 7+): one argument may not exceed 128 KiB on Linux, and a whole Windows command line 32 KiB,
# so a project of a thousand clips would otherwise fail with "Argument list too long".
GRAPH_ARG_LIMIT = 4096
_GRAPH_OPTIONS = frozenset({"-filter_complex", "-lavfi", "-vf", "-af", "-filter:v", "-filter:a"})


def _graphs_to_files(args: Sequence[str], created: list[str]) -> list[str]:
    """``args`` with every long filter graph replaced by ``-/<option> <file>``."""
    out: list[str] = []
    it = iter(args)
    for arg in it:
        if arg in _GRAPH_OPTIONS:
            value = next(it, None)
            if value is None:
                out.append(arg)
                break
            if len(value) > GRAPH_ARG_LIMIT:
                fd, name = tempfile.mkstemp(prefix="ck-graph-", suffix=".txt")
                created.append(name)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(value)
                out += ["-/" + arg[1:], name]
            else:
                out += [arg, value]
        else:
            out.append(arg)
    return out


def _remove(paths: Sequence[str]) -> None:
    for name in paths:
        try:
            os.unlink(name)
        except OSError:
            pass


def _remove_when_done(proc: subprocess.Popen[bytes], paths: Sequence[str]) -> None:
    try:
        proc.wait()
    finally:
        _remove(paths)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` now and reap it (idempotent)."""
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - the kernel did not deliver SIGKILL
        pass


def close_pipes(proc: subprocess.Popen[bytes]) -> None:
    """Close our ends of ``proc``'s pipes (after any reader threads are done with them)."""
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


class StderrCollector:
    """Drains a process's stderr on a thread (a full pipe would stall ffmpeg) and keeps the tail."""

    def __init__(self, proc: subprocess.Popen[bytes], keep: int = 40) -> None:
        self._lines: list[str] = []
        self._keep = keep
        self._thread = threading.Thread(target=self._run, args=(proc,), daemon=True)
        self._thread.start()

    def _run(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            self._lines.append(raw.decode("utf-8", "replace").rstrip())
            if len(self._lines) > self._keep:
                del self._lines[0]

    def full_text(self) -> str:
        """All kept lines, newline-separated (waits for the stream to end)."""
        self._thread.join(timeout=5)
        return "\n".join(self._lines)

    def text(self) -> str:
        """The last lines ffmpeg printed, joined by ``; `` for a one-line message."""
        self._thread.join(timeout=5)
        return "; ".join(line for line in self._lines if line)[-400:]


def run(
    args: Sequence[str],
    *,
    cancel: CancelToken | None = None,
    what: str = "ffmpeg",
    loglevel: str = "error",
    keep_stderr: int = 40,
) -> tuple[bytes, str]:
    """Run ffmpeg to completion; return its stdout and the last ``keep_stderr`` stderr lines.

    Raises :class:`RenderError` on failure. Polls ``cancel`` while waiting, killing ffmpeg and
    raising ``Cancelled`` when it is set.
    """
    proc = spawn(args, stdout=subprocess.PIPE, loglevel=loglevel)
    out: list[bytes] = []
    # mypy: stdout is a pipe here (stdout=PIPE above); Popen types it as optional.
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    err = StderrCollector(proc, keep=keep_stderr)
    reader.start()
    try:
        while proc.poll() is None:
            if cancel is not None and cancel.wait(0.05):
                kill(proc)
                cancel.raise_if_cancelled()
            elif cancel is None:
                proc.wait()
    except BaseException:
        # Cancelled: the readers see end-of-file once ffmpeg is dead; close the pipes after them.
        kill(proc)
        reader.join()
        err.full_text()
        close_pipes(proc)
        raise
    finally:
        kill(proc)
    reader.join()
    stderr_text = err.full_text()
    close_pipes(proc)
    if proc.returncode != 0:
        raise RenderError(f"{what} failed: {err.text() or f'exit status {proc.returncode}'}")
    return (out[0] if out else b""), stderr_text


def run_with_progress(
    args: Sequence[str],
    *,
    duration: float,
    on_fraction: Callable[[float], None],
    cancel: CancelToken | None = None,
    what: str = "ffmpeg",
    loglevel: str = "error",
) -> str:
    """Run ffmpeg reporting the fraction of ``duration`` it has processed; return its stderr.

    Progress comes from ffmpeg's ``-progress`` key=value stream (a machine interface, not
    its log). Raises :class:`RenderError` on failure and ``Cancelled`` on cancel.
    """
    proc = spawn(["-progress", "pipe:1", *args], stdout=subprocess.PIPE, loglevel=loglevel)
    err = StderrCollector(proc, keep=80)
    assert proc.stdout is not None
    try:
        for raw in proc.stdout:
            if cancel is not None and cancel.cancelled:
                break
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit() and duration > 0:
                on_fraction(min(1.0, max(0.0, int(value) / 1e6 / duration)))
    finally:
        if cancel is not None and cancel.cancelled:
            kill(proc)
        proc.wait()
    text = err.full_text()
    close_pipes(proc)
    if cancel is not None:
        cancel.raise_if_cancelled()
    if proc.returncode != 0:
        raise RenderError(f"{what} failed: {err.text() or f'exit status {proc.returncode}'}")
    return text


def tool_path_for_output(path: str | Path) -> str:
    """The form of an output path to hand to ffmpeg (``file:`` + absolute)."""
    return "file:" + str(Path(path).absolute())
