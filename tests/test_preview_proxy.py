"""Preview proxies: lossless preview-size copies of the decoded segments, for exact jumps."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from creator_kit.core.cache import cache_usage, clear_cache
from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import Cancelled
from creator_kit.core.model import CaptionLayer, ClipRef, OutputSettings, Project, Reframe
from creator_kit.render import preview_session
from creator_kit.render.compositor import Frame
from creator_kit.render.preview_proxy import ProxyReader, build_proxy, proxy_folder
from creator_kit.render.preview_session import PreviewSession, clear_caches
from tests.helpers import ffmpeg_children
from tests.mediagen import make_clip


@pytest.fixture(autouse=True)
def fresh_caches():
    """Nothing decoded in memory from an earlier test (the disk cache is the test's own)."""
    clear_caches()


def _project(clip) -> Project:
    return Project(
        clips=(ClipRef(str(clip)),),
        output=OutputSettings(x264_preset="ultrafast"),
        reframe=Reframe(mode="fit-blur"),  # a graph with scaling, blur and overlay
        layers=(CaptionLayer(text="Mask up #MaskUp"),),
    )


def _from_source(project: Project, indices: list[int], monkeypatch, tmp_path) -> list[np.ndarray]:
    """The frames as a session with no proxy anywhere makes them (decoded from the source)."""
    clear_caches()
    with monkeypatch.context() as patch:
        patch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "no-proxies"))
        with PreviewSession(project, proxies=False) as session:
            assert session.wait_for_faces(120)
            out = [session.frame(i).rgb for i in indices]
            assert not session.proxies_ready
    clear_caches()
    return out


def test_frames_from_the_proxy_are_the_frames_from_the_source(
    landscape_clip, monkeypatch, tmp_path
):
    project = _project(landscape_clip)
    indices = [50, 3, 31, 59, 0, 17]  # jumps back and forth, the last frame included
    with PreviewSession(project) as session:
        assert session.wait_for_proxies(60) and session.proxies_ready
        assert [p.suffix for p in proxy_folder().iterdir()] == [".mkv"]  # nothing half-made
        proxied = []
        for i in indices:
            proxied.append(session.frame(i).rgb)
            assert session._decoder is None and not ffmpeg_children()  # no source decoding at all
    expected = _from_source(project, indices, monkeypatch, tmp_path)
    for got, want in zip(proxied, expected, strict=True):
        assert np.array_equal(got, want)  # lossless: bit for bit the decoder graph's picture


def test_the_proxy_is_used_only_once_it_is_finished(landscape_clip, monkeypatch):
    gate = threading.Event()
    real = preview_session.build_proxy

    def held(*args, **kwargs):
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(preview_session, "build_proxy", held)
    project = _project(landscape_clip)
    with PreviewSession(project) as session:
        assert not session.proxies_ready
        before = session.frame(40).rgb
        assert session._decoder is not None  # decoded from the source meanwhile
        gate.set()
        assert session.wait_for_proxies(60)
        after = session.frame(10).rgb  # a jump back: served by the proxy
        assert session._decoder is None  # the source decoder was let go
        assert np.array_equal(session.frame(40).rgb, before)
    assert after.shape == (960, 540, 3)


def test_a_changed_source_is_never_shown_from_its_old_proxy(tmp_path, monkeypatch):
    clip = make_clip(tmp_path / "clip.mp4", size="640x360", duration=2.0)
    project = _project(clip)
    with PreviewSession(project) as session:
        assert session.wait_for_proxies(60)
        old_proxy = sorted(proxy_folder().iterdir())
        old = session.frame(30).rgb
        # The file is replaced in place (same name): another picture, another size.
        make_clip(tmp_path / "other.mp4", size="640x360", duration=2.0, source="smptebars")
        os.replace(tmp_path / "other.mp4", clip)
        changed = session.frame(30).rgb
        assert np.abs(changed.astype(int) - old.astype(int)).mean() > 10
        assert session.wait_for_proxies(60)  # a proxy of the new file is built
        new_proxy = sorted(proxy_folder().iterdir())
        assert len(new_proxy) == 2 and old_proxy[0] in new_proxy
        clear_caches()
        assert np.array_equal(session.frame(30).rgb, changed)
    # A session opened now (the file probed anew) shows the new file from its own proxy.
    with PreviewSession(project) as session:
        assert session.wait_for_proxies(60)
        fresh = session.frame(30).rgb
        assert session._proxy_files[0] != old_proxy[0]
    assert np.array_equal(_from_source(project, [30], monkeypatch, tmp_path)[0], fresh)
    assert np.abs(fresh.astype(int) - old.astype(int)).mean() > 10


def test_a_broken_proxy_falls_back_to_the_source(landscape_clip, monkeypatch, tmp_path):
    project = _project(landscape_clip)
    with PreviewSession(project) as session:
        assert session.wait_for_proxies(60)
        (path,) = proxy_folder().iterdir()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])  # cut short, say
    clear_caches()
    with PreviewSession(project, proxies=False) as session:
        got = session.frame(55).rgb
        assert not path.exists()  # dropped, so the next session builds it again
    assert np.array_equal(got, _from_source(project, [55], monkeypatch, tmp_path)[0])


