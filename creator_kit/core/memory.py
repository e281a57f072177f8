"""Handing freed memory back to the operating system during a long render.

Every output frame allocates and frees a few megabytes of temporaries (a face mask drawn at a
new size, its YUV form, blending). glibc keeps freed blocks in its heap, and once one large
block was freed it stops giving blocks of that size their own mapping, so the process's
resident size creeps up by a hundred megabytes or more though the live data stays flat.
``malloc_trim`` returns the free pages; called every few frames it costs well under a
millisecond. Other C libraries (macOS, Windows, musl) are left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable

_trim: Callable[[int], int] | None = None
_looked = False


def _find_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only; a no-op elsewhere)."""
    global _trim, _looked
    if not _looked:
        _trim, _looked = _find_trim(), True
    if _trim is not None:
        _trim(0)
