"""The one QGuiApplication the text engine needs, created on demand.

Qt's font database and text shaping need a ``QGuiApplication``; painting text onto a
``QImage`` with ``QPainter`` needs no window and is allowed from any thread. So:

* the GUI creates its own ``QApplication`` first and the text engine simply uses it;
* the CLI and the renderer let :func:`ensure_qt` create a ``QGuiApplication`` the first time a
  caption is drawn. Call :func:`ensure_qt` (or ``creator_kit.text.fonts.ensure_fonts``) once
  on the main thread before drawing captions from worker threads: Qt wants its application
  object created on the main thread, and creation happens only once;
* with no display (a server, CI, an SSH session) the ``offscreen`` platform is chosen, since
  drawing captions never needs a screen;
* the GUI creates its ``QApplication`` here too (``ensure_qt(QApplication)``), so it gets
  the same font set-up as the renderer and a preview matches the export.

Fonts are hermetic: a caption must render the same pixels on every machine, whatever fonts
it has installed. Where Qt finds fonts through fontconfig (Linux and the BSDs),
:func:`isolate_fonts` points fontconfig, before Qt starts, at a generated configuration that
lists only the bundled fonts folder, so no installed font can stand in for a missing glyph or
shadow a bundled family with another version of it, and no desktop setting (hinting,
subpixel order) changes the rasterising. An installed font is used only when a caption names
it (:func:`creator_kit.text.fonts.has_family` then loads its file). On Windows and macOS Qt's
native font database is used; the bundled fonts are registered with it and come first in
every caption's font list.

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
import tempfile
import threading
from collections.abc import Callable
from html import escape as _html_escape
from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication, QPainterPath

from creator_kit.core.assets import asset_path
from creator_kit.core.atomic import atomic_write
from creator_kit.core.errors import CreatorKitError
from creator_kit.core.user_dirs import user_cache_dir

log = logging.getLogger(__name__)

_lock = threading.Lock()
# Kept referenced for the life of the process: a collected QGuiApplication takes Qt with it.
_app: QGuiApplication | None = None


def _xml_text(text: str) -> str:
    # html's escape, not xml.sax.saxutils': that one imports urllib, http and ssl, a tenth
    # of a second of the editor's start for three replacements.
    return _html_escape(text, quote=False)


def _has_display() -> bool:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have a window system


def ensure_qt(
    factory: Callable[[list[str]], QGuiApplication] | None = None,
) -> QGuiApplication:
    """Return the running Qt application, creating a ``QGuiApplication`` if there is none.

    ``factory`` makes the application instead (the editor passes ``QApplication``, which
    this module may not import), so the editor's application gets the same set-up, fonts
    included: they are isolated first (:func:`isolate_fonts`).
    Raises RuntimeError when there is none yet and this is not the main thread.
    """
    global _app
    keep_none_alive()
    existing = QGuiApplication.instance()
    if existing is not None:
        # mypy: instance() is typed QCoreApplication; only Q(Gui)Application is ever made here.
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
        isolate_fonts()
        # Only the program name: Qt would otherwise read options such as -platform from argv.
        argv = [sys.argv[0] if sys.argv and sys.argv[0] else "creator-kit"]
        _app = (factory or QGuiApplication)(argv)
        return _app


def uses_fontconfig() -> bool:
    """True where Qt finds fonts through fontconfig (everywhere but Windows and macOS)."""
    return not (sys.platform.startswith("win") or sys.platform == "darwin")


def fontconfig_file(fonts: Path, cache: Path) -> str:
    """A fontconfig configuration that knows only the fonts in ``fonts``.

    No ``<include>`` of the system's configuration: no system font folders, no aliases, no
    desktop rendering settings. ``cache`` keeps fontconfig's cache of those few files.
    """
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- Written by creator_kit: only its bundled fonts, the same on every machine. -->\n"
        "<fontconfig>\n"
        f"  <dir>{_xml_text(str(fonts))}</dir>\n"
        f"  <cachedir>{_xml_text(str(cache))}</cachedir>\n"
        "</fontconfig>\n"
    )


def isolate_fonts() -> Path | None:
    """Point fontconfig at the bundled fonts only; the configuration file, or None.

    Must run before the Qt application exists (fontconfig reads its configuration once).
    A no-op where Qt does not use fontconfig. The file lives in the user cache folder and
    is rewritten only when it changes (a moved installation).
    """
    if not uses_fontconfig():
        return None
    folder = user_cache_dir() / "fontconfig"
    conf = folder / "fonts.conf"
    text = fontconfig_file(asset_path("fonts").resolve(), folder / "cache")
    try:
        current = conf.read_text(encoding="utf-8") if conf.is_file() else None
        if current != text:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(conf, text, what="font configuration")
    except (OSError, CreatorKitError) as exc:
        # Without a writable cache folder, fall back to a private temporary one.
        log.info("font configuration not cached (%s); using a temporary folder", exc)
        folder = Path(tempfile.mkdtemp(prefix="creator-kit-fonts-"))
        conf = folder / "fonts.conf"
        conf.write_text(fontconfig_file(asset_path("fonts").resolve(), folder / "cache"))
    os.environ["FONTCONFIG_FILE"] = str(conf)
    return conf


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
