"""The campaign template format: versioned, validated JSON data plus assets in one folder.

A template folder holds ``template.json`` and the files it names (stickers, backgrounds,
music, fonts) under it; a ``.ckpack`` is that folder zipped (see :mod:`.packs`). Loading a
template never evaluates anything: the document is parsed with the same defensive limits as
a project file (size, nesting, NaN), migrated from older schema versions, converted to frozen
dataclasses by :func:`creator_kit.core.schema.from_data`, and then checked as a whole:

* every asset path is a plain relative path that resolves to a regular file inside the
  folder without passing through a symlink (no ``..``, no absolute or drive paths, no
  backslashes, no URLs or ffmpeg protocol strings);
* every ``{variable}`` used in a text is declared in ``variables``;
* every font family used is bundled, installed, or shipped as a file in the template.

Asset paths stay relative in :class:`Template` (so two copies of a template compare equal);
:class:`LoadedTemplate` pairs a template with the folder they are relative to.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from creator_kit.core.atomic import atomic_write
from creator_kit.core.captions import STYLES, CaptionStyle
from creator_kit.core.colour import check_colours
from creator_kit.core.errors import InputError
from creator_kit.core.face_settings import FaceMaskSettings
from creator_kit.core.files import check_file, read_head
from creator_kit.core.model import (
    Animation,
    AudioSettings,
    Background,
    CaptionLayer,
    CardLayer,
    Language,
    Layer,
    OutputSettings,
    Placement,
    Reframe,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.paths import check_local_path
from creator_kit.core.schema import SchemaError, from_data, load_json_document, ranged

TEMPLATE_SCHEMA_VERSION = 1
TEMPLATE_FILE = "template.json"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
VARIABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
# {name} is a placeholder; {{ and }} are literal braces.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
MAX_VALUE_CHARS = 500

# Families that ship in assets/fonts (creator_kit.text.fonts registers them): checked without
# starting Qt. Any other family must be installed or shipped with the template.
BUNDLED_FAMILIES: tuple[str, ...] = (
    "Noto Sans Arabic", "Noto Sans", "Lemonada", "Noto Sans Symbols2", "Noto Color Emoji",
)
# Fields that name a file in the template folder.
ASSET_FIELDS = frozenset({"path", "image", "music", "font_file", "file"})
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def _bold_box() -> CaptionStyle:
    return STYLES["bold-box"]


@dataclass(frozen=True)
class TemplateVariable:
    """A named value a template's texts use as ``{name}``.

    The value comes from the user (``--var name=value`` or a ``var:name`` spreadsheet
    column); without one, the default for the chosen language (``ar`` or ``en``), then
    ``default``. A variable with no value and no default is an error naming it.
    """

    name: str = field(metadata={"max_len": 40})
    description: str = field(default="", metadata={"max_len": 500})
    default: str | None = field(default=None, metadata={"max_len": MAX_VALUE_CHARS})
    ar: str | None = field(default=None, metadata={"max_len": MAX_VALUE_CHARS})
    en: str | None = field(default=None, metadata={"max_len": MAX_VALUE_CHARS})
    # What a form shows for the variable, per interface language (optional: the name and the
    # English description are used without them).
    label_ar: str | None = field(default=None, metadata={"max_len": 80})
    label_en: str | None = field(default=None, metadata={"max_len": 80})
    description_ar: str | None = field(default=None, metadata={"max_len": 500})

    def __post_init__(self) -> None:
        if not VARIABLE_PATTERN.match(self.name):
            raise ValueError(f"variable name {self.name!r:.60} must be letters, digits and _ "
                             "(not starting with a digit)")

    def label(self, language: str) -> str:
        """The form label in ``language`` (``ar`` or ``en``): its own label, else the name."""
        own = self.label_ar if language == "ar" else self.label_en
        return own or self.label_en or self.name

    def help(self, language: str) -> str:
        """The description in ``language``: ``description_ar`` in Arabic when given."""
        return (self.description_ar if language == "ar" and self.description_ar
                else self.description)

    def default_for(self, language: Language) -> str | None:
        """The value used when the user gives none: the language's default, then ``default``."""
        own = self.ar if language == "ar" else self.en
        return own if own is not None else self.default


