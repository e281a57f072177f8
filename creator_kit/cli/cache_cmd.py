"""``creator-kit cache``: what the cache holds (``info``) and emptying it (``clear``).

The cache holds only what creator_kit can rebuild (face analyses), so clearing it loses no work:
the next render of a clip analyses its faces again. ``info`` also shows the size limit the cache
is trimmed to (the ``cache_limit_mb`` setting).
"""

from __future__ import annotations

import argparse
import json
import sys

from creator_kit.core.cache import CacheUsage, cache_root, cache_usage, clear_cache
from creator_kit.core.settings import load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cache`` subcommand and its actions."""
    p = sub.add_parser("cache", help="show or clear the cache of face analyses",
                       description="The cache of rebuildable data (face analyses).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    info = actions.add_parser("info", help="where the cache is, what it holds, its size limit")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(func=run_info)
    clear = actions.add_parser("clear", help="remove everything in the cache")
    clear.add_argument("--json", action="store_true", help="print one JSON object")
    clear.set_defaults(func=run_clear)


def _data(usage: CacheUsage) -> dict[str, object]:
    return {"path": str(usage.path), "files": usage.files, "bytes": usage.bytes}


def run_info(args: argparse.Namespace) -> int:
    """Print the cache folder, what clearing it would free, and its limit."""
    loaded = load_settings()
    if loaded.message:
        sys.stderr.write(f"warning: {loaded.message}\n")
    usage = cache_usage(cache_root())
    limit = loaded.settings.cache_limit_mb
    if args.json:
        print(json.dumps({**_data(usage), "limit_bytes": limit * 1024**2}))
    else:
        print(f"{usage.path}: {usage.files} files, {usage.megabytes:.1f} MiB "
              f"(limit {limit} MiB); 'creator-kit cache clear' frees all of it")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    """Empty the cache and print what was freed."""
    freed = clear_cache(cache_root())
    if args.json:
        print(json.dumps(_data(freed)))
    else:
        print(f"{freed.path}: freed {freed.files} files, {freed.megabytes:.1f} MiB")
    return 0
