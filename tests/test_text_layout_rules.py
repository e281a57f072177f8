"""Text rules without pixels: cleaning, direction, hashtags, digits, the data model, safe zones."""

from __future__ import annotations

import dataclasses

import pytest

from creator_kit.core.captions import (
    STYLES,
    Box,
    CaptionStyle,
    Cue,
    Shadow,
    get_style,
)
from creator_kit.core.colour import parse_colour
from creator_kit.core.presets import PROFILES
from creator_kit.core.schema import SchemaError, from_data, to_data
from creator_kit.text.bidi import (
    FSI,
    LRM,
    MAX_CAPTION_CHARS,
    PDI,
    RLM,
    base_direction,
    bidi_safe_line,
    caption_words,
    clean_caption_text,
    eastern_digits,
    first_strong,
    isolate_tags,
    split_words,
)
from creator_kit.text.engine import render_caption
from creator_kit.text.placement import (
    Rect,
    caption_area,
    covered_bands,
    place_in_area,
    safe_zone_rect,
    zone_for,
)

# ------------------------------------------------------------------------------ bidi


def test_cleaning_strips_controls_and_overrides_only() -> None:
    dirty = "\u202eأ\u202c\u2066ب\u2069\x00ج\tد\r\nهـ\u2028و\u200fز\u200c"
    clean = clean_caption_text(dirty)
    assert clean.text == "أبج د\nهـ\nو\u200fز\u200c"  # RLM and ZWNJ are legitimate
    assert clean.notes
    assert clean_caption_text("حافظ").notes == ()
    long = clean_caption_text("ا" * 5000)
    assert len(long.text) == MAX_CAPTION_CHARS and "5000" in long.notes[0]


def test_first_strong_direction() -> None:
    assert first_strong("#لاتنسواالكمامة #MaskUp") == "rtl"
    assert first_strong("2020 #MaskUp لا") == "ltr"
    assert first_strong("123 ...") is None
    assert base_direction("123", default="rtl") == "rtl"
    assert base_direction("Hello", "rtl") == "rtl"


def test_a_paragraph_opening_with_a_tag_takes_the_direction_of_its_words() -> None:
    assert base_direction("#MaskUp لا تنسوا الكمامة") == "rtl"
    assert base_direction("@salma #MaskUp wear it") == "ltr"
    assert base_direction("#لا_تنسوا Wear your mask") == "ltr"
    assert base_direction("#MaskUp #البسوا_الكمامة") == "ltr"  # tags alone: the first tag's
    assert base_direction("#البسوا_الكمامة #MaskUp") == "rtl"


def test_hashtags_are_isolated_and_offsets_mapped() -> None:
    text = "لا تنسوا #لاتنسواالكمامة #MaskUp"
    out, mapping = isolate_tags(text)
    assert out == f"لا تنسوا {FSI}#لاتنسواالكمامة{PDI} {FSI}#MaskUp{PDI}"
    for i, ch in enumerate(text):
        assert out[mapping[i]] == ch
    assert mapping[-1] == len(out)
    joined, _ = isolate_tags("#a#b")
    assert joined == f"{FSI}#a{PDI}{FSI}#b{PDI}"


def test_punctuation_after_a_tag_stays_in_the_sentence() -> None:
    out, _ = isolate_tags("تابعوا (@salma.k) و#MaskUp، الآن! #البسوا_الكمامة!")
    assert out == (f"تابعوا ({FSI}@salma.k{PDI}) و{FSI}#MaskUp{PDI}، الآن! "
                   f"{FSI}#البسوا_الكمامة{PDI}!")
    # Marks and joiners are part of an Arabic tag; a lone sign is no tag.
    marked = "#كِمامة\u200c2020"
    assert isolate_tags(marked)[0] == f"{FSI}{marked}{PDI}"
    assert isolate_tags("# @ .")[0] == "# @ ."


def test_eastern_digits_leave_latin_tokens_alone() -> None:
    assert (
        eastern_digits("5.1 مليون في 2020 #MaskUp2020 www.x1.com")
        == "٥.١ مليون في ٢٠٢٠ #MaskUp2020 www.x1.com"
    )


def test_words_are_runs_of_non_space() -> None:
    assert caption_words("  لا\u202e تنسوا\n#MaskUp ") == ["لا", "تنسوا", "#MaskUp"]
    assert split_words("a  b") == [(0, 1), (3, 4)]