@dataclass(frozen=True)
class Palette:
    """The campaign colours. Overlay colours equal to one of these follow a palette override."""

    primary: str = "#0b7a75"
    secondary: str = "#ffd84d"
    text: str = "#ffffff"
    background: str = "#0b3d4f"

    def __post_init__(self) -> None:
        check_colours(self, *(f.name for f in dataclasses.fields(self)))


@dataclass(frozen=True)
class FontRef:
    """A font family the template uses; ``file`` ships it in the template folder (TTF/OTF)."""

    family: str = field(metadata={"max_len": 100})
    file: str | None = field(default=None, metadata={"max_len": 300})


@dataclass(frozen=True)
class LogoArea:
    """Where the user's partner logos go on the end card (fractions of the canvas).

    One to ``max_logos`` logos are laid out in a row centred at (``x``, ``y``) inside a box
    ``width`` x ``height``, each fitted to its share with its aspect ratio kept, ``gap``
    (fraction of the canvas width) apart; they pop in one after another.
    """

    x: float = ranged(0.5, 0.0, 1.0)
    y: float = ranged(0.7, 0.0, 1.0)
    width: float = ranged(0.7, 0.05, 1.0)
    height: float = ranged(0.08, 0.02, 0.5)
    gap: float = ranged(0.05, 0.0, 0.3)
    max_logos: int = ranged(4, 0, 4)
    start: float = ranged(0.5, 0.0, 5.0)
    stagger: float = ranged(0.15, 0.0, 2.0)
    enter: Animation = field(default_factory=lambda: Animation(kind="pop", duration=0.4))


@dataclass(frozen=True)
class EndCard:
    """The closing card: 2-5 s of background, layers (hashtags, call to action...) and logos."""

    duration: float = ranged(3.5, 2.0, 5.0)
    background: Background = field(default_factory=Background)
    layers: tuple[CardLayer, ...] = ()
    logos: LogoArea = field(default_factory=LogoArea)


@dataclass(frozen=True)
class TemplateDefaults:
    """Project settings a template starts from; each can be overridden when it is applied."""

    output: OutputSettings = field(default_factory=OutputSettings)
    reframe: Reframe = field(default_factory=Reframe)
    face_mask: bool = False
    face_mask_settings: FaceMaskSettings = field(default_factory=FaceMaskSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)


@dataclass(frozen=True)
class Template:
    """A campaign look: caption style, overlays, end card, defaults and named variables.

    Texts (captions, sticker labels) may contain ``{variable}`` placeholders. Overlay and
    end-card layers are ordinary project layers with times in seconds (end-card times count
    from the card's start); sticker and tip-card layers take the language chosen when the
    template is applied. ``caption_style`` and ``caption_placement`` are used for the
    user's own caption (``--caption``, a spreadsheet's ``caption``/``captions`` column).
    Without a ``caption_placement`` that caption is placed as a project's caption without
    one: at the bottom of the safe zone, or its top or middle where that keeps it off the
    faces and off the template's overlays (:mod:`creator_kit.graphics.slots`).
    """

    name: str = field(metadata={"max_len": 48})
    title_ar: str = field(metadata={"max_len": 200})
    title_en: str = field(metadata={"max_len": 200})
    schema_version: int = TEMPLATE_SCHEMA_VERSION
    description_ar: str = field(default="", metadata={"max_len": 2000})
    description_en: str = field(default="", metadata={"max_len": 2000})
    languages: tuple[Language, ...] = ("ar", "en")
    caption_style: CaptionStyle = field(default_factory=_bold_box)
    caption_placement: Placement | None = None
    palette: Palette = field(default_factory=Palette)
    fonts: tuple[FontRef, ...] = field(default=(), metadata={"max_items": 16})
    variables: tuple[TemplateVariable, ...] = field(default=(), metadata={"max_items": 64})
    overlays: tuple[Layer, ...] = field(default=(), metadata={"max_items": 64})
    end_card: EndCard | None = None
    defaults: TemplateDefaults = field(default_factory=TemplateDefaults)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"template name {self.name!r:.60} must be 1-48 lower-case letters, "
                             "digits and hyphens")
        if not self.languages or len(set(self.languages)) != len(self.languages):
            raise ValueError("languages must list 'ar' and/or 'en' once each")
        names = [v.name for v in self.variables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"variable {dupes[0]!r} is declared twice")

    def title(self, language: Language) -> str:
        """The title in ``language``."""
        return self.title_ar if language == "ar" else self.title_en

    def variable(self, name: str) -> TemplateVariable | None:
        """The declared variable called ``name``."""
        return next((v for v in self.variables if v.name == name), None)

    def replace(self, **changes: Any) -> Template:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class LoadedTemplate:
    """A validated template and the folder its asset paths are relative to.

    ``origin`` is ``builtin`` (shipped in assets/templates), ``user`` (the user template
    folder) or ``file`` (opened from a path).
    """

    template: Template
    folder: Path
    origin: Literal["builtin", "user", "file"] = "file"

    @property
    def name(self) -> str:
        """The template's name."""
        return self.template.name

    def asset(self, ref: str) -> Path:
        """The absolute path of asset ``ref`` (checked again: the folder may have changed)."""
        return resolve_asset(self.folder, ref, self.folder / TEMPLATE_FILE)


