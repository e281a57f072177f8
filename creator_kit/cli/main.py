"""``creator-kit`` command line: parse, call the library, report.

Exit codes (a contract scripts rely on): 0 success; 1 ``check`` found violations; 2 bad usage
or bad input (one line on stderr starting with ``error:`` naming the file and the problem);
130 cancelled.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, Protocol

from creator_kit import __version__
from creator_kit.core.errors import Cancelled, CreatorKitError, OutputError
from creator_kit.core.files import os_key, os_problem

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_CANCELLED = 130

# Each subcommand lives in its own module with ``register(subparsers)``; the parser it adds
# carries ``func(args) -> int`` as its default.
COMMAND_MODULES = (
    "creator_kit.cli.probe_cmd",
    "creator_kit.cli.render_cmd",
    "creator_kit.cli.check_cmd",
    "creator_kit.cli.subs_cmd",
    "creator_kit.cli.faces_cmd",
    "creator_kit.cli.templates_cmd",
    "creator_kit.cli.batch_cmd",
    "creator_kit.cli.gui_cmd",
    "creator_kit.cli.cache_cmd",
)


class _Command(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[Any]) -> None: ...


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``error:`` line and exit code 2."""

    # mypy: argparse declares error() as NoReturn; this one raises SystemExit too, as it must.
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _command_name(module: str) -> str:
    return module.rsplit(".", 1)[1].removesuffix("_cmd")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``creator-kit`` parser.

    Only the module of the command named in ``argv`` is imported (a render should not pay
    for OpenCV, Qt and the face model at start-up). Without a known command every module is
    imported only when help is asked for, so the help lists each command with its summary;
    ``--version``, a missing or an unknown command need only the names (the usage line and
    argparse's choices), which matters in the app bundle, where each import costs more.
    """
    parser = _Parser(
        prog="creator-kit", description="Vertical awareness-challenge videos, offline."
    )
    parser.add_argument("--version", action="version", version=f"creator-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    names = {_command_name(m): m for m in COMMAND_MODULES}
    words = [a for a in (argv or ()) if not a.startswith("-")]
    wanted = words[0] if words and words[0] in names else None
    help_asked = wanted is None and any(a in ("-h", "--help") for a in (argv or ()))
    for name, module_name in names.items():
        if help_asked or name == wanted:
            module: _Command = importlib.import_module(module_name)
            module.register(sub)
        else:
            sub.add_parser(name)  # listed in the usage line; not parsed in this run
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``creator-kit``; returns the process exit code."""
    # In a frozen app a batch worker is this same executable started by multiprocessing's
    # spawn; freeze_support() runs the worker and exits there (a no-op when not frozen, so
    # multiprocessing is not even imported then: a command's start is not paid for it).
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except Cancelled:
        sys.stderr.write("cancelled\n")
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        sys.stderr.write("cancelled\n")
        return EXIT_CANCELLED
    except CreatorKitError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        # An OS refusal no library layer turned into a message (a name too long for the file
        # system, a read-only folder...): still one line naming the file, never a traceback.
        error = OutputError(os_problem(exc), exc.filename, key=os_key(exc))
        sys.stderr.write(f"error: {error.message}\n")
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
