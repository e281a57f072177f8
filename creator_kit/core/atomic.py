"""The one way creator_kit saves a user's file: whole or not at all.

:func:`atomic_write` writes a temporary file beside the target, flushes it to disk
(``fsync``) and renames it over the target, so a crash, a full disk or a cancel leaves the
previous file (or nothing) rather than half a file, and a symlink at the target is replaced
rather than followed. The temporary file is created with mode ``0o666`` filtered by the
user's umask, the permissions any ordinary program gives a new file (``mkstemp``'s private
``0o600`` would make saved projects unreadable to the user's other accounts and tools).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from creator_kit.core.errors import OutputError

Content = str | bytes | Callable[[BinaryIO], None]
EXISTS = "output already exists; use --overwrite to replace it"


def atomic_write(
    path: str | Path,
    content: Content,
    *,
    what: str = "file",
    overwrite: bool = True,
    encoding: str = "utf-8",
    temp_name: Callable[[Path], Path] | None = None,
    verify: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``content`` to ``path`` atomically; returns the absolute path written.

    ``content`` is text (encoded with ``encoding``, newlines written as ``\\n`` on every
    system), bytes, or a function that writes into the open binary file. With ``overwrite``
    false an existing file (or symlink) at ``path`` is never replaced, even one that appears
    while writing. ``temp_name(target)`` names the temporary file (default: hidden, beside
    the target); ``verify(tmp)`` may check the written file before it is moved into place
    (raising to refuse it). Raises :class:`OutputError` naming the file and ``what`` it is.
    """
    target = Path(path).absolute()
    tmp = reserve_temp(target, what=what, name=temp_name)
    try:
        with open(tmp, "wb") as fh:
            if isinstance(content, str):
                fh.write(content.encode(encoding))
            elif isinstance(content, bytes):
                fh.write(content)
            else:
                content(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if verify is not None:
            verify(tmp)
        move_into_place(tmp, target, overwrite=overwrite)
    except OSError as exc:
        raise OutputError(f"cannot write {what} ({exc.strerror or exc})", target) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def reserve_temp(
    target: Path, *, what: str = "file", name: Callable[[Path], Path] | None = None
) -> Path:
    """Create an empty, uniquely named file beside ``target`` (umask permissions).

    ``name(target)`` gives candidate names (default: hidden, random, ``.tmp``).
    """
    for _ in range(10):
        tmp = name(target) if name else _hidden_name(target)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            # The folder is at fault (read-only, full, no permission), whatever the file.
            raise OutputError(
                f"cannot write in this folder ({exc.strerror or exc})", target.parent
            ) from None
        os.close(fd)
        return tmp
    raise OutputError("cannot write in this folder (no free temporary name)", target.parent)


def _hidden_name(target: Path) -> Path:
    return target.parent / f".{target.name[:100]}.{secrets.token_hex(4)}.tmp"


def move_into_place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move the finished ``tmp`` to ``target``; without ``overwrite`` never replace anything.

    Raises :class:`OutputError` when ``target`` exists and ``overwrite`` is false; other
    failures raise ``OSError``.
    """
    if overwrite:
        os.replace(tmp, target)  # replaces a symlink itself, never what it points to
        return
    try:
        # link() fails if anything (file, dangling symlink) appeared at the target meanwhile:
        # an atomic "create only if absent".
        os.link(tmp, target)
    except FileExistsError:
        raise OutputError(EXISTS, target, key="output-exists") from None
    except OSError:
        # File systems without hard links (FAT, exFAT): rename refuses an existing
        # target on Windows; elsewhere check, then rename.
        if os.path.lexists(target):
            raise OutputError(EXISTS, target, key="output-exists") from None
        os.rename(tmp, target)
        return
    tmp.unlink()