# ------------------------------------------------------------------------------ migrations

def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    # The pre-release draft wrote variables as {"name": "default"} and had no languages list.
    doc = dict(doc)
    variables = doc.get("variables")
    if isinstance(variables, dict):
        doc["variables"] = [{"name": k, "default": v} for k, v in variables.items()]
    doc["schema_version"] = 1
    return doc


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


# ---------------------------------------------------------------------------- loading

def template_from_data(doc: Any, where: Path | None = None) -> Template:
    """Validate and migrate a parsed template document (file checks: :func:`load_template`)."""
    if not isinstance(doc, dict):
        raise InputError("template file must contain a JSON object", where)
    version = doc.get("schema_version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError("template file has an invalid schema_version", where)
    if version > TEMPLATE_SCHEMA_VERSION:
        raise InputError(f"template has schema version {version}, newer than this creator_kit "
                         f"understands ({TEMPLATE_SCHEMA_VERSION}); update creator_kit", where)
    if version < 0 or (version not in MIGRATIONS and version != TEMPLATE_SCHEMA_VERSION):
        raise InputError(f"template has unknown schema version {version}", where)
    while version < TEMPLATE_SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    try:
        template = from_data(Template, doc)
    except SchemaError as exc:
        raise InputError(f"invalid template: {exc}", where) from None
    _check_placeholders(template, where)
    return template


def load_template(folder: str | Path, origin: Literal["builtin", "user", "file"] = "file",
                  *, check_fonts: bool = True) -> LoadedTemplate:
    """Load and fully validate the template in ``folder`` (or the ``template.json`` given).

    Raises :class:`InputError` naming the file and the problem: bad JSON, a wrong type or
    range, an unknown schema version, an undeclared variable, an asset that is missing or
    escapes the folder, a font that is not available.
    """
    p = Path(folder)
    if p.name == TEMPLATE_FILE and not p.is_dir():
        p = p.parent
    p = p.absolute()
    doc_path = p / TEMPLATE_FILE
    if not p.is_dir():
        raise InputError("template folder not found", p)
    if doc_path.is_symlink():
        raise InputError("template file is a symlink; refusing to follow it", doc_path)
    template = template_from_data(load_json_document(doc_path, "template"), doc_path)
    for ref in asset_refs(template):
        resolve_asset(p, ref, doc_path)
    for font in template.fonts:
        if font.file is not None:
            _check_font_file(resolve_asset(p, font.file, doc_path))
    if check_fonts:
        check_fonts_available(template, doc_path)
    return LoadedTemplate(template, p, origin)


def compact_data(obj: Any) -> Any:
    """Like :func:`~creator_kit.core.schema.to_data`, leaving out fields at their defaults.

    Template files are edited by hand, so they say only what differs from the defaults;
    loading fills the rest back in, so the round trip is exact.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        kind = getattr(type(obj), "KIND", None)
        if kind is not None:
            out["kind"] = kind
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.default is not dataclasses.MISSING:
                default: Any = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                default = dataclasses.MISSING
            if f.name != "schema_version" and default is not dataclasses.MISSING and (
                    value == default and type(value) is type(default)):
                continue
            out[f.name] = compact_data(value)
        if not out and "kind" in {f.name for f in dataclasses.fields(obj)}:
            # {"kind": "none"} reads better than {}
            out["kind"] = obj.__dict__["kind"]
        return out
    if isinstance(obj, (tuple, list)):
        return [compact_data(v) for v in obj]
    return obj


def template_document(template: Template) -> str:
    """The ``template.json`` text for ``template`` (UTF-8, Arabic kept readable, compact)."""
    return json.dumps(compact_data(template), ensure_ascii=False, indent=2) + "\n"


def save_template(template: Template, folder: str | Path) -> Path:
    """Write ``template.json`` into ``folder`` atomically; returns its path."""
    target = Path(folder).absolute() / TEMPLATE_FILE
    return atomic_write(target, template_document(template), what="template")


# ---------------------------------------------------------------------------- assets

def walk_assets(obj: Any, fn: Callable[[str], str]) -> Any:
    """A copy of ``obj`` with ``fn`` applied to every asset path field (see ``ASSET_FIELDS``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            value = getattr(obj, f.name)
            if f.name in ASSET_FIELDS and isinstance(value, str):
                changes[f.name] = fn(value)
            elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
                new = walk_assets(value, fn)
                if new is not value:
                    changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        items = tuple(walk_assets(v, fn) for v in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    return obj


def asset_refs(template: Template) -> list[str]:
    """Every asset path the template names, in document order, without duplicates."""
    found: list[str] = []

    def note(ref: str) -> str:
        if ref not in found:
            found.append(ref)
        return ref

    walk_assets(template, note)
    return found


def check_asset_ref(ref: str, where: str | Path | None = None) -> PurePosixPath:
    """The normalised form of asset path ``ref``, or :class:`InputError` if it could escape.

    Allowed: relative POSIX paths of plain names (``stickers/badge.png``). Refused: absolute
    paths, drive or UNC paths, backslashes, ``..``, empty or ``.`` parts, URLs and protocol
    strings (``concat:a|b``, ``http://...``), control characters.
    """
    check_local_path(ref, where)
    if "\\" in ref:
        raise InputError(f"asset path {ref[:80]!r} contains a backslash; use / between folders",
                         where)
    if any(ord(ch) < 32 for ch in ref):
        raise InputError(f"asset path {ref[:80]!r} contains a control character", where)
    if PurePosixPath(ref).is_absolute() or PureWindowsPath(ref).drive or ref.startswith("~"):
        raise InputError(f"asset path {ref[:80]!r} is absolute; assets must be inside the "
                         "template folder", where)
    parts = ref.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise InputError(f"asset path {ref[:80]!r} leaves or skips around the template folder "
                         "(.., . or an empty part)", where)
    if any(len(part) > 255 for part in parts) or len(ref) > 1024:
        raise InputError(f"asset path {ref[:80]!r}... is too long", where)
    return PurePosixPath(ref)


def resolve_asset(folder: Path, ref: str, where: str | Path | None = None) -> Path:
    """The file ``ref`` names inside ``folder``, reached without following any symlink."""
    rel = check_asset_ref(ref, where)
    current = folder
    for i, part in enumerate(rel.parts):
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            raise InputError(f"asset {ref!r} not found in the template folder", where) from None
        except OSError as exc:
            raise InputError(f"cannot read asset {ref!r} ({exc.strerror})", where) from None
        if stat.S_ISLNK(st.st_mode):
            raise InputError(f"asset {ref!r} passes through a symlink; refusing to follow it",
                             where)
        last = i == len(rel.parts) - 1
        if last:
            # The same check as every read (no link is left to follow at this point).
            try:
                check_file(current, "asset")
            except InputError as exc:
                raise InputError(f"asset {ref!r}: {exc.problem}", where) from None
        if not last and not stat.S_ISDIR(st.st_mode):
            raise InputError(f"asset {ref!r}: {part!r} is not a folder", where)
    return current


def _check_font_file(path: Path) -> None:
    head = read_head(path, "font file", 4)
    if head not in _FONT_MAGIC:
        raise InputError("not a TrueType/OpenType font file", path)


# ------------------------------------------------------------------------------ fonts

def used_families(template: Template) -> list[str]:
    """Every font family the template draws with, without duplicates."""
    found: dict[str, None] = {template.caption_style.font_family: None}
    for layer in _all_layers(template):
        if isinstance(layer, CaptionLayer):
            found[layer.style.font_family] = None
        elif isinstance(layer, (StickerLayer, TipCardLayer)):
            found[layer.font_family] = None
    for font in template.fonts:
        found[font.family] = None
    return list(found)


def check_fonts_available(template: Template, where: str | Path | None = None) -> None:
    """:class:`InputError` if a family is not bundled, shipped with the template or installed."""
    shipped = {f.family for f in template.fonts if f.file is not None}
    missing = [f for f in used_families(template)
               if f not in BUNDLED_FAMILIES and f not in shipped]
    if missing:
        from creator_kit.text.fonts import has_family  # starts Qt: only when needed

        missing = [f for f in missing if not has_family(f)]
    if missing:
        raise InputError(
            f"template uses font {missing[0]!r}, which is not bundled ("
            f"{', '.join(BUNDLED_FAMILIES[:3])}), not installed and not shipped in the "
            "template's fonts list", where)


# ------------------------------------------------------------------------------ variables

def _all_layers(template: Template) -> Iterator[Layer | CardLayer]:
    yield from template.overlays
    if template.end_card is not None:
        yield from template.end_card.layers


def _texts(layer: object) -> Iterator[str]:
    if isinstance(layer, CaptionLayer):
        yield layer.text
        for cue in layer.cues:
            yield cue.text
    elif isinstance(layer, StickerLayer) and layer.text is not None:
        yield layer.text


def placeholders(text: str) -> list[str]:
    """The variable names ``text`` uses as ``{name}``, in order (``{{``/``}}`` are braces)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) is not None]


def _check_placeholders(template: Template, where: Path | None) -> None:
    declared = {v.name for v in template.variables}
    for layer in _all_layers(template):
        for text in _texts(layer):
            for name in placeholders(text):
                if not VARIABLE_PATTERN.match(name):
                    raise InputError(f"invalid placeholder {{{name[:40]}}} in {text[:60]!r}; "
                                     "write {{ and }} for literal braces", where)
                if name not in declared:
                    raise InputError(f"text {text[:60]!r} uses {{{name}}}, but the template "
                                     f"declares no variable {name!r}", where)


def substitute(text: str, values: dict[str, str], *, strict: bool = True) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]`` (values are not re-scanned).

    With ``strict`` False, unknown or malformed placeholders are left as they are (for the
    user's own caption, where braces may be meant literally).
    """
    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{" if strict else token
        if token == "}}":
            return "}" if strict else token
        name = m.group(1)
        if name in values:
            return values[name]
        if strict:
            raise KeyError(name)
        return token

    return _PLACEHOLDER.sub(repl, text)


def substitute_layer(layer: Any, values: dict[str, str]) -> Any:
    """A copy of a caption or sticker layer with its texts filled in."""
    if isinstance(layer, CaptionLayer):
        cues = tuple(dataclasses.replace(c, text=substitute(c.text, values)) if placeholders(
            c.text) else c for c in layer.cues)
        return dataclasses.replace(layer, text=_tidy(substitute(layer.text, values)), cues=cues)
    if isinstance(layer, StickerLayer) and layer.text is not None:
        return dataclasses.replace(layer, text=_tidy(substitute(layer.text, values)))
    return layer


def _tidy(text: str) -> str:
    # An empty optional variable ("{local_hashtag}" = "") must not leave double spaces or
    # blank lines behind.
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


__all__ = [
    "BUNDLED_FAMILIES", "EndCard", "FontRef", "LoadedTemplate", "LogoArea", "MIGRATIONS",
    "Palette", "TEMPLATE_FILE", "TEMPLATE_SCHEMA_VERSION", "Template", "TemplateDefaults",
    "TemplateVariable", "asset_refs", "check_asset_ref", "check_fonts_available",
    "load_template", "placeholders", "resolve_asset", "save_template", "substitute",
    "substitute_layer", "template_document", "template_from_data", "used_families",
    "walk_assets",
]
