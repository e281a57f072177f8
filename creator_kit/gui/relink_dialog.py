"""The relink dialog: missing media found again by name, size and content, or picked by hand.

Shown instead of a failure when a project names files that are gone (moved, renamed, an
unplugged drive). "Search folder…" looks through a folder tree for every missing file at once
(:func:`creator_kit.core.relink.search`: a same-named file is accepted only when its size and
hash match what the project recorded; a renamed file is found by them); "Locate…" picks one
file by hand. Files left missing can be kept as they are: the editor then reports them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core import edits
from creator_kit.core.model import Project
from creator_kit.core.relink import MissingFile, fingerprint, missing_files, search
from creator_kit.gui.app import tr
from creator_kit.gui.bidi import isolate, ltr
from creator_kit.gui.numbers import num


class RelinkDialog(QDialog):
    """Lists missing files and where each was found; ``run`` returns the relinked project."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Relink", "Missing media"))
        self.project = project
        self.missing: list[MissingFile] = missing_files(project)
        self.found: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Relink", "These files of the project were moved, renamed or "
                                             "are on a drive that is not plugged in:")))
        self.table = QTableWidget(len(self.missing), 2)
        self.table.verticalHeader().setVisible(False)  # row numbers mean nothing here
        self.table.setHorizontalHeaderLabels([tr("Relink", "Missing file"),
                                              tr("Relink", "Found at")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        search_btn = QPushButton(tr("Relink", "Search folder…"))
        search_btn.setToolTip(tr("Relink", "Look through a folder and its subfolders"))
        search_btn.clicked.connect(self._search_dialog)
        locate_btn = QPushButton(tr("Relink", "Locate…"))
        locate_btn.clicked.connect(self._locate)
        row.addWidget(search_btn)
        row.addWidget(locate_btn)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(tr("Relink", "Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Relink", "Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._refresh()
        self.resize(760, 360)

    def _refresh(self) -> None:
        for i, m in enumerate(self.missing):
            # A path reads left to right even in a right-to-left interface.
            self.table.setItem(i, 0, QTableWidgetItem(ltr(m.path)))
            self.table.setItem(i, 1, QTableWidgetItem(ltr(self.found.get(m.path, "—"))))
        left = sum(1 for m in self.missing if m.path not in self.found)
        self.note.setText(tr("Relink", "{0} file(s) still missing; the project opens anyway "
                                       "and names them.").format(num(str(left))) if left else
                          tr("Relink", "Every file was found."))

    def search_folder(self, folder: str | Path) -> None:
        todo = [m for m in self.missing if m.path not in self.found]
        self.found.update(search([folder], todo))
        self._refresh()

    def _search_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Relink", "Search in folder"))
        if folder:
            self.search_folder(folder)

    def _locate(self) -> None:
        row = max(0, self.table.currentRow())
        if row >= len(self.missing):
            return
        m = self.missing[row]
        path, _ = QFileDialog.getOpenFileName(self, tr("Relink", "Locate {0}").format(m.name))
        if not path:
            return
        if m.fingerprint is not None and fingerprint(path) != m.fingerprint:
            self.note.setText(tr("Relink", "{0} is not the same file as the one the project "
                                           "used (size or content differ); using it anyway.")
                              .format(isolate(Path(path).name)))
        self.found[m.path] = path
        self._refresh()

    def relinked(self) -> Project:
        return edits.relink(self.project, self.found)

    def run(self) -> Project | None:
        """Show the dialog; the relinked project, or None when cancelled."""
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.relinked()
