"""Golden caption images: Arabic, mixed, harakat, digits, hashtags, two lines, styles.

Each case is drawn with ``render_caption`` and compared with ``tests/golden/<name>.png``
(RGBA, straight alpha) within a tolerance, as manim's frames_comparison does: same size, mean
absolute difference at most 1.5 levels, and at most 0.5 % of pixels off by more than 64.

Regenerate after an intended change with ``CK_REGEN_GOLDEN=1`` (the regenerated cases are
reported as skipped), then look at the PNGs before committing them. On a mismatch the drawn
image and a difference image are written next to the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.captions import STYLES, Box, CaptionStyle, Shadow
from creator_kit.text.engine import render_caption

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("CK_REGEN_GOLDEN") == "1"
WIDTH = 720
SIZE = 48.0

ARTICLE = "وتشجع منصة تيك توك صناع المحتوى البارزين على المنصة على الانضمام إلى هذا التحدي"


def _s(name: str, **changes: object) -> CaptionStyle:
    return STYLES[name].replace(size_px=SIZE, **changes)


CASES: dict[str, tuple[str, CaptionStyle, int | None]] = {
    "arabic_slogan": ("لا تنسوا الكمامة", _s("clean"), None),
    "mixed_hashtags": ("لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp", _s("outline"), None),
    "harakat": ("ارتدِ الكمامة واحمِ غيرك", _s("bold-box"), None),
    "harakat_full": ("إِنَّ مَعَ الْعُسْرِ يُسْرًا", _s("clean"), None),
    "digits_western": ("شهد التحدي 5.1 مليون مشاهدة في 2020", _s("outline"), None),
    "digits_eastern": (
        "شهد التحدي 5.1 مليون مشاهدة في 2020",
        _s("outline", eastern_digits=True),
        None,
    ),
    "two_lines": ("لا تنسوا الكمامة\nحافظ على التباعد", _s("bold-box"), None),
    "article_wrapped": (ARTICLE, _s("bold-box"), None),
    "english": ("Keep your mask on, keep your distance #MaskUp", _s("clean"), None),
    "karaoke_rtl_word1": ("حافظ على التباعد", _s("karaoke"), 1),
    "karaoke_box_word2": (
        "ارتدِ الكمامة واحمِ غيرك",
        _s("karaoke", highlight_mode="box", highlight_colour="#e53935"),
        2,
    ),
    "lemonada_start": (
        "حافظ على التباعد\nKeep your distance",
        _s("outline", font_family="Lemonada", align="start"),
        None,
    ),
    "emoji_mixed": ("لا تنسوا الكمامة 😷👍", _s("clean"), None),
    "box_block_shadow": (
        "#خليك_مسئول\nمعا ضد الكورونا",
        _s(
            "clean",
            box=Box(colour="#0b3d91", opacity=0.85, radius=24.0),
            shadow=Shadow(offset_x=4.0, offset_y=4.0, blur=4.0),
        ),
        None,
    ),
}


def compare(actual: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """(mean absolute difference, share of pixels off by more than 64 in any channel)."""
    diff = np.abs(actual.astype(np.int16) - expected.astype(np.int16))
    return float(diff.mean()), float((diff.max(axis=2) > 64).mean())


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_caption(name: str, tmp_path: Path) -> None:
    text, style, highlight = CASES[name]
    image = render_caption(text, style, WIDTH, highlight_word=highlight)
    assert not image.warnings, image.warnings
    path = GOLDEN / f"{name}.png"
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        Image.fromarray(np.ascontiguousarray(image.rgba), "RGBA").save(path, optimize=True)
        pytest.skip(f"regenerated {path.name}")
    assert path.exists(), f"{path} missing: run with CK_REGEN_GOLDEN=1 and look at the result"
    expected = np.asarray(Image.open(path).convert("RGBA"))
    if expected.shape != image.rgba.shape:
        Image.fromarray(np.ascontiguousarray(image.rgba), "RGBA").save(tmp_path / f"{name}.png")
        pytest.fail(
            f"{name}: size {image.rgba.shape[:2]} != golden {expected.shape[:2]} "
            f"(drawn image in {tmp_path})"
        )
    mean, off = compare(image.rgba, expected)
    if mean > 1.5 or off > 0.005:
        Image.fromarray(np.ascontiguousarray(image.rgba), "RGBA").save(tmp_path / f"{name}.png")
        diff = np.abs(image.rgba.astype(np.int16) - expected).max(axis=2).astype(np.uint8)
        Image.fromarray(diff, "L").save(tmp_path / f"{name}-diff.png")
        pytest.fail(f"{name}: mean diff {mean:.2f}, {off:.2%} of pixels off (see {tmp_path})")


def test_golden_comparison_catches_a_mirrored_caption() -> None:
    """The tolerance is tight enough to see a caption drawn mirrored (reversed)."""
    image = render_caption("لا تنسوا الكمامة", _s("clean"), WIDTH).rgba
    mean, off = compare(image[:, ::-1], image)
    assert mean > 1.5 or off > 0.005
