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
