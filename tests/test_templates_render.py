"""Stickers, tip cards and the built-in templates as pixels: drawn, placed, animated, exported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.model import (
    AudioSettings,
    ClipRef,
    OutputSettings,
    Project,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.presets import PROFILES, get_profile
from creator_kit.graphics.context import DrawContext
from creator_kit.graphics.designs import STICKERS, TIPS
from creator_kit.graphics.slots import common_safe_zone, slot_placement
from creator_kit.graphics.stickers import StickerSource, draw_sticker
from creator_kit.graphics.tip_cards import TipCardSource, draw_tip_parts
from creator_kit.render.export import export
from creator_kit.templates import apply_template, find_template
from tests.mediagen import make_colour_clip
from tests.ocr import ocr_arabic, ocr_skip_reason, similar
from tests.videoread import frame_count, frames_rgb

FAST = OutputSettings(x264_preset="ultrafast")
SIZE = (1080, 1920)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user template folder for each test."""
    d = tmp_path / "userdata"
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


def accent_mask(rgba: np.ndarray, colour: tuple[int, int, int], tol: int = 40) -> np.ndarray:
    diff = np.abs(rgba[..., :3].astype(int) - np.array(colour)).max(axis=-1)
    return (diff < tol) & (rgba[..., 3] > 200)


def sharpness(alpha_row: np.ndarray) -> int:
    """The steepest alpha step between neighbouring pixels of a row (255: a hard edge)."""
    return int(np.diff(alpha_row.astype(int)).max())


# ----------------------------------------------------------------------------- stickers

