"""Faces in rendered clips: the tracked mask lands on the face; face reframe keeps it in frame."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creator_kit.cli.main import main
from creator_kit.core.face_settings import FaceMaskSettings
from creator_kit.core.model import ClipRef, FaceMaskLayer, OutputSettings, Project, Reframe
from creator_kit.render.canvas_filters import fill_crop
from creator_kit.render.export import export
from creator_kit.vision.detect import FaceDetector
from creator_kit.vision.synthetic import draw_face
from tests.helpers import linear, make_face_clip, still
from tests.mediagen import make_clip
from tests.videoread import frames_rgb

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

FAST = OutputSettings(x264_preset="ultrafast")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))


def to_canvas(point, src_w, src_h):
    """Where a source pixel lands with the default (centred) fill crop."""
    cx, cy, cw, ch = fill_crop(Reframe(mode="fill"), src_w, src_h, 1080, 1920)
    return (point[0] - cx) * 1080 / cw, (point[1] - cy) * 1920 / ch


def test_tracked_mask_covers_mouth_not_eyes_in_the_export(tmp_path):
    clip = tmp_path / "walk.mp4"
    truth = make_face_clip(
        clip, [(draw_face(150), linear(150, 40, 20, 0))], size=(480, 270), duration=2.0
    )
    plain, masked = tmp_path / "plain.mp4", tmp_path / "masked.mp4"
    base = Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="fill"), output=FAST)
    export(base, plain)
    export(
        base.replace(layers=(FaceMaskLayer(FaceMaskSettings(style="surgical", fade=0.0)),)), masked
    )
    frames = [15, 30, 45]
    a, b = frames_rgb(plain, frames), frames_rgb(masked, frames)
    for i, fa, fb in zip(frames, a, b, strict=True):
        _box, lms = truth.at(i / 30)
        mouth = to_canvas((lms[3] + lms[4]) / 2, 480, 270)
        eye = to_canvas(lms[0], 480, 270)
        mx, my = int(mouth[0]), int(mouth[1])
        ex, ey = int(eye[0]), int(eye[1])
        changed_mouth = np.abs(
            fb[my - 6 : my + 6, mx - 6 : mx + 6].astype(int)
            - fa[my - 6 : my + 6, mx - 6 : mx + 6].astype(int)
        ).mean()
        changed_eye = np.abs(
            fb[ey - 4 : ey + 4, ex - 4 : ex + 4].astype(int)
            - fa[ey - 4 : ey + 4, ex - 4 : ex + 4].astype(int)
        ).mean()
        assert changed_mouth > 40, f"frame {i}: mask not over the mouth"
        assert changed_eye < 8, f"frame {i}: mask covers the eye"
        r, g, bl = fb[my, mx].astype(int)
        assert bl > r  # a light-blue surgical mask, not skin


def test_face_reframe_keeps_an_off_centre_face_in_frame(tmp_path, capsys):
    clip = tmp_path / "wide.mp4"
    # A wide shot with the speaker far to the right: a centred crop would cut them out.
    make_face_clip(clip, [(draw_face(110), still(760, 60))], size=(960, 270), duration=1.5)
    centred, follow = tmp_path / "c.mp4", tmp_path / "f.mp4"
    for out, mode in ((centred, "fill"), (follow, "face")):
        assert (
            main(
                [
                    "render",
                    "-i",
                    str(clip),
                    "--reframe",
                    mode,
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
    detector = FaceDetector()

    def faces(path):
        # Detect at a quarter size, as the analysis does: the detector wants modest faces.
        small = np.asarray(Image.fromarray(frames_rgb(path, [20])[0]).resize((270, 480)))
        return [d for d in detector.detect(small) if d.score >= 0.5]

    assert faces(centred) == []
    found = faces(follow)
    assert found, "face reframe lost the face"
    x1, _y1, x2, _y2 = found[0].box
    assert 0.3 * 270 < (x1 + x2) / 2 < 0.7 * 270


def test_no_faces_centres_and_says_so(tmp_path, capsys):
    clip = make_clip(tmp_path / "nofaces.mp4", size="640x360", duration=1.0, source="testsrc2")
    out, ref = tmp_path / "o.mp4", tmp_path / "ref.mp4"
    assert (
        main(
            [
                "render",
                "-i",
                str(clip),
                "--reframe",
                "face",
                "--face-mask",
                "cloth",
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
    err = capsys.readouterr().err
    assert "warning:" in err and "no face" in err.lower()
    assert (
        main(
            [
                "render",
                "-i",
                str(clip),
                "--reframe",
                "fill",
                "-o",
                str(ref),
                "--progress",
                "none",
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 0
    )
    a, b = frames_rgb(out, [15])[0], frames_rgb(ref, [15])[0]
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 3  # centred, nothing drawn


def test_face_tracks_flag_needs_face_mask(tmp_path, capsys):
    clip = make_clip(tmp_path / "c.mp4", duration=0.5)
    assert (
        main(["render", "-i", str(clip), "--face-tracks", "1", "-o", str(tmp_path / "o.mp4")]) == 2
    )
    assert capsys.readouterr().err.startswith("error: --face-tracks: needs --face-mask")


def test_a_face_render_probes_each_source_once(tmp_path, monkeypatch):
    from creator_kit.media import probe as probe_mod
    from creator_kit.render import face_timeline, timeline
    from creator_kit.vision import analysis

    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(150), still(240, 135))], size=(480, 270), duration=2.0)
    calls: list[str] = []
    real = probe_mod.probe

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)

    def refuse(path):
        raise AssertionError(f"face analysis probed {path} again")

    monkeypatch.setattr(timeline, "probe", counting)
    monkeypatch.setattr(analysis, "video_info", refuse)
    project = Project(
        clips=(ClipRef(str(clip)), ClipRef(str(clip), start=0.5)),
        layers=(FaceMaskLayer(),),
        reframe=Reframe(mode="face"),
    )
    plan = timeline.build_plan(project)
    faces = face_timeline.analyse_plan(plan)
    assert calls == [str(clip)]  # one probe per source, none after the plan
    assert faces[str(clip)].tracks  # and the analysis still found the face


def _top_then_bottom(t: float) -> tuple[float, float]:
    """A face near the top until 1.2 s, then (in 0.3 s) near the bottom of a 270x480 clip."""
    top, bottom = 50.0, 330.0
    p = min(1.0, max(0.0, (t - 1.2) / 0.3))
    return 105.0, top + (bottom - top) * p


def test_card_sticker_and_caption_move_off_a_face(tmp_path):
    from creator_kit.core.captions import Cue
    from creator_kit.core.model import CaptionLayer, StickerLayer, TipCardLayer

    clip = tmp_path / "portrait.mp4"
    truth = make_face_clip(clip, [(draw_face(60), _top_then_bottom)], size=(270, 480),
                           duration=3.0)
    # Both renders analyse the faces (the mask needs them); only the second has overlays
    # placed by slot: the tip card (top), a sticker (top-end) and captions (bottom).
    base = Project(
        clips=(ClipRef(str(clip)),),
        reframe=Reframe(mode="fill"),
        layers=(FaceMaskLayer(FaceMaskSettings(style="surgical", fade=0.0)),),
        output=FAST,
    )
    overlays = (
        TipCardLayer(tip="wear-mask", language="en", width=0.6),
        StickerLayer(name="mask-up", language="en", width=0.3),
        CaptionLayer(cues=(Cue(0.0, 1.2, "Mask up"), Cue(1.6, 3.0, "Keep it on"))),
    )
    plain, busy = tmp_path / "plain.mp4", tmp_path / "busy.mp4"
    export(base, plain)
    export(base.replace(layers=base.layers + overlays), busy)
    frames = list(range(0, 90, 3))
    covered = []
    for i, a, b in zip(frames, frames_rgb(plain, frames), frames_rgb(busy, frames), strict=True):
        diff = np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40
        if 0.5 < i / 30 < 2.8:  # between the enter and exit fades
            assert diff.sum() > 5000, f"frame {i}: the overlays are missing"
        box, _lms = truth.at(i / 30)
        # 270x480 fills 1080x1920 exactly: four canvas pixels per source pixel.
        x1, y1, x2, y2 = (round(v * 4) for v in box)
        inside = int(diff[y1:y2, x1:x2].sum())
        if inside > 0.01 * (x2 - x1) * (y2 - y1):
            covered.append((i, inside))
    assert not covered, f"(frame, overlay pixels on the face) {covered}"


def test_face_reframe_widens_to_keep_headroom_over_a_face_at_the_top(tmp_path):
    clip = tmp_path / "rise.mp4"
    # A landscape shot whose speaker rises until the face touches the top of the picture.
    truth = make_face_clip(
        clip, [(draw_face(110), lambda t: (260.0, max(-30.0, 120.0 - 100.0 * t)))],
        size=(640, 360), duration=2.0,
    )
    out = tmp_path / "face.mp4"
    args = ["render", "-i", str(clip), "--reframe", "face", "-o", str(out), "--progress",
            "none", "--x264-preset", "ultrafast"]
    assert main(args) == 0
    box, _lms = truth.at(1.8)
    assert box[1] < 5  # the face's top is at the picture's edge
    (frame,) = frames_rgb(out, [54])
    small = np.asarray(Image.fromarray(frame).resize((270, 480)))
    found = [d for d in FaceDetector().detect(small) if d.score >= 0.5]
    assert found, "face reframe lost the face"
    x1, y1, x2, y2 = found[0].box
    assert y1 >= 0.15 * (y2 - y1), f"no headroom: the face starts {y1:.0f} px from the top"
    assert x1 > 0 and x2 < 270
    # Above the picture is its blurred copy, not black bars or a stretched edge.
    band = frame[: int(y1 * 4 * 0.5)].astype(float)
    assert band.mean() > 30 and band.std() < 40


def _changed_box(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int] | None:
    """Box (x1, y1, x2, y2) of the rows and columns where many pixels of b differ from a."""
    diff = np.abs(b.astype(int) - a.astype(int)).max(axis=2) > 40
    rows = np.nonzero(diff.sum(axis=1) > 8)[0]  # more than encoder noise
    cols = np.nonzero(diff.sum(axis=0) > 8)[0]
    if not len(rows) or not len(cols):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _meet(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_tip_card_and_caption_share_the_frame_without_covering_each_other_or_the_face(
    tmp_path,
):
    from creator_kit.core.model import CaptionLayer, TipCardLayer
    from creator_kit.graphics.slots import face_inner_box
    from creator_kit.templates import find_template

    clip = tmp_path / "portrait.mp4"
    # A head in the top half of the picture, as in make demo: the card's own slot (top) and
    # the middle cover it, so the card takes the bottom, where a caption goes by default.
    truth = make_face_clip(clip, [(draw_face(200), still(55.0, 46.0))], size=(270, 480),
                           duration=3.0)
    style = find_template("maskup").template.caption_style
    mask = FaceMaskLayer(FaceMaskSettings(style="surgical", fade=0.0))
    card = TipCardLayer(tip="wear-mask", language="ar", start=0.3, end=3.0)
    caption = CaptionLayer(text="لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp", style=style)
    base = Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="fill"), layers=(mask,),
                   output=FAST)
    outs = {}
    for name, layers in (("plain", (mask,)), ("card", (mask, card)),
                         ("both", (mask, card, caption))):
        outs[name] = tmp_path / f"{name}.mp4"
        export(base.replace(layers=layers), outs[name])
    frames = [45, 60, 75]  # 1.5, 2 and 2.5 s: the card has slid in and not yet left
    plain, with_card, both = (frames_rgb(outs[n], frames) for n in ("plain", "card", "both"))
    for i, a, b, c in zip(frames, plain, with_card, both, strict=True):
        # The card is what it adds to the plain clip; the caption is what it adds to that
        # (the card's place does not depend on the caption, placed after it).
        card_box, cap_box = _changed_box(a, b), _changed_box(b, c)
        assert card_box is not None and cap_box is not None, f"frame {i}: a layer is missing"
        assert not _meet(card_box, cap_box), f"frame {i}: caption {cap_box} on card {card_box}"
        face, _lms = truth.at(i / 30)
        # 270x480 fills 1080x1920 exactly: four canvas pixels per source pixel.
        fx1, fy1, fx2, fy2 = (v * 4 for v in face)
        inner = face_inner_box((fx1, fy1, fx2, fy2))
        for name, box in (("card", card_box), ("caption", cap_box)):
            assert not _meet(box, inner), f"frame {i}: the {name} {box} covers the face {inner}"
