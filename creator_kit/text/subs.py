"""Subtitle files: SRT, WebVTT and ASS in, checked, repaired and written back out.

Reading
    The bytes are decoded first (see :func:`decode_subtitle_bytes`): an explicit encoding
    wins; then a UTF-8/UTF-16/UTF-32 byte-order mark; then strict UTF-8; then UTF-16 without a
    mark (NUL bytes in every other position); then Windows-1256 (Arabic Windows) when the
    decoded text is mostly Arabic letters. Anything else raises :class:`InputError` asking
    for an encoding (``--encoding`` on the command line) rather than guessing wrong.
    ASS/SSA go through pysubs2 (with ``\\k`` karaoke timings kept as word timings). SRT and
    VTT are read by a small parser here, because pysubs2 reads a ``100:00:00,000`` stamp as
    zero hours and a validator must see such a stamp as it is. The last cue is kept when
    the file does not end in a blank line.

Limits (hostile or broken files finish within a second or are refused)
    files over :data:`MAX_SUBS_BYTES`, more than :data:`MAX_CUES` cues, binary data; a cue's
    text is cut to :data:`MAX_CUE_CHARS` characters with a note.

Validation (:func:`validate`)
    negative times, end before start, zero length, times after 24 h, empty text, cues out
    of order, and overlaps (a cue starting before an earlier one has ended).

Repair rule (:func:`fix`), applied in this order
    1. cues with no text are dropped;
    2. cues with a time after 24 h are dropped (no clip creator_kit makes is that long, and
       such a stamp is a typo whose intended time cannot be known);
    3. negative times are clamped to 0;
    4. a cue whose end is before its start has the two swapped (the text is kept);
    5. a cue of zero length gets 1 s (then trimmed by rule 7 if the next cue starts sooner);
    6. cues are sorted by start (then end), keeping file order for ties;
    7. a cue starting at the same time as the previous one is merged into it (texts joined by
       a newline, the later end kept); otherwise an overlapping cue's end is trimmed to the
       next cue's start.
    Word timings are clipped to their cue, and dropped from swapped or merged cues.
    ``validate(fix(cues))`` is always clean.

Writing
    SRT and VTT are written here, with right-to-left marks (RLM at both ends of each Arabic
    line, and a direction mark before each hashtag's sign) so that players that assume
    left-to-right still keep the punctuation and the ``#`` on the right side. ASS is written
    through pysubs2 with a style whose ``Encoding`` is ``-1``, which tells libass to take the
    base direction from the text (any other value means left-to-right), plus the same marks.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from creator_kit.core.atomic import atomic_write
from creator_kit.core.captions import CaptionStyle, Cue
from creator_kit.core.colour import parse_colour
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import read_file
from creator_kit.text.bidi import bidi_safe_line, strip_marks

SubsFormat = Literal["srt", "vtt", "ass", "ssa"]
ProblemKind = Literal[
    "negative", "inverted", "zero-length", "absurd", "empty", "order", "overlap", "encoding"
]

MAX_SUBS_BYTES = 10 * 1024 * 1024
MAX_CUES = 20_000
MAX_CUE_CHARS = 2_000
MAX_TIME = 86_400.0  # 24 h: later stamps are typos
MIN_FIX_DURATION = 1.0
_EXTENSIONS: dict[str, SubsFormat] = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}

_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


@dataclass(frozen=True)
class Subtitles:
    """A subtitle file as read: its cues (file order), format, encoding used and notes."""

    cues: tuple[Cue, ...]
    format: SubsFormat
    encoding: str
    notes: tuple[str, ...] = ()
    path: str | None = None


@dataclass(frozen=True)
class Problem:
    """One problem found by :func:`validate`; ``cue`` is the 1-based cue number (0: the file)."""

    cue: int
    kind: ProblemKind
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found; ``ok`` when there is nothing to report."""

    cue_count: int
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def lines(self) -> list[str]:
        """One human-readable line per problem."""
        return [f"cue {p.cue}: {p.message}" if p.cue else p.message for p in self.problems]

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data (for ``subs check --json``)."""
        return {
            "cues": self.cue_count,
            "ok": self.ok,
            "problems": [
                {"cue": p.cue, "kind": p.kind, "message": p.message} for p in self.problems
            ],
        }


# ---------------------------------------------------------------------------- decoding


def _arabic_share(text: str) -> float:
    """Share of Arabic letters among the non-ASCII letters of ``text`` (0 when there are none)."""
    letters = [ch for ch in text if ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LM"]
    if not letters:
        return 0.0
    arabic = sum(1 for ch in letters if any(a <= ord(ch) <= b for a, b in _ARABIC_BLOCKS))
    return arabic / len(letters)


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return "\x00" in text or controls > max(2, len(text) // 200)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit in every other position (text without a BOM)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def text_encoding(encoding: str, path: str | Path | None = None) -> str:
    """The codec name of ``encoding`` when it is a text encoding; :class:`InputError` if not.

    Python's codec registry also holds byte-to-byte transforms (``hex``, ``base64``,
    ``rot13``, ``zlib``...) that cannot decode a subtitle file into text: they are refused
    here, by name, like an unknown encoding.
    """
    shown = repr(encoding[:40])
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        raise InputError(f"unknown text encoding {shown}", path) from None
    # CodecInfo marks the bytes<->bytes and str<->str codecs as not text encodings.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_TEXT:
        raise InputError(f"{shown} is not a text encoding (use e.g. utf-8 or cp1256)", path)
    return info.name


# Registered as text encodings, yet unable to decode an arbitrary subtitle file.
_NOT_TEXT = frozenset({"undefined"})


def decode_subtitle_bytes(
    data: bytes, path: str | Path | None = None, encoding: str | None = None
) -> tuple[str, str]:
    """Decode a subtitle file's bytes; return (text, encoding used). See the module docstring."""
    if encoding:
        name = text_encoding(encoding, path)
        try:
            return data.decode(name).lstrip("\ufeff"), name
        except UnicodeDecodeError as exc:
            raise InputError(
                f"file is not valid {encoding} text (byte {exc.start})", path
            ) from None
        except (UnicodeError, ValueError):  # codecs such as idna or punycode raise these
            raise InputError(f"file is not valid {encoding} text", path) from None
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, name in boms:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise InputError(
                    f"file starts with a {name} byte-order mark but is not valid "
                    f"{name} text; give its encoding (--encoding)",
                    path,
                ) from None
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        if guess is not None:
            try:
                return data.decode(guess), guess
            except UnicodeDecodeError:
                pass
        raise InputError("file contains binary data, not subtitle text", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and _arabic_share(text) >= 0.6:
        return text, "cp1256"
    raise InputError(
        "cannot tell the text encoding (not UTF-8 or UTF-16, and not Arabic "
        "Windows-1256); give it with --encoding, e.g. --encoding cp1252",
        path,
    )


# ----------------------------------------------------------------------------- parsing


def detect_format(text: str, path: str | Path | None = None) -> SubsFormat:
    """The format from the file extension, else from the content; :class:`InputError` if neither."""
    if path is not None:
        ext = Path(path).suffix.lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    head = text.lstrip("\ufeff \r\n\t")[:2000]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.lower().startswith("[script info]"):
        return "ass"
    if re.search(r"\d+:\d{2}:\d{2}[,.]\d+\s*-->", head):
        return "srt"
    raise InputError("not a subtitle file in a known format (SRT, VTT or ASS)", path)


_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_STAMP = re.compile(r"^(-)?(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_ASS_IN_SRT = re.compile(r"\{\\[^{}]*\}")
_VTT_TS = re.compile(r"<\d+:[\d:.]+>")


def _stamp(value: str) -> float | None:
    m = _STAMP.match(value.strip())
    if not m:
        return None
    sign, h, mnt, sec, frac = m.groups()
    seconds = (
        int(h or 0) * 3600
        + int(mnt) * 60
        + int(sec)
        + (int(frac.ljust(3, "0")) / 1000.0 if frac else 0.0)
    )
    return -seconds if sign else seconds


def _clip_text(text: str, where: str, notes: list[str]) -> str:
    if len(text) > MAX_CUE_CHARS:
        notes.append(f"{where}: text is {len(text)} characters long; cut to {MAX_CUE_CHARS}")
        return text[:MAX_CUE_CHARS]
    return text


def _parse_srt_vtt(
    text: str, fmt: SubsFormat, path: str | Path | None, notes: list[str]
) -> list[Cue]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[Cue] = []
    i, n = 0, len(lines)
    while i < n:
        m = _TIMING.match(lines[i]) if "-->" in lines[i] else None
        if m is None:
            i += 1
            continue
        start, end = _stamp(m.group(1)), _stamp(m.group(2))
        line_no = i + 1
        i += 1
        body: list[str] = []
        while i < n and lines[i].strip():
            # A bare number followed by a timing line is the next cue's index (no blank line).
            if "-->" in lines[i] and _TIMING.match(lines[i]):
                break
            if lines[i].strip().isdigit() and i + 1 < n and "-->" in lines[i + 1]:
                break
            body.append(lines[i])
            i += 1
        if start is None or end is None:
            notes.append(
                f"line {line_no}: cannot read the time {lines[line_no - 1].strip()[:60]!r};"
                " cue skipped"
            )
            continue
        raw = "\n".join(body)
        raw = _ASS_IN_SRT.sub("", _HTML_TAG.sub("", raw))
        if fmt == "vtt":
            raw = html.unescape(_VTT_TS.sub("", raw))
        cue_text = _clip_text(raw.strip(), f"cue {len(cues) + 1}", notes)
        cues.append(Cue(start=start, end=end, text=cue_text))
        if len(cues) > MAX_CUES:
            raise InputError(f"has more than {MAX_CUES} cues; split the file", path)
    return cues


_ASS_BLOCK = re.compile(r"\{([^}]*)\}")
_KARAOKE = re.compile(r"\\(?:kf|ko|k|K)(\d+(?:\.\d+)?)")
_DRAWING = re.compile(r"\\p(\d+)")


def _ass_plain(chunk: str) -> str:
    # \N is a hard line break; \n a soft one (a space unless WrapStyle 2); \h a hard space.
    return chunk.replace("\\N", "\n").replace("\\n", " ").replace("\\h", "\u00a0")


def _ass_text(raw: str, start: float) -> tuple[str, list[tuple[float, float, str]] | None]:
    """Plain text of an ASS event (tags and drawings removed) and its karaoke syllables."""
    pieces: list[str] = []
    syllables: list[tuple[float, float, str]] = []
    karaoke = False
    drawing = False
    k_start, k_dur = start, 0.0
    current: list[str] = []

    def flush() -> None:
        if current or k_dur:
            syllables.append((k_start, k_start + k_dur, "".join(current)))
        current.clear()

    pos = 0
    for m in _ASS_BLOCK.finditer(raw):
        chunk = raw[pos : m.start()]
        if chunk and not drawing:
            plain = _ass_plain(chunk)
            pieces.append(plain)
            current.append(plain)
        tags = m.group(1)
        for d in _DRAWING.finditer(tags):
            drawing = int(d.group(1)) > 0
        for k in _KARAOKE.finditer(tags):
            flush()
            karaoke = True
            k_start += k_dur
            k_dur = float(k.group(1)) / 100.0
        pos = m.end()
    tail = raw[pos:]
    if tail and not drawing:
        plain = _ass_plain(tail)
        pieces.append(plain)
        current.append(plain)
    flush()
    text = "".join(pieces)
    return text, (syllables if karaoke else None)


def _parse_ass(text: str, path: str | Path | None, notes: list[str]) -> list[Cue]:
    import pysubs2

    try:
        # pysubs2 reports fields it could not read with warnings.warn, which Python prints on
        # stderr around our own messages; they become notes of the file like ours.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            doc = pysubs2.SSAFile.from_string(text, format_="ass")
    except Exception as exc:  # pysubs2 raises assorted errors on malformed files
        raise InputError(
            f"not a readable ASS/SSA file ({type(exc).__name__}: {exc})"[:300], path
        ) from None
    for message in dict.fromkeys(str(w.message) for w in caught):
        notes.append(f"ASS file: {message[:200]}")
    cues: list[Cue] = []
    for event in doc.events:
        if event.is_comment:
            continue
        start, end = event.start / 1000.0, event.end / 1000.0
        raw = event.text[: MAX_CUE_CHARS * 20]  # bound the work on a monstrous event
        body, syllables = _ass_text(raw, start)
        where = f"cue {len(cues) + 1}"
        body = body.strip()
        clipped = _clip_text(body, where, notes)
        words = None
        if syllables and clipped == body and len(syllables) <= 2_000:
            words = tuple(syllables)
        cues.append(Cue(start=start, end=end, text=clipped, words=words))
        if len(cues) > MAX_CUES:
            raise InputError(f"has more than {MAX_CUES} cues; split the file", path)
    return cues


def parse_subs(
    text: str, fmt: SubsFormat, path: str | Path | None = None
) -> tuple[list[Cue], list[str]]:
    """Cues (file order) and notes from decoded subtitle text in format ``fmt``."""
    notes: list[str] = []
    if fmt in ("ass", "ssa"):
        cues = _parse_ass(text, path, notes)
    else:
        cues = _parse_srt_vtt(text, fmt, path, notes)
    if not cues:
        raise InputError(f"no subtitles found in this {fmt.upper()} file", path)
    return cues, notes


def load_subs(path: str | Path, encoding: str | None = None) -> Subtitles:
    """Read an SRT, VTT or ASS file; :class:`InputError` naming the file when it cannot be used."""
    p = Path(path)
    data = read_file(p, "subtitle file", MAX_SUBS_BYTES)
    if not data:
        raise InputError("subtitle file is empty", p)
    text, used = decode_subtitle_bytes(data, p, encoding)
    if _looks_binary(text[:200_000]):
        raise InputError("file contains binary data, not subtitle text", p)
    fmt = detect_format(text, p)
    cues, notes = parse_subs(text, fmt, p)
    if "\ufffd" in text:
        notes.append(
            "the text contains replacement characters (\ufffd): it was saved with a broken encoding"
        )
    return Subtitles(tuple(cues), fmt, used, tuple(notes), str(p))


# -------------------------------------------------------------------------- validation


def fmt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm`` (with a sign when negative) for messages."""
    sign = "-" if seconds < 0 else ""
    ms = round(abs(seconds) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def validate(cues: Sequence[Cue]) -> ValidationReport:
    """Report negative, inverted, zero-length, absurd (> 24 h), empty, unordered, overlapping cues.

    Cue numbers in the report are 1-based positions in ``cues``.
    """
    problems: list[Problem] = []
    for i, cue in enumerate(cues, 1):
        if cue.start < 0 or cue.end < 0:
            problems.append(
                Problem(
                    i, "negative", f"negative time ({fmt_time(cue.start)} --> {fmt_time(cue.end)})"
                )
            )
        if cue.start > MAX_TIME or cue.end > MAX_TIME:
            problems.append(
                Problem(
                    i,
                    "absurd",
                    f"time after 24 hours ({fmt_time(cue.start)} --> {fmt_time(cue.end)})",
                )
            )
        if cue.end < cue.start:
            problems.append(
                Problem(
                    i,
                    "inverted",
                    f"ends ({fmt_time(cue.end)}) before it starts ({fmt_time(cue.start)})",
                )
            )
        elif cue.end == cue.start:
            problems.append(Problem(i, "zero-length", f"starts and ends at {fmt_time(cue.start)}"))
        if not cue.text.strip():
            problems.append(Problem(i, "empty", "has no text"))
        if i > 1 and cue.start < cues[i - 2].start:
            problems.append(
                Problem(
                    i,
                    "order",
                    f"starts ({fmt_time(cue.start)}) before the "
                    f"previous cue ({fmt_time(cues[i - 2].start)})",
                )
            )
    # Overlaps, in time order, against the cue that ends last so far.
    timed = sorted((c.start, c.end, i) for i, c in enumerate(cues, 1) if c.end > c.start)
    latest: tuple[float, int] | None = None
    for start, end, i in timed:
        if latest is not None and start < latest[0]:
            problems.append(
                Problem(
                    i,
                    "overlap",
                    f"starts at {fmt_time(start)}, before cue "
                    f"{latest[1]} ends ({fmt_time(latest[0])})",
                )
            )
        if latest is None or end > latest[0]:
            latest = (end, i)
    problems.sort(key=lambda p: p.cue)
    return ValidationReport(len(cues), tuple(problems))


def fix(cues: Iterable[Cue]) -> tuple[Cue, ...]:
    """Repair cues by the documented rule (module docstring); the result validates clean."""
    return fix_with_notes(cues)[0]


def fix_with_notes(cues: Iterable[Cue]) -> tuple[tuple[Cue, ...], list[str]]:
    """:func:`fix`, also returning one line per change made."""
    notes: list[str] = []
    staged: list[tuple[int, Cue, bool]] = []  # (file number, cue, words still trustworthy)
    for i, cue in enumerate(cues, 1):
        if not cue.text.strip():
            notes.append(f"cue {i}: dropped (no text)")
            continue
        if cue.start > MAX_TIME or cue.end > MAX_TIME:
            notes.append(f"cue {i}: dropped (time after 24 hours)")
            continue
        start, end, keep_words = cue.start, cue.end, True
        if start < 0 or end < 0:
            notes.append(f"cue {i}: negative time clamped to 0")
            start, end = max(start, 0.0), max(end, 0.0)
        if end < start:
            notes.append(f"cue {i}: start and end swapped")
            start, end, keep_words = end, start, False
        if end == start:
            notes.append(f"cue {i}: zero length; lengthened to {MIN_FIX_DURATION:g} s")
            end = start + MIN_FIX_DURATION
        staged.append((i, replace(cue, start=start, end=end), keep_words))
    staged.sort(key=lambda item: (item[1].start, item[1].end, item[0]))
    out: list[tuple[int, Cue, bool]] = []
    for i, cue, keep in staged:
        if out and cue.start <= out[-1][1].start:
            j, prev, _ = out[-1]
            notes.append(f"cue {i}: starts with cue {j}; merged into it")
            out[-1] = (
                j,
                replace(prev, end=max(prev.end, cue.end), text=prev.text + "\n" + cue.text),
                False,
            )
            continue
        if out and cue.start < out[-1][1].end:
            j, prev, pkeep = out[-1]
            notes.append(
                f"cue {j}: end trimmed from {fmt_time(prev.end)} to {fmt_time(cue.start)}"
                f" (overlapped cue {i})"
            )
            out[-1] = (j, replace(prev, end=cue.start), pkeep)
        out.append((i, cue, keep))
    fixed = tuple(_clip_words(cue, keep) for _, cue, keep in out)
    return fixed, notes


def _clip_words(cue: Cue, keep: bool) -> Cue:
    if cue.words is None:
        return cue
    if not keep:
        return replace(cue, words=None)
    words = tuple(
        (min(max(s, cue.start), cue.end), min(max(e, cue.start), cue.end), t)
        for s, e, t in cue.words
    )
    return cue if words == cue.words else replace(cue, words=words)


# ----------------------------------------------------------------------------- writing


def _srt_time(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _safe_lines(text: str) -> list[str]:
    return [bidi_safe_line(strip_marks(line)) for line in text.split("\n") if line.strip()]


def dumps_srt(cues: Sequence[Cue]) -> str:
    """SRT text for ``cues`` (with bidi marks; see the module docstring)."""
    blocks = []
    for n, cue in enumerate(cues, 1):
        lines = _safe_lines(cue.text)
        blocks.append(
            f"{n}\n{_srt_time(cue.start, ',')} --> {_srt_time(cue.end, ',')}\n"
            + "\n".join(lines)
            + "\n"
        )
    return "\n".join(blocks)


def dumps_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text for ``cues`` (with bidi marks; ``&``, ``<`` and ``>`` escaped)."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        lines = [html.escape(line, quote=False) for line in _safe_lines(cue.text)]
        blocks.append(
            f"{_srt_time(cue.start, '.')} --> {_srt_time(cue.end, '.')}\n" + "\n".join(lines) + "\n"
        )
    return "\n".join(blocks)


def _ass_colour(value: str) -> Any:
    import pysubs2

    r, g, b, a = parse_colour(value)
    return pysubs2.Color(r, g, b, 255 - a)  # ASS alpha counts transparency


def _ass_escape(text: str) -> str:
    # "{" opens an override block and "\" starts a tag in ASS; show look-alikes instead.
    return text.replace("\\", "\uff3c").replace("{", "\uff5b").replace("}", "\uff5d")


class _AssFonts:
    """Font sizes for libass, and ``\\fn`` runs for characters the main family lacks.

    libass sizes every font by its own Windows ascent+descent, so a Latin run falling back
    from Noto Sans Arabic would be drawn far larger than the Arabic around it; such runs are
    given their partner family (Noto Sans) explicitly, each at a size that matches our engine.
    """

    def __init__(self, style: CaptionStyle) -> None:
        from creator_kit.text import fonts

        self.family = style.font_family
        self.size = max(1, round(style.size_px * fonts.ass_size_ratio(self.family)))
        partners = fonts.PARTNERS.get(self.family, ())
        self.partner = partners[0] if partners else None
        self.partner_size = (
            max(1, round(style.size_px * fonts.ass_size_ratio(self.partner)))
            if self.partner
            else self.size
        )
        self._missing = fonts.missing_glyphs

    def tag(self, text: str) -> str:
        """``text`` with font switches around runs the main family cannot draw."""
        if self.partner is None or not text:
            return text
        lacking = set(self._missing(text, self.family))
        if not lacking:
            return text
        out: list[str] = []
        in_partner = False
        for ch in text:
            if ch.strip() and unicodedata.category(ch) != "Cf":
                want = ch in lacking
                if want != in_partner:
                    fam, size = (
                        (self.partner, self.partner_size) if want else (self.family, self.size)
                    )
                    out.append(f"{{\\fn{fam}\\fs{size}}}")
                    in_partner = want
            out.append(ch)
        if in_partner:
            out.append(f"{{\\fn{self.family}\\fs{self.size}}}")
        return "".join(out)


def dumps_ass(
    cues: Sequence[Cue],
    style: CaptionStyle | None = None,
    canvas: tuple[int, int] = (1080, 1920),
    margins: tuple[int, int, int] | None = None,
) -> str:
    """ASS text for ``cues``: one style from ``style`` (default ``bold-box`` look), ``Encoding -1``.

    ``margins`` is (left, right, vertical) in canvas pixels; by default 6 % of the width at the
    sides and 22 % of the height at the bottom, clear of the apps' interface.
    """
    import pysubs2

    st = style or CaptionStyle()
    cw, ch = canvas
    ml, mr, mv = margins or (round(cw * 0.06), round(cw * 0.06), round(ch * 0.22))
    fonts = _AssFonts(st)
    doc = pysubs2.SSAFile()
    doc.info["PlayResX"] = str(cw)
    doc.info["PlayResY"] = str(ch)
    doc.info["WrapStyle"] = "0"
    ass_style = pysubs2.SSAStyle(
        fontname=st.font_family,
        fontsize=float(fonts.size),
        # Karaoke: unsung syllables use the secondary colour, sung ones the primary.
        primarycolor=_ass_colour(st.highlight_colour)
        if any(c.words for c in cues)
        else _ass_colour(st.fill),
        secondarycolor=_ass_colour(st.fill),
        outlinecolor=_ass_colour(st.box.colour if st.box else st.outline_colour),
        backcolor=_ass_colour(st.shadow.colour if st.shadow else "#00000080"),
        bold=st.weight >= 600,
        borderstyle=3 if st.box else 1,
        outline=float(st.box.padding / 2 if st.box else st.outline_width),
        shadow=float(abs(st.shadow.offset_y) if st.shadow else 0.0),
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=ml,
        marginr=mr,
        marginv=mv,
        encoding=-1,  # libass: base direction from the text (right-to-left for Arabic)
    )
    doc.styles["Default"] = ass_style
    for cue in cues:
        if cue.words:
            parts = []
            for s, e, syl in cue.words:
                cs = max(0, round((e - s) * 100))
                syl_text = fonts.tag(_ass_escape(strip_marks(syl)))
                parts.append(f"{{\\k{cs}}}" + syl_text.replace("\n", "\\N"))
            body = "".join(parts)
        else:
            body = "\\N".join(fonts.tag(_ass_escape(line)) for line in _safe_lines(cue.text))
        doc.append(
            pysubs2.SSAEvent(
                start=round(cue.start * 1000), end=round(cue.end * 1000), text=body, style="Default"
            )
        )
    return str(doc.to_string("ass"))


def dumps_subs(
    cues: Sequence[Cue],
    fmt: SubsFormat,
    *,
    style: CaptionStyle | None = None,
    canvas: tuple[int, int] = (1080, 1920),
) -> str:
    """Subtitle text in ``fmt`` (``srt``, ``vtt``, ``ass`` or ``ssa``-as-ASS)."""
    if fmt == "srt":
        return dumps_srt(cues)
    if fmt == "vtt":
        return dumps_vtt(cues)
    return dumps_ass(cues, style, canvas)


def save_subs(
    cues: Sequence[Cue],
    path: str | Path,
    fmt: SubsFormat | None = None,
    *,
    style: CaptionStyle | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``cues`` to ``path`` as UTF-8 (format from ``fmt`` or the extension), atomically.

    An existing file is kept unless ``overwrite``; the new file is written beside it and moved
    into place, so a failure never leaves half a file, and a symlink at ``path`` is replaced
    rather than followed.
    """
    p = Path(path)
    kind = fmt or _EXTENSIONS.get(p.suffix.lower())
    if kind is None:
        raise InputError("unknown subtitle format; use a .srt, .vtt or .ass name", p)
    if (p.exists() or p.is_symlink()) and not overwrite:
        raise OutputError("already exists; pass --overwrite to replace it", p, key="output-exists")
    text = dumps_subs(cues, kind, style=style)
    atomic_write(p, text, what="subtitle file", overwrite=overwrite)
    return p
