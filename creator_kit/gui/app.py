"""The editor's QApplication, made through the text engine's Qt set-up, and its language.

The application is created by :func:`creator_kit.text.qtapp.ensure_qt` (with ``QApplication``
as the factory) so that the editor and the caption renderer share one application and the
bundled fonts: Arabic in the interface is drawn with the same fonts as in the video.
"""

from __future__ import annotations

import locale
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from creator_kit.core.assets import asset_path
from creator_kit.core.settings import Settings, load_settings
from creator_kit.text.fonts import ensure_fonts
from creator_kit.text.qtapp import ensure_qt

_translators: list[QTranslator] = []


def translations_dir() -> Path:
    """Where the editor's ``.qm`` files live (``assets/translations``).

    They are built from ``translations/*.ts`` by ``pyside6-lrelease`` when the editor is
    installed (``make``; ``scripts/translations.py build``), never committed.
    """
    return asset_path("translations")


def shipped_languages() -> list[str]:
    """The interface languages: English, and every language with a built ``.qm`` file."""
    found = sorted(p.stem.removeprefix("creator_kit_")
                   for p in translations_dir().glob("creator_kit_*.qm"))
    return ["en", *found]


def system_language() -> str:
    """``ar`` when the system locale is Arabic, else ``en``."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "ar" if name.lower().startswith("ar") else "en"


_settings: list[Settings] = []  # the settings in force (the dialog replaces them on save)


def app_settings() -> Settings:
    """The user's settings as the editor runs with them (defaults until :func:`make_app`)."""
    return _settings[-1] if _settings else Settings()


def set_app_settings(settings: Settings) -> None:
    """Make ``settings`` the ones in force (after the settings dialog saved them)."""
    _settings[:] = [settings]


def interface_language(cli: str | None, settings: Settings) -> str:
    """The language to start in: ``--lang`` when given, else the setting, else the system's."""
    if cli:
        return cli
    return settings.language if settings.language != "auto" else system_language()


def make_app(lang: str | None = None) -> QApplication:
    """The running QApplication (created if needed), with fonts, settings and ``lang`` applied.

    The language is ``lang`` when given (``--lang``), else the settings file's, else the
    system's; the digits follow the settings file (``auto``: the locale).
    """
    from creator_kit.gui.numbers import set_digits

    app = ensure_qt(QApplication)
    if not isinstance(app, QApplication):  # a QGuiApplication was made first (a library use)
        raise RuntimeError("a QGuiApplication already exists; the editor needs a QApplication")
    ensure_fonts()
    app.setApplicationName("creator-kit")
    app.setOrganizationName("creator-kit")
    loaded = load_settings()
    set_app_settings(loaded.settings)
    notes = [loaded.message] if loaded.message else []
    notes += set_language(app, interface_language(lang, loaded.settings))
    set_digits(loaded.settings.digits, language())
    for note in notes:
        sys.stderr.write(f"note: {note}\n")
    # The window shows the same notes in its status line (a double-click has no terminal).
    app.setProperty("ck_notes", notes)
    return app


def set_language(app: QApplication, lang: str) -> list[str]:
    """Load ``lang``'s translations and mirror the layout for Arabic; returns notes for the user.

    Qt's own ``qtbase_<lang>`` translates the standard dialogs (file picker, message boxes,
    colour dialog); PySide6's wheel ships it in ``QLibraryInfo``'s translations folder. A
    language without a ``.qm`` file, or a ``.qm`` that cannot be loaded, falls back to English
    (a note says why), so the interface never shows half of one language in the other's layout.
    """
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    notes: list[str] = []
    if lang != "en":
        qm = translations_dir() / f"creator_kit_{lang}.qm"
        ours = QTranslator(app)
        if not qm.is_file():
            notes.append(f"{qm}: no translation for interface language {lang!r}; using English")
            lang = "en"
        elif not ours.load(str(qm)) or ours.isEmpty():
            notes.append(f"{qm}: translation cannot be loaded (damaged?); using English")
            lang = "en"
        else:
            app.installTranslator(ours)
            _translators.append(ours)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            qt = QTranslator(app)
            if qt.load(f"qtbase_{lang}", qt_dir):
                app.installTranslator(qt)
                _translators.append(qt)
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight)
    # The bundled families cover Arabic and Latin. Noto Sans Arabic has no Latin letters, and
    # Qt's own fallback for them picked a display face (Lemonada): Latin file names, TikTok and
    # LUFS looked slanted in the Arabic window. Naming Noto Sans second makes it the fallback.
    font = QFont()
    font.setFamilies(["Noto Sans Arabic", "Noto Sans"] if lang == "ar"
                     else ["Noto Sans", "Noto Sans Arabic"])
    font.setPointSize(10)
    app.setFont(font)
    app.setProperty("ck_language", lang)
    return notes


def language() -> str:
    """The interface language the editor runs in (``ar`` or ``en``)."""
    app = QCoreApplication.instance()
    value = app.property("ck_language") if app is not None else None
    return str(value) if value else "en"


def tr(context: str, text: str) -> str:
    """Translate ``text`` in ``context`` (``QCoreApplication.translate``, safe in subclasses).

    ``pyside6-lupdate`` reads these calls as ``translate`` (``scripts/translations.py`` passes
    ``-tr-function-alias translate+=tr``), so both arguments must be string literals; a string
    kept in a table is marked with ``QT_TRANSLATE_NOOP(context, text)`` where it is written.
    """
    return QCoreApplication.translate(context, text)
