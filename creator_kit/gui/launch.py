"""Start the editor (``creator-kit gui``), or take a screenshot of it and exit."""

from __future__ import annotations

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
        return 0
    if window.recoveries:
        window.offer_recovery()
    return int(app.exec())
