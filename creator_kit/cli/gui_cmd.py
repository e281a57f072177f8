"""``creator-kit gui``: open the editor (empty, on clips, or on a project), or screenshot it.

The GUI package is imported by name only when this command runs (the CLI layer never
imports ``creator_kit.gui`` statically: nothing may depend on the GUI).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from pathlib import Path

from creator_kit.core.errors import InputError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``gui`` subcommand."""
    p = sub.add_parser(
        "gui",
        help="open the editor",
        description="Open the editor: empty, with clips (a new project) or on a .ckproj.",
    )
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="clips for a new project, or one .ckproj project")
    p.add_argument("--screenshot", metavar="PNG",
                   help="show the project, save a PNG of the whole window and exit")
    p.add_argument("--lang", choices=["ar", "en"],
                   help="interface language (default: the system's); Arabic mirrors the layout")
    p.add_argument("--at", type=float, default=1.0, metavar="SECONDS",
                   help="with --screenshot: the time shown in the preview (default 1)")
    p.add_argument("--size", default="1600x1000", metavar="WxH",
                   help="with --screenshot: the window size (default 1600x1000)")
    p.set_defaults(func=run)


def parse_size(value: str) -> tuple[int, int]:
    """``1600x1000`` to (1600, 1000); InputError for anything else."""
    m = re.fullmatch(r"(\d{2,5})[xX](\d{2,5})", value.strip())
    if not m:
        raise InputError(f"--size {value!r} is not WIDTHxHEIGHT, e.g. 1600x1000")
    return int(m.group(1)), int(m.group(2))


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen for tests, vnc, eglfs...)
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run(args: argparse.Namespace) -> int:
    """Run ``creator-kit gui``."""
    size = parse_size(args.size)
    if args.at < 0:
        raise InputError("--at must be 0 or more seconds")
    projects = [f for f in args.files if f.lower().endswith(".ckproj")]
    if len(projects) > 1 or (projects and len(args.files) > 1):
        raise InputError("give one .ckproj project, or clips for a new project")
    if args.screenshot:
        if not args.files:
            raise InputError("--screenshot needs a project or clips to show")
        # Refuse a bad project here, with the CLI's one-line error and exit 2.
        from creator_kit.core.project_io import load_project

        if projects:
            load_project(projects[0])
        for f in args.files:
            if not Path(f).exists():
                raise InputError("file not found", f, key="not-found")
    elif not _has_display():
        # Qt would fall back to an invisible offscreen window and wait forever.
        raise InputError("no display to show the editor on (DISPLAY is not set); run it on a "
                         "desktop or under Xvfb, or use --screenshot")
    launch = importlib.import_module("creator_kit.gui.launch")
    code: int = launch.main(args.files, lang=args.lang, screenshot=args.screenshot,
                            at=args.at, size=size)
    return code
