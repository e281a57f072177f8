"""Applying a template to clips: the result is an ordinary, editable Project.

Nothing about the template survives as a special object: its overlays become project layers,
its end card a :class:`~creator_kit.core.model.ClosingCard`, its defaults the project's
output, reframe and audio settings, with every ``{variable}`` filled in and every asset path
made absolute. Change any of it afterwards like any other project.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from PIL import Image

from creator_kit.core.captions import CaptionStyle, Cue
from creator_kit.core.errors import InputError
from creator_kit.core.files import open_file
from creator_kit.core.model import (
    AudioSettings,
    CaptionLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    Language,
    Layer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
    ReframeMode,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.paths import check_local_path
from creator_kit.core.presets import get_profile
from creator_kit.graphics.stills import is_svg, still_size
from creator_kit.media.images import MAX_PIXELS, load_rgba
from creator_kit.templates.format import (
    MAX_VALUE_CHARS,
    LoadedTemplate,
    LogoArea,
    Palette,
    Template,
    placeholders,
    resolve_asset,
    substitute,
    substitute_layer,
    walk_assets,
)

Preset = Literal["tiktok", "reels", "shorts"]
COLOUR_FIELDS = frozenset({"colour", "colour2", "fill", "outline_colour", "highlight_colour",
                           "bar_colour"})


def variable_values(template: Template, given: Mapping[str, str] | None,
                    language: Language) -> dict[str, str]:
    """The value of every declared variable: the user's, else the template's default.

    Raises :class:`InputError` naming each variable that has no value and no default, and
    any given variable the template does not declare (a typo would otherwise be ignored).
    """
    given = dict(given or {})
    declared = [v.name for v in template.variables]
    unknown = [k for k in given if k not in declared]
    if unknown:
        listed = ", ".join(declared) if declared else "none"
        raise InputError(f"template {template.name!r} has no variable {unknown[0]!r}; "
                         f"its variables are: {listed}")
    values: dict[str, str] = {}
    missing: list[str] = []
    for var in template.variables:
        value = given.get(var.name)
        if value is None:
            value = var.default_for(language)
        if value is None:
            missing.append(var.name)
            continue
        if not isinstance(value, str):
            raise InputError(f"variable {var.name!r} must be text")
        if len(value) > MAX_VALUE_CHARS:
            raise InputError(f"variable {var.name!r} is {len(value)} characters long; at most "
                             f"{MAX_VALUE_CHARS} allowed")
        values[var.name] = value
    if missing:
        shown = ", ".join("{" + m + "}" for m in missing)
        hint = " ".join(f"--var {m}=..." for m in missing)
        raise InputError(f"template {template.name!r}: variable {shown} has no value and no "
                         f"default; give {hint}")
    return values


def recolour(obj: Any, mapping: Mapping[str, str]) -> Any:
    """A copy of ``obj`` with every colour field equal to a key of ``mapping`` replaced.

    Keys and values are ``#rrggbb``; a colour's own alpha suffix (``#rrggbbaa``) is kept.
    """
    if not mapping:
        return obj
    lower = {k.lower(): v for k, v in mapping.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            value = getattr(obj, f.name)
            if f.name in COLOUR_FIELDS and isinstance(value, str):
                new = lower.get(value[:7].lower())
                if new is not None:
                    changes[f.name] = new[:7] + value[7:]
            elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
                changes[f.name] = recolour(value, lower)
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        return tuple(recolour(v, lower) for v in obj)
    return obj


def palette_mapping(old: Palette, new: Palette | None) -> dict[str, str]:
    """Which colours a palette override changes (old -> new)."""
    if new is None:
        return {}
    out = {}
    for f in dataclasses.fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a.lower() != b.lower():
            out[a[:7].lower()] = b
    return out


def _refuse_bomb(path: Path) -> None:
    """Name a decompression bomb as such (Pillow refuses it before we could say why)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with open_file(path, "logo") as fh, Image.open(fh) as im:
                w, h = im.size
    except Image.DecompressionBombError:
        raise InputError("logo is too large: its header claims more pixels than any logo "
                         "needs (a decompression bomb?); refusing it", path) from None
    except (OSError, ValueError, SyntaxError):
        return  # not an image at all: load_rgba says so
    if w * h > MAX_PIXELS:
        raise InputError(f"logo is too large ({w}x{h}); refusing it", path)


