"""The render engine against decoded output: sizes, pixels, timing, audio, cards, preview."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.model import (
    Animation,
    AudioSettings,
    Background,
    ClipRef,
    ClosingCard,
    ImageLayer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
)
from creator_kit.render.engine import FramePool, Renderer
from creator_kit.render.export import export
from creator_kit.render.preview import Previewer, preview_frame
from creator_kit.render.timeline import build_plan
from tests.mediagen import ffmpeg, make_clip, make_colour_clip
from tests.videoread import audio_samples, frame_count, frames_rgb, stream_facts

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

FAST = OutputSettings(x264_preset="ultrafast")


def proj(*clips: ClipRef, **kw: object) -> Project:
    kw.setdefault("output", FAST)
    return Project(clips=clips, **kw)  # type: ignore[arg-type]


def split_clip(path, left="red", right="blue", size="320x240", duration=1.0):
    """A clip whose left half is one colour and right half another."""
    w, h = (int(v) for v in size.split("x"))
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"color=c={left}:s={w // 2}x{h}:d={duration}:r=30",
        "-f",
        "lavfi",
        "-i",
        f"color=c={right}:s={w // 2}x{h}:d={duration}:r=30",
        "-f",
        "lavfi",
        "-i",
        f"sine=f=440:d={duration}:sample_rate=48000",
        "-filter_complex",
        "[0][1]hstack",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(path),
    )
    return path


def near(rgb, expected, tol=24):
    return bool(np.all(np.abs(rgb.astype(int) - np.array(expected)) <= tol))


def test_export_meets_upload_format(tmp_path, landscape_clip):
    out = tmp_path / "out.mp4"
    res = export(proj(ClipRef(str(landscape_clip))), out)
    f = stream_facts(out)
    assert (f["width"], f["height"]) == (1080, 1920)
    assert f["codec"] == "h264" and f["profile"] == "High" and f["pix_fmt"] == "yuv420p"
    assert f["fps"] == pytest.approx(30.0)
    assert (f["primaries"], f["trc"], f["matrix"]) == ("1", "1", "1") or "709" in str(f["matrix"])
    assert f["acodec"] == "aac" and f["aprofile"] == "LC" and f["arate"] == 48000
    assert frame_count(out) == res.frames == 60
    with open(out, "rb") as fh:
        head = fh.read(4096)
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # faststart


def test_fill_crops_centre_and_offset_moves_window(tmp_path):
    src = split_clip(tmp_path / "split.mp4")
    centre = tmp_path / "c.mp4"
    export(proj(ClipRef(str(src)), reframe=Reframe(mode="fill")), centre)
    f = frames_rgb(centre, [10])[0]
    assert near(f[960, 200], (255, 0, 0)) and near(f[960, 880], (0, 0, 255))
    left = tmp_path / "l.mp4"
    export(proj(ClipRef(str(src)), reframe=Reframe(mode="fill", offset_x=-1.0)), left)
    f = frames_rgb(left, [10])[0]
    assert near(f[960, 100], (255, 0, 0)) and near(f[960, 980], (255, 0, 0))


def test_fit_puts_bars_of_the_chosen_colour(tmp_path):
    src = make_colour_clip(tmp_path / "blue.mp4", "blue", size="640x360")
    out = tmp_path / "fit.mp4"
    export(proj(ClipRef(str(src)), reframe=Reframe(mode="fit", bar_colour="#00ff00")), out)
    f = frames_rgb(out, [5])[0]
    # 640x360 fitted to 1080 wide is 1080x608, centred: bars above and below.
    assert near(f[100, 540], (0, 255, 0)) and near(f[1800, 540], (0, 255, 0))
    assert near(f[960, 540], (0, 0, 255))
    assert near(f[960 - 290, 540], (0, 0, 255)) and near(f[960 - 320, 540], (0, 255, 0))


def test_fit_blur_background_is_a_blurred_dimmed_copy(tmp_path):
    src = split_clip(tmp_path / "split.mp4", "white", "white", size="640x360")
    out = tmp_path / "fb.mp4"
    export(proj(ClipRef(str(src)), reframe=Reframe(mode="fit-blur", dim=0.5)), out)
    f = frames_rgb(out, [5])[0].astype(int)
    fg, bg = f[960, 540], f[150, 540]
    assert near(fg, (255, 255, 255), 12)
    # Background: the same picture, dimmed about half, not black bars.
    assert 90 < bg.mean() < 170


def test_vertical_source_passes_through_uncropped(tmp_path):
    src = split_clip(tmp_path / "v.mp4", "red", "blue", size="540x960")
    out = tmp_path / "v_out.mp4"
    export(proj(ClipRef(str(src)), reframe=Reframe(mode="fit-blur")), out)
    f = frames_rgb(out, [3])[0]
    assert near(f[960, 20], (255, 0, 0)) and near(f[960, 1060], (0, 0, 255))
    assert near(f[20, 20], (255, 0, 0)) and near(f[1900, 1060], (0, 0, 255))


def _square_png(path, colour=(255, 0, 0, 255), size=(200, 100)):
    Image.new("RGBA", size, colour).save(path)
    return str(path)


def test_sticker_is_placed_and_timed(tmp_path):
    src = make_colour_clip(tmp_path / "k.mp4", "black", size="540x960", duration=2.0)
    png = _square_png(tmp_path / "red.png")
    layer = ImageLayer(
        path=png,
        start=0.5,
        end=1.5,
        placement=Placement(x=0.25, y=0.25, anchor="top-left", width=0.25),
    )
    out = tmp_path / "s.mp4"
    export(proj(ClipRef(str(src)), layers=(layer,)), out)
    before, during, after = frames_rgb(out, [5, 30, 55])
    # 0.25 of 1080 = 270 px wide, 135 high, top-left at (270, 480).
    assert near(during[480 + 67, 270 + 135], (255, 0, 0))
    assert near(during[480 + 67, 270 - 20], (0, 0, 0))
    assert near(during[480 + 150, 270 + 135], (0, 0, 0))
    assert near(before[480 + 67, 270 + 135], (0, 0, 0))
    assert near(after[480 + 67, 270 + 135], (0, 0, 0))


def test_exif_rotated_sticker_is_upright(tmp_path):
    src = make_colour_clip(tmp_path / "k.mp4", "black", size="540x960")
    img = Image.new("RGB", (200, 100), (255, 0, 0))
    img.paste((0, 0, 255), (0, 0, 100, 100))  # stored: blue left half, red right half
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display: blue ends up on top
    img.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    layer = ImageLayer(
        path=str(tmp_path / "rot.jpg"),
        placement=Placement(x=0.5, y=0.5, anchor="center", width=0.2),
    )
    out = tmp_path / "e.mp4"
    export(proj(ClipRef(str(src)), layers=(layer,)), out)
    f = frames_rgb(out, [3])[0]
    # Displayed 100x200 scaled to 216 wide -> 432 tall, centred at (540, 960).
    assert near(f[960 - 100, 540], (0, 0, 255), 40)
    assert near(f[960 + 100, 540], (255, 0, 0), 40)


def test_fade_in_animation_blends_halfway(tmp_path):
    src = make_colour_clip(tmp_path / "k.mp4", "black", size="540x960", duration=2.0)
    png = _square_png(tmp_path / "w.png", (255, 255, 255, 255), (100, 100))
    layer = ImageLayer(
        path=png,
        start=0.0,
        placement=Placement(0.5, 0.5, "center", 0.3),
        enter=Animation(kind="fade", duration=1.0),
    )
    plan = build_plan(proj(ClipRef(str(src)), layers=(layer,)))
    pv = Previewer(plan)
    mid = pv.frame(0.5).to_rgb()[960, 540].astype(int)
    full = pv.frame(1.5).to_rgb()[960, 540].astype(int)
    pv.close()
    assert 100 < mid.mean() < 160
    assert full.mean() > 245


def test_clips_play_in_order_with_trims(tmp_path):
    a = make_colour_clip(tmp_path / "a.mp4", "red", size="320x240", duration=2.0)
    b = make_colour_clip(tmp_path / "b.mp4", "blue", size="320x240", duration=2.0)
    out = tmp_path / "ab.mp4"
    export(
        proj(ClipRef(str(a), 0.0, 1.0), ClipRef(str(b), 0.5, 1.5), reframe=Reframe(mode="fill")),
        out,
    )
    assert frame_count(out) == 60
    f0, f29, f30, f59 = frames_rgb(out, [0, 29, 30, 59])
    assert near(f0[960, 540], (255, 0, 0)) and near(f29[960, 540], (255, 0, 0))
    assert near(f30[960, 540], (0, 0, 255)) and near(f59[960, 540], (0, 0, 255))


def test_closing_card_colour_and_gradient(tmp_path, landscape_clip):
    out = tmp_path / "card.mp4"
    card = ClosingCard(duration=1.0, background=Background(kind="colour", colour="#ff8000"))
    export(proj(ClipRef(str(landscape_clip)), card=card), out)
    assert frame_count(out) == 90
    last = frames_rgb(out, [89])[0]
    assert near(last[960, 540], (255, 128, 0))
    out2 = tmp_path / "grad.mp4"
    card2 = ClosingCard(
        duration=0.5, background=Background(kind="gradient", colour="#000000", colour2="#ffffff")
    )
    export(proj(ClipRef(str(landscape_clip)), card=card2), out2)
    g = frames_rgb(out2, [70])[0].astype(int)
    assert g[20, 540].mean() < 30 and g[1900, 540].mean() > 225 and 100 < g[960, 540].mean() < 155


def test_card_last_frame_background_is_the_clip_blurred(tmp_path):
    src = make_colour_clip(tmp_path / "g.mp4", "green", size="540x960")
    out = tmp_path / "lf.mp4"
    card = ClosingCard(duration=0.5, background=Background(kind="last-frame", dim=0.0))
    export(proj(ClipRef(str(src)), card=card), out)
    assert near(frames_rgb(out, [40])[0][960, 540], (0, 128, 0), 30)


def test_audio_stays_in_sync_across_clips(tmp_path):
    # Each clip: black picture with a white flash and a loud click at the same instant.
    clips = []
    for i, flash in enumerate((0.5, 0.3)):
        p = tmp_path / f"sync{i}.mp4"
        ffmpeg(
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=320x240:r=30:d=1",
            "-f",
            "lavfi",
            "-i",
            f"aevalsrc='if(between(t,{flash},{flash}+0.05),0.8*sin(2*PI*1000*t),0)':s=48000:d=1",
            "-vf",
            f"drawbox=c=white:t=fill:enable='between(t,{flash},{flash}+0.05)'",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(p),
        )
        clips.append(ClipRef(str(p)))
    out = tmp_path / "sync.mp4"
    export(proj(*clips, reframe=Reframe(mode="fill"), audio=AudioSettings(normalise=False)), out)
    frames = frames_rgb(out)
    bright = [i for i, f in enumerate(frames) if f[960, 540].mean() > 128]
    samples, rate = audio_samples(out)
    env = np.abs(samples) > 0.2
    onsets, prev = [], False
    for i, on in enumerate(env):
        if on and not prev and (not onsets or i - onsets[-1] > rate * 0.2):
            onsets.append(i)
        prev = on
    flashes = [bright[0]] + [b for a, b in zip(bright, bright[1:], strict=False) if b - a > 3]
    assert len(flashes) == 2 and len(onsets) == 2
    for fl, on in zip(flashes, onsets, strict=True):
        assert abs(on / rate - fl / 30) <= 1.5 / 30  # within about a frame


def test_clip_without_audio_gets_silence(tmp_path):
    src = make_clip(tmp_path / "mute.mp4", audio=False, duration=1.0)
    out = tmp_path / "mute_out.mp4"
    export(proj(ClipRef(str(src))), out)
    samples, rate = audio_samples(out)
    assert rate == 48000
    assert abs(len(samples) / rate - 1.0) < 0.05
    assert float(np.abs(samples).max()) < 1e-3


def _loudness(path):
    from creator_kit.media import ffmpeg as ff

    _, log = ff.run(
        ["-i", str(path), "-af", "loudnorm=print_format=json", "-f", "null", "-"],
        loglevel="info",
        keep_stderr=60,
    )
    import json

    return float(json.loads(log[log.rfind("{") : log.rfind("}") + 1])["input_i"])


def test_loudness_is_normalised_to_target(tmp_path):
    quiet = tmp_path / "quiet.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x240:r=30:d=3",
        "-f",
        "lavfi",
        "-i",
        "sine=f=300:d=3:sample_rate=48000,volume=0.03",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        str(quiet),
    )
    out = tmp_path / "loud.mp4"
    export(proj(ClipRef(str(quiet))), out)
    assert _loudness(out) == pytest.approx(-14.0, abs=1.0)


def test_music_bed_is_mixed_with_fades(tmp_path):
    src = make_clip(tmp_path / "mute.mp4", audio=False, duration=3.0)
    music = tmp_path / "bed.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=f=220:d=1.3:sample_rate=44100", "-c:a", "aac", str(music))
    out = tmp_path / "bed.mp4"
    export(
        proj(
            ClipRef(str(src)),
            audio=AudioSettings(
                music=str(music),
                music_volume=0.5,
                music_fade_in=1.0,
                music_fade_out=1.0,
                normalise=False,
            ),
        ),
        out,
    )
    s, rate = audio_samples(out)
    rms = lambda a, b: float(np.sqrt(np.mean(s[int(a * rate) : int(b * rate)] ** 2)))  # noqa: E731
    # The 1.3 s bed loops to fill 3 s; it fades in and out around a steady middle.
    assert rms(0.0, 0.1) < rms(1.4, 1.6) * 0.4
    assert rms(2.9, 3.0) < rms(1.4, 1.6) * 0.4
    # ffmpeg's sine is 1/8 full scale; at volume 0.5 its RMS is about 0.044.
    assert rms(2.0, 2.2) > 0.03 and rms(1.25, 1.35) > 0.03


def test_preview_frame_is_the_export_frame(tmp_path, landscape_clip):
    png = _square_png(tmp_path / "red.png", (255, 0, 0, 200), (300, 300))
    project = proj(
        ClipRef(str(landscape_clip)),
        layers=(
            ImageLayer(
                path=png,
                start=0.5,
                placement=Placement(0.7, 0.2, "center", 0.2),
                enter=Animation("pop"),
            ),
        ),
    )
    plan = build_plan(project)
    renderer = Renderer(plan)
    pool = FramePool(plan.width, plan.height, 2)
    exported = {}
    for i, fr in enumerate(renderer.frames(pool)):
        if i in (0, 17, 31, 59):
            exported[i] = fr.to_rgb()
        pool.give(fr)
    for i, rgb in exported.items():
        pv = preview_frame(project, i / 30, width=1080)
        assert pv.shape == (1920, 1080, 3)
        diff = np.abs(pv.astype(int) - rgb.astype(int))
        assert diff.mean() < 0.5, f"frame {i} differs by {diff.mean():.2f}"
    small = preview_frame(project, 17 / 30, width=540)
    assert small.shape == (960, 540, 3)
    ref = exported[17][::2, ::2].astype(int)
    assert np.abs(small.astype(int) - ref).mean() < 6


def test_preview_of_a_last_frame_card_on_a_clip_with_an_odd_length(tmp_path):
    # 17.07 s at 29.97 fps rendered at 30 fps: the last source frames lie at the stream's end.
    src = make_clip(tmp_path / "odd.mp4", size="320x240", duration=3.07, fps=29.97)
    card = ClosingCard(duration=0.5, background=Background(kind="last-frame", dim=0.0))
    project = proj(ClipRef(str(src)), card=card)
    pv = Previewer(project)
    last_clip = pv.frame(pv.plan.clips_end - 1 / 30).to_rgb()
    on_card = pv.frame(pv.plan.clips_end + 0.2).to_rgb()
    pv.close()
    assert last_clip.shape == on_card.shape == (1920, 1080, 3)
    assert on_card.std() > 1  # a blurred picture, not an empty frame


def test_loud_peaks_are_limited_while_reaching_the_loudness_target(tmp_path):
    # Quiet speech-like tone with sharp full-scale clicks: plain gain to -14 LUFS would clip.
    src = tmp_path / "peaky.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=4", "-f", "lavfi", "-i",
           "aevalsrc='0.02*sin(2*PI*300*t)+if(lt(mod(t,0.5),0.002),0.98,0)':s=48000:d=4",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-b:a", "256k", str(src))
    out = tmp_path / "limited.mp4"
    export(proj(ClipRef(str(src))), out)
    samples, _rate = audio_samples(out, layout="stereo")
    # The limiter holds -1.5 dBTP; AAC then rings on these hard clicks by about half a dB.
    assert float(np.abs(samples).max()) <= 10 ** (-0.8 / 20)
    assert _loudness(out) == pytest.approx(-14.0, abs=1.5)