def test_bidi_safe_line_for_players() -> None:
    assert bidi_safe_line("مرحبا!") == f"{RLM}مرحبا!{RLM}"
    assert bidi_safe_line("#MaskUp now") == f"{LRM}#MaskUp now"
    assert bidi_safe_line("join #لاتنسواالكمامة") == f"join {RLM}#لاتنسواالكمامة"
    assert bidi_safe_line("  ") == "  "


# ----------------------------------------------------------------------------- model


def test_styles_round_trip_through_the_schema() -> None:
    for name, style in STYLES.items():
        data = to_data(style)
        assert from_data(CaptionStyle, data) == style, name
    assert get_style("karaoke").highlight_mode == "fill"
    with pytest.raises(KeyError, match="clean"):
        get_style("fancy")


def test_cue_with_word_times_round_trips() -> None:
    cue = Cue(1.0, 3.0, "لا تنسوا", words=((1.0, 2.0, "لا "), (2.0, 3.0, "تنسوا")))
    assert from_data(Cue, to_data(cue)) == cue


@pytest.mark.parametrize(
    "data",
    [
        {"size_px": 0},
        {"size_px": 10_000},
        {"fill": "chalk"},
        {"align": "justify"},
        {"direction": "up"},
        {"box": {"opacity": 2}},
        {"shadow": {"colour": "#12"}},
        {"font": "x"},
        {"eastern_digits": "yes"},
    ],
)
def test_schema_rejects_bad_style_values(data: dict[str, object]) -> None:
    with pytest.raises(SchemaError):
        from_data(CaptionStyle, data)


def test_style_objects_are_frozen_and_hashable() -> None:
    style = CaptionStyle(box=Box(), shadow=Shadow())
    with pytest.raises(dataclasses.FrozenInstanceError):
        style.size_px = 3  # type: ignore[misc]
    assert hash(style) == hash(CaptionStyle(box=Box(), shadow=Shadow()))
    assert parse_colour("#10203040") == (16, 32, 48, 64)
    with pytest.raises(ValueError):
        CaptionStyle(fill="#ggg000")


# ------------------------------------------------------------------------- placement


def test_safe_zone_mirrors_for_rtl_interface() -> None:
    tiktok = PROFILES["tiktok"]
    ltr = safe_zone_rect(tiktok, rtl_ui=False)
    rtl = safe_zone_rect(tiktok, rtl_ui=True)
    zone = tiktok.safe_zone
    assert (ltr.x, ltr.right) == (zone.left, 1080 - zone.right)
    assert (rtl.x, rtl.right) == (zone.right, 1080 - zone.left)
    assert ltr.y == rtl.y == zone.top and ltr.bottom == 1920 - zone.bottom
    half = safe_zone_rect(tiktok, rtl_ui=False, canvas=(540, 960))
    assert half.w == pytest.approx(ltr.w / 2)


def test_covered_bands() -> None:
    tiktok = PROFILES["tiktok"]
    zone = zone_for(tiktok, rtl_ui=False)
    assert covered_bands(safe_zone_rect(tiktok, rtl_ui=False), zone) == []
    assert covered_bands(Rect(900, 1700, 150, 100), zone) == ["bottom", "right"]
    assert covered_bands(Rect(10, 10, 100, 100), zone) == ["top", "left"]
    # The same rectangle near the left edge is covered only in the mirrored (Arabic) interface.
    near_left = Rect(60, 800, 200, 100)
    assert covered_bands(near_left, zone) == []
    assert covered_bands(near_left, zone_for(tiktok, rtl_ui=True)) == ["left"]


@pytest.mark.parametrize("preset", sorted(PROFILES))
@pytest.mark.parametrize("rtl_ui", [False, True])
def test_default_caption_placement_stays_inside_the_safe_zone(preset: str, rtl_ui: bool) -> None:
    profile = PROFILES[preset]
    area = caption_area(profile, rtl_ui)
    text = "وتشجع منصة تيك توك صناع المحتوى البارزين على الانضمام إلى هذا التحدي #لاتنسواالكمامة"
    img = render_caption(text, STYLES["bold-box"], area.w)
    for anchor in ("top", "center", "bottom"):
        x, y = place_in_area(img.content, area, anchor)  # type: ignore[arg-type]
        cx, cy, cw, ch = img.content
        block = Rect(x + cx, y + cy, cw, ch)
        assert covered_bands(block, zone_for(profile, rtl_ui)) == [], (anchor, block)
        assert area.x - 1 <= block.x and block.right <= area.right + 1
