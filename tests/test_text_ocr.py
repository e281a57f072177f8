"""OCR round trip: captions drawn by the engine (and by libass from our ASS) read back in Arabic.

Skips with the reason when tesseract or its Arabic model is missing (``make sysdeps`` installs
them). A reversed drawing of the same text is read as something else, so the check has teeth.
"""

from __future__ import annotations

import pytest

from creator_kit.core.captions import CaptionStyle
from creator_kit.text.engine import render_caption
from tests.ocr import normalise_arabic, ocr_arabic, ocr_skip_reason, similar

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ocr_skip_reason() is not None, reason=str(ocr_skip_reason())),
]

BLACK_ON_WHITE = CaptionStyle(size_px=72.0, weight=400, fill="#000000")

SLOGANS = [
    "لا تنسوا الكمامة",
    "ارتدِ الكمامة واحمِ غيرك",
    "حافظ على التباعد",
    "#لاتنسواالكمامة",
    "معا ضد الكورونا",
]


@pytest.mark.parametrize("text", SLOGANS)
def test_slogan_reads_back(text: str) -> None:
    img = render_caption(text, BLACK_ON_WHITE, 1600)
    got = ocr_arabic(img.rgba)
    assert similar(got, text) >= 0.85, (got, text)


def test_article_sentence_reads_back() -> None:
    text = "تيك توك تطلق تحدي الكمامة بالتعاون مع اليونيسف"
    img = render_caption(text, BLACK_ON_WHITE, 3000)
    assert len(img.lines) == 1
    got = ocr_arabic(img.rgba)
    assert similar(got, text) >= 0.8, (got, text)


def test_white_caption_with_outline_reads_back() -> None:
    """The production look (white text, dark outline) on a dark background, inverted for OCR."""
    style = CaptionStyle(size_px=72.0, weight=700, outline_width=5.0)
    img = render_caption("لا تنسوا الكمامة", style, 1600)
    rgba = img.rgba.copy()
    rgba[..., 3] = 255  # flatten onto black: white letters, black outline, black ground
    got = ocr_arabic(rgba[..., :3])
    assert similar(got, "لا تنسوا الكمامة") >= 0.85, got


def test_reversed_text_does_not_read_back() -> None:
    text = "حافظ على التباعد"
    img = render_caption(text[::-1], BLACK_ON_WHITE, 1600)
    assert similar(ocr_arabic(img.rgba), text) < 0.6


def test_normalise_folds_harakat_and_hamza() -> None:
    assert normalise_arabic("ارتدِ  الكمامةَ") == normalise_arabic("ارتد الكمامه")
    assert normalise_arabic("أإآ") == "ااا"
