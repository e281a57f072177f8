"""Handing freed memory back to the operating system during a long render.

Every output frame allocates and frees a few megabytes of temporaries (a face mask drawn at a
new size, its YUV form, blending). glibc keeps freed blocks in its heap, and once one large
block was freed it stops giving blocks of that size their own mapping, so the process's
resident size creeps up by a hundred megabytes or more though the live data stays flat.
``malloc_trim`` returns the free pages; called every few frames it costs well under a
millisecond. Other C libraries (macOS, Windows, musl) are left alone.

Two glibc settings keep a render's processes near their live data from the start
(:func:`limit_heap` for this process, :func:`child_env` for ffmpeg): at most two malloc arenas
(every thread that allocates otherwise gets an arena of its own, up to eight per core, each
keeping its freed blocks), and a fixed mmap threshold of 256 KiB, so a picture-sized block is
always its own mapping, returned to the system when freed (glibc otherwise raises the
threshold to the largest block freed so far, and from then on keeps such blocks in the
heap). Measured on the template render of a real clip: the export's ffmpeg 404 to 339 MB,
Python 311 to 286 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

_trim: Callable[[int], int] | None = None
_looked = False
_limited = False

ARENAS = 2
MMAP_THRESHOLD = 256 * 1024
# mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def _libc_function(name: str) -> Any:
    """The C library's function ``name`` (a ctypes function), or None if not glibc."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = getattr(libc, name)
    except (OSError, AttributeError):  # not glibc
        return None
    return fn


def _find_trim() -> Callable[[int], int] | None:
    fn = _libc_function("malloc_trim")
    if fn is None:
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    trim: Callable[[int], int] = fn
    return trim


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only; a no-op elsewhere)."""
    global _trim, _looked
    if not _looked:
        _trim, _looked = _find_trim(), True
    if _trim is not None:
        _trim(0)


def limit_heap() -> bool:
    """Two malloc arenas and a fixed 256 KiB mmap threshold for this process (glibc only).

    Called as an export starts; threads started before keep the arenas they have. Returns
    True when the settings were applied (now or before).
    """
    global _limited
    if _limited:
        return True
    fn = _libc_function("mallopt")
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    _limited = bool(fn(_M_ARENA_MAX, ARENAS)) and bool(fn(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _limited


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The environment for an ffmpeg we start: ``base`` (our own by default) plus glibc's
    ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_`` (see the module docstring), unless
    already set. ``None`` (inherit ours unchanged) on other systems.
    """
    if not sys.platform.startswith("linux"):
        return None
    env = dict(os.environ if base is None else base)
    env.setdefault("MALLOC_ARENA_MAX", str(ARENAS))
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD))
    return env
