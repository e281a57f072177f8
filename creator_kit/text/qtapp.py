"""The one QGuiApplication the text engine needs, created on demand.

Qt's font database and text shaping need a ``QGuiApplication``; painting text onto a
``QImage`` with ``QPainter`` needs no window and is allowed from any thread. So:

* the GUI creates its own ``QApplication`` first and the text engine simply uses it;
* the CLI and the renderer let :func:`ensure_qt` create a ``QGuiApplication`` the first time a
  caption is drawn. Call :func:`ensure_qt` (or ``creator_kit.text.fonts.ensure_fonts``) once
  on the main thread before drawing captions from worker threads: Qt wants its application
  object created on the main thread, and creation happens only once;
* with no display (a server, CI, an SSH session) the ``offscreen`` platform is chosen, since
  drawing captions never needs a screen.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every call of a method that
returns nothing (CPython 3.12 made ``None`` immortal, so newer Pythons do not care). After a
few thousand such calls, i.e. a few captions, ``None``'s count reaches zero and the process
aborts ("none_dealloc"). :func:`keep_none_alive` detects that build and keeps the count
topped up; the engine calls it after each caption. The real fix is a PySide6 without the bug
(6.11.x is fine); the guard does nothing there.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication, QPainterPath

log = logging.getLogger(__name__)

_lock = threading.Lock()
# Kept referenced for the life of the process: a collected QGuiApplication takes Qt with it.
_app: QGuiApplication | None = None


def _has_display() -> bool:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have a window system


def ensure_qt(
    factory: Callable[[list[str]], QGuiApplication] | None = None,
) -> QGuiApplication:
    """Return the running Qt application, creating a ``QGuiApplication`` if there is none.

    ``factory`` makes the application instead (the editor passes ``QApplication``, which
    this module may not import), so the editor's application gets the same set-up.
    Raises RuntimeError when there is none yet and this is not the main thread.
    """
    global _app
    keep_none_alive()
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    with _lock:
        existing = QGuiApplication.instance()
        if existing is not None:
            return existing  # type: ignore[return-value]
        if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        if threading.current_thread() is not threading.main_thread():
            # A QGuiApplication made on a worker thread crashes the process when it exits.
            raise RuntimeError(
                "the Qt application must be created on the main thread: call "
                "creator_kit.text.fonts.ensure_fonts() there before drawing "
                "captions from worker threads"
            )
        # Only the program name: Qt would otherwise read options such as -platform from argv.
        argv = [sys.argv[0] if sys.argv and sys.argv[0] else "creator-kit"]
        _app = (factory or QGuiApplication)(argv)
        return _app


_NONE_FLOOR = 50_000
_NONE_TOP_UP = 200_000
_none_leaks: bool | None = None
_none_lock = threading.Lock()


def _void_calls_leak_none() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False  # None is immortal there
    path = QPainterPath()
    point = QPointF(0.0, 0.0)
    before = sys.getrefcount(None)
    for _ in range(64):
        path.moveTo(point)
    return sys.getrefcount(None) <= before - 32


def keep_none_alive() -> None:
    """Undo the ``None`` references a buggy PySide6 build drops (see the module docstring).

    Cheap and safe to call often from any thread; a no-op unless the bug is present. The
    references added are never given back, which is exactly what makes them safe.
    """
    global _none_leaks
    if _none_leaks is None:
        with _none_lock:
            if _none_leaks is None:
                _none_leaks = _void_calls_leak_none()
                if _none_leaks:
                    log.info("this PySide6 build leaks references to None; guarding against it")
    if not _none_leaks or sys.getrefcount(None) >= _NONE_FLOOR:
        return
    with _none_lock:
        count = sys.getrefcount(None)
        if count < _NONE_FLOOR:
            # ob_refcnt is the first field of every CPython object.
            ctypes.c_ssize_t.from_address(id(None)).value += _NONE_TOP_UP - count
