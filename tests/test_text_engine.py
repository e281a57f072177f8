"""The caption engine: layout, word order, styles, fonts, cache and hostile text."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from creator_kit.core.captions import STYLES, Box, CaptionStyle, Shadow
from creator_kit.text import engine
from creator_kit.text.engine import CaptionImage, render_caption
from creator_kit.text.fonts import ensure_fonts, font_chain, fonts_dir, missing_glyphs

SLOGAN = "لا تنسوا الكمامة"
HASHTAGS = "لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp"
BASE = CaptionStyle(size_px=48.0, weight=700)


def alpha(img: CaptionImage) -> np.ndarray:
    return img.rgba[:, :, 3].astype(np.float32) / 255.0


def find(template: CaptionImage, image: CaptionImage) -> tuple[int, int, float]:
    """Best match (x, y, score) of ``template``'s ink inside ``image`` (normalised correlation)."""
    t, a = alpha(template), alpha(image)
    ys, xs = np.nonzero(t > 0.05)
    t = t[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    res = cv2.matchTemplate(a, t, cv2.TM_CCOEFF_NORMED)
    _, score, _, (x, y) = cv2.minMaxLoc(res)
    return int(x), int(y), float(score)


def ink_columns(img: CaptionImage) -> np.ndarray:
    return np.nonzero(img.rgba[:, :, 3].max(axis=0) > 40)[0]


# ------------------------------------------------------------------------------ order


def test_rtl_words_run_right_to_left() -> None:
    img = render_caption(SLOGAN, BASE, 1000)
    assert img.direction == "rtl"
    boxes = img.words
    assert [b.text for b in boxes] == ["لا", "تنسوا", "الكمامة"]
    # Word 0 (read first) is rightmost: reading order runs right to left.
    assert boxes[0].x > boxes[1].x > boxes[2].x
    assert [b.index for b in img.visual_words()] == [2, 1, 0]


def test_first_word_pixels_are_on_the_right() -> None:
    """Found by template matching on pixels, not from the engine's own word boxes."""
    full = render_caption(SLOGAN, BASE, 1000)
    x_first, _, s1 = find(render_caption("لا", BASE, 1000), full)
    x_last, _, s2 = find(render_caption("الكمامة", BASE, 1000), full)
    assert s1 > 0.9 and s2 > 0.9
    assert x_first > full.width * 0.6 > x_last


def test_hashtag_signs_sit_on_the_correct_side() -> None:
    full = render_caption(HASHTAGS, BASE, 2000)  # wide: one line
    assert len(full.lines) == 1
    arabic_tag = render_caption("لاتنسواالكمامة", BASE, 2000)
    latin_tag = render_caption("MaskUp", BASE, 2000)
    hash_sign = render_caption("#", BASE, 2000)
    xa, _, sa = find(arabic_tag, full)
    xl, _, sl = find(latin_tag, full)
    assert sa > 0.9 and sl > 0.9
    a_right = xa + np.ptp(ink_columns(arabic_tag))
    # Signs: one just right of the Arabic tag, one just left of MaskUp.
    a = alpha(full)
    t = alpha(hash_sign)
    ys, xs = np.nonzero(t > 0.05)
    t = t[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    res = cv2.matchTemplate(a, t, cv2.TM_CCOEFF_NORMED)
    hits = [int(x) for x in np.nonzero(res.max(axis=0) > 0.85)[0]]
    assert hits, "no # found"
    right_of_arabic = [x for x in hits if a_right - 5 <= x <= a_right + 60]
    left_of_latin = [x for x in hits if xl - 60 <= x <= xl]
    assert right_of_arabic, (hits, a_right)
    assert left_of_latin, (hits, xl)
    # And the Latin tag comes after (left of) the Arabic one in this RTL line.
    assert xl < xa


def test_word_boxes_follow_hashtags() -> None:
    img = render_caption(HASHTAGS, BASE, 2000)
    words = {b.text: b for b in img.words}
    assert words["#MaskUp"].x < words["#لاتنسواالكمامة"].x < words["لا"].x


def test_ltr_caption_and_direction_override() -> None:
    img = render_caption("Keep your mask on", BASE, 1000)
    assert img.direction == "ltr"
    assert img.words[0].x < img.words[-1].x
    forced = render_caption("Keep your mask on", BASE.replace(direction="rtl"), 1000)
    assert forced.direction == "rtl"
    # Latin words stay left-to-right inside an RTL paragraph (bidi), but the paragraph is RTL.
    assert forced.words[0].x < forced.words[-1].x
    arabic_ltr = render_caption(SLOGAN, BASE.replace(direction="ltr"), 1000)
    assert arabic_ltr.direction == "ltr"


def test_each_paragraph_takes_its_own_direction() -> None:
    img = render_caption("لا تنسوا الكمامة\nKeep your mask on", BASE, 1000)
    assert img.directions == ("rtl", "ltr")


# ----------------------------------------------------------------------------- layout


def test_wrapping_respects_the_width_and_keeps_reading_order() -> None:
    text = "وتشجع منصة تيك توك صناع المحتوى البارزين على المنصة على الانضمام إلى هذا التحدي"
    img = render_caption(text, BASE.replace(max_width=1.0), 500)
    assert len(img.lines) >= 3
    # Logical order preserved across lines: joining the lines gives the text back.
    assert " ".join(line.strip() for line in img.lines) == text
    assert img.content[2] <= 500 + 1
    # Words on later lines are below, and each line's first word is its rightmost.
    by_line: dict[int, list] = {}
    for box in img.words:
        by_line.setdefault(box.line, []).append(box)
    for boxes in by_line.values():
        assert boxes[0].x == max(b.x for b in boxes)
    ys = [by_line[n][0].y for n in sorted(by_line)]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


def test_alignment_start_and_end_follow_direction() -> None:
    text = "حافظ على التباعد\nلا تنسوا الكمامة يا أصدقاء"
    start = render_caption(text, BASE.replace(align="start"), 1200)
    end = render_caption(text, BASE.replace(align="end"), 1200)
    short_start = [b for b in start.words if b.line == 0]
    long_start = [b for b in start.words if b.line == 1]
    # RTL start = right edge: both lines end flush right.
    r0 = max(b.x + b.w for b in short_start)
    r1 = max(b.x + b.w for b in long_start)
    assert abs(r0 - r1) < 3
    l0 = min(b.x for b in end.words if b.line == 0)
    l1 = min(b.x for b in end.words if b.line == 1)
    assert abs(l0 - l1) < 3


def test_line_spacing_moves_lines_apart() -> None:
    text = "لا تنسوا الكمامة\nحافظ على التباعد"
    tight = render_caption(text, BASE, 1000)
    loose = render_caption(text, BASE.replace(line_spacing=2.0), 1000)
    gap = lambda img: img.words[3].y - img.words[0].y  # noqa: E731
    assert gap(loose) == pytest.approx(2.0 * gap(tight), rel=0.02)


def test_eastern_digits_substitution() -> None:
    img = render_caption("شهد 5.1 مليون #MaskUp2020", BASE.replace(eastern_digits=True), 1000)
    assert "٥.١" in img.text and "#MaskUp2020" in img.text


# ------------------------------------------------------------------------------ styles


def test_outline_box_and_shadow_are_drawn() -> None:
    plain = render_caption(SLOGAN, BASE, 1000)
    outlined = render_caption(
        SLOGAN, BASE.replace(outline_width=6.0, outline_colour="#ff0000"), 1000
    )
    # The outline adds red ink around the white letters.
    red = (
        (outlined.rgba[:, :, 0] > 200)
        & (outlined.rgba[:, :, 1] < 60)
        & (outlined.rgba[:, :, 3] > 200)
    )
    assert red.sum() > 2000
    assert (outlined.rgba[:, :, 3] > 128).sum() > 1.3 * (plain.rgba[:, :, 3] > 128).sum()

    boxed = render_caption(
        SLOGAN, BASE.replace(box=Box(colour="#0000ff", opacity=0.5, padding=20, radius=10)), 1000
    )
    x, y, w, h = (round(v) for v in boxed.content)
    inside = boxed.rgba[y + 4, x + w // 2 - 2 : x + w // 2 + 2]
    corner = boxed.rgba[y + h // 2, x + 3]  # left edge, middle: box colour, no text
    assert corner[2] == 255 and 120 <= corner[3] <= 135  # blue at half opacity
    assert inside[:, 3].min() > 100
    assert boxed.rgba[y, x, 3] < 60  # rounded corner left transparent

    shadowed = render_caption(
        SLOGAN,
        BASE.replace(shadow=Shadow(offset_x=10, offset_y=10, blur=0, colour="#000000")),
        1000,
    )
    dark = (shadowed.rgba[:, :, 3] > 200) & (shadowed.rgba[:, :, :3].max(axis=2) < 30)
    ys, xs = np.nonzero(dark)
    light = np.nonzero(shadowed.rgba[:, :, :3].min(axis=2) > 225)
    # The shadow sits down-right of the white letters.
    assert xs.mean() - light[1].mean() > 5 and ys.mean() - light[0].mean() > 5


def test_highlight_changes_only_the_active_word() -> None:
    style = STYLES["karaoke"].replace(size_px=48.0)
    base = render_caption(SLOGAN, style, 1000)
    hot = render_caption(SLOGAN, style, 1000, highlight_word=0)
    assert base.rgba.shape == hot.rgba.shape
    changed = np.nonzero(np.abs(base.rgba.astype(int) - hot.rgba).max(axis=2) > 30)
    box = hot.words[0]
    assert changed[1].min() >= box.x - 2 and changed[1].max() <= box.x + box.w + 2
    # Word 0 of an RTL caption is the rightmost one: the yellow is on the right.
    yellow = (hot.rgba[:, :, 0] > 200) & (hot.rgba[:, :, 1] > 170) & (hot.rgba[:, :, 2] < 80)
    assert np.nonzero(yellow)[1].min() > hot.width / 2
    assert render_caption(SLOGAN, style, 1000, highlight_word=99).rgba.shape == base.rgba.shape


def test_named_styles_all_render() -> None:
    for name, style in STYLES.items():
        img = render_caption(SLOGAN, style, 1080, highlight_word=1)
        assert img.rgba.dtype == np.uint8 and img.rgba.shape[2] == 4, name
        assert (img.rgba[:, :, 3] > 0).any(), name


# ------------------------------------------------------------------------------- fonts


def test_bundled_fonts_cover_arabic_latin_and_emoji() -> None:
    assert missing_glyphs("لا تنسوا الكمامة ارتدِ", "Noto Sans Arabic") == []
    assert missing_glyphs("Keep #MaskUp 2020", "Noto Sans") == []
    assert missing_glyphs("حافظ على التباعد Keep 2020", "Lemonada") == []
    assert "a" in missing_glyphs("abc", "Noto Sans Arabic")
    assert missing_glyphs("😷 ✓", "Noto Sans Arabic", with_fallbacks=True) == []
    assert missing_glyphs("x", "No Such Family") == ["x"]
    chain = font_chain("Lemonada")
    assert chain[0] == "Lemonada" and "Noto Sans Arabic" in chain and "Noto Color Emoji" in chain
    for licence in ("OFL-Noto.txt", "OFL-Lemonada.txt"):
        assert "SIL OPEN FONT LICENSE" in (fonts_dir() / licence).read_text()


def test_corrupt_font_file_falls_back_with_a_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bad-inputs row 16: the first 1000 bytes of a TTF."""
    bad = tmp_path / "Broken.ttf"
    bad.write_bytes((fonts_dir() / "NotoSans-Regular.ttf").read_bytes()[:1000])
    with caplog.at_level(logging.WARNING):
        img = render_caption(SLOGAN, BASE.replace(font_file=str(bad)), 1000)
    assert any("Broken.ttf" in w and "not a usable font" in w for w in img.warnings)
    assert any("Broken.ttf" in r.getMessage() for r in caplog.records)
    reference = render_caption(SLOGAN, BASE, 1000)
    assert img.rgba.shape == reference.rgba.shape  # drawn with the fallback family
    missing = render_caption(SLOGAN, BASE.replace(font_file=str(tmp_path / "nope.ttf")), 1000)
    assert any("font file not found" in w for w in missing.warnings)


def test_good_font_file_is_used(tmp_path: Path) -> None:
    copy = tmp_path / "Brand.otf"
    copy.write_bytes((fonts_dir() / "Lemonada-Regular.otf").read_bytes())
    img = render_caption(SLOGAN, BASE.replace(font_file=str(copy), weight=400), 1000)
    ref = render_caption(SLOGAN, BASE.replace(font_family="Lemonada", weight=400), 1000)
    assert not img.warnings
    assert img.rgba.shape == ref.rgba.shape


def test_unknown_family_and_missing_glyphs_warn(caplog: pytest.LogCaptureFixture) -> None:
    img = render_caption("hello", BASE.replace(font_family="Cairo Nonexistent"), 1000)
    assert any("'Cairo Nonexistent' is not available" in w for w in img.warnings)
    rare = render_caption("حافظ \U00013000", BASE, 1000)  # an Egyptian hieroglyph: no font has it
    assert any("U+13000" in w and "left blank" in w for w in rare.warnings)


def test_no_box_glyph_for_unknown_characters() -> None:
    with_rare = render_caption("حافظ \U00013000 على", BASE, 1000)
    without = render_caption("حافظ على", BASE, 1000)
    # The unknown character leaves a gap, not a drawn .notdef box: ink amounts match.
    a = (with_rare.rgba[:, :, 3] > 128).sum()
    b = (without.rgba[:, :, 3] > 128).sum()
    assert abs(int(a) - int(b)) < 0.02 * b


# ---------------------------------------------------------------------------- bad text


def test_million_character_caption_is_capped() -> None:
    img = render_caption("لا تنسوا الكمامة " * 60_000, BASE, 1080)
    assert any("cut to the first" in w for w in img.warnings)
    assert len(img.lines) <= engine.MAX_LINES
    assert img.height < 6000


def test_bidi_override_cannot_reorder_the_line() -> None:
    attack = render_caption("لا تنسوا \u202eالكمامة\u202c يا ناس\u2066", BASE, 1000)
    clean = render_caption("لا تنسوا الكمامة يا ناس", BASE, 1000)
    assert any("bidi-override" in w for w in attack.warnings)
    assert attack.text == clean.text
    assert attack.rgba.shape == clean.rgba.shape
    diff = np.abs(attack.rgba.astype(int) - clean.rgba)
    assert diff.mean() < 0.5


def test_control_characters_are_stripped() -> None:
    img = render_caption("حافظ\x00 على\x07 التباعد\x1b", BASE, 1000)
    assert img.text == "حافظ على التباعد"


def test_empty_and_blank_captions() -> None:
    for text in ("", "   ", "\n\n", "\u202e"):
        img = render_caption(text, BASE, 1000)
        assert img.empty and img.rgba.shape == (1, 1, 4) and img.rgba.max() == 0
        assert img.words == ()


def test_emoji_only_caption_draws_colour_emoji() -> None:
    img = render_caption("😷👍", BASE, 1000)
    assert not img.warnings
    assert len(img.words) == 1
    opaque = img.rgba[img.rgba[:, :, 3] > 200]
    # Colour, not white text: the mask emoji has yellow and blue-white pixels.
    assert (np.ptp(opaque[:, :3].astype(int), axis=1) > 80).sum() > 200


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        render_caption(None, BASE, 1000)  # type: ignore[arg-type]


# ------------------------------------------------------------------------ cache/threads


def test_each_distinct_caption_is_drawn_once() -> None:
    engine.clear_cache()
    a = render_caption("حافظ على التباعد", BASE, 900)
    b = render_caption("حافظ على التباعد", BASE, 900)
    c = render_caption("حافظ على التباعد", BASE, 900, highlight_word=1)
    assert a is b and c is not a
    info = engine.cache_info()
    assert info["misses"] == 2 and info["hits"] == 1
    assert not a.rgba.flags.writeable


def test_cache_is_bounded_by_bytes() -> None:
    engine.clear_cache()
    old = engine.cache_info()["max_bytes"]
    try:
        engine.set_cache_limit(1)
        for i in range(5):
            render_caption(f"رقم {i}", BASE, 900)
        assert engine.cache_info()["items"] == 1
    finally:
        engine.set_cache_limit(old)
        engine.clear_cache()


def test_render_from_worker_threads() -> None:
    ensure_fonts()  # the documented contract: Qt is set up on the main thread first
    results: dict[int, tuple[int, ...]] = {}

    def work(i: int) -> None:
        results[i] = render_caption(f"التحدي رقم {i} #MaskUp", BASE, 800).rgba.shape

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert all(shape[2] == 4 and shape[0] > 20 for shape in results.values())


# ------------------------------------------------------------------------ fresh process

_PROBE = """
import sys
from PySide6.QtGui import QGuiApplication
from creator_kit.core.captions import CaptionStyle
from creator_kit.text.engine import render_caption
img = render_caption("لا تنسوا الكمامة #MaskUp", CaptionStyle(), 800)
print(QGuiApplication.platformName(), img.rgba.shape[0] > 20, int(img.rgba[..., 3].max()))
# The library logs to a NullHandler; the problems met loading fonts are also returned here.
from creator_kit.text.fonts import ensure_fonts
for problem in ensure_fonts():
    print(problem, file=sys.stderr)
"""


def _fresh_python(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )


def test_engine_picks_offscreen_without_a_display() -> None:
    out = _fresh_python({})
    assert out.returncode == 0, out.stderr[-800:]
    assert out.stdout.split() == ["offscreen", "True", "255"]


def test_corrupt_bundled_fonts_fall_back(tmp_path: Path) -> None:
    """Bad-inputs row 16 for the bundled files: a message, then other fonts; no crash."""
    fonts = tmp_path / "fonts"
    shutil.copytree(fonts_dir(), fonts)
    for name in ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"):
        (fonts / name).write_bytes((fonts_dir() / name).read_bytes()[:1000])
    (fonts / "NotoSans-Bold.ttf").unlink()
    out = _fresh_python({"CREATOR_KIT_ASSETS": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-800:]
    assert out.stdout.split()[1:] == ["True", "255"]
    assert "NotoSansArabic-Regular.ttf: not a usable font file" in out.stderr
    assert "NotoSans-Bold.ttf: font file not found" in out.stderr
