"""Caption text before layout: cleaning, base direction, words, hashtags and digits.

Nothing here shapes or reorders text. The layout engine (Qt's HarfBuzz shaper and Unicode
bidi algorithm) does both on the logical string; this module only

* removes characters that could hijack the layout: C0/C1 controls (newline and tab kept),
  the bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 that a pasted
  caption may carry (a stray RLO would mirror the rest of the line);
* caps the length, so a 1,000,000-character caption costs nothing;
* finds the base direction from the first strong character (Unicode rule P2);
* substitutes Eastern Arabic digits when asked (a character mapping, not shaping);
* wraps hashtags and mentions in first-strong isolates (FSI ... PDI) so that ``#MaskUp`` keeps
  its ``#`` on the left inside an Arabic sentence and ``#لاتنسواالكمامة`` keeps it on the right.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Direction = Literal["rtl", "ltr"]

# A caption is a few lines on a phone screen; anything longer is a mistake or an attack.
# It also bounds the render's cost: a caption with word highlighting is drawn again on every
# frame, and drawing time grows with the whole text, not just the lines that fit.
MAX_CAPTION_CHARS = 500

FSI = "\u2068"
PDI = "\u2069"
LRM = "\u200e"
RLM = "\u200f"

_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# Separators that mean "new line" in Unicode text become plain newlines.
_NEWLINE_RE = re.compile("\r\n|[\r\u2028\u2029\x85]")
_WORD_RE = re.compile(r"\S+")
# A hashtag or mention: the sign, then letters, digits, underscores, Arabic marks and
# joiners, and dots between them (``@user.name``). Punctuation after it (``)``, ``!``, the
# Arabic comma) belongs to the sentence, not the tag: inside the tag's left-to-right
# isolate a closing bracket would not mirror and a comma would land on the wrong side.
_TAG_RE = re.compile(
    r"[#@＃](?:[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u200C\u200D]"
    r"|\.(?=\w))+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_WESTERN_TO_EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class CleanText:
    """Caption text ready for layout, plus one-line notes on what cleaning changed."""

    text: str
    notes: tuple[str, ...] = ()


def clean_caption_text(text: str, *, max_chars: int = MAX_CAPTION_CHARS) -> CleanText:
    """Strip controls and bidi overrides, normalise newlines and cap the length (see module doc)."""
    notes: list[str] = []
    if len(text) > max_chars:
        notes.append(f"caption is {len(text)} characters long; cut to the first {max_chars}")
        text = text[:max_chars]
    text = _NEWLINE_RE.sub("\n", text)
    out: list[str] = []
    removed = 0
    for ch in text:
        cp = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif ch == "\n":
            out.append(ch)
        elif cp < 0x20 or 0x7F <= cp <= 0x9F or cp in _BIDI_CONTROLS:
            removed += 1
        else:
            out.append(ch)
    if removed:
        notes.append(f"removed {removed} control or bidi-override character(s) from the caption")
    cleaned = "\n".join(line.strip(" ") for line in "".join(out).split("\n"))
    return CleanText(cleaned.strip("\n"), tuple(notes))


def first_strong(text: str) -> Direction | None:
    """Direction of the first strong character (bidi class L, R or AL), or None if there is none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def text_direction(text: str) -> Direction | None:
    """A paragraph's own direction: its first strong character outside hashtags and mentions.

    Tags are laid out as isolates, which the bidi algorithm skips when it looks for a
    paragraph's direction, so ``#MaskUp لا تنسوا`` is an Arabic (right-to-left) paragraph that
    opens with a tag. A paragraph of tags alone takes its first tag's direction.
    """
    return first_strong(_TAG_RE.sub(" ", text)) or first_strong(text)


def base_direction(text: str, override: str = "auto", default: Direction = "ltr") -> Direction:
    """Paragraph direction: ``override`` if ``rtl``/``ltr``, else :func:`text_direction`'s."""
    if override == "rtl":
        return "rtl"
    if override == "ltr":
        return "ltr"
    return text_direction(text) or default


def eastern_digits(text: str) -> str:
    """Write 0-9 as Eastern Arabic digits ٠-٩, except inside words that contain Latin letters.

    ``#MaskUp2020`` and URLs keep their digits: mixing scripts inside one token reads badly.
    """

    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if _LATIN_RE.search(word) else word.translate(_WESTERN_TO_EASTERN)

    return _WORD_RE.sub(convert, text)


def split_words(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each word (a run of non-space characters) in logical order."""
    return [m.span() for m in _WORD_RE.finditer(text)]


def caption_words(text: str) -> list[str]:
    """The words of a caption after cleaning, in reading order (the numbering used everywhere)."""
    cleaned = clean_caption_text(text).text
    return [cleaned[s:e] for s, e in split_words(cleaned)]


def isolate_tags(paragraph: str) -> tuple[str, list[int]]:
    """Wrap hashtags and mentions in FSI ... PDI; return the new string and an offset map.

    ``mapping[i]`` is the index in the new string of character ``i`` of ``paragraph`` (one
    extra entry maps the end), so word offsets found on the clean text can be carried over.
    """
    out: list[str] = []
    mapping: list[int] = []
    pos = 0
    for m in _TAG_RE.finditer(paragraph):
        for ch in paragraph[pos : m.start()]:
            mapping.append(len(out))
            out.append(ch)
        out.append(FSI)
        for ch in m.group(0):
            mapping.append(len(out))
            out.append(ch)
        out.append(PDI)
        pos = m.end()
    for ch in paragraph[pos:]:
        mapping.append(len(out))
        out.append(ch)
    mapping.append(len(out))
    return "".join(out), mapping


def bidi_safe_line(line: str) -> str:
    """A subtitle line that players lay out correctly whatever base direction they assume.

    Right-to-left lines get an RLM at both ends, so trailing punctuation stays on the left
    (the end of an Arabic sentence) even in a player that assumes left-to-right. Each hashtag
    or mention gets a mark before its sign matching the tag's own direction, so ``#`` sticks
    to its word. Marks are used rather than isolates because older players ignore isolates.
    """
    if not line.strip():
        return line

    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        return (RLM if first_strong(tag) == "rtl" else LRM) + tag

    marked = _TAG_RE.sub(mark, line)
    if text_direction(line) == "rtl":
        marked = RLM + marked + RLM
    return marked


def strip_marks(text: str) -> str:
    """Remove LRM/RLM/ALM marks (e.g. the ones :func:`bidi_safe_line` adds) from text."""
    return text.replace(LRM, "").replace(RLM, "").replace("\u061c", "")


def letter_count(word: str) -> int:
    """Spoken weight of a word: characters less harakat and tatweel; at least 1."""
    n = sum(1 for ch in word if not unicodedata.combining(ch) and ch != "\u0640")
    return max(n, 1)
