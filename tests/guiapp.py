"""Helpers for the editor's pytest-qt tests: the application, windows, and pixels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QTextEdit, QWidget


def editor_app(lang: str = "en") -> QApplication:
    """The QApplication, made the editor's way (through the text engine's Qt set-up).

    Test modules call this at import, i.e. while pytest collects, so the whole session
    shares one QApplication and the text engine never makes a bare QGuiApplication first.
    """
    from creator_kit.gui.app import make_app

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return make_app(lang)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` as key events carrying the characters.

    QTest.keyClicks only knows Latin-1 keys (Arabic letters abort it); a keyboard with an
    Arabic layout sends key events whose text is the letter, which is what this does.
    """
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def pixels(image: QImage) -> np.ndarray:
    """An RGB array copy of ``image``."""
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : 3 * w].reshape(h, w, 3).copy()


def changed_share(a: QImage, b: QImage) -> float:
    """The share of pixels that differ clearly (by more than 24 in some channel)."""
    d = np.abs(pixels(a).astype(np.int16) - pixels(b)).max(axis=2)
    return float((d > 24).mean())


def differ(a: QImage, b: QImage, share: float = 0.002) -> bool:
    """True when more than ``share`` of the pixels changed clearly (or the size changed)."""
    if a.isNull() or b.isNull() or a.size() != b.size():
        return a.isNull() != b.isNull() or a.size() != b.size()
    return changed_share(a, b) > share


def same(a: QImage, b: QImage, share: float = 0.0005) -> bool:
    """True when the two images are equal but for at most ``share`` of clearly changed pixels."""
    if a.isNull() or b.isNull() or a.size() != b.size():
        return False
    return changed_share(a, b) <= share


# -- the editor window --------------------------------------------------------------------------


def make_window(qtbot: Any, **kw: Any) -> Any:
    """A shown editor window whose message boxes are recorded in ``w.errors`` instead."""
    from PySide6.QtWidgets import QMessageBox

    from creator_kit.gui.main_window import MainWindow

    w = MainWindow(**kw)
    qtbot.addWidget(w)
    w.errors = []
    w.error = lambda text, title=None: w.errors.append(text)  # no modal boxes in tests
    w.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    w.resize(1200, 800)
    w.show()
    return w


def frame_of(w: Any) -> QImage:
    """A copy of the frame the preview shows."""
    return w.player.current_image().copy()


def wait_frame(qtbot: Any, w: Any, check: Callable[[QImage], bool],
               timeout: int = 60_000) -> QImage:
    """Wait until the preview shows a frame for which ``check(frame)`` holds; return it."""
    qtbot.waitUntil(lambda: not w.player.current_image().isNull()
                    and check(w.player.current_image()), timeout=timeout)
    return frame_of(w)


def shown_at(qtbot: Any, w: Any, t: float) -> QImage:
    """The preview at ``t`` drawn from the current project (not an earlier edit's frame)."""
    qtbot.waitUntil(lambda: w.player.session() is not None
                    and w.player.session().project == w.project, timeout=60_000)
    with qtbot.waitSignal(w.player.frame_shown, timeout=60_000):
        w.player.seek(t)
    qtbot.waitUntil(lambda: w.player.showing_exact(t), timeout=60_000)
    return wait_frame(qtbot, w, lambda _f: True)


def open_clip(qtbot: Any, w: Any, clip: Path) -> QImage:
    """Open ``clip`` in the window and return the preview at 1 s."""
    w.open_paths([str(clip)])
    assert w.project is not None and w.project.clips[0].source == str(clip)
    w.player.seek(1.0)
    return wait_frame(qtbot, w, lambda _f: True)


def caption_editor(w: Any) -> QTextEdit:
    """The caption page's text box (the caption must be selected)."""
    page = w.inspector.current_page()
    assert page is w.inspector.pages["caption"]
    return page.text  # type: ignore[no-any-return]
