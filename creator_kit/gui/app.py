"""The editor's QApplication, made through the text engine's Qt set-up, and its language.

The application is created by :func:`creator_kit.text.qtapp.ensure_qt` (with ``QApplication``
as the factory) so that the editor and the caption renderer share one application and the
bundled fonts: Arabic in the interface is drawn with the same fonts as in the video.
"""

from __future__ import annotations

import locale
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from creator_kit.core.assets import asset_path
from creator_kit.text.fonts import ensure_fonts
from creator_kit.text.qtapp import ensure_qt

_translators: list[QTranslator] = []


def translations_dir() -> Path:
    """Where the editor's ``.qm`` files live (``assets/translations``)."""
    return asset_path("translations")


def system_language() -> str:
    """``ar`` when the system locale is Arabic, else ``en``."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "ar" if name.lower().startswith("ar") else "en"


def make_app(lang: str | None = None) -> QApplication:
    """The running QApplication (created if needed), with fonts and ``lang`` applied."""
    app = ensure_qt(QApplication)
    if not isinstance(app, QApplication):  # a QGuiApplication was made first (a library use)
        raise RuntimeError("a QGuiApplication already exists; the editor needs a QApplication")
    ensure_fonts()
    app.setApplicationName("creator-kit")
    app.setOrganizationName("creator-kit")
    set_language(app, lang or system_language())
    return app


def set_language(app: QApplication, lang: str) -> None:
    """Load ``lang``'s translations (when present) and mirror the layout for Arabic."""
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if lang != "en":
        for folder, name in ((translations_dir(), f"creator_kit_{lang}"),
                             (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
                              f"qtbase_{lang}")):
            t = QTranslator(app)
            if t.load(name, str(folder)):
                app.installTranslator(t)
                _translators.append(t)
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight)
    # The bundled families cover Arabic and Latin; Noto Sans Arabic carries Latin too.
    font = QFont("Noto Sans Arabic" if lang == "ar" else "Noto Sans", 10)
    app.setFont(font)
    app.setProperty("ck_language", lang)


def language() -> str:
    """The interface language the editor runs in (``ar`` or ``en``)."""
    app = QCoreApplication.instance()
    value = app.property("ck_language") if app is not None else None
    return str(value) if value else "en"


def tr(context: str, text: str) -> str:
    """Translate ``text`` in ``context`` (``QCoreApplication.translate``, safe in subclasses)."""
    return QCoreApplication.translate(context, text)
