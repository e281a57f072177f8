"""Cancellation and progress as plain callables: the engine knows nothing of Qt."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from creator_kit.core.errors import Cancelled


class CancelToken:
    """A thread-safe stop flag; set from any thread (a signal handler, a GUI button)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` when cancel was asked for."""
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancel; returns ``cancelled``."""
        return self._event.wait(timeout)


@dataclass(frozen=True)
class Progress:
    """One progress report: the stage name, its completed fraction and a time estimate."""

    stage: str
    fraction: float
    eta_s: float | None = None


ProgressCallback = Callable[[Progress], None]
WarningCallback = Callable[[str], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores reports."""
