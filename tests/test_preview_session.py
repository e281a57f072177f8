"""The preview session: export's pixels at preview size, read-on decoding, sound, clean close."""

from __future__ import annotations

import dataclasses
import time

import cv2
import numpy as np
import psutil
import pytest
from PIL import Image

from creator_kit.core.face_settings import FaceMaskSettings
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    FaceMaskLayer,
    ImageLayer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
    StickerLayer,
)
from creator_kit.render.audio import RATE
from creator_kit.render.export import export
from creator_kit.render.preview import preview_frame
from creator_kit.render.preview_session import PreviewSession, clear_caches, keyframe_times
from tests.videoread import frames_rgb

FAST = OutputSettings(x264_preset="ultrafast")


def _png(path, rgba=(255, 0, 0, 220), size=(200, 120)):
    Image.new("RGBA", size, rgba).save(path)
    return str(path)


def _ffmpegs() -> list[psutil.Process]:
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "ffmpeg" in child.name() and child.status() != psutil.STATUS_ZOMBIE:
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with nothing decoded: sessions share pictures, proxies and sound."""
    clear_caches()


@pytest.fixture
def layered(tmp_path, landscape_clip):
    png = _png(tmp_path / "badge.png")
    return Project(
        clips=(ClipRef(str(landscape_clip)),),
        output=FAST,
        reframe=Reframe(mode="fit-blur"),
        layers=(
            ImageLayer(path=png, placement=Placement(0.3, 0.25, "center", 0.3)),
            CaptionLayer(text="Mask up #MaskUp"),
            StickerLayer(name="mask-up", language="en"),
        ),
    )


@pytest.mark.slow
def test_preview_frame_equals_the_decoded_export_frame(tmp_path, layered):
    out = tmp_path / "out.mp4"
    export(layered, out)
    indices = [3, 20, 45]
    exported = frames_rgb(out, indices)  # decoded independently with PyAV
    with PreviewSession(layered) as session:
        assert session.size == (540, 960)
        for i, full in zip(indices, exported, strict=True):
            small = cv2.resize(full, (540, 960), interpolation=cv2.INTER_AREA).astype(int)
            shown = session.frame(i).rgb.astype(int)
            diff = np.abs(shown - small)
            # Encoding loss plus resampling at a quarter of the pixels: edges differ, nothing else.
            assert diff.mean() < 2.5, f"frame {i} differs by {diff.mean():.2f} on average"
            assert np.percentile(diff, 99) < 40
    # And the module-level preview_frame at 540 is the session's picture.
    pv = preview_frame(layered, 20 / 30, width=540)
    assert np.abs(pv.astype(int) - exported[1][::2, ::2].astype(int)).mean() < 6


def test_playback_reads_on_and_jumps_back_from_the_cache(layered):
    with PreviewSession(layered) as session:
        first = session.frame(0)
        decoder = session._decoder
        assert decoder is not None
        frames = [session.frame(i) for i in (1, 2, 3, 6, 9, 10)]  # some skipped, as playback drops
        assert session._decoder is decoder  # no restart while playing on
        assert len({f.rgb.tobytes() for f in frames}) == len(frames)  # testsrc2 moves
        again = session.frame(0)  # back to a picture already decoded: no new decoder either
        assert session._decoder is decoder
        assert np.array_equal(again.rgb, first.rgb)
        # A jump far ahead on a clip with a keyframe only at its start reads on (cheaper than
        # a restart that would decode from that keyframe as well).
        assert keyframe_times(layered.clips[0].source)[0] == 0.0
        session.frame(40)
        assert session._decoder is decoder


def test_layer_boxes_match_placement(layered):
    with PreviewSession(layered) as session:
        f = session.frame(10)
        x, y, w, h = f.layer_boxes[0]
        # 0.3 of the width, centred on (0.3, 0.25) of the canvas.
        assert w == pytest.approx(0.3 * 540, abs=1)
        assert x + w / 2 == pytest.approx(0.3 * 540, abs=1)
        assert y + h / 2 == pytest.approx(0.25 * 960, abs=1)
        assert 1 in f.layer_boxes and 2 in f.layer_boxes
        # A sticker in its slot gets the explicit placement that reproduces its position.
        placed = session.resolved_placement(2)
        assert placed is not None and placed.width == pytest.approx(0.34)
        sx, sy, sw, sh = f.layer_boxes[2]
        assert sx <= placed.x * 540 <= sx + sw + 1
        assert sy - 1 <= placed.y * 960 <= sy + sh + 1


def test_fill_offset_follows_the_drag(landscape_clip):
    project = Project(clips=(ClipRef(str(landscape_clip)),), reframe=Reframe(mode="fill"))
    with PreviewSession(project) as session:
        assert session.fill_slack(0) == (True, False)
        ox, oy = session.fill_offset_after_drag(0, 50.0, 30.0)
        assert -1.0 <= ox < 0.0 and oy == 0.0  # picture dragged right: crop window moves left
        assert session.fill_offset_after_drag(0, -5000.0, 0.0) == (1.0, 0.0)
        # Applying the new offset moves the picture by the dragged amount.
        before = session.frame(5).rgb
    moved = project.replace(reframe=Reframe(mode="fill", offset_x=ox))
    with PreviewSession(moved) as session:
        after = session.frame(5).rgb
    strip_before = before[400:560, 100:300].astype(int)
    strip_after = after[400:560, 150:350].astype(int)
    assert np.abs(strip_after - strip_before).mean() < 8


def test_soundtrack_is_the_mixed_pcm(layered):
    with PreviewSession(layered) as session:
        pcm = session.soundtrack()
        samples = np.frombuffer(pcm, np.int16).reshape(-1, 2)
        assert len(samples) == pytest.approx(session.duration * RATE, abs=RATE * 0.05)
        # A 440 Hz tone normalised to about -14 LUFS: clearly audible throughout.
        rms = float(np.sqrt(np.mean((samples[RATE // 2 : RATE] / 32768.0) ** 2)))
        assert rms > 0.05


def test_faces_run_in_the_background_and_report_warnings(tmp_path, landscape_clip):
    project = Project(
        clips=(ClipRef(str(landscape_clip)),),
        layers=(FaceMaskLayer(settings=FaceMaskSettings(style="surgical")),),
    )
    progress: list[float] = []
    reported: list[list[str]] = []
    session = PreviewSession(project, on_faces=progress.append, on_warnings=reported.append)
    try:
        session.frame(0)  # frames are available while faces are analysed
        assert session.wait_for_faces(60)
        assert progress[-1] == 1.0
        assert any("no faces found" in w for w in reported[-1])
        assert any("no faces found" in w for w in session.warnings)
    finally:
        session.close()


@pytest.mark.slow
def test_faces_are_analysed_in_a_child_process_that_close_ends(tmp_path):
    from creator_kit.vision.synthetic import draw_face
    from tests.helpers import linear, make_face_clip

    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(100), linear(40, 50, 20, 0))], duration=8.0)
    project = Project(
        clips=(ClipRef(str(clip)),),
        reframe=Reframe(mode="fit"),
        layers=(FaceMaskLayer(settings=FaceMaskSettings(style="surgical")),),
    )

    def analysers() -> list[psutil.Process]:
        out = []
        for child in psutil.Process().children(recursive=True):
            try:
                if "faces" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                    out.append(child)
            except psutil.NoSuchProcess:
                pass
        return out

    progress: list[float] = []
    session = PreviewSession(project, on_faces=progress.append, proxies=False)
    try:
        deadline = time.monotonic() + 120
        while not (analysers() and any(0 < f < 0.99 for f in progress)):
            assert time.monotonic() < deadline, "the analysis never started"
            time.sleep(0.05)
        (child,) = analysers()
        assert str(clip) in child.cmdline()
        assert not session.faces_ready
    finally:
        session.close()
    assert not analysers()
    assert not session.faces_ready and 1.0 not in progress
    # Closed mid-way: no half analysis was cached, so a new session analyses again.
    from creator_kit.vision.analysis import cached_analysis

    assert cached_analysis(clip) is None


def test_close_leaves_no_ffmpeg(layered):
    before = {p.pid for p in _ffmpegs()}  # other tests' cached previews may hold some
    session = PreviewSession(layered)
    session.frame(0)
    got: list[bytes] = []
    session.request_soundtrack(got.append)
    assert {p.pid for p in _ffmpegs()} - before  # the decoder (at least) is running
    session.close()
    assert {p.pid for p in _ffmpegs()} - before == set()
    with pytest.raises(Exception, match="[Cc]ancel"):
        session.frame(1)


def test_a_layer_edit_reuses_the_decoded_pictures_and_the_sound(layered):
    with PreviewSession(layered, proxies=False) as first:
        for i in range(12):
            first.frame(i)
        pcm = first.soundtrack()
    badge = dataclasses.replace(layered.layers[0], placement=Placement(0.6, 0.6, "center", 0.3))
    moved = layered.replace(layers=(badge, *layered.layers[1:]))
    with PreviewSession(moved, proxies=False) as second:
        frame = second.frame(7)
        assert second._decoder is None  # the picture came from what the first session decoded
        x, y, w, h = frame.layer_boxes[0]
        assert (x + w / 2, y + h / 2) == (pytest.approx(0.6 * 540, abs=1),
                                          pytest.approx(0.6 * 960, abs=1))
        assert second.soundtrack() is pcm  # the sound did not change: no new mix
    louder = layered.replace(audio=dataclasses.replace(layered.audio, loudness_lufs=-10.0))
    with PreviewSession(louder, proxies=False) as third:
        assert third.soundtrack() != pcm


def test_a_lifted_layer_comes_apart_from_the_frame(layered):
    with PreviewSession(layered, proxies=False) as session:
        whole = session.frame(10)
        apart = session.frame(10, lift=0)
    assert apart.lifted is not None and apart.lifted.box == whole.layer_boxes[0]
    x, y, w, h = apart.lifted.box
    assert apart.lifted.rgba.shape == (h, w, 4)
    # Putting the layer back over the frame without it gives the whole frame again.
    rgba = apart.lifted.rgba.astype(float)
    a = rgba[..., 3:] / 255.0
    under = apart.rgb[y : y + h, x : x + w].astype(float)
    rebuilt = rgba[..., :3] * a + under * (1 - a)
    assert np.abs(rebuilt - whole.rgb[y : y + h, x : x + w]).mean() < 3
    assert np.abs(under - whole.rgb[y : y + h, x : x + w]).mean() > 30  # it really was lifted
