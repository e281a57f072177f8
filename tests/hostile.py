"""Run the ``creator-kit`` CLI as a child under resource limits and check the bad-input contract.

The contract for hostile or careless input: exit 2, exactly one line on stderr starting with
``error:`` that names the file or flag, no traceback, no file written outside the intended
place and no process left behind. Memory is bounded by ``RLIMIT_AS`` on the child (a runaway
read fails there instead of taking the machine); the timeout is only a guard against a hang
(a generous one, so a loaded machine never fails the test), not a measurement.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

# Python + PyAV + numpy + Qt reserve address space well beyond what they touch; 3 GB is far
# above a normal run yet far below what an unbounded read of /dev/zero asks for.
MEMORY_LIMIT = 3 * 1024**3
HANG_GUARD_S = 180


@dataclass(frozen=True)
class Run:
    """What a CLI child did."""

    code: int
    stdout: str
    stderr: str
    lines: list[str]


def _limit_to(limit: int | None) -> Callable[[], None] | None:
    if limit is None:
        return None

    def apply() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_cli(
    args: Sequence[str | Path],
    cwd: Path,
    env: dict[str, str] | None = None,
    readonly: Path | None = None,
    memory_limit: int | None = MEMORY_LIMIT,
    hang_guard: float = HANG_GUARD_S,
) -> Run:
    """Run ``python -m creator_kit.cli ARGS`` in ``cwd`` under the memory limit.

    ``readonly``: a folder the child sees on a read-only mount (``EROFS`` on every write),
    made in a private mount namespace (``unshare -rm``) that ends with the child.
    ``memory_limit``: the child's address-space limit (inherited by its ffmpegs); None for a
    run whose ffmpeg starts many threads (each reserves a stack), measured by peak RSS instead.
    """
    full_env = dict(os.environ)
    full_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "creator_kit.cli", *map(str, args)]
    if readonly is not None:
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        cmd = ["unshare", "-rm", "sh", "-c", script, str(readonly), *cmd]
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=hang_guard,
        preexec_fn=_limit_to(memory_limit),
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, proc.stderr.splitlines())


def assert_one_error(run: Run, *names: str | Path) -> str:
    """Exit 2, one ``error:`` line and nothing else on stderr; the line names ``names``."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code == 2, (run.code, run.stderr)
    assert len(run.lines) == 1, run.stderr
    line = run.lines[0]
    assert line.startswith("error: "), line
    for name in names:
        assert str(name) in line, (name, line)
    return line


def processes_under(folder: Path) -> list[psutil.Process]:
    """Processes whose command line mentions ``folder`` (left behind by a child)."""
    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any(str(folder) in a for a in p.info["cmdline"] or ()):
                found.append(p)
        except psutil.Error:
            continue
    return found


def files_in(folder: Path) -> set[str]:
    """Every name under ``folder`` (relative), to show nothing was added."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}
