"""Caption layout and rasterising: one engine for preview frames and exported clips.

:func:`render_caption` turns caption text and a :class:`~creator_kit.core.captions.CaptionStyle`
into an RGBA image (numpy, straight alpha) with the boxes of its words, using Qt's text stack
only: ``QTextLayout`` shapes with HarfBuzz and reorders each line with the Unicode bidi
algorithm, ``QPainter`` draws onto a ``QImage``. Text is never pre-shaped or pre-reordered;
:mod:`creator_kit.text.bidi` only cleans it and isolates hashtags.

Layout rules:

* each paragraph (text between newlines) takes its base direction from its first strong
  character unless the style overrides it; a paragraph with none follows the caption's;
* lines wrap at word boundaries (inside a word only when one word is wider than the line) at
  ``max_width_px * style.max_width`` less the box padding, in logical order, and Qt reorders
  each line on its own;
* every line gets the same ascent and descent (the tallest ink of any line, within sensible
  bounds), so per-line boxes match and stacked harakat are never clipped.

Each distinct (text, style, width, highlighted word) image is drawn once and kept in a
byte-bounded LRU cache (:func:`cache_info`, :func:`clear_cache`). The returned arrays are
read-only because they are shared.

Threads: call :func:`creator_kit.text.fonts.ensure_fonts` once on the main thread at start-up
(the CLI and GUI do); after that :func:`render_caption` may be called from any thread. Two
threads asking for the same uncached caption at once may both draw it; the result is the same.
"""

from __future__ import annotations

import logging
import math
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGlyphRun,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QTextLayout,
    QTextLine,
    QTextOption,
)

from creator_kit.core.captions import CaptionStyle, Shadow
from creator_kit.core.colour import parse_colour
from creator_kit.core.errors import InputError
from creator_kit.text.bidi import (
    Direction,
    base_direction,
    clean_caption_text,
    eastern_digits,
    isolate_tags,
    split_words,
    text_direction,
)
from creator_kit.text.fonts import (
    DEFAULT_FAMILY,
    FALLBACK_CHAIN,
    PARTNERS,
    describe_chars,
    ensure_fonts,
    font_chain,
    has_family,
    is_symbol,
    load_font_file,
    missing_glyphs,
)
from creator_kit.text.qtapp import keep_none_alive

log = logging.getLogger(__name__)

MAX_LINES = 40
MIN_WIDTH_PX = 16
MAX_WIDTH_PX = 16_384
# Vertical metrics as fractions of the font size: the bounds within which every line's
# ascent/descent is chosen from the actual ink (Noto Sans Arabic's own metrics are ~2.1 em
# tall, which would leave half-empty boxes).
_ASCENT_RANGE = (0.80, 1.60)
_DESCENT_RANGE = (0.25, 0.90)
_LINE_GAP = 0.18
DEFAULT_CACHE_BYTES = 192 * 1024 * 1024


@dataclass(frozen=True)
class WordBox:
    """Where word ``index`` (reading order) was drawn: a rectangle in image pixels."""

    index: int
    text: str
    line: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, eq=False)
class CaptionImage:
    """A drawn caption.

    ``rgba`` is an ``(h, w, 4)`` uint8 array with straight (not premultiplied) alpha, read-only.
    ``words[i]`` is the box of word ``i`` in reading (logical) order; :meth:`visual_words`
    lists them left to right, line by line. ``content`` is the visible block (its box, or the
    text with its outline) as ``(x, y, w, h)`` inside the image: place captions by it, since
    the image also has room for shadows. ``text`` is the caption after cleaning, and
    ``warnings`` says what was changed or could not be drawn.
    """

    rgba: np.ndarray[Any, np.dtype[np.uint8]]
    words: tuple[WordBox, ...]
    lines: tuple[str, ...]
    directions: tuple[Direction, ...]
    content: tuple[float, float, float, float]
    text: str
    warnings: tuple[str, ...]

    @property
    def width(self) -> int:
        """Image width in pixels."""
        return int(self.rgba.shape[1])

    @property
    def height(self) -> int:
        """Image height in pixels."""
        return int(self.rgba.shape[0])

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw (empty or all-space caption)."""
        return not self.lines

    @property
    def direction(self) -> Direction:
        """Base direction of the first line (``ltr`` for an empty caption)."""
        return self.directions[0] if self.directions else "ltr"

    def visual_words(self) -> tuple[WordBox, ...]:
        """The word boxes in visual order: by line, then left to right."""
        return tuple(sorted(self.words, key=lambda b: (b.line, b.x)))

    @property
    def nbytes(self) -> int:
        """Memory held by the pixels."""
        return int(self.rgba.nbytes)


# ---------------------------------------------------------------------------------- cache


class _LRU:
    """A thread-safe LRU of caption images bounded by the bytes of their pixels."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, CaptionImage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CaptionImage | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: Hashable, item: CaptionImage) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = item
            self._bytes += item.nbytes
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._bytes -= old.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def info(self) -> dict[str, int]:
        with self._lock:
            return {
                "items": len(self._items),
                "bytes": self._bytes,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
            }


