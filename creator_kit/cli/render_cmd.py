"""``creator-kit render``: build a Project from flags (or load a .ckproj) and export it."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from creator_kit.builder import ProjectOptions, build_project, check_options
from creator_kit.cli.progress import make_reporter, run_with_error_events
from creator_kit.cli.templates_cmd import parse_vars
from creator_kit.core.cancel import CancelToken
from creator_kit.core.captions import STYLES
from creator_kit.core.errors import InputError
from creator_kit.core.presets import PROFILES, get_profile
from creator_kit.core.project_io import load_project, save_project
from creator_kit.render.export import check_target, export
from creator_kit.render.job import watch_for_cancel, write_event


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``render`` subcommand."""
    p = sub.add_parser(
        "render",
        help="render clips or a .ckproj project to a vertical MP4",
        description="Render clips (-i) or a saved project to an upload-ready MP4.",
    )
    p.add_argument("project", nargs="?", help="a saved .ckproj project (instead of -i)")
    p.add_argument(
        "-i",
        "--input",
        action="append",
        default=[],
        metavar="CLIP",
        help="a source clip; repeat for several clips, played in order",
    )
    p.add_argument("-o", "--output", help="the MP4 to write")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output (and the --save-project file) if it exists",
    )
    p.add_argument(
        "--trim",
        action="append",
        default=[],
        metavar="[N:]START:END",
        help="use START..END seconds of clip N (default 0); END may be empty",
    )
    p.add_argument(
        "--reframe",
        choices=["fill", "fit", "fit-blur", "face"],
        default=None,
        help="how a landscape clip fills the vertical canvas (default fit-blur)",
    )
    p.add_argument(
        "--offset",
        type=float,
        default=None,
        metavar="X",
        help="with fill: move the crop window, -1 (left) .. 1 (right); default 0",
    )
    p.add_argument(
        "--bar-colour", default=None, metavar="#RRGGBB", help="with fit: the bar colour (black)"
    )
    p.add_argument(
        "--sticker",
        action="append",
        default=[],
        metavar="PNG[@x=,y=,w=,from=,to=,anim=,anchor=,opacity=]",
        help="overlay an image; options place and time it (fractions of the canvas)",
    )
    p.add_argument(
        "--template",
        metavar="NAME",
        help="a campaign template: a name (see 'templates list'), a folder or a .ckpack",
    )
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template variable, e.g. --var creator=@salma (repeatable)",
    )
    p.add_argument(
        "--language",
        choices=["ar", "en"],
        help="the template's language (default: its first; Arabic for the built-in ones)",
    )
    p.add_argument(
        "--face-mask",
        choices=["surgical", "cloth", "n95"],
        help="draw a mask that follows every face (or --face-tracks)",
    )
    p.add_argument(
        "--face-tracks",
        metavar="IDS",
        help="with --face-mask: only these face track ids, e.g. 1,3 (see 'creator-kit faces')",
    )
    p.add_argument(
        "--caption",
        metavar="TEXT",
        help="a caption shown over the clips (Arabic, English or mixed; hashtags welcome)",
    )
    p.add_argument("--captions", metavar="SUBS", help="timed captions from an SRT, VTT or ASS file")
    p.add_argument(
        "--caption-style",
        choices=sorted(STYLES),
        default=None,
        help="caption look (default bold-box, or the template's)",
    )
    p.add_argument(
        "--highlight",
        choices=["none", "words"],
        default=None,
        help="words: light up each word as it is spoken (times from ASS \\k tags, "
        "else spread over the cue)",
    )
    p.add_argument(
        "--encoding",
        metavar="ENC",
        help="text encoding of the subtitle file when it cannot be detected (e.g. cp1256)",
    )
    p.add_argument("--music", metavar="AUDIO", help="a music bed mixed under the clips' sound")
    p.add_argument(
        "--music-volume", type=float, default=None, metavar="GAIN",
        help="music level, 0-4 (default 0.35)",
    )
    p.add_argument("--no-source-audio", action="store_true", help="drop the clips' own sound")
    p.add_argument(
        "--no-normalise",
        action="store_true",
        help="skip loudness normalisation (default: -14 LUFS)",
    )
    p.add_argument(
        "--loudness", type=float, default=None, metavar="LUFS",
        help="target loudness, -36 to -6 (default -14)",
    )
    p.add_argument(
        "--audio-tail",
        choices=["cut", "freeze"],
        default=None,
        help="when a clip's audio outlasts its picture: cut the audio (default) or "
        "hold the last frame",
    )
    p.add_argument(
        "--card", type=float, metavar="SECONDS", help="append a closing card of this length"
    )
    p.add_argument(
        "--card-background",
        default=None,
        metavar="SPEC",
        help="'#rrggbb', 'gradient:#top:#bottom', 'last-frame' or an image path",
    )
    p.add_argument(
        "--card-logo",
        action="append",
        default=[],
        metavar="PNG",
        help="a logo on the closing card (repeatable)",
    )
    p.add_argument(
        "--preset", choices=sorted(PROFILES), default=None, help="target platform (default tiktok)"
    )
    p.add_argument("--fps", type=float, help="output frame rate (default: the preset's, 30)")
    p.add_argument("--crf", type=int, help="x264 quality (lower is better; default 20)")
    p.add_argument(
        "--x264-preset",
        choices=["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"],
    )
    p.add_argument(
        "--progress",
        choices=["bar", "json", "none"],
        default=None,
        help="progress display (default: bar on a terminal, else none)",
    )
    p.add_argument(
        "--control",
        choices=["stdin"],
        help="stdin: read commands from standard input ('cancel'; end of input also cancels), "
        "for programs that run renders (see docs/render-protocol.md)",
    )
    p.add_argument(
        "--cancel-file", metavar="PATH", help="cancel the render when this file appears"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="run the pre-flight check on the finished file (exit 1 when it breaks a rule)",
    )
    p.add_argument(
        "--save-project",
        metavar="CKPROJ",
        help="save the project built from the flags (without -o: save only, do not render)",
    )
    p.set_defaults(func=run)


