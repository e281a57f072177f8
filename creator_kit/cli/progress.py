"""Progress reporters for the CLI: a terminal bar, JSON lines for the GUI, or nothing."""

from __future__ import annotations

import sys
from typing import TextIO

from creator_kit.core.cancel import Progress
from creator_kit.render.job import write_event


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(round(seconds))
    return (
        f"{s // 60}:{s % 60:02d}" if s < 3600 else f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    )


class BarReporter:
    """A one-line progress bar with ETA, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self._drawn = False

    def __call__(self, p: Progress) -> None:
        filled = int(round(p.fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {p.fraction * 100:5.1f}%  ETA {_clock(p.eta_s)}  {p.stage:<8}"
        )
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


class JsonReporter:
    """Progress events of the render protocol, one JSON object per line on stdout.

    ``{"v": 1, "event": "progress", "stage", "fraction", "eta_s"}`` (see
    ``docs/render-protocol.md``).
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def __call__(self, p: Progress) -> None:
        eta = None if p.eta_s is None else round(p.eta_s, 2)
        write_event(self.stream, "progress", stage=p.stage, fraction=round(p.fraction, 4),
                    eta_s=eta)

    def close(self) -> None:
        """Nothing to finish."""


class NullReporter:
    """Silence."""

    def __call__(self, p: Progress) -> None:
        """Ignore the report."""

    def close(self) -> None:
        """Nothing to finish."""


def make_reporter(mode: str | None) -> BarReporter | JsonReporter | NullReporter:
    """The reporter for ``--progress`` (None: a bar on a terminal, else nothing)."""
    if mode is None:
        mode = "bar" if sys.stderr.isatty() else "none"
    if mode == "bar":
        return BarReporter()
    if mode == "json":
        return JsonReporter()
    return NullReporter()
