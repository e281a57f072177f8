"""One way from :class:`ProjectOptions` to a checked Project, whatever filled the options.

The order is the contract the README promises: the starting point is a loaded project, a
template applied to the clips, or creator_kit's defaults; then every option that was given
applies on top of it, the same way in all three cases. Every value is checked before any
file is read (the schema's ranges, one colour format, text encodings), and the finished
project is checked again with the project loader's own rules, so a project built here can
always be saved and opened again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creator_kit.builder.options import ProjectOptions
from creator_kit.core.cancel import WarningCallback
from creator_kit.core.captions import STYLES, CaptionStyle, Cue
from creator_kit.core.colour import parse_colour
from creator_kit.core.errors import InputError
from creator_kit.core.face_settings import FaceMaskSettings
from creator_kit.core.model import (
    Animation,
    AudioSettings,
    Background,
    CaptionLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    Layer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
    StickerLayer,
)
from creator_kit.core.paths import check_local_path
from creator_kit.core.project_io import validate_project
from creator_kit.core.schema import SchemaError, check_field
from creator_kit.templates.apply import apply_template
from creator_kit.templates.format import LoadedTemplate
from creator_kit.templates.store import find_template

DEFAULT_CAPTION_STYLE = "bold-box"
STICKER_KEYS = ("anchor", "anim", "from", "opacity", "to", "w", "x", "y")
# Each sticker option and the model field whose range it must respect.
_STICKER_FIELDS: dict[str, tuple[type, str]] = {
    "x": (Placement, "x"),
    "y": (Placement, "y"),
    "w": (Placement, "width"),
    "from": (ImageLayer, "start"),
    "to": (ImageLayer, "end"),
    "opacity": (ImageLayer, "opacity"),
    "anim": (Animation, "kind"),
    "anchor": (Placement, "anchor"),
}
_STICKER_DEFAULTS = {"x": 0.82, "y": 0.14, "w": 0.26, "from": 0.0, "opacity": 1.0}


@dataclass(frozen=True)
class _Checked:
    """The options after every value passed its check, parsed into model values."""

    trims: dict[int, tuple[float, float | None]]
    stickers: tuple[ImageLayer, ...]
    tracks: tuple[int, ...] | None
    style: CaptionStyle | None
    background: Background | None
    encoding: str | None


def build_project(
    options: ProjectOptions,
    *,
    base: Project | None = None,
    template: LoadedTemplate | None = None,
    on_warning: WarningCallback | None = None,
) -> Project:
    """The Project ``options`` describe, on top of ``base`` or a template or the defaults.

    ``base`` is a loaded project (its clips are used; ``options.clips`` must be empty);
    ``template`` is an already loaded template (else ``options.template`` is looked up).
    Notes about the input that do not stop the build (a subtitle file's repaired timings)
    go to ``on_warning``. Raises :class:`~creator_kit.builder.options.OptionError` naming
    the option for a value that cannot be used, and :class:`InputError` for a file or
    template that cannot be used, always before anything is rendered.
    """
    warn = on_warning or (lambda _m: None)
    checked = check_options(options, clip_count=None if base is None else len(base.clips))
    if base is not None and options.clips:
        raise InputError("give either a project file or clips, not both")
    if base is not None and (options.template or template is not None):
        raise options.error("template", "a loaded project cannot take a template; give the "
                            "clips instead of the project file")
    if base is None and not options.clips:
        raise options.error("clips", "nothing to render: give clips (or a project file)")
    if base is None and (options.template or template is not None) and \
            options.caption is not None and (options.captions or options.cues):
        raise options.error("captions", "with a template, give a caption text or a subtitle "
                            "file, not both")
    has_caption = options.caption is not None or options.captions or options.cues
    for option in ("caption_style", "highlight"):
        if getattr(options, option) is not None and not has_caption:
            raise options.error(option, f"needs a caption ({options.label('caption')} or "
                                f"{options.label('captions')})")
    cues = _cues(options, checked, warn)
    if template is None and options.template:
        template = find_template(options.template)
    if base is not None:
        project = base
    elif template is not None:
        project = _from_template(options, checked, template, cues)
    else:
        project = Project(clips=tuple(ClipRef(source=_absolute(c)) for c in options.clips))
    project = _apply(options, checked, project, cues, templated=base is None and
                     template is not None)
    return validate_project(project)


# ------------------------------------------------------------------------------ checking


def check_options(options: ProjectOptions, *, clip_count: int | None = None) -> _Checked:
    """Check every value of ``options`` against the model's ranges; OptionError on the first.

    Nothing is read from disk here except to tell a sticker path containing ``@`` from a
    path with options, so a bad value is reported at once. ``clip_count`` is how many clips
    trims may refer to (default: ``options.clips``; a loaded project's clips are checked
    when the options are applied to it).
    """
    o = options
    # Without clips yet (a project file not read), a trim's clip number is checked later.
    clips = (len(o.clips) or None) if clip_count is None else clip_count

    def field(option: str, cls: type, name: str, value: Any) -> Any:
        if value is None:
            return None
        try:
            return check_field(cls, name, value)
        except SchemaError as exc:
            raise o.error(option, exc.problem) from None

    field("reframe", Reframe, "mode", o.reframe)
    field("offset", Reframe, "offset_x", o.offset)
    if o.bar_colour is not None:
        _colour(o, "bar_colour", o.bar_colour)
    field("music_volume", AudioSettings, "music_volume", o.music_volume)
    field("loudness", AudioSettings, "loudness_lufs", o.loudness)
    field("audio_tail", ClipRef, "tail", o.audio_tail)
    field("card", ClosingCard, "duration", o.card)
    field("preset", OutputSettings, "preset", o.preset)
    field("fps", OutputSettings, "fps", o.fps)
    field("crf", OutputSettings, "crf", o.crf)
    field("x264_preset", OutputSettings, "x264_preset", o.x264_preset)
    field("highlight", CaptionLayer, "highlight", o.highlight)
    field("face_mask", FaceMaskSettings, "style", o.face_mask)
    field("language", StickerLayer, "language", o.language)
    field("caption", CaptionLayer, "text", o.caption)
    for option in ("source_audio", "normalise"):
        value = getattr(o, option)
        if value is not None and not isinstance(value, bool):
            raise o.error(option, "must be true or false")
    for option, paths in (("clips", o.clips), ("card_logos", o.card_logos)):
        for p in paths:
            _path(o, option, p)
    for option in ("music", "captions"):
        value = getattr(o, option)
        if value is not None:
            _path(o, option, value)
    style = None
    if o.caption_style is not None:
        if o.caption_style not in STYLES:
            raise o.error("caption_style", f"{o.caption_style[:40]!r} is not a caption style; "
                          f"choose one of {', '.join(sorted(STYLES))}")
        style = STYLES[o.caption_style]
    encoding = None
    if o.encoding is not None:
        from creator_kit.text.subs import text_encoding

        try:
            encoding = text_encoding(o.encoding)
        except InputError as exc:
            raise o.error("encoding", exc.problem) from None
    return _Checked(
        trims=parse_trims(o, clips) if o.trims else {},
        stickers=tuple(parse_sticker(spec, o) for spec in o.stickers),
        tracks=_tracks(o),
        style=style,
        background=None if o.card_background is None else parse_background(o.card_background,
                                                                           o),
        encoding=encoding,
    )


def _colour(o: ProjectOptions, option: str, value: str) -> str:
    try:
        parse_colour(value)
    except ValueError as exc:
        raise o.error(option, str(exc)) from None
    return value


def _path(o: ProjectOptions, option: str, value: str) -> str:
    if not isinstance(value, str):
        raise o.error(option, "must be a file path")
    try:
        check_local_path(value)
    except InputError as exc:
        raise o.error(option, exc.problem) from None
    return value


def _exists(path: str) -> bool:
    """Whether ``path`` exists; a name the OS refuses (too long, a NUL) does not."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def _absolute(path: str) -> str:
    """A user's path made absolute: a project keeps meaning the same files wherever it goes."""
    return str(Path(path).absolute())


def _number(o: ProjectOptions, option: str, text: str, what: str) -> float:
    try:
        return float(text)
    except (ValueError, OverflowError):
        raise o.error(option, f"{what} must be a number, not {text[:40]!r}") from None


def parse_trims(o: ProjectOptions, clips: int | None
                ) -> dict[int, tuple[float, float | None]]:
    """``[N:]START:END`` specs to {clip index: (start, end or None)}, each value checked.

    ``clips`` is the number of clips N may name (``None``: not known yet).
    """
    out: dict[int, tuple[float, float | None]] = {}
    for spec in o.trims:
        shown = repr(spec[:60])
        parts = spec.split(":")
        if len(parts) == 2:
            parts = ["0", *parts]
        if len(parts) != 3:
            raise o.error("trims", f"{shown} is not [N:]START:END")
        try:
            idx = int(parts[0])
        except ValueError:
            raise o.error("trims", f"{shown}: the clip number must be a whole number") from None
        start = _number(o, "trims", parts[1] or "0", f"{shown}: START")
        end = _number(o, "trims", parts[2], f"{shown}: END") if parts[2] else None
        for name, value in (("START", start), ("END", end)):
            if value is None:
                continue
            try:
                check_field(ClipRef, "start", value)
            except SchemaError as exc:
                raise o.error("trims", f"{shown}: {name} {exc.problem}") from None
        if idx < 0 or (clips is not None and idx >= clips):
            raise o.error("trims", f"{shown}: there is no clip {idx} (clips are numbered from 0)")
        if end is not None and end <= start:
            raise o.error("trims", f"{shown}: END must be after START")
        out[idx] = (start, end)
    return out


def parse_sticker(spec: str, options: ProjectOptions | None = None) -> ImageLayer:
    """``badge.png@x=0.8,y=0.1,w=0.3,from=1,to=4,anim=pop`` to an ImageLayer, every value checked.

    x and y place the sticker's ``anchor`` point and w is its width, all fractions of the
    canvas; from/to are seconds, opacity 0-1, anim one of none, fade, slide, pop.
    """
    o = options or ProjectOptions()
    path, opts = spec, ""
    if "@" in spec and not _exists(spec):
        path, opts = spec.rsplit("@", 1)
    _path(o, "stickers", path)
    values: dict[str, Any] = {}
    for item in filter(None, opts.split(",")):
        key, _, text = item.partition("=")
        if key not in _STICKER_FIELDS or not text:
            raise o.error("stickers", f"{path}: option {item[:40]!r} not understood "
                          f"(use {', '.join(STICKER_KEYS)})")
        cls, name = _STICKER_FIELDS[key]
        value: Any = text
        if key not in ("anim", "anchor"):
            value = _number(o, "stickers", text, f"{path}: {key}")
        try:
            values[key] = check_field(cls, name, value)
        except SchemaError as exc:
            raise o.error("stickers", f"{path}: {key}={text[:40]} {exc.problem}") from None
    merged = {**_STICKER_DEFAULTS, **values}
    anim = merged.get("anim", "pop")
    try:
        return ImageLayer(
            path=_absolute(path),
            start=merged["from"],
            end=merged.get("to"),
            opacity=merged["opacity"],
            placement=Placement(x=merged["x"], y=merged["y"],
                                anchor=merged.get("anchor", "center"), width=merged["w"]),
            enter=Animation(kind=anim),
            exit=Animation(kind="fade" if anim != "none" else "none"),
        )
    except ValueError as exc:  # from/to the wrong way round
        raise o.error("stickers", f"{path}: {exc}") from None


def parse_background(spec: str, options: ProjectOptions | None = None) -> Background:
    """``#rrggbb``, ``gradient:#top:#bottom``, ``last-frame`` or an image path: a Background."""
    o = options or ProjectOptions()
    if spec == "last-frame":
        return Background(kind="last-frame")
    if spec.startswith("gradient:"):
        _, top, bottom = ([*spec.split(":"), "", ""])[:3]
        if spec.count(":") > 2:
            raise o.error("card_background", f"{spec[:60]!r} is not gradient:#top:#bottom")
        return Background(kind="gradient",
                          colour=_colour(o, "card_background", top or "#0b3d91"),
                          colour2=_colour(o, "card_background", bottom or "#1fa2a6"))
    if spec.startswith("#"):
        return Background(kind="colour", colour=_colour(o, "card_background", spec))
    return Background(kind="image", image=_absolute(_path(o, "card_background", spec)))


def _tracks(o: ProjectOptions) -> tuple[int, ...] | None:
    if o.face_tracks is None:
        return None
    try:
        ids = tuple(int(v) for v in o.face_tracks.split(",") if v.strip())
    except ValueError:
        raise o.error("face_tracks", f"{o.face_tracks[:40]!r}: use ids like 1,3") from None
    if not ids or any(not 1 <= i <= 1_000_000 for i in ids):
        raise o.error("face_tracks", f"{o.face_tracks[:40]!r}: use ids like 1,3 (from 1)")
    return ids


# ----------------------------------------------------------------------------- building


def _cues(o: ProjectOptions, checked: _Checked, warn: Callable[[str], None]
          ) -> tuple[Cue, ...] | None:
    if o.cues is not None:
        return o.cues
    if o.captions is None:
        return None
    from creator_kit.text.subs import fix_with_notes, load_subs

    subs = load_subs(o.captions, checked.encoding)
    cues, notes = fix_with_notes(subs.cues)
    for note in (*subs.notes, *notes):
        warn(f"{o.captions}: {note}")
    return tuple(cues)


def _from_template(o: ProjectOptions, c: _Checked, loaded: LoadedTemplate,
                   cues: tuple[Cue, ...] | None) -> Project:
    language = o.language or loaded.template.languages[0]
    # mypy: the options hold plain strings already checked against the literals below
    # (language, preset, reframe mode, highlight) when they were read.
    return apply_template(
        loaded, [_absolute(c) for c in o.clips], dict(o.variables), language=language,  # type: ignore[arg-type]
        caption=o.caption, cues=cues, logos=list(o.card_logos),
        preset=o.preset,  # type: ignore[arg-type]
        reframe=o.reframe,  # type: ignore[arg-type]
        face_mask=True if o.face_mask else None, music=o.music,
        caption_style=c.style, highlight=o.highlight or "none",  # type: ignore[arg-type]
    )


def _apply(o: ProjectOptions, c: _Checked, project: Project, cues: tuple[Cue, ...] | None,
           *, templated: bool) -> Project:
    """Every given option on top of ``project`` (a template already took its own share)."""
    if o.language and not templated:
        raise o.error("language", "needs a template")
    if o.variables and not templated:
        raise o.error("variables", "needs a template")
    clips = list(project.clips)
    for i, (start, end) in c.trims.items():
        if i >= len(clips):
            raise o.error("trims", f"there is no clip {i} (clips are numbered from 0)")
        try:
            clips[i] = dataclasses.replace(clips[i], start=start, end=end)
        except ValueError as exc:
            raise o.error("trims", str(exc)) from None
    if o.audio_tail is not None:
        # mypy: audio_tail was checked against ClipRef.tail's literals when the options were read.
        clips = [dataclasses.replace(clip, tail=o.audio_tail) for clip in clips]  # type: ignore[arg-type]

    output = project.output
    out_changes = {k: getattr(o, k) for k in ("preset", "fps", "crf", "x264_preset")
                   if getattr(o, k) is not None}
    if out_changes:
        output = dataclasses.replace(output, **out_changes)

    frame = project.reframe
    frame_changes: dict[str, Any] = {}
    if o.reframe is not None:
        frame_changes["mode"] = o.reframe
    if o.offset is not None:
        frame_changes["offset_x"] = float(o.offset)
    if o.bar_colour is not None:
        frame_changes["bar_colour"] = o.bar_colour
    if frame_changes:
        frame = dataclasses.replace(frame, **frame_changes)

    layers: list[Layer] = list(project.layers)
    if o.face_mask is not None and not any(isinstance(x, FaceMaskLayer) for x in layers):
        layers.insert(0, FaceMaskLayer())
    if o.face_mask is not None or c.tracks is not None:
        if not any(isinstance(x, FaceMaskLayer) for x in layers):
            raise o.error("face_tracks", f"needs {o.label('face_mask')} (or a template with a "
                          "face mask)")
        changes: dict[str, Any] = {}
        if o.face_mask is not None:
            changes["style"] = o.face_mask
        if c.tracks is not None:
            changes["tracks"] = c.tracks
        layers = [dataclasses.replace(x, settings=dataclasses.replace(x.settings, **changes))
                  if isinstance(x, FaceMaskLayer) else x for x in layers]
    if not templated:  # a template placed the user's caption in its own style already
        style = c.style or STYLES[DEFAULT_CAPTION_STYLE]
        highlight: Any = o.highlight or "none"
        if cues is not None:
            layers.append(CaptionLayer(cues=cues, style=style, highlight=highlight))
        if o.caption is not None:
            layers.append(CaptionLayer(text=o.caption, style=style, highlight=highlight))
    layers.extend(c.stickers)

    audio = project.audio
    audio_changes: dict[str, Any] = {}
    if o.source_audio is not None:
        audio_changes["keep_source"] = o.source_audio
    if o.music is not None:
        audio_changes["music"] = str(Path(o.music).absolute())
    if o.music_volume is not None:
        audio_changes["music_volume"] = float(o.music_volume)
    if o.normalise is not None:
        audio_changes["normalise"] = o.normalise
    if o.loudness is not None:
        audio_changes["loudness_lufs"] = float(o.loudness)
    if audio_changes:
        audio = dataclasses.replace(audio, **audio_changes)

    card = _card(o, c, project.card, templated=templated)
    try:
        return project.replace(clips=tuple(clips), output=output, reframe=frame,
                               layers=tuple(layers), audio=audio, card=card)
    except ValueError as exc:
        raise InputError(f"invalid project: {exc}") from None


def _card(o: ProjectOptions, c: _Checked, card: ClosingCard | None, *,
          templated: bool) -> ClosingCard | None:
    """The closing card with ``--card``, ``--card-background`` and ``--card-logo`` applied."""
    if card is None and o.card is None:
        for option, given in (("card_background", c.background is not None),
                              ("card_logos", bool(o.card_logos) and not templated)):
            if given:
                raise o.error(option, f"needs {o.label('card')} (or a template with an end "
                              "card)")
        return None
    if card is None:
        card = ClosingCard()
    if o.card is not None:
        card = dataclasses.replace(card, duration=float(o.card))
    if c.background is not None:
        card = dataclasses.replace(card, background=c.background)
    if o.card_logos and not templated:  # a template lays logos out in its own logo area
        n = len(o.card_logos)
        logos = tuple(
            ImageLayer(
                path=_absolute(logo),
                placement=Placement(x=(i + 1) / (n + 1), y=0.5, width=min(0.4, 0.8 / n)),
                enter=Animation(kind="pop"),
            )
            for i, logo in enumerate(o.card_logos)
        )
        card = dataclasses.replace(card, layers=(*card.layers, *logos))
    return card
