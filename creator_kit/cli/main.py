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
from typing import Protocol

from creator_kit import __version__
from creator_kit.core.errors import Cancelled, CreatorKitError

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
)


class _Command(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``error:`` line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    """The full ``creator-kit`` parser with every subcommand registered."""
    parser = _Parser(prog="creator-kit", description="Vertical awareness-challenge videos, offline.")
    parser.add_argument("--version", action="version", version=f"creator-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        module: _Command = importlib.import_module(name)  # type: ignore[assignment]
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``creator-kit``; returns the process exit code."""
    parser = build_parser()
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


if __name__ == "__main__":
    raise SystemExit(main())
