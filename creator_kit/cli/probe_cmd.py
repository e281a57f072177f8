"""``creator-kit probe FILE [--json] [--fps N]``: what a source holds and what ingest will do."""

from __future__ import annotations

import argparse
import json
import sys

from creator_kit.core.errors import InputError
from creator_kit.core.presets import PROFILES
from creator_kit.core.rates import fps_label
from creator_kit.media.ingest import describe, output_size
from creator_kit.media.probe import MediaInfo, probe


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``probe`` subcommand."""
    parser = subparsers.add_parser(
        "probe",
        help="show a source file's streams and how it will be normalised",
        description="Show a source file's streams, rotation, frame rate and colour, and the "
        "steps ingest will apply (rotate, constant frame rate, tone-map, even size).",
    )
    parser.add_argument("file", help="the video file to inspect")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--fps",
        type=float,
        default=PROFILES["tiktok"].fps,
        help="project frame rate the ingest plan is for (default: %(default)g)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Probe ``args.file`` and print the result; bad input raises ``InputError`` (exit 2)."""
    fps: float = args.fps
    if not 1.0 <= fps <= 240.0:
        # Reported like any other bad input: one line, exit code 2.
        raise InputError(f"--fps {fps:g} is outside 1-240")
    info = probe(args.file)
    plan = describe(info, fps)
    if args.json:
        doc = info.to_dict()
        doc["ingest"] = plan
        doc["ingest_size"] = list(output_size(info))
        doc["ingest_fps"] = fps
        # ASCII escapes keep the document valid on any console encoding.
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write(summary(info, plan, fps))
    return 0


def _seconds(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.2f} s"


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    value = n / 1000
    for unit in ("KB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def summary(info: MediaInfo, plan: list[str], fps: float) -> str:
    """The readable (non-JSON) report: a few aligned lines per stream, then the ingest plan."""
    lines = [
        f"file:      {info.path}",
        f"container: {info.format}, {_size(info.size_bytes)}, {_seconds(info.duration)}",
    ]
    v = info.video
    if v is not None:
        shown = f"{v.coded_width}x{v.coded_height}"
        if v.rotation:
            shown += f", shown {v.display_width}x{v.display_height} (rotated {v.rotation}°)"
        rate = f"{v.fps:.3f}".rstrip("0").rstrip(".") + " fps"
        if v.variable_frame_rate:
            rate += f" variable (avg {v.avg_fps or 0:.1f})"
        tags = (v.color_primaries, v.color_transfer, v.color_matrix, v.color_range)
        colour = "/".join(x or "?" for x in tags) if any(tags) else "colour untagged"
        dyn = f"HDR {v.hdr.upper()}" if v.hdr else "SDR"
        profile = f" ({v.profile})" if v.profile else ""
        lines.append(f"video:     {v.codec}{profile} {shown}, {rate}, "
                     f"{v.pix_fmt} {v.bit_depth}-bit, {colour}, {dyn}, {_seconds(v.duration)}"
                     + (f", {v.frame_count} frames" if v.frame_count else ""))
        if v.sample_aspect_ratio[0] != v.sample_aspect_ratio[1]:
            lines.append(f"           sample aspect ratio {v.sample_aspect_ratio[0]}:"
                         f"{v.sample_aspect_ratio[1]}")
    a = info.audio
    if a is None:
        lines.append("audio:     none")
    else:
        profile = f" ({a.profile})" if a.profile else ""
        lines.append(f"audio:     {a.codec}{profile} {a.sample_rate} Hz, {a.channels} channel"
                     f"{'s' if a.channels != 1 else ''}, {_seconds(a.duration)}")
    lines += [f"warning:   {w}" for w in info.warnings]
    lines.append(f"ingest at {fps_label(fps)} fps:")
    lines += [f"  - {step}" for step in plan]
    return "\n".join(lines) + "\n"