_cache = _LRU(DEFAULT_CACHE_BYTES)
_logged: set[str] = set()
_logged_lock = threading.Lock()


def cache_info() -> dict[str, int]:
    """Cache statistics: items, bytes, max_bytes, hits, misses."""
    return _cache.info()


def clear_cache() -> None:
    """Forget every cached caption image (and reset the statistics)."""
    _cache.clear()


def set_cache_limit(max_bytes: int) -> None:
    """Bound the cache to ``max_bytes`` of pixels (older images are dropped first)."""
    _cache.max_bytes = max(0, int(max_bytes))


def _warn_once(message: str) -> None:
    with _logged_lock:
        if message in _logged:
            return
        _logged.add(message)
    log.warning("%s", message)


# --------------------------------------------------------------------------------- public


def render_caption(
    text: str,
    style: CaptionStyle,
    max_width_px: float,
    *,
    highlight_word: int | None = None,
) -> CaptionImage:
    """Draw ``text`` in ``style``, wrapping within ``max_width_px * style.max_width`` pixels.

    ``highlight_word`` is the index (reading order, as in ``CaptionImage.words``) of a word to
    draw in ``style.highlight_colour``; out of range means no highlight. Problems with the
    text or fonts never raise: they are fixed or worked around and listed in ``warnings``
    (also logged once each). Results are cached; see the module docstring about threads.
    """
    if not isinstance(text, str):
        raise TypeError("caption text must be a str")
    width = int(min(max(float(max_width_px), MIN_WIDTH_PX), MAX_WIDTH_PX))
    key = (text, style, width, highlight_word)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    image = _render(text, style, width, highlight_word)
    keep_none_alive()
    for message in image.warnings:
        _warn_once(message)
    _cache.put(key, image)
    return image


def caption_size(text: str, style: CaptionStyle, max_width_px: float) -> tuple[int, int]:
    """(width, height) of the image :func:`render_caption` returns (drawn and cached)."""
    img = render_caption(text, style, max_width_px)
    return img.width, img.height


# ------------------------------------------------------------------------------- drawing


@dataclass
class _Line:
    layout: QTextLayout
    line: QTextLine
    para: int
    direction: Direction
    cp_map: list[int]  # paragraph code point -> code point of the layout string (+ end)
    u16: list[int]  # layout string code point -> UTF-16 offset, as Qt counts (+ end)
    para_offset: int  # offset of the paragraph in the clean text
    text: str

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The part of clean-text range [start, end) that lies on this line, in Qt's offsets."""
        ps, pe = start - self.para_offset, end - self.para_offset
        if ps < 0 or pe > len(self.cp_map) - 1 or pe <= ps:
            return None
        s, e = self.u16[self.cp_map[ps]], self.u16[self.cp_map[pe - 1] + 1]
        line_start = self.line.textStart()
        s, e = max(s, line_start), min(e, line_start + self.line.textLength())
        return (s, e) if s < e else None


def _qcolour(value: str, opacity: float = 1.0) -> QColor:
    r, g, b, a = parse_colour(value)
    return QColor(r, g, b, round(a * max(0.0, min(1.0, opacity))))


def _resolve_family(style: CaptionStyle, warnings: list[str]) -> str:
    family = style.font_family
    if style.font_file:
        try:
            return load_font_file(style.font_file)
        except InputError as exc:
            warnings.append(f"{exc.message}; using font {family!r} instead")
    if not has_family(family):
        # The default, else any bundled family that loaded, else Qt's own default font.
        options = (DEFAULT_FAMILY, "Lemonada", *FALLBACK_CHAIN)
        substitute = next((f for f in options if has_family(f)), None)
        if substitute is None:
            warnings.append(
                f"font {family!r} is not available and no bundled font loaded; "
                "using the system's default font"
            )
            return family
        warnings.append(f"font {family!r} is not available; using {substitute!r}")
        family = substitute
    return family