def layout_logos(logos: Sequence[str | Path], area: LogoArea, canvas: tuple[int, int],
                 card_start: float = 0.0) -> tuple[ImageLayer, ...]:
    """Image layers for 1-``area.max_logos`` logos, fitted side by side inside ``area``.

    Each logo keeps its aspect ratio (measured upright, after its EXIF orientation) and is
    as large as its share of the area allows; a logo that cannot be read, or is an image
    bomb, raises :class:`InputError` naming it.
    """
    if not logos:
        return ()
    if len(logos) > area.max_logos:
        raise InputError(f"this end card has room for at most {area.max_logos} logos, "
                         f"not {len(logos)}")
    cw, ch = canvas
    n = len(logos)
    box_w = area.width * cw
    box_h = area.height * ch
    gap = area.gap * cw
    cell_w = (box_w - gap * (n - 1)) / n
    sizes: list[tuple[float, float]] = []
    for logo in logos:
        check_local_path(str(logo))
        if is_svg(logo):
            lw, lh = still_size(logo)  # a vector logo: any size is crisp
        else:
            _refuse_bomb(Path(logo))
            lh, lw = load_rgba(logo).shape[:2]  # refuses oversized images; honours EXIF
        scale = min(cell_w / lw, box_h / lh)
        sizes.append((lw * scale, lh * scale))
    # Centre the row on the widths actually used, so two square logos do not drift apart.
    row_w = sum(w for w, _ in sizes) + gap * (n - 1)
    x = area.x * cw - row_w / 2
    layers = []
    for i, (logo, (w, _h)) in enumerate(zip(logos, sizes, strict=True)):
        layers.append(ImageLayer(
            path=str(Path(logo).absolute()),
            start=card_start + area.start + i * area.stagger,
            placement=Placement(x=(x + w / 2) / cw, y=area.y, anchor="center", width=w / cw),
            enter=area.enter,
        ))
        x += w + gap
    return tuple(layers)


def set_card_logos(project: Project, logos: Sequence[str | Path]) -> Project:
    """``project`` whose closing card shows exactly ``logos`` (0-4 images), left to right.

    The card's image layers are replaced by ``logos`` laid out in a row as a template's logo
    area lays them out (:func:`layout_logos`), at the height the card's logos had (else
    the default area's), so adding, removing or reordering logos never leaves them
    overlapping. The card's other layers are kept; a project without a card gets one.
    Raises :class:`InputError` naming a logo that cannot be read, or for more than 4.
    """
    card = project.card or ClosingCard()
    images = [la for la in card.layers if isinstance(la, ImageLayer)]
    area = LogoArea()
    if images:
        area = dataclasses.replace(area, y=min(1.0, max(0.0, images[0].placement.y)))
    profile = get_profile(project.output.preset)
    placed = layout_logos(logos, area, (profile.width, profile.height))
    # The same file keeps its layer id, so the editor's selection survives a reorder.
    ids = {la.path: la.id for la in images}
    placed = tuple(dataclasses.replace(la, id=ids.get(la.path, "")) for la in placed)
    others = tuple(la for la in card.layers if not isinstance(la, ImageLayer))
    return project.replace(card=dataclasses.replace(card, layers=(*others, *placed)))


def _localise(layer: Any, language: Language) -> Any:
    if isinstance(layer, (StickerLayer, TipCardLayer)):
        return dataclasses.replace(layer, language=language)
    return layer


def _with_font_file(layer: Any, files: Mapping[str, str]) -> Any:
    if isinstance(layer, CaptionLayer) and layer.style.font_file is None:
        path = files.get(layer.style.font_family)
        if path is not None:
            return dataclasses.replace(layer, style=layer.style.replace(font_file=path))
    return layer


