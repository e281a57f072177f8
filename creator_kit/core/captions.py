"""Caption styles and timed cues: plain, frozen data that can live in project and template files.

A :class:`CaptionStyle` says how a caption looks (font, colours, outline, shadow, background
box, alignment, wrapping, direction, digits, highlight colour); a :class:`Cue` says what is
said when, optionally with per-word (or per-syllable) timings from a karaoke subtitle file.
Drawing them is the text package's job; this module holds no Qt objects.

Colours are ``#rrggbb`` or ``#rrggbbaa`` strings (``aa`` is opacity, ``ff`` opaque).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from creator_kit.core.colour import check_colours
from creator_kit.core.schema import ranged

Align = Literal["start", "center", "end", "left", "right"]
DirectionOverride = Literal["auto", "rtl", "ltr"]
HighlightMode = Literal["fill", "box"]
BoxMode = Literal["block", "lines"]

# One word (or karaoke syllable) timing: (start seconds, end seconds, text).
WordTiming = tuple[float, float, str]

@dataclass(frozen=True)
class Shadow:
    """A drop shadow under the text: offset in pixels, Gaussian blur radius, colour."""

    offset_x: float = ranged(3.0, -100.0, 100.0)
    offset_y: float = ranged(4.0, -100.0, 100.0)
    blur: float = ranged(6.0, 0.0, 60.0)
    colour: str = "#000000b3"

    def __post_init__(self) -> None:
        check_colours(self, "colour")


@dataclass(frozen=True)
class Box:
    """A rounded background box behind the text.

    ``mode`` ``block`` draws one box around all lines; ``lines`` draws one box per line (the
    look of TikTok's own captions). ``opacity`` multiplies the colour's own alpha.
    """

    colour: str = "#000000"
    opacity: float = ranged(0.6, 0.0, 1.0)
    padding: float = ranged(18.0, 0.0, 200.0)
    radius: float = ranged(14.0, 0.0, 200.0)
    mode: BoxMode = "block"

    def __post_init__(self) -> None:
        check_colours(self, "colour")


@dataclass(frozen=True)
class CaptionStyle:
    """How a caption is drawn.

    ``font_family`` names a bundled or installed family (``Noto Sans Arabic`` and ``Lemonada``
    ship with creator_kit); ``font_file`` optionally points at a TTF/OTF to use instead, and a
    missing or corrupt file falls back to ``font_family`` with a warning. ``align`` ``start``
    and ``end`` follow the paragraph direction (``start`` is the right edge for Arabic).
    ``max_width`` is the fraction of the available width a line may use before it wraps.
    ``line_spacing`` multiplies the natural line height. ``direction`` overrides the base
    direction found from the first strong character. ``eastern_digits`` writes 0-9 as ٠-٩.
    ``highlight_colour`` is used for the active word of a word-by-word caption, either as the
    word's fill (``highlight_mode`` ``fill``) or as a box behind it (``box``).
    """

    font_family: str = "Noto Sans Arabic"
    font_file: str | None = None
    size_px: float = ranged(64.0, 6.0, 400.0)
    weight: int = ranged(700, 100, 900)
    fill: str = "#ffffff"
    outline_width: float = ranged(0.0, 0.0, 40.0)
    outline_colour: str = "#000000"
    shadow: Shadow | None = None
    box: Box | None = None
    align: Align = "center"
    line_spacing: float = ranged(1.0, 0.5, 3.0)
    max_width: float = ranged(0.9, 0.1, 1.0)
    direction: DirectionOverride = "auto"
    eastern_digits: bool = False
    highlight_colour: str = "#ffd400"
    highlight_mode: HighlightMode = "fill"

    def __post_init__(self) -> None:
        check_colours(self, "fill", "outline_colour", "highlight_colour")

    def replace(self, **changes: object) -> CaptionStyle:
        """A copy of this style with some fields changed."""
        # mypy: changes are checked by the dataclass itself; replace() cannot type **object.
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Cue:
    """One subtitle: text shown from ``start`` to ``end`` seconds.

    ``words`` holds (start, end, text) timings for words or karaoke syllables when the source
    file has them (ASS ``\\k`` tags); their texts joined give ``text``. A cue read from a file
    may have bad times (negative, inverted, overlapping); ``creator_kit.text.subs.validate``
    reports them and ``fix`` repairs them, so this class does not refuse them.
    """

    start: float = ranged(0.0, 0.0, 86_400.0)
    end: float = ranged(1.0, 0.0, 86_400.0)
    text: str = ""
    words: tuple[WordTiming, ...] | None = field(default=None, metadata={"max_items": 2_000})


STYLES: dict[str, CaptionStyle] = {
    # White text with a soft shadow: readable on most footage without hiding it.
    "clean": CaptionStyle(
        weight=600, fill="#ffffff", shadow=Shadow(offset_x=2.0, offset_y=3.0, blur=8.0)
    ),
    # The look of the apps' own captions: bold text on a rounded box per line.
    "bold-box": CaptionStyle(
        weight=700,
        fill="#ffffff",
        box=Box(colour="#000000", opacity=0.72, padding=16.0, radius=16.0, mode="lines"),
    ),
    # A thick dark outline, for busy backgrounds without a box.
    "outline": CaptionStyle(
        weight=700, fill="#ffffff", outline_width=6.0, outline_colour="#000000"
    ),
    # Word by word: the active word turns yellow; outline keeps every word readable.
    "karaoke": CaptionStyle(
        weight=700,
        fill="#ffffff",
        outline_width=5.0,
        outline_colour="#000000",
        highlight_colour="#ffd400",
        highlight_mode="fill",
    ),
}


def get_style(name: str) -> CaptionStyle:
    """The named caption style; raises KeyError listing the known names."""
    try:
        return STYLES[name]
    except KeyError:
        raise KeyError(
            f"unknown caption style {name!r}; choose one of {', '.join(STYLES)}"
        ) from None
