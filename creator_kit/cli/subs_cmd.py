"""``creator-kit subs``: convert and check subtitle files.

``subs convert IN OUT`` reads SRT/VTT/ASS (any supported encoding), repairs the timing by the
documented rule (sorted, clamped, overlaps trimmed; each change printed on stderr) and writes
UTF-8 SRT/VTT/ASS chosen by OUT's extension, with right-to-left marks for Arabic lines.

``subs check FILE`` lists overlapping, negative, inverted, zero-length and absurd times, empty
cues and a legacy or broken encoding. Exit 0 when clean, 1 when problems were found, 2 when the
file cannot be read (then ``error:`` names it and asks for ``--encoding`` if that is the cause).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from creator_kit.core.captions import get_style
from creator_kit.core.errors import InputError
from creator_kit.text.subs import (
    Problem,
    ValidationReport,
    fix_with_notes,
    load_subs,
    save_subs,
    validate,
)

EXIT_OK = 0
EXIT_PROBLEMS = 1

# Encodings a phone or a modern player reads without being told; others are reported.
_PORTABLE_ENCODINGS = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``subs convert`` and ``subs check`` to the ``creator-kit`` parser."""
    subs = subparsers.add_parser("subs", help="convert and check subtitle files (SRT, VTT, ASS)")
    actions = subs.add_subparsers(dest="subs_command", metavar="ACTION")
    actions.required = True

    convert = actions.add_parser("convert", help="convert between SRT, VTT and ASS (fixing times)")
    convert.add_argument("input", type=Path, help="subtitle file to read")
    convert.add_argument("output", type=Path, help="file to write; .srt, .vtt or .ass")
    convert.add_argument("--encoding", help="text encoding of the input (e.g. cp1256, utf-16)")
    convert.add_argument(
        "--style",
        default="bold-box",
        help="caption style for ASS output (clean, bold-box, outline, karaoke)",
    )
    convert.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    convert.set_defaults(func=_convert)

    check = actions.add_parser("check", help="list timing and encoding problems")
    check.add_argument("file", type=Path, help="subtitle file to check")
    check.add_argument("--encoding", help="text encoding of the file (e.g. cp1256, utf-16)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=_check)


def _convert(args: argparse.Namespace) -> int:
    try:
        style = get_style(args.style)
    except KeyError as exc:
        raise InputError(str(exc.args[0])) from None
    subs = load_subs(args.input, args.encoding)
    fixed, notes = fix_with_notes(subs.cues)
    for note in (*subs.notes, *notes):
        sys.stderr.write(f"note: {note}\n")
    out = save_subs(fixed, args.output, style=style, overwrite=args.overwrite)
    sys.stdout.write(
        f"wrote {out} ({len(fixed)} cues, from {subs.format.upper()} in {subs.encoding})\n"
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    subs = load_subs(args.file, args.encoding)
    report = validate(subs.cues)
    extra: list[Problem] = []
    if subs.encoding not in _PORTABLE_ENCODINGS:
        extra.append(
            Problem(
                0,
                "encoding",
                f"encoded as {subs.encoding}, not UTF-8: many players "
                "show it as garbage; 'subs convert' writes UTF-8",
            )
        )
    if any("replacement characters" in n for n in subs.notes):
        extra.append(
            Problem(
                0,
                "encoding",
                "contains replacement characters (\ufffd): the text "
                "was damaged by a wrong encoding before",
            )
        )
    report = ValidationReport(report.cue_count, (*extra, *report.problems))
    if args.json:
        data = {
            "file": str(args.file),
            "format": subs.format,
            "encoding": subs.encoding,
            **report.to_data(),
            "notes": list(subs.notes),
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"{args.file}: {subs.format.upper()}, {subs.encoding}, {report.cue_count} cues\n"
        )
        for note in subs.notes:
            sys.stdout.write(f"  note: {note}\n")
        for line in report.lines():
            sys.stdout.write(f"  {line}\n")
        sys.stdout.write(
            "  no problems found\n"
            if report.ok
            else f"  {len(report.problems)} problem(s); 'creator-kit subs convert' fixes "
            "the timing ones\n"
        )
    return EXIT_OK if report.ok else EXIT_PROBLEMS
