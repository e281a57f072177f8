"""``creator-kit render``: build a Project from flags (or load a .ckproj) and export it."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from creator_kit.cli.progress import make_reporter
from creator_kit.core.cancel import CancelToken
from creator_kit.core.captions import STYLES
from creator_kit.core.errors import Cancelled, CreatorKitError, InputError, OutputError
from creator_kit.core.faces import FaceMaskSettings
from creator_kit.core.model import (
    Animation,
    AudioSettings,
    Background,
    CaptionLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
)
from creator_kit.core.presets import PROFILES, get_profile
from creator_kit.core.project_io import load_project, save_project
from creator_kit.render.export import export
from creator_kit.render.job import watch_for_cancel, write_event

_STICKER_KEYS = {"x", "y", "w", "from", "to", "anim", "anchor", "opacity"}


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
    p.add_argument("-o", "--output", required=True, help="the MP4 to write")
    p.add_argument("--overwrite", action="store_true", help="replace the output if it exists")
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
        default=0.0,
        metavar="X",
        help="with fill: move the crop window, -1 (left) .. 1 (right)",
    )
    p.add_argument("--bar-colour", default="#000000", help="with fit: the bar colour")
    p.add_argument(
        "--sticker",
        action="append",
        default=[],
        metavar="PNG[@x=,y=,w=,from=,to=,anim=]",
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
        default="bold-box",
        help="caption look (default bold-box)",
    )
    p.add_argument(
        "--highlight",
        choices=["none", "words"],
        default="none",
        help="words: light up each word as it is spoken (times from ASS \\k tags, "
        "else spread over the cue)",
    )
    p.add_argument(
        "--encoding",
        metavar="ENC",
        help="text encoding of the subtitle file when it cannot be detected (e.g. cp1256)",
    )
    p.add_argument("--music", metavar="AUDIO", help="a music bed mixed under the clips' sound")
    p.add_argument("--music-volume", type=float, default=0.35, metavar="GAIN")
    p.add_argument("--no-source-audio", action="store_true", help="drop the clips' own sound")
    p.add_argument(
        "--no-normalise",
        action="store_true",
        help="skip loudness normalisation (default: -14 LUFS)",
    )
    p.add_argument("--loudness", type=float, default=-14.0, metavar="LUFS")
    p.add_argument(
        "--audio-tail",
        choices=["cut", "freeze"],
        default="cut",
        help="when a clip's audio outlasts its picture: cut the audio (default) or "
        "hold the last frame",
    )
    p.add_argument(
        "--card", type=float, metavar="SECONDS", help="append a closing card of this length"
    )
    p.add_argument(
        "--card-background",
        default="#0b3d91",
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
        "--save-project", metavar="CKPROJ", help="also save the project built from flags"
    )
    p.set_defaults(func=run)


def _parse_trims(specs: list[str], n: int) -> dict[int, tuple[float, float | None]]:
    out: dict[int, tuple[float, float | None]] = {}
    for spec in specs:
        parts = spec.split(":")
        try:
            if len(parts) == 3:
                idx, start, end = int(parts[0]), float(parts[1] or 0), parts[2]
            elif len(parts) == 2:
                idx, start, end = 0, float(parts[0] or 0), parts[1]
            else:
                raise ValueError
            end_v = float(end) if end else None
        except ValueError:
            raise InputError(f"--trim {spec!r} is not [N:]START:END") from None
        if not 0 <= idx < n:
            raise InputError(f"--trim {spec!r}: there is no clip {idx} (clips are numbered from 0)")
        if start < 0 or (end_v is not None and end_v <= start):
            raise InputError(f"--trim {spec!r}: END must be after START and START at least 0")
        out[idx] = (start, end_v)
    return out


def parse_sticker(spec: str) -> ImageLayer:
    """``badge.png@x=0.8,y=0.1,w=0.3,from=1,to=4,anim=pop`` to an ImageLayer."""
    path, opts = spec, ""
    if "@" in spec and not Path(spec).exists():
        path, opts = spec.rsplit("@", 1)
    values: dict[str, str] = {}
    for item in filter(None, opts.split(",")):
        key, _, val = item.partition("=")
        if key not in _STICKER_KEYS or not val:
            raise InputError(
                f"--sticker option {item!r} not understood "
                f"(use {', '.join(sorted(_STICKER_KEYS))})",
                path,
            )
        values[key] = val
    try:
        x = float(values.get("x", 0.82))
        y = float(values.get("y", 0.14))
        w = float(values.get("w", 0.26))
        start = float(values.get("from", 0))
        end = float(values["to"]) if "to" in values else None
        opacity = float(values.get("opacity", 1))
    except ValueError:
        raise InputError(f"--sticker options {opts!r} need numbers", path) from None
    anim = values.get("anim", "pop")
    if anim not in ("none", "fade", "slide", "pop"):
        raise InputError(f"--sticker anim={anim!r}: use none, fade, slide or pop", path)
    anchor = values.get("anchor", "center")
    try:
        return ImageLayer(
            path=path,
            start=start,
            end=end,
            opacity=opacity,
            placement=Placement(x=x, y=y, anchor=anchor, width=w),  # type: ignore[arg-type]
            enter=Animation(kind=anim),  # type: ignore[arg-type]
            exit=Animation(kind="fade" if anim != "none" else "none"),
        )
    except ValueError as exc:
        raise InputError(f"--sticker: {exc}", path) from None


def _card(args: argparse.Namespace) -> ClosingCard | None:
    if args.card is None:
        return None
    spec: str = args.card_background
    if spec == "last-frame":
        bg = Background(kind="last-frame")
    elif spec.startswith("gradient:"):
        _, top, bottom = (spec.split(":") + ["", ""])[:3]
        bg = Background(kind="gradient", colour=top or "#0b3d91", colour2=bottom or "#1fa2a6")
    elif spec.startswith("#"):
        bg = Background(kind="colour", colour=spec)
    else:
        bg = Background(kind="image", image=spec)
    logos = args.card_logo
    n = len(logos)
    layers = tuple(
        ImageLayer(
            path=logo,
            placement=Placement(x=(i + 1) / (n + 1), y=0.5, width=min(0.4, 0.8 / n)),
            enter=Animation(kind="pop"),
        )
        for i, logo in enumerate(logos)
    )
    if not 0.5 <= args.card <= 30:
        raise InputError("--card must be between 0.5 and 30 seconds")
    return ClosingCard(duration=args.card, background=bg, layers=layers)


def face_layers(args: argparse.Namespace) -> tuple[FaceMaskLayer, ...]:
    """The face-mask layer for ``--face-mask`` (and ``--face-tracks``)."""
    if args.face_mask is None:
        if args.face_tracks:
            raise InputError("--face-tracks needs --face-mask")
        return ()
    tracks = None
    if args.face_tracks:
        try:
            tracks = tuple(int(v) for v in args.face_tracks.split(",") if v.strip())
        except ValueError:
            raise InputError(f"--face-tracks {args.face_tracks!r}: use ids like 1,3") from None
    return (FaceMaskLayer(settings=FaceMaskSettings(style=args.face_mask, tracks=tracks)),)


def caption_layers(args: argparse.Namespace) -> tuple[CaptionLayer, ...]:
    """Caption layers for ``--caption`` and ``--captions``."""
    style = STYLES[args.caption_style]
    layers: list[CaptionLayer] = []
    if args.captions:
        from creator_kit.text.subs import fix_with_notes, load_subs

        subs = load_subs(args.captions, args.encoding)
        cues, notes = fix_with_notes(subs.cues)
        for note in (*subs.notes, *notes):
            sys.stderr.write(f"warning: {args.captions}: {note}\n")
        layers.append(CaptionLayer(cues=cues, style=style, highlight=args.highlight))
    if args.caption is not None:
        layers.append(CaptionLayer(text=args.caption, style=style, highlight=args.highlight))
    return tuple(layers)


def build_project(args: argparse.Namespace) -> Project:
    """The Project described by the command-line flags."""
    if not args.input:
        raise InputError("nothing to render: give clips with -i or a .ckproj project")
    trims = _parse_trims(args.trim, len(args.input))
    clips = tuple(
        ClipRef(
            source=src,
            start=trims.get(i, (0.0, None))[0],
            end=trims.get(i, (0.0, None))[1],
            tail=args.audio_tail,
        )
        for i, src in enumerate(args.input)
    )
    return Project(
        clips=clips,
        output=OutputSettings(
            preset=args.preset or "tiktok", fps=args.fps, crf=args.crf, x264_preset=args.x264_preset
        ),
        reframe=Reframe(
            mode=args.reframe or "fit-blur",
            offset_x=max(-1, min(1, args.offset)),
            bar_colour=args.bar_colour,
        ),
        layers=(
            *face_layers(args),
            *caption_layers(args),
            *(parse_sticker(s) for s in args.sticker),
        ),
        card=_card(args),
        audio=AudioSettings(
            keep_source=not args.no_source_audio,
            music=args.music,
            music_volume=args.music_volume,
            normalise=not args.no_normalise,
            loudness_lufs=args.loudness,
        ),
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


def template_build(args: argparse.Namespace) -> Project:
    """The Project a ``--template`` describes, with the other flags layered on top."""
    from creator_kit.cli.templates_cmd import template_project

    if not args.input:
        raise InputError("nothing to render: give clips with -i")
    project = template_project(args, args.input)
    assert project is not None
    trims = _parse_trims(args.trim, len(args.input))
    clips = tuple(
        dataclasses.replace(
            clip, start=trims.get(i, (clip.start, clip.end))[0],
            end=trims.get(i, (clip.start, clip.end))[1], tail=args.audio_tail,
        )
        for i, clip in enumerate(project.clips)
    )
    out = project.output
    audio = project.audio
    return project.replace(
        clips=clips,
        layers=(*project.layers, *(parse_sticker(s) for s in args.sticker)),
        output=dataclasses.replace(
            out,
            fps=args.fps if args.fps is not None else out.fps,
            crf=args.crf if args.crf is not None else out.crf,
            x264_preset=args.x264_preset or out.x264_preset,
        ),
        audio=dataclasses.replace(
            audio,
            keep_source=audio.keep_source and not args.no_source_audio,
            normalise=audio.normalise and not args.no_normalise,
            loudness_lufs=args.loudness if args.loudness != -14.0 else audio.loudness_lufs,
        ),
        card=_card(args) if args.card is not None else project.card,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``creator-kit render``."""
    if args.progress != "json":
        return _run(args)
    # Programs reading the JSON protocol get every outcome as an event, not only as stderr.
    try:
        return _run(args)
    except Cancelled:
        write_event(sys.stdout, "error", code="cancelled", message="cancelled")
        raise
    except CreatorKitError as exc:
        code = {InputError: "input", OutputError: "output"}.get(type(exc), "render")
        write_event(sys.stdout, "error", code=code, message=exc.message)
        raise
    except Exception as exc:
        write_event(sys.stdout, "error", code="internal", message=f"{type(exc).__name__}: {exc}")
        raise


def _run(args: argparse.Namespace) -> int:
    if args.project:
        if args.input:
            raise InputError("give either a project file or -i clips, not both")
        project = load_project(args.project)
        if args.preset:
            project = project.replace(
                output=OutputSettings(
                    preset=args.preset,
                    fps=project.output.fps,
                    crf=project.output.crf,
                    x264_preset=project.output.x264_preset,
                )
            )
    elif args.template:
        project = template_build(args)
    else:
        if args.var or args.language:
            raise InputError("--var and --language need --template")
        project = build_project(args)
    if args.save_project:
        save_project(project, args.save_project)
    json_mode = args.progress == "json"
    reporter = make_reporter(args.progress)
    token = CancelToken()
    watch_for_cancel(
        token.cancel,
        stdin=sys.stdin if args.control == "stdin" else None,
        cancel_file=args.cancel_file,
    )

    def warn(message: str) -> None:
        sys.stderr.write(f"warning: {message}\n")
        if json_mode:
            write_event(sys.stdout, "warning", message=message)

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