def project_options(args: argparse.Namespace) -> ProjectOptions:
    """The :class:`ProjectOptions` the command line asks for (``None``: flag not given)."""
    return ProjectOptions(
        clips=tuple(args.input),
        trims=tuple(args.trim),
        reframe=args.reframe,
        offset=args.offset,
        bar_colour=args.bar_colour,
        stickers=tuple(args.sticker),
        template=args.template,
        variables=parse_vars(args.var),
        language=args.language,
        face_mask=args.face_mask,
        face_tracks=args.face_tracks,
        caption=args.caption,
        captions=args.captions,
        caption_style=args.caption_style,
        highlight=args.highlight,
        encoding=args.encoding,
        music=args.music,
        music_volume=args.music_volume,
        source_audio=False if args.no_source_audio else None,
        normalise=False if args.no_normalise else None,
        loudness=args.loudness,
        audio_tail=args.audio_tail,
        card=args.card,
        card_background=args.card_background,
        card_logos=tuple(args.card_logo),
        preset=args.preset,
        fps=args.fps,
        crf=args.crf,
        x264_preset=args.x264_preset,
    )


@contextmanager
def cancel_on_signals(token: CancelToken) -> Iterator[None]:
    """SIGINT/SIGTERM set ``token`` instead of raising, so export can clean up and exit 130."""

    def handler(_sig: int, _frame: FrameType | None) -> None:
        token.cancel()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def run(args: argparse.Namespace) -> int:
    """Run ``creator-kit render``."""
    return run_with_error_events(_run, args)


def _run(args: argparse.Namespace) -> int:
    if args.output is None and args.save_project is None:
        raise InputError("give -o (the MP4 to write) or --save-project (or both)")
    json_mode = args.progress == "json"
    seen: set[str] = set()

    def warn(message: str) -> None:
        # Each warning once, however many times the drawing code meets its cause.
        if message not in seen:
            seen.add(message)
            sys.stderr.write(f"warning: {message}\n")
            if json_mode:
                write_event(sys.stdout, "warning", message=message)

    options = project_options(args)
    base = None
    if args.project:
        if args.input:
            raise InputError("give either a project file or -i clips, not both")
        check_options(options)  # a bad flag is named before the project file is read
        base = load_project(args.project)
    project = build_project(options, base=base, on_warning=warn)
    if args.output is not None:
        check_target(Path(args.output).absolute(), args.overwrite)
    if args.save_project:
        save_project(project, args.save_project, overwrite=args.overwrite)
        if args.output is None:
            sys.stderr.write(f"wrote {Path(args.save_project).absolute()}\n")
            return 0
    reporter = make_reporter(args.progress)
    token = CancelToken()
    watch_for_cancel(
        token.cancel,
        stdin=sys.stdin if args.control == "stdin" else None,
        cancel_file=args.cancel_file,
    )
    try:
        with cancel_on_signals(token):
            result = export(
                project,
                args.output,
                overwrite=args.overwrite,
                on_progress=reporter,
                on_warning=warn,
                cancel=token,
            )
    finally:
        reporter.close()
    code = 0
    check: dict[str, object] | None = None
    if args.check:
        from creator_kit.cli.check_cmd import format_report
        from creator_kit.media.preflight import check_file

        report = check_file(result.path, get_profile(project.output.preset))
        check = {**report.to_dict(), "lines": format_report(report)}
        code = 0 if report.ok else 1
        if not json_mode:
            sys.stderr.write("".join(f"{line}\n" for line in format_report(report)))
    if json_mode:
        write_event(
            sys.stdout, "result", path=str(result.path), frames=result.frames,
            duration=round(result.duration, 3), warnings=list(result.warnings), check=check,
        )
    else:
        sys.stderr.write(f"wrote {result.path} ({result.duration:.1f} s, {result.frames} frames)\n")
    return code
