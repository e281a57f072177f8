"""Start the editor (``creator-kit gui``), or take a screenshot of it and exit."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop


def settle(seconds: float, until: object = None) -> None:
    """Run the event loop for up to ``seconds`` (less once ``until()`` is true)."""
    app = QCoreApplication.instance()
    assert app is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if callable(until) and until():
            break
        time.sleep(0.01)


def main(files: Sequence[str], *, lang: str | None = None, screenshot: str | None = None,
         at: float = 1.0, size: tuple[int, int] = (1600, 1000)) -> int:
    from creator_kit.gui.app import make_app
    from creator_kit.gui.main_window import MainWindow

    app = make_app(lang)
    window = MainWindow(autosave=screenshot is None, recovery=screenshot is None)
    window.resize(*size)
    if files:
        window.open_paths(files)
    window.show()
    window.resize(*size)  # docks may have grown the window while it was laid out
    if screenshot:
        if window.project is None:
            sys.stderr.write(f"error: {files[0]}: could not be opened\n")
            return 2
        window.player.seek(at)
        settle(30.0, lambda: not window.player.current_image().isNull())
        settle(0.5)
        if not window.grab().save(str(Path(screenshot).absolute()), "PNG"):
            sys.stderr.write(f"error: {screenshot}: cannot write the screenshot\n")
            return 2
        window.model.document = None  # nothing to ask about on close
        window.close()
        _exit_now(0)
    if window.recoveries:
        window.offer_recovery()
    _exit_now(int(app.exec()))
    return 0  # not reached


def _exit_now(code: int) -> None:
    """Leave without Python's interpreter teardown once the window has shut down.

    Everything is saved and every worker joined by then, but daemon helper threads (pipe
    readers of the engine's ffmpegs) may still be parked in native code; CPython 3.11 ends
    such threads with a forced unwind at finalisation, which aborts the process ("exception
    not rethrown") when the unwind crosses Qt's C++ frames. Exiting here avoids that abort
    and the wrong exit status it would give.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
