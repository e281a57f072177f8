"""creator_kit.moviepy: real moviepy clips in, decoded pixels and files on disk checked."""

from __future__ import annotations

import importlib.metadata
import sys

import numpy as np
import pytest
from moviepy import AudioClip, ColorClip, CompositeVideoClip, ImageClip, VideoClip, VideoFileClip

from creator_kit.cli.main import main
from creator_kit.core.cancel import CancelToken
from creator_kit.core.captions import STYLES
from creator_kit.core.errors import Cancelled, OutputError, RenderError
from creator_kit.core.model import CaptionLayer, ClipRef, OutputSettings, Project
from creator_kit.core.project_io import save_project
from creator_kit.moviepy import (
    ArabicText,
    CaptionsClip,
    FaceMask,
    MoviepyLayer,
    export,
    project_clip,
    require_moviepy,
)
from creator_kit.render.preview import Previewer
from creator_kit.text.engine import render_caption
from creator_kit.vision.detect import FaceDetector
from creator_kit.vision.synthetic import draw_face
from tests.helpers import ffmpeg_children, leftovers, linear, make_face_clip
from tests.mediagen import make_clip
from tests.ocr import ocr_arabic, ocr_skip_reason, similar
from tests.videoread import audio_samples, frame_count, frames_rgb

TEXT = "لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp 😷"
FAST = dict(x264_preset="ultrafast")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def _no_write_videofile(monkeypatch):
    """export() must never fall back on moviepy's writer (which overwrites and never checks)."""
    import moviepy.video.io.ffmpeg_writer as writer

    def refuse(*_a, **_k):
        raise AssertionError("moviepy's video writer was called")

    monkeypatch.setattr(VideoClip, "write_videofile", refuse)
    monkeypatch.setattr(writer, "ffmpeg_write_video", refuse)
    monkeypatch.setattr(writer.FFMPEG_VideoWriter, "__init__", refuse)


def tone(duration: float, freq: float = 440.0) -> AudioClip:
    def fn(t):
        t = np.asarray(t, dtype=np.float64)
        s = 0.2 * np.sin(2 * np.pi * freq * t)
        return np.stack([s, s], axis=-1)

    return AudioClip(fn, duration=duration, fps=48000)


def sticker(size: int = 160) -> ImageClip:
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 0] = 230
    rgba[..., 1] = 40
    rgba[..., 2] = 40
    yy, xx = np.mgrid[0:size, 0:size]
    rgba[..., 3] = np.where((xx - size / 2) ** 2 + (yy - size / 2) ** 2 < (size / 2) ** 2, 255, 0)
    return ImageClip(rgba)


# ------------------------------------------------------------------ import check and text


def test_moviepy_is_checked_at_import(monkeypatch):
    assert int(require_moviepy().split(".")[0]) >= 2

    def missing(_name):
        raise importlib.metadata.PackageNotFoundError("moviepy")

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with pytest.raises(ImportError, match=r"pip install --no-deps moviepy==2\.2\.1"):
        require_moviepy()
    monkeypatch.setattr(importlib.metadata, "version", lambda _n: "1.0.3")
    with pytest.raises(ImportError, match="moviepy 1.0.3 is installed"):
        require_moviepy()


@pytest.mark.parametrize("style", sorted(STYLES))
def test_arabic_text_is_the_engines_caption_pixel_for_pixel(style):
    clip = ArabicText(TEXT, style=style, width=900)
    engine = render_caption(TEXT, STYLES[style], 900).rgba
    assert clip.size == (engine.shape[1], engine.shape[0])
    assert np.array_equal(clip.get_frame(0), engine[..., :3])
    alpha = np.round(clip.mask.get_frame(0) * 255).astype(np.uint8)
    assert np.array_equal(alpha, engine[..., 3])
    assert clip.duration is None
    assert ArabicText(TEXT, duration=2).duration == 2


@pytest.mark.slow
def test_arabic_text_in_an_exported_moviepy_composition_reads_back(tmp_path):
    reason = ocr_skip_reason()
    if reason:
        pytest.skip(reason)
    text = "لا تنسوا الكمامة"
    title = ArabicText(text, style="bold-box", width=1000, duration=1)
    bg = ColorClip((1080, 1920), color=(20, 20, 20), duration=1)
    video = CompositeVideoClip([bg, title.with_position(("center", 800))], size=(1080, 1920))
    out = tmp_path / "title.mp4"
    export(video.with_fps(30), out, **FAST)
    frame = frames_rgb(out, [15])[0]
    x0 = (1080 - title.w) // 2
    crop = frame[800 : 800 + title.h, x0 : x0 + title.w]
    got = ocr_arabic(crop)
    assert similar(got, text) >= 0.85, got


