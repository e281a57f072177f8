"""``.ckpack`` files: a template folder in a zip, safe to open when it comes from a stranger.

A pack holds ``template.json`` at its root (or inside one top-level folder) and the assets it
names. Import is defensive at every step, because a zip can lie:

* the pack file, the number of entries and the total unpacked size are capped; sizes are
  checked from the zip's headers before anything is written *and* counted while streaming,
  so a zip bomb (200 MB of zeros in 200 KB) is refused either way;
* entry names are normalised (NFC) and must be plain relative paths: ``../x``, ``/abs``,
  ``C:\\x``, backslashes, control characters, duplicates (ignoring case) are refused, as
  are symlink and other special entries, encrypted entries and unknown compression;
* only template files go in (JSON, images, fonts, audio, text); anything else is refused;
* files are created with ``O_EXCL | O_NOFOLLOW`` inside a fresh staging folder that only
  this process writes to, so nothing can be written outside it; the staged template is
  then fully validated (:func:`~creator_kit.templates.format.load_template`: asset paths
  resolved inside the pack only, no URLs or protocol strings) before it is moved into the
  user template folder in one rename. On any failure the staging folder is removed.
"""

from __future__ import annotations

import atexit
import functools
import lzma
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import check_file
from creator_kit.templates.format import (
    TEMPLATE_FILE,
    LoadedTemplate,
    asset_refs,
    load_template,
    resolve_asset,
)

MAX_PACK_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 500
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
ALLOWED_SUFFIXES = frozenset({
    ".json", ".png", ".jpg", ".jpeg", ".webp", ".ttf", ".otf", ".m4a", ".mp3", ".aac",
    ".wav", ".ogg", ".opus", ".flac", ".txt", ".md", ".srt", ".vtt", ".ass",
})
_DRIVE = re.compile(r"^[A-Za-z]:")
CHUNK = 1 << 16


@dataclass(frozen=True)
class PackLimits:
    """Caps applied to a pack (tests lower them to exercise the checks quickly)."""

    max_pack_bytes: int = MAX_PACK_BYTES
    max_entries: int = MAX_ENTRIES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES


def _entry_path(name: str, pack: Path) -> PurePosixPath | None:
    """The safe relative path of zip entry ``name`` (``None`` for a folder entry)."""
    shown = name[:80]
    if "\x00" in name or any(ord(c) < 32 for c in name):
        raise InputError(f"pack entry {shown!r} has a control character in its name", pack)
    if "\\" in name:
        raise InputError(f"pack entry {shown!r} uses backslashes; refusing it", pack)
    if name.startswith("/") or _DRIVE.match(name):
        raise InputError(f"pack entry {shown!r} is an absolute path; refusing it", pack)
    is_dir = name.endswith("/")
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise InputError(f"pack entry {shown!r} points outside the pack folder; refusing it",
                         pack)
    if len(name) > 1024 or any(len(p) > 255 for p in parts):
        raise InputError(f"pack entry {shown!r}... has too long a name", pack)
    if is_dir:
        return None
    return PurePosixPath(unicodedata.normalize("NFC", "/".join(parts)))


def _check_entry(info: zipfile.ZipInfo, pack: Path) -> PurePosixPath | None:
    rel = _entry_path(info.filename, pack)
    mode = (info.external_attr >> 16) & 0o177777
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise InputError(f"pack entry {info.filename[:80]!r} is a symlink; refusing it", pack)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise InputError(f"pack entry {info.filename[:80]!r} is not a plain file", pack)
    if info.flag_bits & 0x1:
        raise InputError(f"pack entry {info.filename[:80]!r} is encrypted", pack)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputError(f"pack entry {info.filename[:80]!r} uses an unsupported compression",
                         pack)
    if rel is not None and rel.suffix.lower() not in ALLOWED_SUFFIXES:
        raise InputError(f"pack entry {info.filename[:80]!r}: only template files (JSON, "
                         "images, fonts, audio, text) may be in a pack", pack)
    return rel


