"""Arabic shaping and order: fails if letters are drawn in isolated forms or in reversed order.

Three independent checks, none of which trusts the engine's own idea of where words are:

* joined vs isolated: the same letters separated by ZWNJ (which forbids joining) are drawn in
  their isolated forms, which are wider and look different;
* contextual glyphs: the glyphs Qt placed for a word are not the font's nominal (isolated)
  glyphs for its letters;
* order: in «دار» every letter is non-joining, so each is drawn in its isolated form inside the
  word too; its letters, found by template matching, must run right to left. Likewise the
  first word of a phrase must be found on the right.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QFont, QRawFont, QTextLayout

from creator_kit.core.captions import CaptionStyle
from creator_kit.text.engine import CaptionImage, render_caption
from creator_kit.text.fonts import ensure_fonts

STYLE = CaptionStyle(size_px=64.0, weight=400)
ZWNJ = "\u200c"


def ink(img: CaptionImage) -> np.ndarray:
    return img.rgba[:, :, 3].astype(np.float32) / 255.0


def ink_width(img: CaptionImage) -> int:
    cols = np.nonzero(img.rgba[:, :, 3].max(axis=0) > 40)[0]
    return int(cols.max() - cols.min() + 1)


def locate(part: str, whole: CaptionImage) -> tuple[int, float]:
    t = ink(render_caption(part, STYLE, 2000))
    ys, xs = np.nonzero(t > 0.05)
    t = t[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    res = cv2.matchTemplate(ink(whole), t, cv2.TM_CCOEFF_NORMED)
    _, score, _, (x, _) = cv2.minMaxLoc(res)
    return int(x), float(score)


@pytest.mark.parametrize("word", ["لا تنسوا", "الكمامة", "التباعد", "بمتابعة"])
def test_letters_are_joined_not_isolated(word: str) -> None:
    joined = render_caption(word, STYLE, 2000)
    isolated = render_caption(ZWNJ.join(word), STYLE, 2000)
    # Isolated forms are wider; joined text is markedly narrower.
    assert ink_width(joined) < 0.85 * ink_width(isolated), (ink_width(joined), ink_width(isolated))


def test_glyphs_are_contextual_forms() -> None:
    ensure_fonts()
    word = "تنسوا"
    font = QFont()
    font.setFamilies(["Noto Sans Arabic"])
    font.setPixelSize(64)
    layout = QTextLayout(word, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(2000)
    layout.endLayout()
    shaped = [g for run in line.glyphRuns() for g in run.glyphIndexes()]
    nominal = QRawFont.fromFont(font).glyphIndexesForString(word)
    # ت and ن and س join on both sides here: their glyphs must not be the isolated ones.
    assert len(shaped) == len(nominal)
    assert len(set(shaped) - set(nominal)) >= 3, (shaped, nominal)


@pytest.mark.parametrize("word", ["دار", "ورد", "زاد"])
def test_letters_of_a_word_run_right_to_left(word: str) -> None:
    whole = render_caption(word, STYLE, 2000)
    xs = []
    for letter in word:
        x, score = locate(letter, whole)
        assert score > 0.8, (letter, score)
        xs.append(x)
    # Logical first letter is drawn rightmost.
    assert xs == sorted(xs, reverse=True), (word, xs)


def test_words_of_a_phrase_run_right_to_left() -> None:
    phrase = "حافظ على التباعد"
    whole = render_caption(phrase, STYLE, 2000)
    positions = [locate(w, whole) for w in phrase.split()]
    assert all(score > 0.9 for _, score in positions)
    xs = [x for x, _ in positions]
    assert xs == sorted(xs, reverse=True), xs


def test_reversed_string_draws_differently() -> None:
    """A drawing engine that reversed the string itself would make these two look alike."""
    a = render_caption("تنسوا", STYLE, 2000)
    b = render_caption("تنسوا"[::-1], STYLE, 2000)
    if a.rgba.shape == b.rgba.shape:
        assert np.abs(ink(a) - ink(b)).mean() > 0.05
    else:
        assert a.rgba.shape != b.rgba.shape
