"""Loading and saving ``.ckproj`` project files: versioned JSON, validated, migrated.

Paths inside a project are stored relative to the project file's folder when they lie under
it, so a project folder can be moved or shared; on load they are made absolute again.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from creator_kit.core.atomic import atomic_write
from creator_kit.core.captions import Cue
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import check_file
from creator_kit.core.model import SCHEMA_VERSION, Project, SourceLayer
from creator_kit.core.paths import check_local_path
from creator_kit.core.schema import (
    MAX_DOCUMENT_BYTES,
    SchemaError,
    from_data,
    load_json_document,
    to_data,
)

# Migrations take the document of version N and return version N+1. Version 0 is the
# pre-release draft whose reframe setting was a bare string.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    if isinstance(doc.get("reframe"), str):
        doc["reframe"] = {"mode": doc["reframe"]}
    doc["schema_version"] = 1
    return doc


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    # Version 2 gives every layer a stable ``id``. Older files have none; the Project fills
    # them in (``caption-1``, ``sticker-1``...) in document order, the same on every load.
    doc = dict(doc)
    doc["schema_version"] = 2
    return doc


MIGRATIONS[0] = _migrate_0_to_1
MIGRATIONS[1] = _migrate_1_to_2


def project_from_data(doc: Any, path: Path | None = None) -> Project:
    """Validate and migrate a parsed project document.

    Relative paths resolve against the folder of ``path`` (the project file).
    """
    if not isinstance(doc, dict):
        raise InputError("project file must contain a JSON object", path)
    version = doc.get("schema_version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError("project file has an invalid schema_version", path)
    if version > SCHEMA_VERSION:
        raise InputError(
            f"project file has schema version {version}, newer than this creator_kit "
            f"understands ({SCHEMA_VERSION}); update creator_kit",
            path,
        )
    if version < 0 or version not in MIGRATIONS and version != SCHEMA_VERSION:
        raise InputError(f"project file has unknown schema version {version}", path)
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    try:
        project = from_data(Project, doc)
    except SchemaError as exc:
        raise InputError(f"invalid project: {exc}", path) from None
    base = path.parent if path is not None else None
    resolved: Project = map_paths(project, lambda p: _resolve(p, base, path))
    # A caption style's font file keeps its path as written, but is checked all the same.
    map_paths(resolved, lambda p: _check_as_is(p, path), frozenset({"font_file"}))
    return resolved


def _check_as_is(p: str, doc_path: Path | None) -> str:
    check_local_path(p, doc_path)
    check_named_file(Path(p), p, doc_path)
    return p


def load_project(path: str | Path) -> Project:
    """Read a ``.ckproj`` file; raises :class:`InputError` naming the file on any problem."""
    p = Path(path)
    return project_from_data(load_json_document(p, "project"), p.absolute())


def validate_project(project: Project) -> Project:
    """``project`` checked against the same schema as a project file; InputError if it fails.

    A Project built in code (from flags, a batch row, an editor) is a frozen dataclass whose
    ranges are only checked when a file is loaded; this runs the load-time checks on it, so
    nothing the loader would refuse (NaN, an fps of 1e9, a protocol as a path) reaches a
    render or a saved file. Layers drawn by Python code (:class:`SourceLayer`) have no file
    form and are left out of the check. Returns the project unchanged.
    """
    checked = project
    if any(isinstance(layer, SourceLayer) for layer in project.layers):
        checked = project.replace(
            layers=tuple(x for x in project.layers if not isinstance(x, SourceLayer))
        )
    project_from_data(to_data(checked))
    return project


def save_project(project: Project, path: str | Path, *, overwrite: bool = True) -> None:
    """Write ``project`` atomically: a crash mid-save leaves the previous file intact.

    The document is checked with the loader's own rules first (:class:`InputError` when it
    would not load back, so creator_kit never writes a project it refuses to open). With
    ``overwrite`` False an existing file or symlink at ``path`` is not replaced
    (:class:`OutputError`), as for exports; a symlink is always replaced, never followed.
    """
    target = Path(path).absolute()
    base = target.parent
    for layer in project.layers:
        if isinstance(layer, SourceLayer):
            raise OutputError(
                f"the project holds a {layer.label}, which is drawn by Python code and cannot "
                "be saved in a project file; remove it before saving",
                target,
            )
    if target.is_dir() and not target.is_symlink():
        raise OutputError("project path is a folder", target)
    if not overwrite and os.path.lexists(target):
        what = "a symlink" if target.is_symlink() else "a file"
        raise OutputError(f"project file already exists ({what}); use --overwrite to replace it",
                          target, key="output-exists")
    doc = to_data(map_paths(project, lambda p: _relativise(p, base)))
    project_from_data(doc, target)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise InputError(f"project is too large to save ({len(text)} characters; a project "
                         f"file may be at most {MAX_DOCUMENT_BYTES} bytes)", target)
    atomic_write(target, text, what="project", overwrite=overwrite)


def map_paths(
    obj: Any, fn: Callable[[str], str], fields: frozenset[str] | None = None
) -> Any:
    """Apply ``fn`` to every file path field (``source``, ``path``, ``music``, ``image``...).

    ``fields`` replaces the set of field names treated as paths (default :data:`PATH_FIELDS`).
    """
    names = PATH_FIELDS if fields is None else fields
    if isinstance(obj, Cue):
        return obj  # timed text holds no paths; a subtitle file may bring 20,000 of them
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in names and isinstance(value, str):
                changes[f.name] = fn(value)
            elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
                changes[f.name] = map_paths(value, fn, names)
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        mapped = tuple(map_paths(v, fn, names) for v in obj)
        # The same tuple when nothing changed, so an unchanged layer is not rebuilt.
        return obj if all(a is b for a, b in zip(mapped, obj, strict=True)) else mapped
    return obj


PATH_FIELDS = frozenset({"source", "path", "music", "image", "captions_file", "logo"})


def _resolve(p: str, base: Path | None, doc_path: Path | None) -> str:
    check_local_path(p, doc_path)
    q = Path(p)
    if base is not None and not q.is_absolute():
        q = base / q
    check_named_file(q, p, doc_path)
    return str(q)


def check_named_file(path: Path, ref: str, doc_path: str | Path | None) -> None:
    """Refuse a path inside a project or template that names a FIFO, device or folder.

    A missing file is allowed here (a project may be relinked later; the render reports it),
    but anything present must be a regular file, checked the same way every read is checked.
    The message names the document and the path as written in it.
    """
    try:
        check_file(path, "file", allow_missing=True)
    except InputError as exc:
        raise InputError(f"{ref[:200]!r}: {exc.problem}", doc_path or path) from None


def _relativise(p: str, base: Path) -> str:
    q = Path(p).absolute()
    try:
        return q.relative_to(base).as_posix()
    except ValueError:
        # Outside the project's folder: absolute, since a relative path would be read
        # against the project's folder on load, not against today's working folder.
        return str(q)