def test_arabic_text_refuses_empty_text():
    with pytest.raises(ValueError, match="empty"):
        ArabicText("   ")


def test_captions_clip_from_a_windows_1256_file_keeps_the_last_cue(tmp_path):
    srt = tmp_path / "talk.srt"
    srt.write_bytes(
        "1\n00:00:00,000 --> 00:00:01,000\nمرحبا بكم\n\n"
        "2\n00:00:01,000 --> 00:00:02,500\nلا تنسوا الكمامة".encode("cp1256")
    )
    clip = CaptionsClip(srt, style="bold-box", highlight="words")
    assert clip.size == (1080, 1920)
    assert clip.duration == pytest.approx(2.5)
    assert [c.text for c in clip.cues] == ["مرحبا بكم", "لا تنسوا الكمامة"]
    first, last = clip.mask.get_frame(0.5), clip.mask.get_frame(2.2)
    assert first.shape == (1920, 1080) and first.max() == pytest.approx(1.0)
    assert last.max() == pytest.approx(1.0)  # the last cue is shown to its end
    rows = np.nonzero(last.max(axis=1) > 0.5)[0]
    assert rows.min() > 1920 // 2  # at the bottom of the safe area, as the engine puts it
    # Word highlight: the picture of the last cue changes while it plays.
    assert not np.array_equal(clip.get_frame(1.4), clip.get_frame(2.3))


def test_captions_clip_takes_cue_tuples_and_refuses_bad_ones():
    clip = CaptionsClip([(0, 1, "hello"), (1, 2, "مرحبا")], size=(720, 1280))
    assert clip.get_frame(0.5).shape == (1280, 720, 3)
    assert clip.mask.get_frame(1.5).max() > 0.9
    with pytest.raises(ValueError, match="cue 0"):
        CaptionsClip([("a", "b")])


# ------------------------------------------------------------------ export


def composition(duration: float = 1.0) -> CompositeVideoClip:
    bg = ColorClip((1080, 1920), color=(30, 90, 160), duration=duration)
    title = ArabicText(TEXT, style="bold-box", width=900)
    video = CompositeVideoClip(
        [
            bg,
            title.with_position(("center", 1300)).with_duration(duration),
            sticker().with_position((60, 200)).with_duration(duration),
        ],
        size=(1080, 1920),
    ).with_audio(tone(duration))
    video.fps = 30
    return video


@pytest.mark.slow
def test_exported_composition_passes_check_and_shows_its_layers(tmp_path, capsys):
    out = tmp_path / "out.mp4"
    video = composition(1.0)
    result = export(video, out, **FAST)
    assert result.path == out and result.frames == 30
    assert main(["check", str(out), "--preset", "tiktok"]) == 0
    assert frame_count(out) == 30
    got = frames_rgb(out, [15])[0]
    want = video.get_frame(0.5)
    assert np.abs(got.astype(int) - want.astype(int)).mean() < 4
    assert got[280, 140, 0] > 180 and got[280, 140, 2] < 90  # the red sticker
    samples, rate = audio_samples(out)
    assert rate == 48000 and np.abs(samples).max() > 0.05  # the tone, normalised
    assert leftovers(tmp_path) == [] and ffmpeg_children(tmp_path) == []


@pytest.mark.slow
def test_a_landscape_clip_is_fitted_inside_the_canvas(tmp_path):
    clip = ColorClip((640, 360), color=(240, 200, 20), duration=1.0).with_fps(30)
    out = tmp_path / "wide.mp4"
    export(clip, out, **FAST)
    frame = frames_rgb(out, [5])[0]
    assert frame.shape == (1920, 1080, 3)
    # 640x360 scaled to 1080x608, centred: yellow across the middle band, black above it.
    middle, top = frame[960, 540].astype(int), frame[300, 540].astype(int)
    assert middle[0] > 200 and middle[1] > 170 and middle[2] < 70
    assert top.max() < 30
    assert main(["check", str(out)]) == 0


@pytest.mark.slow
def test_a_clip_too_short_for_the_platform_is_warned_about_before_drawing(tmp_path):
    heard: list[str] = []
    exporting = []

    def frame(t):
        if exporting:
            assert heard, "the warning must come before the first frame is drawn"
        return np.full((1920, 1080, 3), 90, np.uint8)

    clip = VideoClip(frame, duration=0.5).with_fps(30)  # moviepy draws t=0 here for the size
    exporting.append(True)
    result = export(clip, tmp_path / "short.mp4", on_warning=heard.append, **FAST)
    assert len(heard) == 1 and "0.50 s" in heard[0] and "1 to 600 s" in heard[0]
    assert result.warnings == tuple(heard)
    assert main(["check", str(result.path)]) == 1  # the check agrees


