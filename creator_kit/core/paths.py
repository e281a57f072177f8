"""Path hygiene: user-supplied names are local files, never ffmpeg protocols or URLs."""

from __future__ import annotations

import re
from pathlib import Path

from creator_kit.core.errors import InputError

# "scheme:" with two or more characters (so a Windows drive letter "C:" stays a path), including
# ffmpeg's "proto,,option,value,:target" form with options before the colon.
_PROTOCOL = re.compile(r"^[A-Za-z][A-Za-z0-9+.,\-]+:")


def check_local_path(value: str, context: str | Path | None = None) -> None:
    """Refuse anything that is not a plain local file path.

    ffmpeg treats ``concat:a|b``, ``http://...``, ``pipe:`` and friends as protocols, and a
    project or template must never make it open a network address or several files.
    ``context`` names the document the path came from, for the message.
    """
    if not value:
        raise InputError("empty file path", context)
    if "\x00" in value:
        raise InputError("file path contains a NUL character", context)
    if _PROTOCOL.match(value):
        scheme = value.split(":", 1)[0].split(",", 1)[0]
        raise InputError(
            f"{value[:80]!r} is a {scheme}: address, not a local file; "
            "only local files are allowed",
            context,
        )


def ffmpeg_input_path(path: str | Path) -> str:
    """The form of a local path to hand to ffmpeg: absolute and prefixed with ``file:``.

    The prefix stops ffmpeg from reading protocol names out of file names, and the absolute
    form stops a name starting with ``-`` from being read as an option.
    """
    p = Path(path)
    check_local_path(str(p))
    return "file:" + str(p.absolute())


def confine(base: str | Path, name: str) -> Path:
    """``base/name`` with every component resolved, refused unless it stays inside ``base``.

    Comparing names is not enough: ``link/out.mp4`` where ``link`` is a symlink (or a
    Windows junction) inside ``base`` leads wherever the link points. So the real paths
    are compared: the existing part of ``base/name``'s folder chain is resolved, symlinks
    and ``..`` included. The last component is returned unresolved, so that a symlink *at*
    the output itself is replaced by the writer (never followed), as exports promise.
    Raises :class:`OutputError`.
    """
    from creator_kit.core.errors import OutputError

    root = Path(base).resolve()
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise OutputError(f"{name!r} is not a file name inside the output folder", base)
    folder = root.joinpath(*parts[:-1]).resolve()
    if folder != root and root not in folder.parents:
        raise OutputError(f"{name!r} leads outside the output folder (through a symbolic "
                          f"link to {folder})", base)
    return folder / parts[-1]
