"""``creator-kit check FILE --preset NAME``: the pre-flight check of a finished file.

Prints one ``FAIL <rule>: <measured>, expected <expected>`` line per broken rule (or one
``OK:`` line), plus ``note:`` lines that do not affect the result. ``--json`` prints the whole
report instead. Exit code 0 when the file passes, 1 when it breaks a rule, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from creator_kit.core.presets import PROFILES, get_profile
from creator_kit.media.preflight import CheckReport, check_file

EXIT_OK = 0
EXIT_VIOLATIONS = 1


def format_report(report: CheckReport) -> list[str]:
    """The human-readable lines for ``report``: FAIL lines (or one OK line), then notes."""
    lines = [f"FAIL {v.rule}: {v.message}" for v in report.violations]
    if report.ok:
        lines.append(f"OK: {report.path} meets {report.platform} rules")
    lines += [f"note: {note}" for note in report.notes]
    return lines


def run(args: argparse.Namespace) -> int:
    """Check ``args.file`` against ``args.preset`` and print the result; returns the exit code."""
    report = check_file(args.file, get_profile(args.preset))
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in format_report(report)))
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` subcommand to the ``creator-kit`` parser."""
    parser = subparsers.add_parser(
        "check",
        help="check a finished video against a platform's upload rules",
        description="Read a finished video back and report every upload rule it breaks "
        "(exit 0: passes, 1: breaks a rule, 2: not a readable video).",
    )
    parser.add_argument("file", metavar="FILE", help="the video to check")
    parser.add_argument("--preset", choices=sorted(PROFILES), default="tiktok",
                        help="platform whose rules apply (default: tiktok)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.set_defaults(func=run)
