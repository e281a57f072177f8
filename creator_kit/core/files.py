"""The one guarded way creator_kit opens a file someone handed it.

Projects, template packs, subtitle files, spreadsheets, logos, fonts and clips arrive from other
people. A name may point (directly or through a symlink) at ``/dev/zero``, which reports a size
of 0 and then never ends, or at a FIFO, whose ``open()`` blocks until a writer appears, or at a
folder. So every file is checked *before* it is opened: ``stat`` (following links) must say
"regular file"; the open itself is non-blocking and the open descriptor is checked again (the
name could have been swapped in between); and reads carry a byte bound, so a file that grows
while we read cannot take all the memory either. Every problem becomes an :class:`InputError`
naming the file, in one line.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from creator_kit.core.errors import InputError
from creator_kit.core.paths import check_local_path

# O_NONBLOCK: opening a FIFO for reading must not wait for a writer (POSIX only; Windows has
# no FIFOs that open() could reach). O_NOCTTY: a terminal device never becomes ours.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def describe_mode(mode: int) -> str:
    """What a ``stat`` mode is, in words: "a folder", "a FIFO (named pipe)", "a regular file"..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return _kind_of(mode)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def os_problem(exc: OSError) -> str:
    """A short, user-facing description of an OS error (no errno numbers, no tracebacks)."""
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return "file name is too long"
    if code == errno.EROFS:
        return "the folder is on a read-only file system"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENOSPC:
        return "disk full"
    if code == errno.ELOOP:
        return "too many levels of symlinks"
    if code == errno.ENOTDIR:
        return "a folder in the path is a file"
    return str(exc.strerror or exc)


def os_key(exc: OSError) -> str | None:
    """The message key (see :mod:`creator_kit.core.errors`) of an OS error, when it has one."""
    return {errno.EACCES: "permission-denied", errno.EPERM: "permission-denied",
            errno.ENOSPC: "disk-full", errno.EDQUOT: "disk-full",
            errno.EROFS: "read-only"}.get(exc.errno or 0)


def _not_regular(mode: int, kind: str, path: str | Path) -> InputError:
    what = _kind_of(mode)
    if what == "a folder":
        return InputError(f"not a {kind} (it is a folder)", path)
    return InputError(f"{kind} is {what}, not a regular file; refusing to read it", path)


def check_file(
    path: str | Path, kind: str = "file", *, allow_missing: bool = False
) -> os.stat_result | None:
    """Check that ``path`` names (after following links) a readable regular file.

    A string is first checked to be a local path, not a protocol or URL. Returns its
    ``stat`` (``None`` when it does not exist and ``allow_missing`` is set: a project may
    name a clip that is relinked later). Raises :class:`InputError` naming the file for a
    protocol/URL, a folder, a FIFO, a device or socket, a missing file or a name the OS
    refuses. Nothing is opened, so a FIFO or a device is never touched.
    """
    if isinstance(path, str):
        # A string as the user typed it; a Path was built by us (and ``Path("./concat:x")``
        # reads back as "concat:x", which would be refused although it is a local name).
        check_local_path(path, path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if allow_missing:
            return None
        raise InputError(f"{kind} not found", path, key="not-found",
                         params={"kind": kind}) from None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR and allow_missing:
            return None
        if exc.errno == errno.ENOTDIR:
            raise InputError(f"{kind} not found (a folder in the path is a file)", path) from None
        raise InputError(f"cannot read {kind} ({os_problem(exc)})", path,
                         key=os_key(exc)) from None
    except ValueError:  # an embedded NUL that check_local_path let through on another OS
        raise InputError("file path contains a NUL character", path) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(st.st_mode, kind, path)
    return st


def open_file(path: str | Path, kind: str = "file") -> BinaryIO:
    """Open a regular file for reading in binary mode, after :func:`check_file`.

    The open never blocks (``O_NONBLOCK``) and the descriptor is checked again, so a name
    swapped for a FIFO or device between the check and the open is still refused.
    """
    check_file(path, kind)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(f"cannot read {kind} ({os_problem(exc)})", path,
                         key=os_key(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode, kind, path)
        if os.name == "posix":
            os.set_blocking(fd, True)  # regular files ignore it; keep reads ordinary
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: str | Path, kind: str, limit: int) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes, or :class:`InputError`.

    The size is checked before reading and the read itself stops after ``limit + 1`` bytes,
    so a file that grows (or lies about its size) cannot take more memory than the limit.
    """
    with open_file(path, kind) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise InputError(f"{kind} is too large ({size} bytes; limit {limit})", path)
        try:
            data = _read_up_to(fh, limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read {kind} ({os_problem(exc)})", path,
                         key=os_key(exc)) from None
    if len(data) > limit:
        raise InputError(f"{kind} is too large (more than {limit} bytes)", path)
    return data


def read_head(path: str | Path, kind: str, count: int) -> bytes:
    """The first ``count`` bytes (fewer if the file is shorter) of a regular file."""
    with open_file(path, kind) as fh:
        try:
            return _read_up_to(fh, count)
        except OSError as exc:
            raise InputError(f"cannot read {kind} ({os_problem(exc)})", path,
                         key=os_key(exc)) from None


def _read_up_to(fh: BinaryIO, count: int) -> bytes:
    buf = io.BytesIO()
    remaining = count
    while remaining > 0:
        chunk = fh.read(min(remaining, 1 << 20))
        if not chunk:
            break
        buf.write(chunk)
        remaining -= len(chunk)
    return buf.getvalue()
