"""The editor's model: the document, its undo stack, the selection. Qt-side, no widgets.

Every edit is a pure function from :mod:`creator_kit.core.edits` applied to the immutable
Project and pushed as a :class:`ProjectCommand` on a ``QUndoStack``; commands with the same
merge key that follow each other (a slider or a drag) fold into one undo step, as Shotcut's
``UndoParameterCommand::mergeWith`` does. Panels never write each other: they call
:meth:`EditorModel.apply` and refresh from :attr:`EditorModel.project_changed`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from creator_kit.core.document import Document
from creator_kit.core.edits import EditError, layer_ids
from creator_kit.core.errors import CreatorKitError
from creator_kit.core.model import Project

Edit = Callable[[Project], Project]

_merge_ids: dict[str, int] = {}
_next_id = itertools.count(1000)


def merge_id(key: str) -> int:
    """A stable QUndoCommand id for a merge key such as ``placement:sticker-1``."""
    if key not in _merge_ids:
        _merge_ids[key] = next(_next_id)
    return _merge_ids[key]


class ProjectCommand(QUndoCommand):
    """One undoable change: the project before and after."""

    def __init__(self, model: EditorModel, text: str, before: Project, after: Project,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.model = model
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self._first = True

    def id(self) -> int:
        return merge_id(self.merge_key) if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ProjectCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.model._set(self.after)

    def undo(self) -> None:
        self.model._set(self.before)


class EditorModel(QObject):
    """The document being edited, with undo, selection and change notifications."""

    project_changed = Signal(object)       # Project (or None when the editor is empty)
    selection_changed = Signal(object)     # layer id, "clip:N", "card", "project" or None
    modified_changed = Signal(bool)
    path_changed = Signal(object)          # Path or None
    edit_refused = Signal(str)             # a one-line message for the status line

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.undo_stack = QUndoStack(self)
        # A bound slot (not a lambda): Qt drops the connection when the model is destroyed,
        # so the stack's last signals during teardown reach nothing.
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.selection: str | None = None

    # -- document ------------------------------------------------------------------------
    @property
    def project(self) -> Project | None:
        return None if self.document is None else self.document.project

    def set_document(self, document: Document | None) -> None:
        self.document = document
        self.undo_stack.clear()
        self.selection = None
        self.project_changed.emit(self.project)
        self.path_changed.emit(None if document is None else document.path)
        self.selection_changed.emit(None)
        self._emit_modified()

    def save(self, path: str | Path | None = None) -> Path:
        assert self.document is not None
        target = self.document.save(path)
        self.undo_stack.setClean()
        self.path_changed.emit(target)
        self._emit_modified()
        return target

    @property
    def modified(self) -> bool:
        return self.document is not None and self.document.modified

    @Slot(bool)
    def _clean_changed(self, _clean: bool) -> None:
        self._emit_modified()

    def _emit_modified(self) -> None:
        self.modified_changed.emit(self.modified)

    # -- edits ---------------------------------------------------------------------------
    def apply(self, text: str, edit: Edit, merge_key: str | None = None) -> bool:
        """Apply ``edit`` as one undoable step; False (and a message) when it is refused."""
        project = self.project
        if project is None:
            return False
        try:
            after = edit(project)
        except EditError as exc:
            self.edit_refused.emit(str(exc))
            return False
        except CreatorKitError as exc:  # an edit that reads a file (a logo) it cannot use
            from creator_kit.gui.messages import user_message

            self.edit_refused.emit(user_message(exc))
            return False
        if after == project and [*layer_ids(after)] == [*layer_ids(project)]:
            return True  # nothing changed: no empty undo step
        self.undo_stack.push(ProjectCommand(self, text, project, after, merge_key))
        return True

    def replace_project(self, text: str, project: Project) -> None:
        """Replace the whole project as one undoable step (a template applied, a relink)."""
        self.apply(text, lambda _p: project)

    def _set(self, project: Project) -> None:
        assert self.document is not None
        self.document.project = project
        if self.selection is not None and not self.selection.startswith(("clip:", "card",
                                                                          "project")) \
                and self.selection not in layer_ids(project):
            self.select(None)
        self.project_changed.emit(project)
        self._emit_modified()

    def select(self, selection: str | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit(selection)