def test_a_cancelled_or_failed_build_leaves_nothing(landscape_clip, tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(landscape_clip.read_bytes())
    with PreviewSession(_project(clip), proxies=False) as session:
        seg = session.plan.segments[0]
        path = proxy_folder() / "cancelled.mkv"
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(Cancelled):
            build_proxy(session.plan, seg, path, cancel=cancel)
        assert list(proxy_folder().iterdir()) == []
        # A limit too small for the proxy: given up, nothing left either.
        assert not build_proxy(session.plan, seg, path, limit_bytes=64 * 1024)
        assert list(proxy_folder().iterdir()) == []
        # A source gone meanwhile: no proxy, no exception (the frames report it).
        clip.unlink()
        assert not build_proxy(session.plan, seg, path)
        assert list(proxy_folder().iterdir()) == []
        assert not ffmpeg_children()


def test_proxies_are_part_of_the_cache(landscape_clip):
    with PreviewSession(_project(landscape_clip)) as session:
        assert session.wait_for_proxies(60)
    (path,) = proxy_folder().iterdir()
    usage = cache_usage()
    assert usage.files == 1 and usage.bytes == path.stat().st_size
    assert clear_cache().files == 1 and not path.exists()


def test_reader_reads_on_and_jumps(landscape_clip, monkeypatch, tmp_path):
    project = _project(landscape_clip)
    with PreviewSession(project) as session:
        assert session.wait_for_proxies(60)
        (path,) = proxy_folder().iterdir()
        frames = []
        reader = ProxyReader(path, session.fps, session.size, 60)
        try:
            out = Frame(*session.size)
            for local in (0, 1, 2, 40, 41, 5, 59, 60, 61):  # on, skip ahead, back, past the end
                reader.read_into(local, out)
                frames.append(out.buf.copy())
        finally:
            reader.close()
    assert np.array_equal(frames[-1], frames[-3])  # past the end the last picture repeats
    assert np.array_equal(frames[-2], frames[-3])
    assert not np.array_equal(frames[0], frames[1])
    # Each matches a fresh read of the same frame after a seek.
    again = ProxyReader(path, 30.0, (540, 960), 60)
    try:
        out = Frame(540, 960)
        for local, buf in zip((0, 1, 2, 40, 41, 5, 59), frames, strict=False):
            again.read_into(local, out)
            assert np.array_equal(out.buf, buf)
            again.read_into(0 if local else 59, out)  # move away before the next one
    finally:
        again.close()


@pytest.mark.slow
def test_a_face_reframe_proxy_has_the_frames_of_the_face_following_crop(
    tmp_path, monkeypatch
):
    # The crop follows the face by commands timed from the decoder's start: the proxy is
    # decoded from the segment's start, a jump's decoder from the jump, and they must agree.
    from creator_kit.vision.synthetic import draw_face
    from tests.helpers import linear, make_face_clip

    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(110), linear(60, 60, 160, 20))], duration=1.5)
    project = Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="face"))
    indices = [40, 12, 44, 0, 25]
    with PreviewSession(project) as session:
        assert session.wait_for_faces(120) and session.renderer.face_paths
        assert session.wait_for_proxies(60)
        proxied = [session.frame(i).rgb for i in indices]
        assert session._decoder is None
    expected = _from_source(project, indices, monkeypatch, tmp_path)
    for got, want in zip(proxied, expected, strict=True):
        assert np.array_equal(got, want)
    assert not np.array_equal(proxied[0], proxied[1])  # the crop moved with the face


def test_proxies_wait_for_faces_only_when_the_crop_follows_them(landscape_clip, monkeypatch):
    from creator_kit.core.face_settings import FaceMaskSettings
    from creator_kit.core.model import FaceMaskLayer
    from creator_kit.render import face_timeline

    gate = threading.Event()
    real = face_timeline.analyse_plan_apart

    def held(plan, cancel=None, *args, **kwargs):
        while not gate.is_set():
            if cancel is not None and cancel.wait(0.05):
                raise Cancelled()
        return real(plan, cancel, *args, **kwargs)

    monkeypatch.setattr(face_timeline, "analyse_plan_apart", held)
    mask = FaceMaskLayer(settings=FaceMaskSettings(style="surgical"))
    masked = Project(clips=(ClipRef(str(landscape_clip)),), layers=(mask,))
    with PreviewSession(masked) as session:
        # A face mask is a layer: the pictures do not depend on the faces.
        assert session.wait_for_proxies(60)
        assert not session.faces_ready
    following = masked.replace(reframe=Reframe(mode="face"))
    with PreviewSession(following) as session:
        assert not session.wait_for_proxies(1.0)  # the crop is not known yet
        gate.set()
        assert session.wait_for_faces(120)
        assert session.wait_for_proxies(60)


def test_the_clip_being_looked_at_gets_its_proxy_first(tmp_path, monkeypatch):
    clips = [make_clip(tmp_path / f"clip{i}.mp4", size="320x240", duration=1.0)
             for i in range(3)]
    project = Project(clips=tuple(ClipRef(str(c)) for c in clips))
    built: list[str] = []
    real = preview_session.build_proxy

    def noted(plan, seg, *args, **kwargs):
        built.append(seg.clip.source)
        return real(plan, seg, *args, **kwargs)

    monkeypatch.setattr(preview_session, "build_proxy", noted)
    with PreviewSession(project, proxies=False) as session:
        session.frame(session.index_at(1.5))  # the second clip is on screen
        session._build_proxies_enabled = True  # and now the proxies are asked for
        with session._lock:
            session._want_proxies()
        assert session.wait_for_proxies(60)
    assert built == [str(clips[1]), str(clips[2]), str(clips[0])]
