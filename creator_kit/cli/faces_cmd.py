"""``creator-kit faces FILE [--json] [--rate R]``: list the face tracks found in a clip."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from creator_kit.core.files import check_file
from creator_kit.vision.analysis import LANDMARK_NAMES, FaceAnalysis, analyse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``faces`` subcommand."""
    p = subparsers.add_parser(
        "faces",
        help="find and track the faces in a clip",
        description="Detect and track faces (cached per file); print the tracks.",
    )
    p.add_argument("file", metavar="FILE", help="video file to analyse")
    p.add_argument("--json", action="store_true", help="print every track as JSON")
    p.add_argument(
        "--rate", type=float, default=10.0, metavar="R",
        help="frames analysed per second (0.5-60, default 10)",
    )
    p.add_argument("--no-cache", action="store_true", help="analyse again even if cached")
    p.add_argument(
        "--progress", choices=["bar", "json", "none"], default=None,
        help="progress display (default: bar on a terminal, else none); json speaks the "
        "render job protocol (docs/render-protocol.md): progress events, then a result "
        "event carrying the whole analysis",
    )
    p.add_argument(
        "--control", choices=["stdin"],
        help="stdin: read commands from standard input ('cancel'; end of input also cancels)",
    )
    p.add_argument("--cancel-file", metavar="PATH", help="cancel when this file appears")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Analyse ``args.file`` and print the tracks (text or JSON); returns the exit code."""
    from creator_kit.cli.progress import run_with_error_events

    return run_with_error_events(_run, args, what="faces")


def _run(args: argparse.Namespace) -> int:
    from creator_kit.cli.progress import make_reporter
    from creator_kit.core.cancel import CancelToken
    from creator_kit.render.job import watch_for_cancel, write_event

    path = Path(args.file)
    check_file(args.file, "file")
    token = CancelToken()
    watch_for_cancel(token.cancel, stdin=sys.stdin if args.control == "stdin" else None,
                     cancel_file=args.cancel_file)
    reporter = make_reporter(args.progress)
    try:
        analysis = analyse(path, rate=args.rate, use_cache=not args.no_cache, cancel=token,
                           on_progress=reporter)
    finally:
        reporter.close()
    if args.progress == "json":
        # The whole analysis (the face cache's own format): the editor installs it as is.
        write_event(sys.stdout, "result", path=str(path.absolute()), notice=analysis.notice,
                    analysis=analysis.to_data())
        return 0
    if args.json:
        json.dump(_json(analysis), sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_text(analysis))
    if analysis.notice:
        sys.stderr.write(f"note: {analysis.notice}\n")
    return 0


def _json(a: FaceAnalysis) -> dict[str, Any]:
    """The JSON document: source facts, then one object per track with per-frame samples."""
    data = a.to_data()
    return {
        "file": data["source"],
        "width": data["width"],
        "height": data["height"],
        "duration": data["duration"],
        "rate": data["rate"],
        "frames_analysed": len(data["sample_times"]),
        "coverage": round(a.coverage(), 4),
        "landmark_names": list(LANDMARK_NAMES),
        "tracks": [
            {
                "id": t["id"],
                "first": t["start"],
                "last": t["end"],
                "frames": t["frames"],
                "score": t["score"],
                "samples": [
                    {
                        "t": time,
                        "box": box,
                        "landmarks": lms,
                        "score": score,
                        "detected": det,
                    }
                    for time, box, lms, score, det in zip(
                        t["times"], t["boxes"], t["landmarks"], t["scores"], t["detected"],
                        strict=True,
                    )
                ],
            }
            for t in data["tracks"]
        ],
    }


def _text(a: FaceAnalysis) -> str:
    lines = [
        f"{a.source}: {a.width}x{a.height}, {a.duration:.2f} s, "
        f"{len(a.sample_times)} frames analysed at {a.rate:g}/s, "
        f"{len(a.tracks)} face track(s), faces in {a.coverage():.0%} of frames"
    ]
    for tr in a.tracks:
        mid = tr.at((tr.start + tr.end) / 2)
        box = "" if mid is None else " box@mid=" + ",".join(f"{v:.0f}" for v in mid.box)
        lines.append(
            f"  track {tr.id}: {tr.start:.2f}-{tr.end:.2f} s, {tr.frame_count} frames, "
            f"score {tr.mean_score:.2f}, width {tr.mean_width:.0f} px{box}"
        )
    return "\n".join(lines) + "\n"