def _check_glyphs(text: str, family: str, warnings: list[str]) -> None:
    chosen = (family, *PARTNERS.get(family, ()))
    lacking = set(missing_glyphs(text, chosen[0]))
    for partner in chosen[1:]:
        lacking &= set(missing_glyphs(text, partner))
    nowhere = missing_glyphs(text, family, with_fallbacks=True)
    fallback = [
        c for c in dict.fromkeys(text) if c in lacking and c not in nowhere and not is_symbol(c)
    ]
    if fallback:
        warnings.append(
            f"font {family!r} has no glyph for {describe_chars(fallback)}; "
            "drawn with a fallback font"
        )
    if nowhere:
        warnings.append(
            f"no available font can draw {describe_chars(nowhere)}; left blank in the caption"
        )


def _make_font(style: CaptionStyle, family: str) -> QFont:
    font = QFont()
    font.setFamilies(list(font_chain(family)) or [family])
    font.setPixelSize(max(1, round(style.size_px)))
    font.setWeight(QFont.Weight(int(style.weight)))
    font.setKerning(True)
    # Same outlines on every platform: no hinting, always antialiased.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def _alignment(align: str, direction: Direction) -> Qt.AlignmentFlag:
    if align == "center":
        return Qt.AlignmentFlag.AlignHCenter
    if align == "start":
        align = "right" if direction == "rtl" else "left"
    elif align == "end":
        align = "left" if direction == "rtl" else "right"
    flag = Qt.AlignmentFlag.AlignRight if align == "right" else Qt.AlignmentFlag.AlignLeft
    return flag | Qt.AlignmentFlag.AlignAbsolute


def _layout_lines(
    text: str, style: CaptionStyle, font: QFont, wrap: float, warnings: list[str]
) -> list[_Line]:
    caption_dir = base_direction(text, style.direction, default="ltr")
    lines: list[_Line] = []
    offset = 0
    for p_index, para in enumerate(text.split("\n")):
        direction = base_direction(para, style.direction, default=caption_dir)
        layout_text, cp_map = isolate_tags(para)
        # Qt counts UTF-16 code units (an emoji is two); Python counts code points.
        u16 = _utf16_offsets(layout_text)
        layout = QTextLayout(layout_text, font)
        option = QTextOption()
        option.setTextDirection(
            Qt.LayoutDirection.RightToLeft if direction == "rtl" else Qt.LayoutDirection.LeftToRight
        )
        option.setAlignment(_alignment(style.align, direction))
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.setCacheEnabled(True)
        layout.beginLayout()
        while len(lines) < MAX_LINES:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(wrap)
            start, length = line.textStart(), line.textLength()
            cp_start, cp_end = bisect_left(u16, start), bisect_left(u16, start + length)
            lines.append(
                _Line(
                    layout,
                    line,
                    p_index,
                    direction,
                    cp_map,
                    u16,
                    offset,
                    layout_text[cp_start:cp_end],
                )
            )
        else:
            if layout.createLine().isValid() or p_index < text.count("\n"):
                warnings.append(
                    f"caption needs more than {MAX_LINES} lines at this width; the rest is left out"
                )
        layout.endLayout()
        offset += len(para) + 1
        if len(lines) >= MAX_LINES:
            break
    return lines


def _utf16_offsets(text: str) -> list[int]:
    """``out[i]`` is the UTF-16 offset of code point ``i`` (one extra entry for the end)."""
    out = [0] * (len(text) + 1)
    n = 0
    for i, ch in enumerate(text):
        out[i] = n
        n += 2 if ord(ch) > 0xFFFF else 1
    out[len(text)] = n
    return out


def _visible_runs(runs: list[QGlyphRun]) -> list[QGlyphRun]:
    """Glyph runs without glyph 0 (.notdef), so a character no font has is never a box."""
    out = []
    for run in runs:
        indexes = run.glyphIndexes()
        if 0 in indexes:
            positions = run.positions()
            keep = [i for i, g in enumerate(indexes) if g != 0]
            if not keep:
                continue
            run = QGlyphRun(run)
            run.setGlyphIndexes([indexes[i] for i in keep])
            run.setPositions([positions[i] for i in keep])
        out.append(run)
    return out


def _line_runs(entry: _Line, start: int = -1, length: int = -1) -> list[QGlyphRun]:
    return _visible_runs(list(entry.line.glyphRuns(start, length)))