def _plan(zf: zipfile.ZipFile, pack: Path, limits: PackLimits
          ) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Check every header before anything is written; the files to extract, prefix stripped."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise InputError(f"pack has {len(infos)} entries; at most {limits.max_entries} allowed",
                         pack)
    files: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        rel = _check_entry(info, pack)
        if rel is None:
            continue
        key = str(rel).casefold()
        if key in seen:
            raise InputError(f"pack has two entries named {str(rel)[:80]!r}", pack)
        seen.add(key)
        total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise InputError(f"pack unpacks to more than {limits.max_unpacked_bytes // 2**20} MB "
                             "(size cap); refusing it", pack)
        files.append((info, rel))
    names = {str(rel) for _, rel in files}
    folders = {str(PurePosixPath(*rel.parts[:i])).casefold() for _, rel in files
               for i in range(1, len(rel.parts))}
    clash = next((n for n in names if n.casefold() in folders), None)
    if clash is not None:
        raise InputError(f"pack entry {clash[:80]!r} is both a file and a folder", pack)
    if TEMPLATE_FILE not in names:
        # A folder zipped as a whole: everything under one top folder holding template.json.
        tops = {rel.parts[0] for _, rel in files}
        if len(tops) == 1 and all(len(rel.parts) > 1 for _, rel in files):
            top = tops.pop()
            files = [(i, PurePosixPath(*rel.parts[1:])) for i, rel in files]
            if TEMPLATE_FILE not in {str(rel) for _, rel in files}:
                raise InputError(f"pack has no {TEMPLATE_FILE} (looked in {top}/ too)", pack)
        else:
            raise InputError(f"pack has no {TEMPLATE_FILE} at its top level", pack)
    return files


def _extract(zf: zipfile.ZipFile, files: list[tuple[zipfile.ZipInfo, PurePosixPath]],
             dest: Path, pack: Path, limits: PackLimits) -> None:
    """Write ``files`` under ``dest`` (a fresh folder), counting bytes as they stream."""
    total = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(
        os, "O_BINARY", 0)
    for info, rel in files:
        folder = dest
        for part in rel.parts[:-1]:
            folder = folder / part
            if not folder.is_dir():
                os.mkdir(folder)
            elif folder.is_symlink():  # pragma: no cover - we never create links
                raise InputError("pack extraction met a symlink; refusing to continue", pack)
        target = folder / rel.parts[-1]
        written = 0
        # Reading the pack and writing the folder fail for different reasons: a damaged
        # pack (even one whose header makes the zip reader seek before its start, an OSError)
        # is the pack's fault, a full disk the output's.
        src = _read_step(functools.partial(zf.open, info), pack)
        with src:
            try:
                fd = os.open(target, flags, 0o644)
            except OSError as exc:
                raise OutputError(f"cannot unpack template ({exc.strerror})", dest) from None
            with os.fdopen(fd, "wb") as out:
                while chunk := _read_step(functools.partial(src.read, CHUNK), pack):
                    written += len(chunk)
                    total += len(chunk)
                    # Headers can lie: stop as soon as the data outgrows them or the cap.
                    if written > info.file_size or total > limits.max_unpacked_bytes:
                        raise InputError("pack unpacks to more than its headers say (size "
                                         "cap); refusing it", pack)
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise OutputError(f"cannot unpack template ({exc.strerror})",
                                          dest) from None


_T = TypeVar("_T")


def _read_step(step: Callable[[], _T], pack: Path) -> _T:
    """Run one read from the pack; any failure of a damaged pack is InputError naming it."""
    try:
        return step()
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError,
            ValueError, lzma.LZMAError, OSError) as exc:
        # A damaged stream, an encrypted entry, a compression method Python lacks, an
        # offset before the start of the file.
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise InputError(f"pack is damaged ({reason})", pack) from None


def _open_zip(pack: Path, limits: PackLimits) -> zipfile.ZipFile:
    st = check_file(pack, "pack file")
    assert st is not None
    if st.st_size > limits.max_pack_bytes:
        raise InputError(f"pack file is too large ({st.st_size} bytes; limit "
                         f"{limits.max_pack_bytes})", pack)
    try:
        return zipfile.ZipFile(pack)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        # NotImplementedError: a zip feature Python does not read (multi-disk, a future version)
        raise InputError(f"not a template pack (not a readable zip: {exc})", pack) from None


