"""Captions in rendered clips: placement, timing, word highlight, safe zone, OCR of the export."""

from __future__ import annotations

import numpy as np
import pytest

from creator_kit.cli.main import main
from creator_kit.core.captions import STYLES, Cue
from creator_kit.core.model import CaptionLayer, ClipRef, OutputSettings, Placement, Project
from creator_kit.render.export import export
from creator_kit.render.preview import Previewer
from creator_kit.render.timeline import build_plan
from tests.mediagen import make_colour_clip
from tests.ocr import normalise_arabic, ocr_arabic, ocr_skip_reason
from tests.videoread import frames_rgb

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

FAST = OutputSettings(x264_preset="ultrafast")
SLOGAN = "لا تنسوا الكمامة"


@pytest.fixture
def grey_clip(tmp_path):
    return make_colour_clip(tmp_path / "grey.mp4", "gray", size="540x960", duration=2.0)


def ink(rgb: np.ndarray, threshold: int = 230) -> np.ndarray:
    """Mask of near-white pixels (caption fill on a grey background)."""
    return np.all(rgb > threshold, axis=-1)


def test_caption_appears_only_while_its_cue_runs(tmp_path, grey_clip):
    layer = CaptionLayer(cues=(Cue(0.5, 1.5, SLOGAN),), style=STYLES["outline"])
    out = tmp_path / "c.mp4"
    export(Project(clips=(ClipRef(str(grey_clip)),), layers=(layer,), output=FAST), out)
    before, during, after = frames_rgb(out, [5, 30, 55])
    assert ink(during).sum() > 2000
    assert ink(before).sum() == 0 and ink(after).sum() == 0
    ys, xs = np.nonzero(ink(during))
    # Default placement: bottom of TikTok's safe area, clear of the bottom interface band.
    assert ys.max() < 1920 - 420 and ys.min() > 1920 * 0.55
    assert xs.min() > 150 and xs.max() < 1080 - 40


def test_placement_puts_the_text_block_where_asked(tmp_path, grey_clip):
    layer = CaptionLayer(
        text="MASK UP",
        style=STYLES["outline"],
        placement=Placement(x=0.5, y=0.3, anchor="top", width=0.8),
    )
    plan = build_plan(Project(clips=(ClipRef(str(grey_clip)),), layers=(layer,), output=FAST))
    pv = Previewer(plan)
    rgb = pv.frame(1.0).to_rgb()
    pv.close()
    ys, xs = np.nonzero(ink(rgb))
    assert abs(ys.min() - 0.3 * 1920) < 30
    assert abs((xs.min() + xs.max()) / 2 - 540) < 20


def test_word_highlight_moves_right_to_left_for_arabic(tmp_path, grey_clip):
    style = STYLES["karaoke"]
    layer = CaptionLayer(cues=(Cue(0.0, 1.8, SLOGAN),), style=style, highlight="words")
    plan = build_plan(Project(clips=(ClipRef(str(grey_clip)),), layers=(layer,), output=FAST))
    pv = Previewer(plan)
    yellow_x = []
    for t in (0.2, 1.5):
        rgb = pv.frame(t).to_rgb().astype(int)
        yellow = (rgb[..., 0] > 200) & (rgb[..., 1] > 170) & (rgb[..., 2] < 80)
        assert yellow.sum() > 300, f"no highlighted word at {t}"
        yellow_x.append(np.nonzero(yellow)[1].mean())
    pv.close()
    # Arabic reads right to left: the first word is lit on the right, the last on the left.
    assert yellow_x[0] > yellow_x[1] + 100


def test_caption_in_a_covered_band_is_warned_about(tmp_path, grey_clip, capsys):
    code = main(
        [
            "render",
            "-i",
            str(grey_clip),
            "--caption",
            SLOGAN,
            "--caption-style",
            "bold-box",
            "-o",
            str(tmp_path / "w.mp4"),
            "--progress",
            "none",
            "--x264-preset",
            "ultrafast",
            "--save-project",
            str(tmp_path / "p.ckproj"),
        ]
    )
    assert code == 0
    assert "enters the" not in capsys.readouterr().err
    import json

    doc = json.loads((tmp_path / "p.ckproj").read_text(encoding="utf-8"))
    doc["layers"][0]["placement"] = {"x": 0.5, "y": 0.02, "anchor": "top", "width": 0.8}
    (tmp_path / "p.ckproj").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code = main(
        ["render", str(tmp_path / "p.ckproj"), "-o", str(tmp_path / "w2.mp4"), "--progress", "none"]
    )
    err = capsys.readouterr().err
    assert code == 0 and "warning:" in err and "enters the top band" in err


def test_captions_from_srt_follow_their_cues(tmp_path, grey_clip):
    srt = tmp_path / "talk.srt"
    # No trailing blank line, Windows line ends: the last cue must still be kept.
    srt.write_bytes(
        b"1\r\n00:00:00,100 --> 00:00:00,600\r\nMASK\r\n\r\n2\r\n"
        b"00:00:01,000 --> 00:00:01,500\r\nUP"
    )
    out = tmp_path / "srt.mp4"
    assert (
        main(
            [
                "render",
                "-i",
                str(grey_clip),
                "--captions",
                str(srt),
                "--caption-style",
                "outline",
                "-o",
                str(out),
                "--progress",
                "none",
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 0
    )
    # Frames just after each cue's 0.25 s fade-in, and in the gaps after each cue.
    f = frames_rgb(out, [11, 24, 37, 54])
    assert ink(f[0], 200).sum() > 500 and ink(f[1], 200).sum() == 0
    assert ink(f[2], 200).sum() > 300 and ink(f[3], 200).sum() == 0


def test_exported_arabic_caption_reads_back_with_ocr(tmp_path, grey_clip):
    reason = ocr_skip_reason("ara")
    if reason:
        pytest.skip(reason)
    style = STYLES["bold-box"].replace(size_px=110.0)
    layer = CaptionLayer(text=SLOGAN, style=style)
    out = tmp_path / "ocr.mp4"
    export(
        Project(
            clips=(ClipRef(str(grey_clip)),),
            layers=(layer,),
            output=OutputSettings(x264_preset="fast"),
        ),
        out,
    )
    rgb = frames_rgb(out, [30])[0]
    ys, xs = np.nonzero(ink(rgb, 200))
    crop = rgb[ys.min() - 20 : ys.max() + 20, xs.min() - 20 : xs.max() + 20]
    # The slogan may wrap at this size: read it as a block, lines in reading order.
    text = ocr_arabic(crop, psm=6)
    assert normalise_arabic(text).replace(" ", "") == normalise_arabic(SLOGAN).replace(" ", ""), (
        text
    )