def _glyph_ink(runs: list[QGlyphRun]) -> QRectF:
    """Ink bounds of the glyphs of ``runs``.

    Bounding boxes only: glyph outlines are never asked for, because asking Qt for the path
    of a colour bitmap glyph (emoji) corrupts that font engine's metrics and the emoji then
    draws as nothing; outlines and shadows are grown from the rasterised glyphs instead.
    """
    ink = QRectF()
    for run in runs:
        raw = run.rawFont()
        for index, pos in zip(run.glyphIndexes(), run.positions(), strict=False):
            box = raw.boundingRect(index).translated(pos)
            if box.width() > 0 and box.height() > 0:
                ink = ink.united(box)
    return ink


def _render(text: str, style: CaptionStyle, width: int, highlight_word: int | None) -> CaptionImage:
    ensure_fonts()
    warnings: list[str] = []
    clean = clean_caption_text(text)
    warnings.extend(clean.notes)
    body = eastern_digits(clean.text) if style.eastern_digits else clean.text
    if not body.strip():
        return _empty(body, warnings)

    family = _resolve_family(style, warnings)
    _check_glyphs(body, family, warnings)
    font = _make_font(style, family)
    size = float(style.size_px)
    pad = style.box.padding if style.box is not None else 0.0
    outline = float(style.outline_width)
    wrap = max(width * style.max_width - 2 * pad - 2 * outline, size)
    lines = _layout_lines(body, style, font, wrap, warnings)

    # Measure the ink of every line relative to its baseline; choose shared vertical metrics.
    ascent, descent = size * _ASCENT_RANGE[0], size * _DESCENT_RANGE[0]
    for entry in lines:
        entry.line.setPosition(QPointF(0.0, 0.0))
        ink = _glyph_ink(_line_runs(entry))
        if not ink.isNull():
            base = entry.line.ascent()
            ascent = max(ascent, base - ink.top())
            descent = max(descent, ink.bottom() - base)
    ascent = min(ascent, size * _ASCENT_RANGE[1])
    descent = min(descent, size * _DESCENT_RANGE[1])
    pitch = (ascent + descent + size * _LINE_GAP) * style.line_spacing
    for i, entry in enumerate(lines):
        baseline = ascent + i * pitch
        entry.line.setPosition(QPointF(0.0, baseline - entry.line.ascent()))

    # Line boxes (text area) and the union of all ink.
    line_rects: list[QRectF] = []
    ink_all = QRectF()
    for i, entry in enumerate(lines):
        natural = entry.line.naturalTextRect()
        top = ascent + i * pitch - ascent
        line_rects.append(QRectF(natural.x(), top, natural.width(), ascent + descent))
        ink = _glyph_ink(_line_runs(entry))
        if not ink.isNull():
            ink_all = ink_all.united(ink)
    text_rect = QRectF()
    for r in line_rects:
        if r.width() > 0:
            text_rect = text_rect.united(r)
    if text_rect.isNull():
        text_rect = QRectF(0, 0, 1, ascent + descent)

    # The visible block, then room for outline and shadow around everything drawn.
    if style.box is not None:
        content = text_rect.adjusted(-pad, -pad, pad, pad)
        if style.box.mode == "lines":
            content = QRectF()
            for r in line_rects:
                if r.width() > 0:
                    content = content.united(r.adjusted(-pad, -pad, pad, pad))
    else:
        content = text_rect.united(ink_all).adjusted(-outline, -outline, outline, outline)
    drawn = content.united(ink_all.adjusted(-outline, -outline, outline, outline))
    if style.shadow is not None:
        spread = 2.0 * style.shadow.blur + 1.0
        shadow_rect = (
            ink_all.adjusted(-outline, -outline, outline, outline)
            .translated(style.shadow.offset_x, style.shadow.offset_y)
            .adjusted(-spread, -spread, spread, spread)
        )
        drawn = drawn.united(shadow_rect)
    left, top = math.floor(drawn.left()) - 2, math.floor(drawn.top()) - 2
    img_w = max(1, math.ceil(drawn.right()) + 2 - left)
    img_h = max(1, math.ceil(drawn.bottom()) + 2 - top)
    shift = QPointF(-left, -top)

    words = _word_boxes(body, lines, shift, ascent, descent, pitch)
    highlight = (
        words[highlight_word]
        if (highlight_word is not None and 0 <= highlight_word < len(words))
        else None
    )

    image = QImage(img_w, img_h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        painter.translate(shift)
        if style.box is not None:
            _draw_box(painter, style, line_rects, text_rect)
        if highlight is not None and style.highlight_mode == "box":
            _draw_word_box(painter, style, highlight, shift, size)
        if style.shadow is not None or outline > 0:
            grown = _grown_coverage((text, style, width), img_w, img_h, shift, lines, outline)
            if style.shadow is not None:
                _draw_shadow(painter, grown, style.shadow)
            if outline > 0:
                _draw_layer(painter, grown, style.outline_colour)
        _draw_fill(painter, style, lines, body, highlight)
    finally:
        painter.end()

    content_t = (
        content.x() + shift.x(),
        content.y() + shift.y(),
        content.width(),
        content.height(),
    )
    return CaptionImage(
        rgba=_to_rgba(image),
        words=tuple(words),
        lines=tuple(e.text.replace("\u2068", "").replace("\u2069", "") for e in lines),
        directions=tuple(e.direction for e in lines),
        content=content_t,
        text=body,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _empty(body: str, warnings: list[str]) -> CaptionImage:
    rgba = np.zeros((1, 1, 4), np.uint8)
    rgba.flags.writeable = False
    return CaptionImage(rgba, (), (), (), (0.0, 0.0, 0.0, 0.0), body, tuple(warnings))


def _word_boxes(
    body: str, lines: list[_Line], shift: QPointF, ascent: float, descent: float, pitch: float
) -> list[WordBox]:
    """One box per word of ``body`` (reading order), from the glyphs Qt placed for it."""
    boxes: list[WordBox] = []
    for index, (ws, we) in enumerate(split_words(body)):
        box = QRectF()
        line_no = -1
        for n, entry in enumerate(lines):
            part = entry.span(ws, we)
            if part is None:
                continue
            s, e = part
            for run in entry.line.glyphRuns(s, e - s):
                positions = run.positions()
                if not positions:
                    continue
                raw = run.rawFont()
                advances = raw.advancesForGlyphIndexes(run.glyphIndexes())
                xs = [p.x() for p in positions] + [
                    p.x() + a.x() for p, a in zip(positions, advances, strict=False)
                ]
                top = ascent + n * pitch - ascent
                box = box.united(QRectF(min(xs), top, max(xs) - min(xs), ascent + descent))
            if line_no < 0 and not box.isNull():
                line_no = n
            if not box.isNull():
                break  # a word wrapped inside itself keeps the box of its first part
        if box.isNull():
            box = QRectF(0, 0, 0, 0)
            line_no = max(line_no, 0)
        boxes.append(
            WordBox(
                index,
                body[ws:we],
                line_no,
                box.x() + shift.x(),
                box.y() + shift.y(),
                box.width(),
                box.height(),
            )
        )
    return boxes


def _draw_box(
    painter: QPainter, style: CaptionStyle, line_rects: list[QRectF], text_rect: QRectF
) -> None:
    box = style.box
    assert box is not None
    pad, radius = box.padding, box.radius
    shape = QPainterPath()
    if box.mode == "lines":
        shape.setFillRule(Qt.FillRule.WindingFill)
        for r in line_rects:
            if r.width() > 0:
                part = QPainterPath()
                part.addRoundedRect(r.adjusted(-pad, -pad, pad, pad), radius, radius)
                shape = shape.united(part)  # one shape: overlaps are not darker
    else:
        shape.addRoundedRect(text_rect.adjusted(-pad, -pad, pad, pad), radius, radius)
    painter.fillPath(shape, QBrush(_qcolour(box.colour, box.opacity)))


def _draw_word_box(
    painter: QPainter, style: CaptionStyle, word: WordBox, shift: QPointF, size: float
) -> None:
    grow = size * 0.12
    rect = QRectF(word.x - shift.x(), word.y - shift.y(), word.w, word.h).adjusted(
        -grow, -grow * 0.5, grow, grow * 0.5
    )
    path = QPainterPath()
    path.addRoundedRect(rect, size * 0.18, size * 0.18)
    painter.fillPath(path, QBrush(_qcolour(style.highlight_colour)))


_GROWN_KEEP = 8
_grown_cache: OrderedDict[Hashable, np.ndarray[Any, np.dtype[np.float32]]] = OrderedDict()
_grown_lock = threading.Lock()


def _grown_coverage(
    key: Hashable, w: int, h: int, shift: QPointF, lines: list[_Line], outline: float
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Glyph coverage grown by the outline width, shared by a caption's highlight variants.

    Word-by-word captions draw the same text once per word; the outline and shadow do not
    change between those images, so the costly part is kept for the last few captions.
    """
    with _grown_lock:
        hit = _grown_cache.get(key)
        if hit is not None and hit.shape == (h, w):
            _grown_cache.move_to_end(key)
            return hit
    coverage = _silhouette(w, h, shift, lines)
    grown = _grow(coverage, outline) if outline > 0 else coverage
    grown.flags.writeable = False  # shared between threads and highlight variants
    with _grown_lock:
        _grown_cache[key] = grown
        while len(_grown_cache) > _GROWN_KEEP:
            _grown_cache.popitem(last=False)
    return grown


def _silhouette(
    w: int, h: int, shift: QPointF, lines: list[_Line]
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Coverage (0..1) of every glyph, colour emoji included, as a float array."""
    mask = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    mask.fill(Qt.GlobalColor.transparent)
    mp = QPainter(mask)
    try:
        mp.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        mp.translate(shift)
        mp.setPen(QPen(QColor(0, 0, 0)))
        for entry in lines:
            for run in _line_runs(entry):
                mp.drawGlyphRun(QPointF(0, 0), run)
    finally:
        mp.end()
    return _to_rgba(mask)[:, :, 3].astype(np.float32) / 255.0


def _grow(coverage: np.ndarray[Any, Any], width: float) -> np.ndarray[Any, np.dtype[np.float32]]:
    """``coverage`` grown by ``width`` pixels with a round, antialiased edge.

    A Euclidean distance transform gives the exact outline radius at any width for about a
    millisecond, where stroking the glyph outlines with a wide pen costs ~10 ms per line.
    """
    import cv2

    outside = (coverage < 0.5).astype(np.uint8)
    distance = cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    ring = np.clip(width + 0.5 - np.asarray(distance, np.float32), 0.0, 1.0)
    grown: np.ndarray[Any, np.dtype[np.float32]] = np.maximum(coverage, ring).astype(np.float32)
    return grown


def _draw_layer(
    painter: QPainter, coverage: np.ndarray[Any, Any], colour: str, dx: float = 0.0, dy: float = 0.0
) -> None:
    """Paint ``colour`` with ``coverage`` as its alpha, offset by (dx, dy) pixels."""
    r, g, b, a = parse_colour(colour)
    h, w = coverage.shape
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[:, :, 0], rgba[:, :, 1], rgba[:, :, 2] = r, g, b
    rgba[:, :, 3] = np.clip(coverage * a + 0.5, 0, 255).astype(np.uint8)
    layer = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    painter.save()
    painter.resetTransform()
    painter.drawImage(QPointF(dx, dy), layer)
    painter.restore()


def _draw_shadow(painter: QPainter, coverage: np.ndarray[Any, Any], shadow: Shadow) -> None:
    if shadow.blur > 0:
        import cv2

        coverage = cv2.GaussianBlur(coverage, (0, 0), sigmaX=shadow.blur / 2.0)
    _draw_layer(painter, coverage, shadow.colour, shadow.offset_x, shadow.offset_y)


def _draw_fill(
    painter: QPainter, style: CaptionStyle, lines: list[_Line], body: str, highlight: WordBox | None
) -> None:
    fill = QPen(_qcolour(style.fill))
    hot = QPen(_qcolour(style.highlight_colour))
    span: tuple[int, int] | None = None
    if highlight is not None and style.highlight_mode == "fill":
        span = split_words(body)[highlight.index]
    for entry in lines:
        start, end = entry.line.textStart(), entry.line.textStart() + entry.line.textLength()
        ranges: list[tuple[int, int, QPen]] = [(start, end, fill)]
        part = entry.span(*span) if span is not None else None
        if part is not None:
            hs, he = part
            ranges = [(start, hs, fill), (hs, he, hot), (he, end, fill)]
        for s, e, pen in ranges:
            if e <= s:
                continue
            painter.setPen(pen)
            for run in _line_runs(entry, s, e - s):
                painter.drawGlyphRun(QPointF(0, 0), run)


def _to_rgba(image: QImage) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """A QImage as an (h, w, 4) straight-alpha uint8 array (a read-only copy)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = rgba.height(), rgba.width()
    buf = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.sizeInBytes())
    arr = buf.reshape(h, rgba.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()
    arr.flags.writeable = False
    return arr


def direction_of(text: str) -> Direction:
    """Base direction a caption gets with ``direction="auto"`` (see :func:`text_direction`)."""
    return text_direction(clean_caption_text(text).text) or "ltr"
