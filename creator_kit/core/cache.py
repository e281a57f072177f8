"""The cache: what it holds, what clearing it would free, and trimming it to a size limit.

The cache folder is :func:`core.user_dirs.user_cache_dir` (``~/.cache/creator-kit`` on Linux,
``$CREATOR_KIT_CACHE_DIR`` when set). The functions here manage the subfolders listed in
:data:`MANAGED`, whose entries can be rebuilt at any time (face analyses, the player's
preview proxies), so they may be cleared or trimmed whenever the user likes. Other subfolders
are left alone: ``fontconfig/`` holds the font configuration a starting process is about to
read, and removing it at the wrong moment would let the system's fonts in.

Trimming is least recently used first: a reader marks an entry as used with :func:`touch`
(its modification time), because access times are not kept on most mounts (``relatime``,
``noatime``) and would make every entry look equally old. Files whose names start with ``.``
are writes in progress (the atomic writer's temporary files) and are never counted or removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from creator_kit.core.user_dirs import user_cache_dir

# The cache's own subfolders: everything in them is rebuilt on demand.
MANAGED = ("faces", "previews")


def cache_root() -> Path:
    """creator_kit's cache folder (:func:`core.user_dirs.user_cache_dir`)."""
    return user_cache_dir()


@dataclass(frozen=True)
class CacheUsage:
    """How much a cache folder holds (or how much an operation freed)."""

    path: Path
    files: int
    bytes: int

    @property
    def megabytes(self) -> float:
        """``bytes`` in MiB, for messages."""
        return self.bytes / 1024**2


@dataclass(frozen=True)
class _Entry:
    path: Path
    size: int
    mtime_ns: int


def _entries(root: Path) -> list[_Entry]:
    found: list[_Entry] = []
    for dirpath, _dirs, names in (w for sub in MANAGED for w in os.walk(root / sub)):
        for name in names:
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue  # removed by another process while we walked
            found.append(_Entry(p, st.st_size, st.st_mtime_ns))
    return found


def cache_usage(root: Path | None = None) -> CacheUsage:
    """What the cache holds now, which is what :func:`clear_cache` would free."""
    base = cache_root() if root is None else root
    entries = _entries(base)
    return CacheUsage(base, len(entries), sum(e.size for e in entries))


def _remove(entries: list[_Entry], base: Path) -> CacheUsage:
    files = freed = 0
    for e in entries:
        try:
            e.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # in use (Windows) or read-only: left for the next trim
        files += 1
        freed += e.size
    return CacheUsage(base, files, freed)


def clear_cache(root: Path | None = None) -> CacheUsage:
    """Remove every cache entry; returns what was freed. Folders are kept."""
    base = cache_root() if root is None else root
    return _remove(_entries(base), base)


def trim_cache(limit_bytes: int, root: Path | None = None) -> CacheUsage:
    """Remove the least recently used entries until the cache holds at most ``limit_bytes``.

    Returns what was freed (nothing when the cache is within the limit).
    """
    base = cache_root() if root is None else root
    entries = _entries(base)
    total = sum(e.size for e in entries)
    if total <= limit_bytes:
        return CacheUsage(base, 0, 0)
    victims: list[_Entry] = []
    for e in sorted(entries, key=lambda e: e.mtime_ns):
        if total <= limit_bytes:
            break
        victims.append(e)
        total -= e.size
    return _remove(victims, base)


def touch(path: Path) -> None:
    """Mark a cache entry as just used, so trimming keeps it longest."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves hits; it just trims less well


__all__ = ["CacheUsage", "cache_root", "cache_usage", "clear_cache", "touch", "trim_cache"]
