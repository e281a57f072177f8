"""A project being edited: the current Project, its file, and whether it has unsaved changes.

The editor keeps one :class:`Document` per window; scripts can use it too. Saving records a
fingerprint of every clip's source (see :mod:`creator_kit.core.relink`) so a moved clip can be
found again later.
"""

from __future__ import annotations

from pathlib import Path

from creator_kit.core.model import Project
from creator_kit.core.project_io import load_project, save_project
from creator_kit.core.relink import with_fingerprints

PROJECT_SUFFIX = ".ckproj"


class Document:
    """The project of one editing session and the file it belongs to (``None``: never saved)."""

    def __init__(self, project: Project, path: str | Path | None = None) -> None:
        self.project = project
        self.path = None if path is None else Path(path).absolute()
        self._saved: Project | None = project if path is not None else None

    @classmethod
    def open(cls, path: str | Path) -> Document:
        """Load a ``.ckproj``; raises InputError naming the file on any problem."""
        return cls(load_project(path), path)

    @property
    def modified(self) -> bool:
        """True when the project differs from what was last saved (or was never saved)."""
        return self._saved is None or self.project != self._saved

    @property
    def name(self) -> str:
        """The file name shown in a title bar (``untitled.ckproj`` before the first save)."""
        return self.path.name if self.path is not None else "untitled" + PROJECT_SUFFIX

    def save(self, path: str | Path | None = None) -> Path:
        """Write the project (to ``path``, which becomes the document's file); returns the file.

        Raises ValueError when the document has no file yet and no ``path`` is given, and
        OutputError when the file cannot be written (the previous file is then intact).
        """
        target = Path(path).absolute() if path is not None else self.path
        if target is None:
            raise ValueError("the document has no file yet; give a path")
        project = with_fingerprints(self.project)
        save_project(project, target)
        self.project = project
        self.path = target
        self._saved = project
        return target

    def mark_saved(self) -> None:
        """Treat the current project as saved (e.g. after a restore the user accepted as is)."""
        self._saved = self.project