def unpack(pack: str | Path, dest: str | Path, limits: PackLimits | None = None) -> Path:
    """Extract ``pack`` into the new folder ``dest`` (which must not exist) after all checks.

    Returns ``dest``. On any problem ``dest`` is removed again and :class:`InputError` (or
    :class:`OutputError` for a write failure) is raised naming the pack.
    """
    limits = limits or PackLimits()
    pack = Path(pack)
    dest = Path(dest)
    with _open_zip(pack, limits) as zf:
        files = _plan(zf, pack, limits)
        try:
            os.mkdir(dest, 0o755)
        except FileExistsError:
            raise OutputError("unpack folder already exists", dest) from None
        try:
            _extract(zf, files, dest, pack, limits)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
    return dest


def read_pack(pack: str | Path, limits: PackLimits | None = None) -> LoadedTemplate:
    """Validate ``pack`` completely without installing it (unpacked into a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="creator-kit-pack-") as tmp:
        folder = unpack(pack, Path(tmp) / "t", limits)
        return load_staged(folder, Path(pack))


def load_staged(folder: Path, pack: Path) -> LoadedTemplate:
    """Validate a template unpacked from ``pack`` into ``folder``."""
    try:
        loaded = load_template(folder, "file")
        check_assets_render(loaded)
        return loaded
    except InputError as exc:
        # Name the pack (and the file inside it), not the temporary folder.
        problem = exc.problem
        if exc.path and exc.path != str(folder / TEMPLATE_FILE):
            inner = os.path.relpath(exc.path, folder) if exc.path.startswith(str(folder)) \
                else exc.path
            problem = f"{inner}: {problem}"
        raise InputError(problem, pack) from None


_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".svg"})
_AUDIO_SUFFIXES = frozenset({".m4a", ".mp3", ".aac", ".wav", ".ogg", ".opus", ".flac"})


def check_assets_render(loaded: LoadedTemplate) -> None:
    """Open every image and sound the template names the way the renderer will.

    A pack may hold a file that passes its suffix and size checks but can never be drawn
    (a 16000x16000 PNG, SVG text named ``.png``, a truncated sound): it is refused when the
    pack is opened or imported, naming the file, instead of failing at the first render.
    """
    from creator_kit.graphics.stills import still_size
    from creator_kit.media.probe import probe

    for ref in asset_refs(loaded.template):
        path = resolve_asset(loaded.folder, ref, loaded.folder / TEMPLATE_FILE)
        suffix = path.suffix.lower()
        if suffix in _IMAGE_SUFFIXES:
            still_size(path)
        elif suffix in _AUDIO_SUFFIXES and probe(path, require_video=False).audio is None:
            raise InputError("no audio stream in this sound file", path)


_opened: list[tempfile.TemporaryDirectory[str]] = []


def _cleanup_opened() -> None:
    for tmp in _opened:
        tmp.cleanup()


def open_pack(pack: str | Path, limits: PackLimits | None = None) -> LoadedTemplate:
    """Unpack and load ``pack`` for use in this process without installing it.

    The unpacked copy lives in a temporary folder removed when the process exits.
    """
    tmp = tempfile.TemporaryDirectory(prefix="creator-kit-pack-")
    if not _opened:
        atexit.register(_cleanup_opened)
    _opened.append(tmp)
    folder = unpack(pack, Path(tmp.name) / "t", limits)
    return load_staged(folder, Path(pack))


def pack_files(folder: Path, limits: PackLimits | None = None) -> list[tuple[Path, str]]:
    """The files of a template folder that go into a pack, as (path, name in the zip).

    Hidden files are left out; a symlink or a file type a pack may not hold is an error.
    """
    limits = limits or PackLimits()
    found: list[tuple[Path, str]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in dirnames:
            if (Path(dirpath) / d).is_symlink():
                raise InputError("template folder holds a symlink; packs cannot hold links",
                                 Path(dirpath) / d)
        for fname in sorted(filenames):
            if fname.startswith("."):
                continue
            path = Path(dirpath) / fname
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                raise InputError("template folder holds a symlink; packs cannot hold links", path)
            if not stat.S_ISREG(st.st_mode):
                continue
            if path.suffix.lower() not in ALLOWED_SUFFIXES:
                raise InputError("only template files (JSON, images, fonts, audio, text) can go "
                                 "in a pack", path)
            total += st.st_size
            if total > limits.max_unpacked_bytes:
                raise InputError("template folder is too large for a pack", folder)
            found.append((path, path.relative_to(folder).as_posix()))
    if len(found) > limits.max_entries:
        raise InputError(f"template folder has more than {limits.max_entries} files", folder)
    return found
