"""The face-tracked mask overlay: placement, roll, fading, track choice, mappings, graphics."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.face_settings import MASK_STYLES, FaceMaskSettings
from creator_kit.core.frames import Sprite
from creator_kit.graphics.face_masks import (
    FaceMaskSource,
    affine_mapping,
    fill_mapping,
    fit_mapping,
    identity_time,
    mask_pose,
    path_mapping,
)
from creator_kit.graphics.mask_art import mask_image, write_previews
from creator_kit.vision.analysis import FaceAnalysis, FaceTrack, analyse
from creator_kit.vision.decode import iter_frames
from creator_kit.vision.face_follow import reframe_path
from creator_kit.vision.synthetic import draw_face
from tests.helpers import PathFn, linear, make_face_clip, still

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "masks"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))


def alpha_canvas(sprites: list[Sprite], size: tuple[int, int]) -> np.ndarray:
    """The combined coverage (0..1) of ``sprites`` on a canvas of ``size``."""
    w, h = size
    out = np.zeros((h, w), np.float32)
    for s in sprites:
        a = s.rgba[:, :, 3].astype(np.float32) / 255 * s.opacity
        region = out[s.y : s.y + a.shape[0], s.x : s.x + a.shape[1]]
        a = a[: region.shape[0], : region.shape[1]]
        region[:] = a + region * (1 - a)
    return out


def composite(frame: np.ndarray, sprites: list[Sprite]) -> np.ndarray:
    out = frame.astype(np.float32)
    for s in sprites:
        a = s.rgba[:, :, 3:4].astype(np.float32) / 255 * s.opacity
        region = out[s.y : s.y + a.shape[0], s.x : s.x + a.shape[1]]
        region[:] = s.rgba[:, :, :3] * a + region * (1 - a)
    return out.round().astype(np.uint8)


def one_track(
    t0: float, t1: float, lms: np.ndarray, box: tuple[float, ...], tid: int = 1
) -> FaceTrack:
    times = np.arange(t0, t1 + 1e-9, 0.1)
    n = len(times)
    return FaceTrack(
        tid, times, np.tile(np.asarray(box, float), (n, 1)), np.tile(lms, (n, 1, 1)),
        np.full(n, 0.9), np.ones(n, bool),
    )


def analysis_of(*tracks: FaceTrack, w: int = 480, h: int = 270) -> FaceAnalysis:
    return FaceAnalysis("mem.mp4", w, h, 3.0, 10.0, 640, np.arange(0, 3.0, 0.1), tracks)


FACE = draw_face(120)
LMS, BOX = FACE.moved(150, 40)


@pytest.mark.slow
def test_mask_covers_nose_mouth_and_chin_of_a_tracked_face(tmp_path: Path) -> None:
    clip = tmp_path / "walk.mp4"
    truth = make_face_clip(clip, [(FACE, linear(60, 40, 100, 5))], duration=2.0)
    a = analyse(clip)
    src = FaceMaskSource(a, FaceMaskSettings(style="surgical", fade=0.0),
                         affine_mapping(1.0, 0, 0), identity_time)
    checked = 0
    for t, frame in iter_frames(clip, rate=10, max_side=480):
        if not 0.1 < t < 1.9:
            continue
        sprites = list(src.sprites_at(t, (480, 270)))
        assert len(sprites) == 1
        cov = alpha_canvas(sprites, (480, 270))
        box, lms = truth.at(t)
        x1, y1, x2, y2 = box
        # Nose tip, both mouth corners and the chin are under the mask; the eyes are not.
        for px, py in [lms[2], lms[3], lms[4], ((x1 + x2) / 2, y2 - 0.06 * (y2 - y1))]:
            assert cov[int(py), int(px)] > 0.9, (t, px, py)
        for px, py in lms[:2]:
            assert cov[int(py), int(px)] < 0.05
        # The mask's weight sits in the lower half of the face box and across its width.
        ys, xs = np.nonzero(cov > 0.5)
        assert (y1 + y2) / 2 < np.average(ys) < y2
        assert abs(np.average(xs) - (x1 + x2) / 2) < 0.12 * (x2 - x1)
        body = cov[int(lms[3][1])]
        assert (body > 0.5).sum() > 0.85 * (x2 - x1)
        # And on the picture: the mouth is now mask blue.
        out = composite(frame, sprites)
        r, g, b = out[int(lms[3][1]), int((lms[3][0] + lms[4][0]) / 2)].astype(int)
        assert b > r + 20
        checked += 1
    assert checked >= 15


@pytest.mark.slow
@pytest.mark.parametrize("roll", [-25.0, 0.0, 20.0])
def test_mask_rolls_with_the_head(tmp_path: Path, roll: float) -> None:
    clip = tmp_path / "roll.mp4"
    make_face_clip(clip, [(draw_face(130, roll=roll), still(140, 20))], duration=1.0)
    a = analyse(clip)
    face = a.faces_at(0.5)[0]
    assert math.degrees(mask_pose(face).roll) == pytest.approx(roll, abs=6)
    src = FaceMaskSource(a, FaceMaskSettings(), affine_mapping(1, 0, 0), identity_time)
    cov = alpha_canvas(list(src.sprites_at(0.5, (480, 270))), (480, 270))
    ys, xs = np.nonzero(cov > 0.5)
    # The long axis of the mask's footprint turns with the head.
    cxy = np.cov(np.vstack([xs, ys]))
    angle = 0.5 * math.degrees(math.atan2(2 * cxy[0, 1], cxy[0, 0] - cxy[1, 1]))
    assert angle == pytest.approx(roll, abs=6)


def test_mask_scales_with_the_face() -> None:
    small = draw_face(60)
    big = draw_face(180)
    sizes = []
    for f in (small, big):
        lms, box = f.moved(10, 10)
        a = analysis_of(one_track(0.0, 2.0, lms, box))
        s = FaceMaskSource(a, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0), identity_time)
        (sprite,) = s.sprites_at(1.0, (480, 400))
        sizes.append(sprite.rgba.shape[1])
    assert sizes[1] / sizes[0] == pytest.approx(3.0, rel=0.1)


def test_mask_fades_in_with_the_face_and_leaves_with_it() -> None:
    a = analysis_of(one_track(1.0, 2.0, LMS, BOX))
    src = FaceMaskSource(a, FaceMaskSettings(fade=0.4), affine_mapping(1, 0, 0), identity_time)

    def opacity(t: float) -> float:
        sprites = src.sprites_at(t, (480, 270))
        return sprites[0].opacity if sprites else 0.0

    # Never over the background before the face is there: from half opacity at its first
    # analysed frame to full at half the fade time.
    assert opacity(0.9) == 0.0
    assert opacity(1.0) == pytest.approx(0.5, abs=0.02)
    assert opacity(1.1) == pytest.approx(0.75, abs=0.02)
    assert opacity(1.5) == 1.0
    # Gone with the face: full on its last analysed frame, nothing one frame later.
    assert opacity(2.0) == 1.0
    assert opacity(2.1) == 0.0


def test_only_chosen_tracks_get_a_mask_and_small_faces_are_drawn_first() -> None:
    far = draw_face(50)
    flms, fbox = far.moved(350, 30)
    a = analysis_of(one_track(0, 2, LMS, BOX, tid=1), one_track(0, 2, flms, fbox, tid=2))
    every = FaceMaskSource(a, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0), identity_time)
    sprites = every.sprites_at(1.0, (480, 270))
    assert len(sprites) == 2
    assert sprites[0].rgba.shape[1] < sprites[1].rgba.shape[1]  # distant face first
    chosen = FaceMaskSource(a, FaceMaskSettings(tracks=(2,), fade=0), affine_mapping(1, 0, 0),
                            identity_time)
    (only,) = chosen.sprites_at(1.0, (480, 270))
    assert only.x > 300
    missing = FaceMaskSource(a, FaceMaskSettings(tracks=(7,)), affine_mapping(1, 0, 0),
                             identity_time)
    assert missing.sprites_at(1.0, (480, 270)) == []
    assert missing.notice is not None and "7" in missing.notice


def test_no_faces_means_no_sprites_and_a_notice() -> None:
    src = FaceMaskSource(analysis_of(), FaceMaskSettings(), affine_mapping(1, 0, 0), identity_time)
    assert src.sprites_at(1.0, (480, 270)) == []
    assert src.notice is not None and "no faces" in src.notice


def test_time_map_outside_the_clip_draws_nothing() -> None:
    a = analysis_of(one_track(0, 2, LMS, BOX))
    src = FaceMaskSource(a, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0),
                         lambda t: None if t > 5 else t - 3)
    assert src.sprites_at(6.0, (480, 270)) == []
    assert len(src.sprites_at(4.0, (480, 270))) == 1  # source time 1.0


def test_mask_partly_off_the_canvas_is_clipped_to_it() -> None:
    lms, box = FACE.moved(-60, 160)  # face hanging off the left and bottom edges
    a = analysis_of(one_track(0, 2, lms, box))
    src = FaceMaskSource(a, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0), identity_time)
    (s,) = src.sprites_at(1.0, (480, 270))
    assert s.x >= 0 and s.y >= 0
    assert s.x + s.rgba.shape[1] <= 480 and s.y + s.rgba.shape[0] <= 270
    gone = analysis_of(one_track(0, 2, *FACE.moved(900, 40)))
    src = FaceMaskSource(gone, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0), identity_time)
    assert src.sprites_at(1.0, (480, 270)) == []


def test_bitmaps_are_reused_for_the_same_size_and_angle() -> None:
    a = analysis_of(one_track(0, 2, LMS, BOX))
    src = FaceMaskSource(a, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0), identity_time)
    s1 = src.sprites_at(0.5, (480, 270))[0]
    s2 = src.sprites_at(1.5, (480, 270))[0]
    assert s1.rgba is s2.rgba and s1.key == s2.key
    assert not s1.rgba.flags.writeable


def test_mappings_place_the_mask_where_the_face_lands_on_the_canvas() -> None:
    # A face in the middle, so the mask stays whole inside the vertical crop.
    a = analysis_of(one_track(0, 2, *FACE.moved(192, 40)), w=480, h=270)
    settings = FaceMaskSettings(fade=0)
    base = FaceMaskSource(a, settings, affine_mapping(1, 0, 0), identity_time)
    (ref,) = base.sprites_at(1.0, (480, 270))
    # fill on 1080x1920: scale 1920/270, centred crop
    fill = FaceMaskSource(a, settings, fill_mapping(480, 270, 1080, 1920), identity_time)
    (sf,) = fill.sprites_at(1.0, (1080, 1920))
    s = 1920 / 270
    cx_ref = ref.x + ref.rgba.shape[1] / 2
    cx_fill = sf.x + sf.rgba.shape[1] / 2
    assert cx_fill == pytest.approx(cx_ref * s - (480 * s - 1080) / 2, abs=3)
    assert sf.rgba.shape[1] == pytest.approx(ref.rgba.shape[1] * s, rel=0.05)
    fit = FaceMaskSource(a, settings, fit_mapping(480, 270, 1080, 1920), identity_time)
    (sfit,) = fit.sprites_at(1.0, (1080, 1920))
    assert sfit.y > (1920 - 270 * 1080 / 480) / 2  # inside the letterboxed picture
    path = reframe_path(a)
    follow = FaceMaskSource(a, settings, path_mapping(path, 1080, 1920), identity_time)
    (sp,) = follow.sprites_at(1.0, (1080, 1920))
    assert 0 < sp.x + sp.rgba.shape[1] / 2 < 1080


@pytest.mark.parametrize("style", MASK_STYLES)
def test_each_mask_style_is_drawn_with_an_opaque_body_and_clear_corners(style: str) -> None:
    img = mask_image(style, 300, 240)  # type: ignore[arg-type]
    h, w = img.shape[:2]
    assert img[h // 2, w // 2, 3] == 255
    assert img[0, 0, 3] == 0 and img[-1, -1, 3] == 0
    opaque = img[img[:, :, 3] == 255][:, :3].astype(int)
    assert opaque.std() > 3  # shaded and detailed, not a flat blob


def test_styles_look_different_and_any_size_works() -> None:
    means = [mask_image(s, 200, 160)[:, :, :3].mean(axis=(0, 1)) for s in MASK_STYLES]
    assert min(np.abs(a - b).sum() for i, a in enumerate(means) for b in means[i + 1 :]) > 20
    assert mask_image("cloth", 6, 5).shape[2] == 4
    assert mask_image("n95", 900, 700).shape[1] > 900


def test_preview_pngs_are_shipped_and_match_the_code(tmp_path: Path) -> None:
    written = write_previews(tmp_path)
    for path in written:
        shipped = ASSETS / path.name
        assert shipped.is_file(), f"run python -m creator_kit.graphics masks to create {shipped}"
        a = np.asarray(Image.open(shipped).convert("RGBA")).astype(int)
        b = np.asarray(Image.open(path).convert("RGBA")).astype(int)
        assert a.shape == b.shape
        assert np.abs(a - b).mean() < 2.0
    assert (ASSETS / "README.md").is_file()


def test_shipped_mask_masters_match_the_drawing_code() -> None:
    """assets/masks/*-master.png are the drawing code's output (regenerate after changes)."""
    from PIL import Image as _Image

    from creator_kit.graphics.mask_art import draw_master, master_path

    for style in ("surgical", "cloth", "n95"):
        with _Image.open(master_path(style)) as im:
            shipped = np.asarray(im, dtype=np.int16)
        drawn = draw_master(style).astype(np.int16)  # type: ignore[arg-type]
        assert shipped.shape == drawn.shape
        assert np.abs(shipped - drawn).max() <= 1, (
            f"{style}: run 'python -m creator_kit.graphics masks' to refresh the masters"
        )


# ------------------------------------------------ handheld footage: quick moves, cuts, exits


def _step_path(moves: list[tuple[float, tuple[float, float]]], speed: float) -> PathFn:
    """Still between ``moves`` (time, place); each move travels at ``speed`` px/s, or jumps."""

    def where(t: float) -> tuple[float, float]:
        x, y = moves[0][1]
        for t0, (nx, ny) in moves[1:]:
            if t < t0:
                break
            dist = math.hypot(nx - x, ny - y)
            took = dist / speed if speed > 0 else 0.0
            if t < t0 + took:
                f = (t - t0) / took
                return x + (nx - x) * f, y + (ny - y) * f
            x, y = nx, ny
        return x, y

    return where


def _mask_frames(clip: Path, truth_fps: float = 30.0) -> tuple[FaceMaskSource, float]:
    a = analyse(clip)
    src = FaceMaskSource(a, FaceMaskSettings(style="surgical"), affine_mapping(1, 0, 0),
                         identity_time)
    return src, truth_fps


def _covers(src: FaceMaskSource, t: float, lms: np.ndarray) -> tuple[float, float]:
    """Mask coverage (0..1) at the mouth and at the darker eye of ``lms`` at ``t``."""
    alpha = alpha_canvas(list(src.sprites_at(t, (480, 270))), (480, 270))
    mouth = (lms[3] + lms[4]) / 2
    mouth_a = float(alpha[int(mouth[1]), int(mouth[0])])
    eye_a = max(float(alpha[int(e[1]), int(e[0])]) for e in lms[:2])
    return mouth_a, eye_a


@pytest.mark.slow
def test_mask_follows_a_quick_move_without_lag(tmp_path: Path) -> None:
    # Still, then a whip across the frame at 1500 px/s (over 3 face widths in 0.16 s) that
    # starts and stops between two analysis samples, then still again.
    clip = tmp_path / "whip.mp4"
    path = _step_path([(0.0, (30.0, 70.0)), (0.83, (300.0, 90.0)), (1.43, (60.0, 60.0))],
                      1500.0)
    truth = make_face_clip(clip, [(draw_face(90), path)], duration=2.2)
    src, fps = _mask_frames(clip)
    lagging = []
    for k in range(3, int(2.2 * fps) - 1):
        t = k / fps
        _box, lms = truth.at(t)
        mouth, eye = _covers(src, t, lms)
        if mouth < 0.9 or eye > 0.05:
            lagging.append((k, round(mouth, 2), round(eye, 2)))
    assert not lagging, f"frames (index, mouth, eye coverage) where the mask is off: {lagging}"


@pytest.mark.slow
@pytest.mark.parametrize("gone", [0.5, 0.0], ids=["leaves-and-returns", "cut-to-new-place"])
def test_mask_drops_at_once_and_returns_within_frames(tmp_path: Path, gone: float) -> None:
    clip = tmp_path / "away.mp4"
    away = (-1000.0, 60.0)  # pasted outside the picture: no face at all
    moves = [(0.0, (60.0, 80.0)), (1.0, away), (1.0 + gone, (320.0, 100.0))]
    if gone == 0.0:
        moves = [moves[0], moves[2]]
    truth = make_face_clip(clip, [(draw_face(90), _step_path(moves, 0.0))], duration=2.5)
    src, fps = _mask_frames(clip)
    back = 1.0 + gone
    for k in range(int(2.5 * fps)):
        t = k / fps
        sprites = src.sprites_at(t, (480, 270))
        box, lms = truth.at(t)
        if 1.0 - 1e-9 < t < back - 0.5 / fps:
            assert not sprites, f"frame {k}: a mask stays over the background after the face left"
            continue
        if back <= t < back + 2.5 / fps:
            continue  # the frames of re-acquisition: two at most
        mouth, eye = _covers(src, t, lms)
        # A face that comes into view mid-shot has its mask faded in (from half opacity).
        fading = back <= t < back + FaceMaskSettings().fade / 2 + 2.5 / fps
        least = 0.45 if fading else 0.9
        assert mouth > least and eye < 0.05, f"frame {k}: mouth {mouth:.2f}, eye {eye:.2f}"
        if t > back:
            # Nothing is left where the face was before.
            assert all(s.x > 200 for s in sprites), f"frame {k}: a mask is left behind"