def test_stickers_are_vector_crisp_at_any_size() -> None:
    layer = StickerLayer(name="mask-up", language="en")
    small, big = draw_sticker(layer, 220), draw_sticker(layer, 1000)
    assert small.shape[1] == 220 and big.shape[1] == 1000
    assert abs(small.shape[0] / small.shape[1] - big.shape[0] / big.shape[1]) < 0.02
    for img in (small, big):
        # The pill's outer edge (past its soft shadow) turns opaque within a pixel at both
        # sizes: drawn at the size, never an upscaled bitmap.
        assert sharpness(img[img.shape[0] // 2, :, 3]) > 150
    upscaled = np.asarray(Image.fromarray(small).resize((1000, big.shape[0]),
                                                        Image.Resampling.BICUBIC))
    assert sharpness(upscaled[upscaled.shape[0] // 2, :, 3]) < 120


def test_every_sticker_and_tip_card_draws_in_both_languages() -> None:
    for name in STICKERS:
        for lang in ("ar", "en"):
            img = draw_sticker(StickerLayer(name=name, language=lang), 300)
            assert img.shape[1] == 300 and (img[..., 3] > 200).mean() > 0.2, (name, lang)
    for tip in TIPS:
        for lang in ("ar", "en"):
            parts = draw_tip_parts(TipCardLayer(tip=tip, language=lang), 700)
            assert len(parts.steps) == len(TIPS[tip].steps)
            assert parts.base.shape[1] == 700


def test_badge_mirrors_for_arabic_and_its_label_reads_back() -> None:
    teal = (11, 122, 117)
    for lang, side in (("ar", "right"), ("en", "left")):
        img = draw_sticker(StickerLayer(name="mask-up", language=lang, colour="#0b7a75"), 600)
        cols = accent_mask(img, teal).sum(axis=0)
        disc = int(np.argmax(cols))  # the solid icon disc has the tallest accent columns
        assert (disc > 400) if side == "right" else (disc < 200), (lang, disc)
    reason = ocr_skip_reason()
    if reason:
        pytest.skip(reason)
    img = draw_sticker(StickerLayer(name="mask-up", language="ar", colour="#0b7a75"), 900)
    label = img[:, 60:600]  # left of the icon disc: the label alone
    text = ocr_arabic(label, scale=1.0)
    assert similar(text, "ارتدِ الكمامة") > 0.7, text


def test_sticker_text_override_and_custom_colour() -> None:
    img = draw_sticker(StickerLayer(name="mask-up", text="#MaskUp_EG", colour="#c8334a"), 500)
    assert accent_mask(img, (200, 51, 74)).sum() > 2000


# ---------------------------------------------------------------------------- tip cards

def test_tip_card_steps_appear_one_by_one() -> None:
    layer = TipCardLayer(tip="wear-mask", language="ar", start=0.0, end=6.0)
    src = TipCardSource(layer, DrawContext(SIZE, default_end=10.0))
    dark = [int((src.image_at(t)[..., :3].max(axis=-1) < 80).sum()) for t in (0.2, 1.3, 2.4, 4.0)]
    assert dark[0] < dark[1] < dark[2] < dark[3]  # more step text at each reveal
    assert src.reveal_at(0.0) == (0, 0, 0) and src.reveal_at(5.0) == (4, 4, 4)
    states = {src.reveal_at(t / 30) for t in range(180)}
    assert len(states) <= 3 * 4 + 1  # a handful of cached bitmaps, not one per frame
    assert src.sprites_at(6.5, SIZE) == ()
    sprite = src.sprites_at(3.0, SIZE)[0]
    zone = get_profile("tiktok").safe_zone
    assert sprite.y >= common_safe_zone().top * 0.9
    assert sprite.x >= zone.right * 0.5  # Arabic: the mirrored action column is on the left


def test_tip_card_arabic_step_reads_back() -> None:
    reason = ocr_skip_reason()
    if reason:
        pytest.skip(reason)
    parts = draw_tip_parts(TipCardLayer(tip="wear-mask", language="ar"), 1000)
    step = parts.steps[1].image
    text = ocr_arabic(step[:, : step.shape[1] - 110], scale=1.0)  # without the number disc
    assert similar(text, "غطِّ الأنف والفم") > 0.6, text


@pytest.mark.parametrize("preset", sorted(PROFILES))
def test_slots_lie_inside_the_safe_zone_and_mirror(preset: str) -> None:
    profile = PROFILES[preset]
    for lang in ("ar", "en"):
        zone = profile.safe_zone.mirrored() if lang == "ar" else profile.safe_zone
        for slot in ("top-start", "top", "top-end", "center", "bottom-start", "bottom",
                     "bottom-end"):
            layer = StickerLayer(name="mask-up", language=lang, slot=slot, start=0.0)  # type: ignore[arg-type]
            src = StickerSource(layer, DrawContext(SIZE, 5.0, profile))
            s = src.sprites_at(1.0, SIZE)[0]
            h, w = s.rgba.shape[:2]
            assert s.x >= zone.left and s.x + w <= SIZE[0] - zone.right, (lang, slot)
            assert s.y >= zone.top and s.y + h <= SIZE[1] - zone.bottom, (lang, slot)
    ar = slot_placement("top-end", "ar", SIZE)
    en = slot_placement("top-end", "en", SIZE)
    assert ar.anchor == "top-left" and ar.x < 0.5 and en.anchor == "top-right" and en.x > 0.5


# ----------------------------------------------------------------------- rendered clips

@pytest.mark.slow
def test_overlays_in_an_exported_clip(tmp_path: Path) -> None:
    clip = make_colour_clip(tmp_path / "grey.mp4", "gray", size="160x120", duration=1.5)
    layers = (StickerLayer(name="keep-distance", language="en", slot="top-start", start=0.5),
              TipCardLayer(tip="avoid-crowds", language="en", slot="center", start=0.3,
                           end=1.4))
    out = tmp_path / "o.mp4"
    export(Project(clips=(ClipRef(str(clip)),), layers=layers, output=FAST,
                   audio=AudioSettings(normalise=False)), out)
    before, during = frames_rgb(out, [3, 40])
    # Before the layers start: the fitted grey clip over its dimmed, blurred copy, nothing else.
    assert before.max() < 145 and before.min() > 70
    changed = np.abs(during.astype(int) - before.astype(int)).max(axis=-1) > 40
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 100_000
    zone = get_profile("tiktok").safe_zone
    assert ys.min() >= zone.top and xs.min() >= zone.left  # inside the safe zone
    assert ys.max() <= 1920 - zone.bottom and xs.max() <= 1080 - zone.right


BUILTINS = ("maskup", "be-responsible", "thank-you-heroes", "together-against-corona")


@pytest.mark.slow
@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_template_renders_a_finished_clip(tmp_path: Path, name: str) -> None:
    clip = make_colour_clip(tmp_path / "grey.mp4", "gray", size="160x120", duration=1.5)
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 100), (230, 20, 20, 255)).save(logo)
    loaded = find_template(name)
    project = apply_template(loaded, [str(clip)], {"creator": "@salma"}, language="ar",
                             logos=[logo], output=FAST)  # maskup: with its face mask
    project = project.replace(audio=AudioSettings(normalise=False))
    out = tmp_path / f"{name}.mp4"
    result = export(project, out)
    assert project.card is not None
    card_frames = round(project.card.duration * 30)
    assert frame_count(out) == 45 + card_frames == result.frames
    early, mid, end = frames_rgb(out, [2, 30, 45 + card_frames - 2])
    assert end.shape == (1920, 1080, 3)

    # The opening sticker: top-end of the mirrored safe zone (top left for Arabic).
    sticker = loaded.template.overlays[0]
    assert isinstance(sticker, StickerLayer)
    region = (slice(260, 520), slice(100, 100 + round(sticker.width * 1080)))
    base = early[region].astype(int)
    assert base.max() - base.min() < 12  # plain background before it starts
    diff = np.abs(mid[region].astype(int) - base).max(axis=-1)
    assert (diff > 60).sum() > 5000
    assert (mid[region].min(axis=-1) > 235).sum() > 2000  # the white badge

    # End card: something drawn in each text row, over whatever the background is.
    def ink_rows(y0: float, y1: float) -> int:
        band = end[round(y0 * 1920): round(y1 * 1920), 100:980].astype(int)
        background = end[round(y0 * 1920): round(y1 * 1920), 5:20].astype(int).mean(axis=1)
        return int((np.abs(band - background[:, None, :]).max(axis=-1) > 60).sum())

    assert ink_rows(0.17, 0.26) > 3000  # badge
    assert ink_rows(0.30, 0.36) > 3000  # slogan
    assert ink_rows(0.376, 0.44) > 3000  # hashtags
    assert ink_rows(0.47, 0.52) > 3000  # call to action
    assert ink_rows(0.63, 0.66) > 200  # @salma
    logo_band = end[round(0.54 * 1920): round(0.61 * 1920)].astype(int)
    red = (logo_band[..., 0] > 190) & (logo_band[..., 1] < 80) & (logo_band[..., 2] < 80)
    assert red.sum() > 5000  # the partner logo
    if name == "maskup" and ocr_skip_reason() is None:
        slogan = end[round(0.30 * 1920): round(0.365 * 1920), 150:930]
        text = ocr_arabic(slogan, scale=0.8)
        assert similar(text, "لا تنسوا الكمامة") > 0.6, text
