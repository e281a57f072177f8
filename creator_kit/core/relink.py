"""Finding media that moved: missing files, fingerprints, and a folder search.

A project names its media by path; drives get unplugged and folders renamed. Like Kdenlive's
document checker, a missing source is looked for by name, size and content hash: each clip
keeps a :func:`fingerprint` (size plus a hash of its first and last MiB, cheap even for a 4 GB
file) in the project, so a file found under the same name is accepted only when it is the
same file, and a renamed file is still found by its fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from creator_kit.core.model import Project

_CHUNK = 1024 * 1024
# A folder search stops after this many files so a search of a whole drive stays bounded.
MAX_SEARCHED_FILES = 200_000
MEDIA_FIELDS = frozenset({"source", "path", "music", "image", "logo"})


def fingerprint(path: str | Path) -> str | None:
    """``<size>:<sha256 of the first and last MiB>`` of a file; None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            h = hashlib.sha256(fh.read(_CHUNK))
            if size > 2 * _CHUNK:
                fh.seek(size - _CHUNK)
                h.update(fh.read(_CHUNK))
            elif size > _CHUNK:
                h.update(fh.read())
    except OSError:
        return None
    return f"{size}:{h.hexdigest()[:32]}"


def _size_of(fp: str | None) -> int | None:
    if not fp or ":" not in fp:
        return None
    try:
        return int(fp.split(":", 1)[0])
    except ValueError:
        return None


def with_fingerprints(project: Project) -> Project:
    """The project with a fingerprint on every clip whose source can be read now."""
    clips = []
    for clip in project.clips:
        fp = fingerprint(clip.source)
        clips.append(dataclasses.replace(clip, fingerprint=fp) if fp else clip)
    return project.replace(clips=tuple(clips))


@dataclass(frozen=True)
class MissingFile:
    """A file the project names that is not there, with what is known to recognise it."""

    path: str
    field: str  # "source", "path", "music", "image", "logo"
    fingerprint: str | None = None

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return Path(self.path).name


def media_paths(project: Project) -> list[tuple[str, str, str | None]]:
    """Every media path the project reads: (path, field name, fingerprint or None)."""
    found: dict[str, tuple[str, str | None]] = {}

    def walk(obj: object) -> None:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if f.name in MEDIA_FIELDS and isinstance(value, str):
                    fp = getattr(obj, "fingerprint", None) if f.name == "source" else None
                    if value not in found or found[value][1] is None:
                        found[value] = (f.name, fp)
                else:
                    walk(value)
        elif isinstance(obj, tuple):
            for v in obj:
                walk(v)

    walk(project)
    return [(path, kind, fp) for path, (kind, fp) in found.items()]


def missing_files(project: Project) -> list[MissingFile]:
    """The media files of ``project`` that do not exist (in the order the project names them)."""
    return [MissingFile(path, kind, fp) for path, kind, fp in media_paths(project)
            if not Path(path).is_file()]


def matches(candidate: Path, missing: MissingFile) -> bool:
    """True when ``candidate`` is the missing file: same fingerprint, or same name if none known."""
    if missing.fingerprint is None:
        return candidate.name == missing.name
    try:
        if candidate.stat().st_size != _size_of(missing.fingerprint):
            return False  # cheap test first: no hashing of files of another size
    except OSError:
        return False
    return fingerprint(candidate) == missing.fingerprint


def search(
    folders: Iterable[str | Path],
    missing: list[MissingFile],
    *,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, str]:
    """Look under ``folders`` for the ``missing`` files; returns {old path: found path}.

    Same-named files are tried first; a file with a known fingerprint is also recognised
    under another name (only files of the right size are hashed). The search is bounded by
    :data:`MAX_SEARCHED_FILES` and ends early once everything is found or ``should_stop``.
    """
    wanted = {m.path: m for m in missing}
    by_name: dict[str, list[MissingFile]] = {}
    by_size: dict[int, list[MissingFile]] = {}
    for m in missing:
        by_name.setdefault(m.name.casefold(), []).append(m)
        size = _size_of(m.fingerprint)
        if size is not None:
            by_size.setdefault(size, []).append(m)
    found: dict[str, str] = {}
    seen = 0
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                seen += 1
                if seen > MAX_SEARCHED_FILES or (should_stop is not None and should_stop()):
                    return found
                candidate = Path(root) / name
                options = [m for m in by_name.get(name.casefold(), []) if m.path not in found]
                if not options and by_size:
                    try:
                        size = candidate.stat().st_size
                    except OSError:
                        continue
                    options = [m for m in by_size.get(size, []) if m.path not in found]
                for m in options:
                    if matches(candidate, m):
                        found[m.path] = str(candidate)
                        break
                if len(found) == len(wanted):
                    return found
    return found
