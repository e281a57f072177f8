"""Helpers for the property-based tests: a hang guard and a snapshot of a folder tree."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

# Far above what any example needs: it catches a reader that blocks or loops forever, not
# a slow one (speed belongs in benchmarks/).
HANG_SECONDS = 60


class Hang(AssertionError):
    """An example ran for HANG_SECONDS: the code under test hangs on this input."""


@contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail with :class:`Hang` when the block runs longer than ``seconds`` (main thread only)."""

    def expired(_sig: int, _frame: FrameType | None) -> None:
        raise Hang(f"no result after {seconds} s: the input makes the code hang")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def tree(root: Path) -> set[str]:
    """Every path under ``root`` (files, folders, links), relative, without following links."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found