def test_export_refuses_a_target_that_exists_or_is_a_symlink(tmp_path):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        export(composition(), out)
    assert out.read_bytes() == b"keep me"
    link = tmp_path / "link.mp4"
    link.symlink_to(out)
    with pytest.raises(OutputError, match="symlink"):
        export(composition(), link)
    assert link.is_symlink() and out.read_bytes() == b"keep me"
    assert leftovers(tmp_path) == []


def test_export_refuses_clips_without_size_or_duration(tmp_path):
    out = tmp_path / "out.mp4"
    with pytest.raises(ValueError, match="has no duration"):
        export(ColorClip((1080, 1920), color=(0, 0, 0)), out)
    no_size = VideoClip(duration=1)
    with pytest.raises(ValueError, match="has no size"):
        export(no_size, out)
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.slow
def test_a_clip_failing_midway_leaves_nothing(tmp_path):
    def frame(t):
        if t > 0.5:
            raise OSError("camera unplugged")
        return np.zeros((1920, 1080, 3), np.uint8)

    clip = VideoClip(frame, duration=1.0).with_fps(30)
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError, match=r"t=0\.5.*camera unplugged"):
        export(clip, out, **FAST)
    assert not out.exists() and leftovers(tmp_path) == [] and ffmpeg_children(tmp_path) == []


@pytest.mark.slow
def test_a_cancelled_export_leaves_nothing(tmp_path):
    token = CancelToken()
    seen = []

    def progress(p):
        seen.append(p)
        if p.stage == "render" and p.fraction > 0.2:
            token.cancel()

    out = tmp_path / "out.mp4"
    with pytest.raises(Cancelled):
        export(composition(2.0), out, on_progress=progress, cancel=token, **FAST)
    assert seen and not out.exists()
    assert leftovers(tmp_path) == [] and ffmpeg_children(tmp_path) == []


def test_a_picture_of_the_wrong_shape_is_a_clear_error(tmp_path):
    clip = VideoClip(lambda t: np.zeros((100, 100, 3), np.uint8), duration=1).with_fps(30)
    clip.size = (200, 100)  # claims one size, draws another
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError, match=r"shape \(100, 100, 3\), expected \(100, 200, 3\)"):
        export(clip, out, **FAST)
    assert not out.exists() and leftovers(tmp_path) == [] and ffmpeg_children(tmp_path) == []


# ------------------------------------------------------------------ projects


@pytest.fixture
def project(tmp_path) -> Project:
    src = make_clip(tmp_path / "src.mp4", size="640x360", duration=1.0)
    caption = CaptionLayer(text="لا تنسوا الكمامة", style=STYLES["bold-box"])
    return Project(
        clips=(ClipRef(str(src)),), layers=(caption,), output=OutputSettings(**FAST)
    )


