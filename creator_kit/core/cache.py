"""The cache folder: what it holds, what clearing it would free, and trimming it to a size limit.

Everything in the cache can be rebuilt (face analyses today), so it may be cleared or trimmed at
any time. The folder is ``$CREATOR_KIT_CACHE_DIR`` when set, else the platform's user cache
folder (``~/.cache/creator-kit`` on Linux, ``%LOCALAPPDATA%\\creator-kit\\Cache`` on Windows,
``~/Library/Caches/creator-kit`` on macOS); each kind of entry has a subfolder (``faces/``).

Trimming is least recently used first: a reader marks an entry as used with :func:`touch`
(its modification time), because access times are not kept on most mounts (``relatime``,
``noatime``) and would make every entry look equally old. Files whose names start with ``.``
are writes in progress (the atomic writer's temporary files) and are never counted or removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def cache_root() -> Path:
    """creator_kit's cache folder (``$CREATOR_KIT_CACHE_DIR`` when set)."""
    override = os.environ.get("CREATOR_KIT_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("creator-kit", appauthor=False))


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
    if not root.is_dir():
        return found
    for dirpath, _dirs, names in os.walk(root):
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
