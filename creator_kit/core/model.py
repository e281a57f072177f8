"""The project model: plain, frozen data that every other part of creator_kit reads.

A :class:`Project` is an ordered list of clips, a reframe setting, timed visual layers, an
optional closing card, audio settings and an output profile. It holds no Qt objects, no open
files and no frames: rendering it is the render package's job. Positions are fractions of the
canvas so the same project or template works at any output size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeVar

from creator_kit.core.captions import STYLES, CaptionStyle, Cue
from creator_kit.core.colour import check_colours
from creator_kit.core.face_settings import FaceMaskSettings, FaceReframeSettings
from creator_kit.core.frames import FrameSource
from creator_kit.core.schema import ranged

SCHEMA_VERSION = 2

Anchor = Literal[
    "top-left",
    "top",
    "top-right",
    "left",
    "center",
    "right",
    "bottom-left",
    "bottom",
    "bottom-right",
]
AnimationKind = Literal["none", "fade", "slide", "pop"]
Direction = Literal["left", "right", "up", "down"]
ReframeMode = Literal["fill", "fit", "fit-blur", "face"]
TailMode = Literal["cut", "freeze"]

# Every layer carries a stable ``id`` (``caption-1``, ``sticker-2``...) so an editor, a script or
# a test can name it across edits. It is left out of equality: two layers that draw the same
# thing compare equal whatever they are called. An empty id is filled in by ``Project``.
def _layer_id() -> str:
    return field(default="", compare=False, metadata={"max_len": 64})


@dataclass(frozen=True)
class Animation:
    """How a layer enters or leaves: fade, slide in from a side, or pop (scale up)."""

    kind: AnimationKind = "none"
    duration: float = ranged(0.35, 0.0, 10.0)
    direction: Direction = "up"


@dataclass(frozen=True)
class Placement:
    """Where a layer sits: the ``anchor`` point of the layer is put at (x, y).

    ``x`` and ``y`` are fractions of the canvas width and height; ``width`` is a fraction of
    the canvas width (``None`` keeps the layer's own pixel size).
    """

    x: float = ranged(0.5, -1.0, 2.0)
    y: float = ranged(0.5, -1.0, 2.0)
    anchor: Anchor = "center"
    width: float | None = ranged(None, 0.001, 4.0)


@dataclass(frozen=True)
class ImageLayer:
    """A still image (PNG/JPEG/WebP; alpha kept, EXIF orientation honoured) shown for a time."""

    KIND: ClassVar[str] = "image"
    path: str
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)
    placement: Placement = field(default_factory=Placement)
    opacity: float = ranged(1.0, 0.0, 1.0)
    enter: Animation = field(default_factory=Animation)
    exit: Animation = field(default_factory=Animation)

    id: str = _layer_id()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True)
class CaptionLayer:
    """Text on screen: one caption (``text``) or timed cues (``cues``, e.g. from a subtitle file).

    ``highlight`` ``words`` lights up the active word in reading order (right to left for
    Arabic). ``placement`` ``None`` puts the caption at the bottom of the platform's safe
    area (mirrored for right-to-left text); otherwise the anchor point of the text block is
    put at (x, y) and ``placement.width`` is the wrapping width as a fraction of the canvas.
    """

    KIND: ClassVar[str] = "caption"
    text: str = ""
    cues: tuple[Cue, ...] = field(default=(), metadata={"max_items": 20_000})
    style: CaptionStyle = field(default_factory=lambda: STYLES["clean"])
    highlight: Literal["none", "words"] = "none"
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)
    placement: Placement | None = None
    opacity: float = ranged(1.0, 0.0, 1.0)
    enter: Animation = field(default_factory=lambda: Animation(kind="fade", duration=0.25))
    exit: Animation = field(default_factory=lambda: Animation(kind="fade", duration=0.25))

    id: str = _layer_id()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True)
class FaceMaskLayer:
    """A mask graphic that follows each face (or the chosen track ids) in the clips."""

    KIND: ClassVar[str] = "face-mask"
    settings: FaceMaskSettings = field(default_factory=FaceMaskSettings)
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)

    id: str = _layer_id()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


# ``Layer`` and ``CardLayer`` (the layer kinds a project and a closing card hold) are defined at
# the end of this module, once every layer kind exists.


@dataclass(frozen=True)
class ClipRef:
    """A span of a source file on the timeline; ``end`` ``None`` means to the end of the source.

    ``tail`` says what to do when the source's audio outlasts its video: ``cut`` the audio at
    the end of the picture (default) or ``freeze`` the last frame until the audio ends.
    """

    source: str
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)
    tail: TailMode = "cut"
    # ``<size>:<sha256 of the first and last MiB>`` of the source when last saved, so a moved
    # or renamed file can be found again (see creator_kit.core.relink); not part of equality.
    fingerprint: str | None = field(default=None, compare=False, metadata={"max_len": 200})

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True)
class Reframe:
    """How landscape or square sources are fitted to the vertical canvas.

    ``fill`` covers and crops (``offset_x``/``offset_y`` move the crop window, -1..1);
    ``fit`` letterboxes on ``bar_colour``; ``fit-blur`` puts the fitted clip over a blurred,
    dimmed copy of itself; ``face`` lets the vision package move the crop window.
    """

    mode: ReframeMode = "fit-blur"
    offset_x: float = ranged(0.0, -1.0, 1.0)
    offset_y: float = ranged(0.0, -1.0, 1.0)
    bar_colour: str = "#000000"
    blur: float = ranged(0.5, 0.0, 1.0)
    dim: float = ranged(0.35, 0.0, 1.0)
    face: FaceReframeSettings = field(default_factory=FaceReframeSettings)

    def __post_init__(self) -> None:
        check_colours(self, "bar_colour")


@dataclass(frozen=True)
class Background:
    """A closing card background: a colour, a vertical gradient, an image or the last frame."""

    kind: Literal["colour", "gradient", "image", "last-frame"] = "colour"
    colour: str = "#0b3d91"
    colour2: str = "#1fa2a6"
    image: str | None = None
    blur: float = ranged(0.6, 0.0, 1.0)
    dim: float = ranged(0.3, 0.0, 1.0)

    def __post_init__(self) -> None:
        check_colours(self, "colour", "colour2")


@dataclass(frozen=True)
class ClosingCard:
    """A segment appended after the clips: a background plus layers timed from its start."""

    duration: float = ranged(3.0, 0.5, 30.0)
    background: Background = field(default_factory=Background)
    layers: tuple[CardLayer, ...] = ()


@dataclass(frozen=True)
class AudioSettings:
    """Source audio, an optional music bed, and the loudness the output is normalised to."""

    keep_source: bool = True
    source_volume: float = ranged(1.0, 0.0, 4.0)
    music: str | None = None
    music_volume: float = ranged(0.35, 0.0, 4.0)
    music_fade_in: float = ranged(1.0, 0.0, 30.0)
    music_fade_out: float = ranged(1.5, 0.0, 30.0)
    normalise: bool = True
    loudness_lufs: float = ranged(-14.0, -36.0, -6.0)
    true_peak_db: float = ranged(-1.5, -9.0, 0.0)


@dataclass(frozen=True)
class OutputSettings:
    """Which platform preset to export for, with optional encoder overrides."""

    preset: Literal["tiktok", "reels", "shorts"] = "tiktok"
    fps: float | None = ranged(None, 12.0, 60.0)
    crf: int | None = ranged(None, 0, 51)
    x264_preset: (
        Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"] | None
    ) = None


@dataclass(frozen=True)
class Project:
    """Everything needed to render one clip; saved as a versioned ``.ckproj`` JSON file."""

    clips: tuple[ClipRef, ...]
    schema_version: int = SCHEMA_VERSION
    output: OutputSettings = field(default_factory=OutputSettings)
    reframe: Reframe = field(default_factory=Reframe)
    layers: tuple[Layer, ...] = ()
    card: ClosingCard | None = None
    audio: AudioSettings = field(default_factory=AudioSettings)

    def __post_init__(self) -> None:
        if not self.clips:
            raise ValueError("a project needs at least one clip")
        # Fill in missing layer ids and rename duplicates, so every layer (on the clips and on
        # the closing card) has an id no other layer of the project has.
        taken: set[str] = set()
        layers = _with_layer_ids(self.layers, taken)
        if layers is not None:
            object.__setattr__(self, "layers", layers)
        if self.card is not None:
            card_layers = _with_layer_ids(self.card.layers, taken)
            if card_layers is not None:
                object.__setattr__(self, "card", dataclasses.replace(self.card, layers=card_layers))

    def replace(self, **changes: object) -> Project:
        """A copy of this project with some fields changed."""
        # mypy: changes are checked by the dataclass itself; replace() cannot type **object.
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


_L = TypeVar("_L", bound="Layer")


def new_layer_id(kind: str, taken: set[str] | frozenset[str]) -> str:
    """The first ``<kind>-<n>`` id (``caption-1``, ``sticker-2``...) not in ``taken``."""
    n = 1
    while f"{kind}-{n}" in taken:
        n += 1
    return f"{kind}-{n}"


def _with_layer_ids(layers: tuple[_L, ...], taken: set[str]) -> tuple[_L, ...] | None:
    """``layers`` with every empty or already-taken id replaced; None when nothing changed."""
    out: list[_L] = []
    changed = False
    for layer in layers:
        if not layer.id or layer.id in taken:
            layer = dataclasses.replace(layer, id=new_layer_id(layer.KIND, taken))
            changed = True
        taken.add(layer.id)
        out.append(layer)
    return tuple(out) if changed else None


def _check_span(start: float, end: float | None) -> None:
    if end is not None and end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")


# --------------------------------------------------------------------------------------------
# Mask-safety overlays: vector stickers and animated tip cards, drawn at the output size.

Language = Literal["ar", "en"]
StickerName = Literal[
    "mask-up", "mask", "keep-distance", "wash-hands", "avoid-crowds", "thank-you-heroes",
    "be-responsible", "together",
]
TipName = Literal["wear-mask", "remove-mask", "wash-hands", "keep-distance", "avoid-crowds"]
Slot = Literal["top-start", "top", "top-end", "center", "bottom-start", "bottom", "bottom-end"]
STICKER_NAMES: tuple[StickerName, ...] = (
    "mask-up", "mask", "keep-distance", "wash-hands", "avoid-crowds", "thank-you-heroes",
    "be-responsible", "together",
)
TIP_NAMES: tuple[TipName, ...] = (
    "wear-mask", "remove-mask", "wash-hands", "keep-distance", "avoid-crowds",
)


@dataclass(frozen=True)
class StickerLayer:
    """A sticker or badge from the built-in vector library, drawn crisp at the output size.

    ``name`` picks the drawing (a mask, «ارتدِ الكمامة» / "Mask up", a 2 m distance marker,
    hand washing...); its label is drawn by the text engine in ``language``, and ``text``
    (when set) replaces that label (an empty text leaves the icon alone, as a round badge).
    ``colour`` is the accent colour and ``font_family`` the label's font. With ``placement``
    ``None`` the sticker sits in ``slot`` inside the safe zone that every platform preset
    leaves free (``start``/``end`` follow the language, and
    the zone is mirrored for Arabic), ``width`` wide as a fraction of the canvas width; an
    explicit ``placement`` puts it anywhere (its ``width``, when set, wins over ``width``).
    """

    KIND: ClassVar[str] = "sticker"
    name: StickerName
    language: Language = "ar"
    text: str | None = field(default=None, metadata={"max_len": 200})
    colour: str = "#0b7a75"
    font_family: str = field(default="Lemonada", metadata={"max_len": 100})
    width: float = ranged(0.34, 0.03, 1.0)
    slot: Slot = "top-end"
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)
    placement: Placement | None = None
    opacity: float = ranged(1.0, 0.0, 1.0)
    enter: Animation = field(default_factory=lambda: Animation(kind="pop", duration=0.4))
    exit: Animation = field(default_factory=lambda: Animation(kind="fade", duration=0.3))

    id: str = _layer_id()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        check_colours(self, "colour")


@dataclass(frozen=True)
class TipCardLayer:
    """An animated safety-tip card: an icon, a title and numbered steps revealed one by one.

    ``tip`` picks the advice (how to put a mask on, take it off and dispose of it, wash
    hands, keep distance, avoid crowds); the card's words come from the built-in library in
    ``language`` and are drawn by the text engine. Placement rules are those of
    :class:`StickerLayer`; ``width`` defaults to most of the safe zone.
    """

    KIND: ClassVar[str] = "tip-card"
    tip: TipName
    language: Language = "ar"
    colour: str = "#0b7a75"
    font_family: str = field(default="Noto Sans Arabic", metadata={"max_len": 100})
    width: float = ranged(0.78, 0.2, 1.0)
    slot: Slot = "top"
    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float | None = ranged(None, 0.0, 86_400.0)
    placement: Placement | None = None
    opacity: float = ranged(1.0, 0.0, 1.0)
    enter: Animation = field(
        default_factory=lambda: Animation(kind="slide", duration=0.45, direction="up"))
    exit: Animation = field(default_factory=lambda: Animation(kind="fade", duration=0.3))

    id: str = _layer_id()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        check_colours(self, "colour")


Layer = ImageLayer | CaptionLayer | FaceMaskLayer | StickerLayer | TipCardLayer


@dataclass(frozen=True, eq=False)
class SourceLayer:
    """A layer drawn at render time by Python code: any :class:`FrameSource` (RGBA sprites).

    The engine composites it like every other layer, over the rectangle of each sprite. It
    exists only in Python (``creator_kit.moviepy.MoviepyLayer`` is one): it is deliberately not
    part of :data:`Layer`, so no project file can name one (a project file must never execute
    code), and saving a project that holds one is refused. Put it in ``Project.layers`` with
    ``project.replace(layers=(*project.layers, layer))``.
    """

    KIND: ClassVar[str] = "source"
    source: FrameSource
    label: str = "Python layer"
    id: str = _layer_id()


CardLayer = ImageLayer | CaptionLayer | StickerLayer | TipCardLayer
