"""Autosave and crash recovery, in plain Python (the editor drives it from a timer).

Each editing session writes its project to ``<data dir>/autosave/<session>.ckproj`` (every
60 s while there are unsaved changes, and before each export) with a small ``.json`` beside it
naming the original file and the process that owns it. A clean close removes both. When the
editor starts and finds an autosave whose owner process is gone (the editor was killed or the
machine lost power), it offers to restore it, as Shotcut does.

The data dir is ``$CREATOR_KIT_DATA_DIR`` when set (tests), else the platform's user data
folder (``~/.local/share/creator-kit`` on Linux, ``%LOCALAPPDATA%\\creator-kit`` on Windows).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from creator_kit.core.atomic import atomic_write
from creator_kit.core.errors import InputError
from creator_kit.core.model import Project
from creator_kit.core.project_io import load_project, save_project
from creator_kit.core.user_dirs import user_data_dir

AUTOSAVE_INTERVAL_S = 60.0


def data_dir() -> Path:
    """creator_kit's user data folder (see :mod:`creator_kit.core.user_dirs`)."""
    return user_data_dir()


def autosave_dir() -> Path:
    """The folder autosaves are written to."""
    return data_dir() / "autosave"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        import psutil

        return bool(psutil.pid_exists(pid)) and psutil.Process(pid).status() != "zombie"
    except Exception:  # psutil missing or the process vanished while we looked
        return False


class Autosaver:
    """The autosave of one editing session."""

    def __init__(self, original: str | Path | None = None, folder: Path | None = None) -> None:
        self.folder = folder or autosave_dir()
        self.session = uuid.uuid4().hex[:16]
        self.original = None if original is None else str(Path(original).absolute())
        self.last_saved: float | None = None

    @property
    def path(self) -> Path:
        """The autosaved project file."""
        return self.folder / f"{self.session}.ckproj"

    @property
    def meta_path(self) -> Path:
        """The file naming the original project and the owning process."""
        return self.folder / f"{self.session}.json"

    def set_original(self, original: str | Path | None) -> None:
        """The project file this session now edits (after a save as)."""
        self.original = None if original is None else str(Path(original).absolute())

    def save(self, project: Project) -> Path:
        """Write ``project`` to the autosave (atomically); raises OutputError when it cannot."""
        self.folder.mkdir(parents=True, exist_ok=True)
        save_project(project, self.path)
        meta = {"original": self.original, "pid": os.getpid(), "saved_at": time.time()}
        atomic_write(self.meta_path, json.dumps(meta), what="autosave")
        self.last_saved = time.time()
        return self.path

    def discard(self) -> None:
        """Remove this session's autosave (a clean close, or after an explicit save)."""
        for p in (self.path, self.meta_path):
            p.unlink(missing_ok=True)
        self.last_saved = None


@dataclass(frozen=True)
class Recovery:
    """An autosave left behind by an editor that did not close cleanly."""

    path: Path
    original: str | None
    saved_at: float

    def load(self) -> Project:
        """The autosaved project; raises InputError when the autosave is unreadable."""
        return load_project(self.path)

    def discard(self) -> None:
        """Remove the autosave (restored or declined)."""
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".json").unlink(missing_ok=True)


def recoverable(folder: Path | None = None) -> list[Recovery]:
    """Autosaves whose editor is no longer running, newest first."""
    folder = folder or autosave_dir()
    found: list[Recovery] = []
    try:
        metas = sorted(folder.glob("*.json"))
    except OSError:
        return []
    for meta in metas:
        project_file = meta.with_suffix(".ckproj")
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pid = int(info.get("pid", 0))
            saved_at = float(info.get("saved_at", 0.0))
            original = info.get("original")
        except (OSError, ValueError, TypeError, AttributeError):
            continue
        if not project_file.is_file() or _pid_alive(pid):
            continue
        found.append(Recovery(project_file, original if isinstance(original, str) else None,
                              saved_at))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def first_readable(recoveries: list[Recovery]) -> tuple[Recovery, Project] | None:
    """The newest recovery that loads, or None (unreadable ones are skipped, not deleted)."""
    for r in recoveries:
        try:
            return r, r.load()
        except InputError:
            continue
    return None