@pytest.mark.slow
def test_project_clip_frames_are_the_engines_and_export_takes_the_fast_path(
    tmp_path, project, monkeypatch
):
    clip = project_clip(project)
    assert clip.size == (1080, 1920) and clip.duration == pytest.approx(1.0)
    engine = Previewer(project)
    try:
        for t in (0.0, 0.5, 0.9):
            assert np.array_equal(clip.get_frame(t), engine.frame(t).to_rgb())
    finally:
        engine.close()
    sound = clip.audio.to_soundarray(fps=48000)
    assert sound.shape[1] == 2 and np.abs(sound).max() > 0.05

    mexport = sys.modules["creator_kit.moviepy.export"]
    calls = []
    real = mexport.export_project
    monkeypatch.setattr(
        mexport, "export_project", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    out = tmp_path / "fast.mp4"
    export(clip, out)
    assert len(calls) == 1 and frame_count(out) == 30
    decoded = frames_rgb(out, [15])[0]
    assert np.abs(decoded.astype(int) - clip.get_frame(0.5).astype(int)).mean() < 3
    # A modified project clip is a moviepy clip like any other.
    slow = tmp_path / "cut.mp4"
    export(clip.subclipped(0, 0.5), slow, x264_preset="ultrafast")
    assert len(calls) == 1 and frame_count(slow) == 15
    clip.close()


@pytest.mark.slow
def test_a_project_clip_combines_with_other_moviepy_clips(tmp_path, project):
    clip = project_clip(project)
    title = ArabicText("حافظ على التباعد", style="bold-box", width=900)
    video = CompositeVideoClip(
        [clip, title.with_position(("center", 300)).with_duration(clip.duration)]
    )
    out = tmp_path / "combined.mp4"
    result = export(video, out, x264_preset="ultrafast")
    assert result.frames == 30 and main(["check", str(out)]) == 0
    got = frames_rgb(out, [15])[0].astype(int)
    engine = clip.get_frame(0.5).astype(int)
    below = slice(300 + title.h + 20, 1920)
    assert np.abs(got[below] - engine[below]).mean() < 3  # the project's own pixels
    x0 = (1080 - title.w) // 2
    box = got[300 : 300 + title.h, x0 : x0 + title.w]
    assert np.abs(box - engine[300 : 300 + title.h, x0 : x0 + title.w]).mean() > 20  # the title
    samples, _rate = audio_samples(out)
    assert np.abs(samples).max() > 0.05  # the project's soundtrack came along
    clip.close()


@pytest.mark.slow
def test_moviepy_layer_is_composited_by_the_engine_and_never_saved(tmp_path, project):
    red = ColorClip((200, 100), color=(230, 30, 30), duration=0.5)
    layered = project.replace(
        layers=(*project.layers, MoviepyLayer(red, position=(100, 300), start=0.25))
    )
    out = tmp_path / "layered.mp4"
    from creator_kit.render.export import export as engine_export

    engine_export(layered, out)
    early, inside, late = frames_rgb(out, [3, 15, 27])
    r, g, b = inside[350, 200].astype(int)
    assert r > 190 and g < 70 and b < 70
    assert early[350, 200, 0] < 190 or early[350, 200, 1] > 70  # not yet shown
    assert late[350, 200, 0] < 190 or late[350, 200, 1] > 70  # gone after its duration
    with pytest.raises(OutputError, match="MoviepyLayer.*cannot be saved"):
        save_project(layered, tmp_path / "p.ckproj")
    assert not (tmp_path / "p.ckproj").exists()


def test_moviepy_layer_with_a_mask_of_the_wrong_shape_fails_clearly(tmp_path, project):
    clip = ColorClip((200, 100), color=(230, 30, 30), duration=1.0)
    clip = clip.with_mask(ColorClip((50, 50), color=1.0, is_mask=True, duration=1.0))
    layered = project.replace(layers=(MoviepyLayer(clip),))
    out = tmp_path / "bad.mp4"
    from creator_kit.render.export import export as engine_export

    with pytest.raises(ValueError, match=r"mask .* has shape \(50, 50\).*\(100, 200\)"):
        engine_export(layered, out)
    assert not out.exists() and leftovers(tmp_path) == [] and ffmpeg_children(tmp_path) == []


# ------------------------------------------------------------------ faces


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1, 2])
def test_face_mask_sits_on_the_known_face(tmp_path, scale, monkeypatch):
    src = tmp_path / "face.mp4"
    truth = make_face_clip(
        src, [(draw_face(150), linear(150, 40, 20, 0))], size=(480, 270), duration=2.0
    )
    plain = VideoFileClip(str(src))
    if scale != 1:  # a transformed clip: analysed from its own frames
        plain = plain.resized(scale)
    masked = plain.with_effects([FaceMask("surgical", fade=0.0)])
    try:
        for t in (0.5, 1.0, 1.5):
            a, b = plain.get_frame(t).astype(int), masked.get_frame(t).astype(int)
            _box, lms = truth.at(t)
            mx, my = ((lms[3] + lms[4]) / 2 * scale).astype(int)
            ex, ey = (lms[0] * scale).astype(int)
            r = 4 * scale

            def changed(x, y, a=a, b=b, r=r):
                return np.abs(b[y - r : y + r, x - r : x + r] - a[y - r : y + r, x - r : x + r])

            assert changed(mx, my).mean() > 40, f"t={t}: mask not over the mouth"
            assert changed(ex, ey).mean() < 8, f"t={t}: mask covers the eye"
            assert b[my, mx, 2] > b[my, mx, 0]  # a light-blue surgical mask, not skin
        # Applied again (the same script run twice): the analysis comes from the cache, by the
        # file for the clip as decoded, by the pictures' content for the resized one.
        detect = FaceDetector.detect
        calls = []
        monkeypatch.setattr(
            FaceDetector, "detect", lambda self, rgb: calls.append(1) or detect(self, rgb)
        )
        again = plain.with_effects([FaceMask("surgical", fade=0.0)]).get_frame(1.0)
        assert calls == [] and np.array_equal(again, masked.get_frame(1.0))
        cached = sorted(p.name for p in (tmp_path / "cache" / "faces").iterdir())
        assert len(cached) == 1 and cached[0].startswith("frames-") == (scale != 1)
    finally:
        plain.close()


def test_face_mask_is_a_frozen_effect_with_checked_settings():
    effect = FaceMask("cloth", tracks=[1, 2])
    assert effect.tracks == (1, 2) and effect.copy() is effect
    with pytest.raises(AttributeError):
        effect.style = "n95"  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown style"):
        FaceMask("bandana")
    with pytest.raises(ValueError, match="scale"):
        FaceMask(scale=5.0)
    with pytest.raises(ValueError, match="has no duration"):
        ColorClip((64, 64), color=(0, 0, 0)).with_effects([FaceMask()])