def apply_template(
    template: LoadedTemplate | Template,
    clips: Sequence[str | Path],
    variables: Mapping[str, str] | None = None,
    *,
    language: Language = "ar",
    caption: str | None = None,
    cues: Sequence[Cue] | None = None,
    logos: Sequence[str | Path] = (),
    preset: Preset | None = None,
    reframe: ReframeMode | None = None,
    face_mask: bool | None = None,
    music: str | None = None,
    palette: Palette | None = None,
    end_card: bool = True,
    output: OutputSettings | None = None,
    folder: str | Path | None = None,
    caption_style: CaptionStyle | None = None,
    highlight: Literal["none", "words"] = "none",
) -> Project:
    """The Project ``template`` makes of ``clips`` (played in order).

    ``variables`` fill the template's ``{placeholders}``; ``language`` (one of the template's
    languages) picks the words of its texts, stickers and tip cards. ``caption`` (text, in
    which declared ``{variables}`` are filled too) or ``cues`` (timed subtitles) add the
    user's own caption in the template's caption style. ``logos`` (1-4 images) go on the
    end card. ``caption_style`` replaces the template's caption style for that caption and
    ``highlight`` ``words`` lights its words up as they are spoken. The other keywords
    override the template's defaults; ``end_card`` False leaves the card out. A bare
    :class:`Template` needs ``folder`` when it names assets. Raises :class:`InputError`
    for an unknown language, a variable without a value, an unusable logo or an asset
    outside the template folder.
    """
    if isinstance(template, LoadedTemplate):
        base: Path | None = template.folder
        tpl = template.template
    else:
        base = None if folder is None else Path(folder).absolute()
        tpl = template
    if language not in tpl.languages:
        raise InputError(f"template {tpl.name!r} is not available in {language!r}; it has "
                         f"{', '.join(tpl.languages)}")
    if not clips:
        raise InputError("nothing to render: no clips given")
    if caption is not None and cues is not None:
        raise InputError("give a caption text or subtitle cues, not both")
    values = variable_values(tpl, variables, language)
    doc_path = None if base is None else base / "template.json"

    def absolute(ref: str) -> str:
        if base is None:
            raise InputError(f"template {tpl.name!r} names asset {ref!r} but has no folder")
        return str(resolve_asset(base, ref, doc_path))

    tpl = walk_assets(tpl, absolute)
    colours = palette_mapping(tpl.palette, palette)
    tpl = recolour(tpl, colours)
    # Font files shipped with the template (already absolute) back the captions using them.
    fonts = {f.family: f.file for f in tpl.fonts if f.file is not None}

    def finish(layer: Any) -> Any:
        return _with_font_file(_localise(substitute_layer(layer, values), language), fonts)

    layers: list[Layer] = []
    settings = tpl.defaults
    if face_mask if face_mask is not None else settings.face_mask:
        layers.append(FaceMaskLayer(settings=settings.face_mask_settings))
    layers.extend(finish(layer) for layer in tpl.overlays)
    style = caption_style if caption_style is not None else tpl.caption_style
    if style.font_file is None and style.font_family in fonts:
        style = style.replace(font_file=fonts[style.font_family])
    if caption is not None and caption.strip():
        text = substitute(caption, values, strict=False) if placeholders(caption) else caption
        layers.append(CaptionLayer(text=text, style=style, highlight=highlight,
                                   placement=tpl.caption_placement))
    elif cues:
        layers.append(CaptionLayer(cues=tuple(cues), style=style, highlight=highlight,
                                   placement=tpl.caption_placement))

    out = output or settings.output
    if preset is not None:
        out = dataclasses.replace(out, preset=preset)
    profile = get_profile(out.preset)
    card = None
    if end_card and tpl.end_card is not None:
        ec = tpl.end_card
        card_layers = [finish(layer) for layer in ec.layers]
        card_layers.extend(layout_logos(logos, ec.logos, (profile.width, profile.height)))
        card = ClosingCard(duration=ec.duration, background=ec.background,
                           layers=tuple(card_layers))
    elif logos:
        raise InputError(f"template {tpl.name!r} has no end card to put logos on")

    audio: AudioSettings = settings.audio
    if music is not None:
        check_local_path(music)
        audio = dataclasses.replace(audio, music=str(Path(music).absolute()))
    frame: Reframe = settings.reframe
    if reframe is not None:
        frame = dataclasses.replace(frame, mode=reframe)
    for clip in clips:
        check_local_path(str(clip))
    try:
        return Project(
            clips=tuple(ClipRef(source=str(c)) for c in clips),
            output=out,
            reframe=frame,
            layers=tuple(layers),
            card=card,
            audio=audio,
        )
    except ValueError as exc:
        raise InputError(f"template {tpl.name!r}: {exc}") from None
