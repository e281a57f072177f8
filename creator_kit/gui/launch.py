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
        if not take_screenshot(window, Path(screenshot), at):
            sys.stderr.write(f"error: {screenshot}: cannot write the screenshot\n")
            return 2
        window.model.document = None  # nothing to ask about on close
        window.close()
        _exit_now(0)
    probe = os.environ.get("CREATOR_KIT_GUI_PROBE")
    if probe:
        _report_and_exit(window, probe)
    if window.recoveries:
        window.offer_recovery()
    _exit_now(int(app.exec()))
    return 0  # not reached


def take_screenshot(window: object, path: Path, at: float) -> bool:
    """Save a PNG of the whole window once the preview shows the exact frame at ``at``.

    Face analysis runs in the background and changes the picture (mask, face reframe), so
    the frame is asked for once it is done; then the screenshot waits for that frame itself,
    decoded and composited, shown after the seek: not the frame that was on screen before.
    False when the PNG cannot be written.
    """
    from creator_kit.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    player = window.player

    def faces_done() -> bool:
        session = player.session()
        return session is not None and bool(session.faces_ready)

    settle(180.0, faces_done)
    shown_since: list[int] = []

    def note(index: int) -> None:
        shown_since.append(index)

    player.frame_shown.connect(note)
    player.seek(at)
    settle(60.0, lambda: bool(shown_since) and player.showing_exact(at))
    player.frame_shown.disconnect(note)
    settle(0.2)  # the timeline and status line take in the position
    return window.grab().save(str(path.absolute()), "PNG")


def _report_and_exit(window: object, what: str) -> None:
    """For benchmarks: print when the window was shown (and its memory once settled), exit.

    ``CREATOR_KIT_GUI_PROBE=shown`` prints ``shown <CPU seconds>`` after the window's first
    paint: the processor time the editor used to get there (all threads), which a loaded
    machine does not inflate as it does wall time; the reader times the line's arrival for the
    wall time (the process's own start time is only known to about a second);
    ``=settled`` also waits for the first frame and the face analysis and prints
    ``rss <bytes>`` of the editor process.
    """
    from creator_kit.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    QCoreApplication.instance().processEvents()  # type: ignore[union-attr]
    window.repaint()
    print(f"shown {time.process_time():.3f}", flush=True)
    import psutil

    me = psutil.Process()
    if what == "settled":
        def ready() -> bool:
            session = window.player.session()
            return (session is not None and bool(session.faces_ready)
                    and window.player.current_frame() is not None)

        settle(300.0, ready)
        settle(1.0)
        print(f"rss {me.memory_info().rss}", flush=True)
    window.model.document = None
    window.close()
    _exit_now(0)


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
