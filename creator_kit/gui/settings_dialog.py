"""The settings dialog: language, digits, defaults for new projects, autosave and the cache.

Everything is stored through :mod:`creator_kit.core.settings` (one versioned, validated JSON
file in the platform's config folder). The language and the digits take effect when the
editor starts again (a note in the dialog says so): every label of a running window would have
to be re-made in the other language and direction, and a half-switched window is worse than a
restart. The other settings apply at once: the autosave interval, the platform and template a
new project starts with, and the cache limit (the cache is trimmed to it on save). "Clear
cache" empties the cache of face analyses there and then and says how much it freed.
Run alone: ``python -m creator_kit.gui.settings_dialog``.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core.cache import cache_usage, clear_cache, trim_cache
from creator_kit.core.errors import CreatorKitError
from creator_kit.core.settings import (
    AUTOSAVE_RANGE,
    CACHE_LIMIT_RANGE,
    Settings,
    save_settings,
    settings_path,
)
from creator_kit.graphics import catalogue
from creator_kit.gui.app import app_settings, language, set_app_settings, tr
from creator_kit.gui.messages import user_message
from creator_kit.gui.numbers import num, size_text

# Platform names are product names: the same in both languages.
PLATFORMS = (("tiktok", "TikTok"), ("reels", "Instagram Reels"), ("shorts", "YouTube Shorts"))
_MARKED = (QT_TRANSLATE_NOOP("Settings", "Off"),)


class SettingsDialog(QDialog):
    """Edit the settings; ``saved(Settings)`` after they were written."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings", "Settings"))
        self.initial = settings if settings is not None else app_settings()
        s = self.initial
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.language = QComboBox()
        self.language.addItem(tr("Settings", "As the system"), "auto")
        # Each language is named in itself, so it can be found whatever the interface shows.
        self.language.addItem("العربية", "ar")
        self.language.addItem("English", "en")
        form.addRow(tr("Settings", "Language"), self.language)
        self.digits = QComboBox()
        self.digits.addItem(tr("Settings", "As the language and region"), "auto")
        self.digits.addItem(tr("Settings", "Western (0 1 2 3)"), "western")
        self.digits.addItem(tr("Settings", "Eastern Arabic (٠ ١ ٢ ٣)"), "eastern")
        form.addRow(tr("Settings", "Digits"), self.digits)
        self.restart_note = QLabel(tr("Settings", "The language and the digits change the next "
                                                  "time creator-kit starts."))
        self.restart_note.setWordWrap(True)
        self.restart_note.setEnabled(False)  # drawn greyed: a note, not a field
        form.addRow(self.restart_note)  # spans the form: room for the wrapped line

        self.preset = QComboBox()
        for value, text in PLATFORMS:
            self.preset.addItem(text, value)
        self.preset.setToolTip(tr("Settings", "The platform a new project is exported for"))
        form.addRow(tr("Settings", "Platform for new projects"), self.preset)
        self.template = QComboBox()
        self.template.addItem(tr("Settings", "None"), "")
        from creator_kit.gui.library import _user_templates

        lang = language()
        for e in catalogue.templates(_user_templates()):
            self.template.addItem(e.title(lang), e.name)
        self.template.setToolTip(tr("Settings", "Applied to the clips of every new project"))
        form.addRow(tr("Settings", "Template for new projects"), self.template)

        self.autosave = QSpinBox()
        self.autosave.setRange(0, AUTOSAVE_RANGE[1])
        self.autosave.setSingleStep(10)
        self.autosave.setSpecialValueText(tr("Settings", "Off"))
        self.autosave.setSuffix(tr("Settings", " s"))
        self.autosave.setToolTip(tr("Settings", "How often unsaved work is kept for recovery "
                                                "after a crash (10 s to an hour, 0 = off)"))
        form.addRow(tr("Settings", "Autosave every"), self.autosave)

        self.cache_limit = QSpinBox()
        self.cache_limit.setRange(*CACHE_LIMIT_RANGE)
        self.cache_limit.setSingleStep(256)
        self.cache_limit.setSuffix(tr("Settings", " MB"))
        self.cache_limit.setToolTip(tr("Settings", "Face analyses are kept up to this size; "
                                                   "the oldest are removed first"))
        form.addRow(tr("Settings", "Cache size limit"), self.cache_limit)
        cache_row = QHBoxLayout()
        self.cache_info = QLabel()
        self.clear_btn = QPushButton(tr("Settings", "Clear cache"))
        self.clear_btn.setToolTip(tr("Settings", "Remove the saved face analyses; they are "
                                                 "made again when needed"))
        self.clear_btn.clicked.connect(self.clear)
        cache_row.addWidget(self.cache_info, 1)
        cache_row.addWidget(self.clear_btn)
        form.addRow(tr("Settings", "Cache"), cache_row)

        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.where = QLabel(tr("Settings", "Saved in {0}").format(
            f"\u2068{settings_path()}\u2069"))
        self.where.setWordWrap(True)
        self.where.setEnabled(False)
        layout.addWidget(self.where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        self._load(s)
        self.refresh_cache()
        self.resize(600, self.sizeHint().height())

    def _load(self, s: Settings) -> None:
        for combo, value in ((self.language, s.language), (self.digits, s.digits),
                             (self.preset, s.default_preset), (self.template, s.default_template)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.autosave.setValue(s.autosave_seconds)
        self.cache_limit.setValue(s.cache_limit_mb)

    def chosen(self) -> Settings:
        """The settings as the dialog shows them."""
        seconds = self.autosave.value()
        if 0 < seconds < AUTOSAVE_RANGE[0]:
            seconds = AUTOSAVE_RANGE[0]  # the shortest interval that does not stall a slow disk
        return dataclasses.replace(
            self.initial, language=self.language.currentData(), digits=self.digits.currentData(),
            default_preset=self.preset.currentData(),
            default_template=self.template.currentData(), autosave_seconds=seconds,
            cache_limit_mb=self.cache_limit.value())

    def refresh_cache(self) -> None:
        usage = cache_usage()
        self.cache_info.setText(tr("Settings", "{0} in {1} file(s)").format(
            size_text(usage.bytes), num(str(usage.files))))

    def clear(self) -> None:
        """Empty the cache now and say how much was freed."""
        freed = clear_cache()
        self.message.setText(tr("Settings", "Cache cleared: {0} freed ({1} file(s))").format(
            size_text(freed.bytes), num(str(freed.files))))
        self.refresh_cache()

    def needs_restart(self, new: Settings) -> bool:
        """True when ``new`` changes something that applies on the next start."""
        return (new.language, new.digits) != (self.initial.language, self.initial.digits)

    def save(self) -> None:
        new = self.chosen()
        try:
            save_settings(new)
        except CreatorKitError as exc:
            self.message.setText(user_message(exc))
            return
        if new.cache_limit_mb < self.initial.cache_limit_mb:
            trim_cache(new.cache_limit_mb * 1024**2)
        set_app_settings(new)
        self.saved.emit(new)
        self.accept()


if __name__ == "__main__":
    from creator_kit.gui.app import make_app

    app = make_app()
    d = SettingsDialog()
    d.saved.connect(print)
    d.exec()
