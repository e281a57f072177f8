"""Progress reporters for the CLI: a terminal bar, JSON lines for the GUI, or nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from creator_kit.batch.runner import BatchProgress
from creator_kit.core.cancel import Progress
from creator_kit.core.errors import Cancelled, CreatorKitError, InputError, OutputError
from creator_kit.render.job import write_event


def _short_worker(name: str) -> str:
    """``tcp://10.0.0.5:40123`` -> ``10.0.0.5:40123``; ``local:1234`` -> ``1234``."""
    return name.split("://", 1)[-1].removeprefix("local:")


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
        extra = ""
        if isinstance(p, BatchProgress):
            extra = f"rows {p.rows_done}/{p.rows_total}"
            if len(p.workers) > 1 or any(not w.worker.startswith("local:") for w in p.workers):
                extra += "  " + " ".join(
                    f"{_short_worker(w.worker)}:{w.done}+{w.running}" for w in p.workers
                )
        self.stream.write(
            f"\r[{bar}] {p.fraction * 100:5.1f}%  ETA {_clock(p.eta_s)}  {p.stage:<8}"
            f"{extra}\x1b[K"
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
    ``docs/render-protocol.md``). Batch progress adds ``rows_done``, ``rows_total`` and
    ``workers``: for each worker (``local:PID`` or a Dask worker's address) the rows it
    finished and is running.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def __call__(self, p: Progress) -> None:
        eta = None if p.eta_s is None else round(p.eta_s, 2)
        doc: dict[str, object] = {"stage": p.stage, "fraction": round(p.fraction, 4),
                                  "eta_s": eta}
        if isinstance(p, BatchProgress):
            doc["rows_done"] = p.rows_done
            doc["rows_total"] = p.rows_total
            doc["workers"] = {w.worker: {"done": w.done, "running": w.running}
                              for w in p.workers}
        write_event(self.stream, "progress", **doc)

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


def run_with_error_events(
    run: Callable[[argparse.Namespace], int], args: argparse.Namespace, *, what: str = "render"
) -> int:
    """``run(args)``; with ``--progress json`` every failure is also an ``error`` event.

    Programs reading the protocol get every outcome as an event, not only as stderr; the
    exception still propagates, so the exit code and the ``error:`` line are the CLI's.
    ``what`` is the error code of creator_kit's own errors that are neither input nor output.
    """
    if getattr(args, "progress", None) != "json":
        return run(args)
    try:
        return run(args)
    except Cancelled as exc:
        write_event(sys.stdout, "error", code="cancelled", message="cancelled", **exc.fields())
        raise
    except CreatorKitError as exc:
        code = {InputError: "input", OutputError: "output"}.get(type(exc), what)
        write_event(sys.stdout, "error", code=code, message=exc.message, **exc.fields())
        raise
    except Exception as exc:
        write_event(sys.stdout, "error", code="internal", message=f"{type(exc).__name__}: {exc}")
        raise
