"""The template gallery (with each template's variables as a form) and "save look as template".

Run alone: ``python -m creator_kit.gui.templates_dialog``.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core.errors import CreatorKitError
from creator_kit.graphics import catalogue
from creator_kit.gui.app import language, tr
from creator_kit.gui.bidi import with_isolated_tags
from creator_kit.gui.messages import user_message


class TemplateDialog(QDialog):
    """Pick a template and fill in its variables."""

    def __init__(self, parent: QWidget | None = None,
                 thumbnails: dict[str, QImage] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Templates", "Templates"))
        thumbnails = thumbnails or {}
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListWidget.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(108, 192))
        self.gallery.setGridSize(QSize(150, 250))
        self.gallery.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.gallery.setMovement(QListWidget.Movement.Static)
        self.gallery.setWordWrap(True)
        from creator_kit.gui.library import _user_templates

        lang = language()
        for e in catalogue.templates(_user_templates()):
            item = QListWidgetItem(e.title(lang))
            item.setData(256, e.name)
            item.setToolTip(e.description)
            if e.name in thumbnails:  # a real frame of the template over the project's clip
                item.setIcon(QIcon(QPixmap.fromImage(thumbnails[e.name])))
            elif e.preview is not None:
                item.setIcon(QIcon(QPixmap(str(e.preview))))
            self.gallery.addItem(item)
        self.gallery.currentItemChanged.connect(self._picked)
        self.gallery.itemActivated.connect(lambda _i: self.accept())
        layout.addWidget(self.gallery, 1)
        self.description = QLabel()
        self.description.setWordWrap(True)
        layout.addWidget(self.description)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.lang = QComboBox()
        self.lang.addItem("العربية", "ar")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(0 if lang == "ar" else 1)
        self.form.addRow(tr("Templates", "Language"), self.lang)
        self.fields: dict[str, QLineEdit] = {}
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Templates", "Apply"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.gallery.count():
            self.gallery.setCurrentRow(0)
        self.resize(720, 640)

    def _picked(self, item: QListWidgetItem | None) -> None:
        for w in self.fields.values():
            self.form.removeRow(w)
        self.fields.clear()
        if item is None:
            return
        self.choice = str(item.data(256))
        from creator_kit.templates import find_template

        try:
            tpl = find_template(self.choice).template
        except CreatorKitError as exc:
            self.description.setText(user_message(exc))
            return
        lang = self.language()
        self.description.setText(tpl.description_ar if lang == "ar" else tpl.description_en)
        ui = language()  # labels follow the interface; the template's language is `lang`
        for v in tpl.variables:
            edit = QLineEdit(v.default or "")
            hint = with_isolated_tags(v.help(ui))  # "(e.g. @salma)" keeps its "@" in Arabic
            edit.setToolTip(hint)
            edit.setPlaceholderText(hint)
            self.form.addRow(v.label(ui), edit)
            self.fields[v.name] = edit

    def values(self) -> dict[str, str]:
        return {k: w.text() for k, w in self.fields.items() if w.text()}

    def language(self) -> str:
        return str(self.lang.currentData())


class SaveTemplateDialog(QDialog):
    """Name and titles for a template made from the current look."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Templates", "Save look as template"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("my-campaign")
        self.name.setToolTip(tr("Templates", "Lower-case letters, digits and hyphens"))
        self.title_ar = QLineEdit()
        self.title_en = QLineEdit()
        form.addRow(tr("Templates", "Name"), self.name)
        form.addRow(tr("Templates", "Arabic title"), self.title_ar)
        form.addRow(tr("Templates", "English title"), self.title_en)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


if __name__ == "__main__":
    from creator_kit.gui.app import make_app

    app = make_app()
    d = TemplateDialog()
    d.exec()
    print(d.choice, d.values(), d.language())
