"""The player widget on its own: frames shown, playback, scrubbing, overlays, drags, shutdown."""

from __future__ import annotations

import dataclasses
import gc
import threading
import types
import weakref

import cv2
import numpy as np
import psutil
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from creator_kit.core.errors import Cancelled
from creator_kit.core.model import (
    ClipRef,
    ImageLayer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
)
from creator_kit.gui.player import PlayerWidget
from creator_kit.render import preview_session
from creator_kit.render.preview import preview_frame
from creator_kit.render.preview_session import PreviewSession, clear_caches


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    arr = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    return arr.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference (summed over channels) between two pixel regions."""
    return float(np.abs(a.astype(int) - b.astype(int)).sum(axis=-1).mean())


def _ffmpegs() -> set[int]:
    out = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "ffmpeg" in child.name() and child.status() != psutil.STATUS_ZOMBIE:
                out.add(child.pid)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.fixture
def project(tmp_path, landscape_clip) -> Project:
    png = tmp_path / "badge.png"
    Image.new("RGBA", (200, 120), (255, 0, 0, 255)).save(png)
    return Project(
        clips=(ClipRef(str(landscape_clip)),),
        output=OutputSettings(x264_preset="ultrafast"),
        reframe=Reframe(mode="fill"),
        layers=(ImageLayer(path=str(png), placement=Placement(0.5, 0.3, "center", 0.3)),),
    )


@pytest.fixture
def player(qtbot, project):
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(360, 640)
    widget.show()
    widget.set_project(project)
    qtbot.waitUntil(lambda: widget.duration() > 0 and widget.current_frame() is not None,
                    timeout=20_000)
    yield widget
    widget.shutdown()


def _wait_index(qtbot, widget: PlayerWidget, index: int) -> None:
    """Wait until frame ``index`` is shown."""
    qtbot.waitUntil(
        lambda: widget.current_frame() is not None and widget.current_frame().index == index,
        timeout=10_000,
    )


def test_seek_shows_the_engine_preview_frame(qtbot, player, project):
    player.seek(0.5)
    _wait_index(qtbot, player, 15)
    shown = _rgb(player.current_image())
    expected = preview_frame(project, 0.5, width=540)
    assert shown.shape == expected.shape == (960, 540, 3)
    assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 2
    assert player.position() == pytest.approx(0.5)
    # And what is painted on the widget is that frame, scaled to the frame's rectangle.
    grab = _rgb(player.grab().toImage())
    dpr = grab.shape[1] / player.width()
    r = player.frame_rect()
    x0, y0 = int(round(r.x() * dpr)), int(round(r.y() * dpr))
    w, h = int(round(r.width() * dpr)), int(round(r.height() * dpr))
    painted = grab[y0 : y0 + h, x0 : x0 + w].astype(int)
    scaled = cv2.resize(expected, (w, h), interpolation=cv2.INTER_AREA).astype(int)
    assert np.abs(painted - scaled).mean() < 3


def test_play_on_the_wall_clock_advances(qtbot, player):
    warnings: list[list[str]] = []
    player.warnings_changed.connect(warnings.append)
    shown: list[int] = []
    player.frame_shown.connect(shown.append)
    first = _rgb(player.current_image())
    with qtbot.waitSignal(player.playing_changed, timeout=2000) as blocker:
        player.play()
    assert blocker.args == [True]
    # Waited for, not slept on: on a loaded machine the first frames may take a while.
    qtbot.waitUntil(lambda: len(set(shown)) >= 5, timeout=10_000)
    assert player.is_playing()
    assert 0.1 < player.position() < 1.99
    assert shown == sorted(shown)
    assert not np.array_equal(_rgb(player.current_image()), first)
    player.pause()
    assert not player.is_playing()
    if not player._clock.device:  # offscreen tests: no audio device, so the message shows
        assert any("without sound" in w for w in player.warnings())


def test_play_runs_to_the_end_and_stops(qtbot, player):
    player.seek(1.7)
    player.play()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)
    _wait_index(qtbot, player, 59)


def test_scrubbing_shows_only_the_latest_request(qtbot, player):
    shown: list[int] = []
    player.frame_shown.connect(shown.append)
    for k in range(40):
        player.seek((k * 7 % 60) / 30)
    player.seek(42 / 30)
    _wait_index(qtbot, player, 42)
    qtbot.wait(200)
    # Nothing made for an older seek is shown: only frame 42.
    assert shown == [42]


def test_a_jump_once_the_proxy_is_ready_shows_the_exact_frame(
    qtbot, player, project, monkeypatch, tmp_path
):
    session = player.session()
    assert session.wait_for_proxies(60)
    clear_caches()
    for index in (50, 7, 33):  # far apart, back and forth
        player.seek(index / 30 + 1e-6)
        _wait_index(qtbot, player, index)
        assert session._decoder is None  # from the proxy: no decoder started for the jump
        shown = _rgb(player.current_image())
        # The same frame from a session that has no proxy and decodes the source.
        with monkeypatch.context() as patch:
            patch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "elsewhere"))
            clear_caches()  # nor the pictures decoded in memory
            with PreviewSession(project, proxies=False) as plain:
                decoded = plain.frame(index).rgb
                assert plain._decoder is not None
        assert np.array_equal(shown, decoded)


def test_step_by_frames(qtbot, player):
    player.seek(0.5)
    qtbot.waitUntil(player.showing_exact, timeout=10_000)
    assert player.current_frame().index == 15
    player.step(1)
    _wait_index(qtbot, player, 16)
    player.step(-3)
    _wait_index(qtbot, player, 13)
    player.step(-100)
    _wait_index(qtbot, player, 0)


def test_loop_range_repeats(qtbot, player):
    positions: list[float] = []
    player.position_changed.connect(positions.append)
    player.set_loop(0.2, 0.6)
    player.play()
    qtbot.wait(1500)
    player.pause()
    assert positions and all(0.19 <= p <= 0.65 for p in positions)
    wraps = sum(1 for a, b in zip(positions, positions[1:], strict=False) if b < a - 0.1)
    assert wraps >= 2


def test_overlays_are_drawn(qtbot, player):
    r = player.frame_rect()
    plain = _rgb(player.grab().toImage())
    player.set_overlays(safe_zone="tiktok")
    zone = _rgb(player.grab().toImage())
    dpr = zone.shape[1] / player.width()
    top = (int((r.y() + 10) * dpr), int((r.x() + r.width() / 2) * dpr))
    mid = (int((r.y() + r.height() / 2) * dpr), int((r.x() + r.width() / 2) * dpr))
    assert _changed(zone[top], plain[top]) > 30  # the top band is tinted
    assert np.array_equal(zone[mid], plain[mid])  # the safe middle is untouched
    # TikTok's action column (150 of 1080 px) is on the right, its left margin only 40 px;
    # a right-to-left interface mirrors them.
    inset = r.width() * 90 / 1080
    right = (mid[0], int((r.right() - inset) * dpr))
    left = (mid[0], int((r.left() + inset) * dpr))
    assert _changed(zone[right], plain[right]) > 30 and np.array_equal(zone[left], plain[left])
    player.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    mirrored = _rgb(player.grab().toImage())
    assert _changed(mirrored[left], plain[left]) > 30
    assert np.array_equal(mirrored[right], plain[right])
    player.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    player.set_overlays(grid=True)
    grid = _rgb(player.grab().toImage())
    third = int((r.x() + r.width() / 3) * dpr)
    column = grid[int(r.y() * dpr) + 5 : int(r.bottom() * dpr) - 5, third - 1 : third + 2]
    plain_col = plain[int(r.y() * dpr) + 5 : int(r.bottom() * dpr) - 5, third - 1 : third + 2]
    assert _changed(column, plain_col) > 20  # a line all the way down


def test_dragging_a_selected_layer_emits_its_new_placement(qtbot, player, project):
    player.set_selected_layer(project.layers[0].id)
    frame = player.current_frame()
    x, y, w, h = frame.layer_boxes[0]
    r = player.frame_rect()
    k = r.width() / 540
    centre = QPoint(int(r.x() + (x + w / 2) * k), int(r.y() + (y + h / 2) * k))
    target = centre + QPoint(40, 20)
    with qtbot.waitSignal(player.placement_edited, timeout=2000) as blocker:
        qtbot.mousePress(player, Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseMove(player, target)
        qtbot.mouseRelease(player, Qt.MouseButton.LeftButton, pos=target)
    layer, placement = blocker.args
    assert layer == project.layers[0].id == "image-1"
    assert placement.x == pytest.approx(0.5 + 40 / r.width(), abs=0.01)
    assert placement.y == pytest.approx(0.3 + 20 / r.height(), abs=0.01)
    assert placement.width == pytest.approx(0.3)
    # Resizing by the bottom-right handle keeps the top-left corner and grows the layer.
    corner = QPoint(int(r.x() + (x + w) * k), int(r.y() + (y + h) * k))
    out = corner + QPoint(30, 30)
    with qtbot.waitSignal(player.placement_edited, timeout=2000) as blocker:
        qtbot.mousePress(player, Qt.MouseButton.LeftButton, pos=corner)
        qtbot.mouseMove(player, out)
        qtbot.mouseRelease(player, Qt.MouseButton.LeftButton, pos=out)
    _layer, bigger = blocker.args
    assert bigger.width > 0.3 * 1.1
    left_edge = bigger.x - bigger.width / 2
    assert left_edge == pytest.approx(x / 540, abs=0.01)


def test_dragging_the_picture_in_fill_mode_emits_the_offset(qtbot, player):
    player.set_selected_layer(None)
    r = player.frame_rect()
    start = QPoint(int(r.x() + r.width() / 2), int(r.y() + r.height() * 0.8))
    end = start + QPoint(60, 0)
    with qtbot.waitSignal(player.fill_offset_edited, timeout=2000) as blocker:
        qtbot.mousePress(player, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(player, end)
        qtbot.mouseRelease(player, Qt.MouseButton.LeftButton, pos=end)
    (offset,) = blocker.args
    assert -1.0 <= offset < -0.05  # dragged right: the crop window moved left


def _no_proxy_builds(monkeypatch) -> None:
    """Preview proxies are never finished (their builds wait for the session's close)."""

    def held(*_args, cancel, **_kwargs):
        cancel.wait(60)
        raise Cancelled()

    monkeypatch.setattr(preview_session, "build_proxy", held)


def test_shutdown_leaves_no_ffmpeg(qtbot, project, monkeypatch):
    clear_caches()  # nothing decoded yet and no proxy: playing starts a decoder
    _no_proxy_builds(monkeypatch)
    before = _ffmpegs()
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.set_project(project)
    qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=20_000)
    widget.play()
    qtbot.wait(200)
    assert _ffmpegs() - before  # decoding while playing
    widget.shutdown()
    assert _ffmpegs() - before == set()


def _closed_player(qtbot, project, deaths: list[str]) -> weakref.ref:
    """A player that showed ``project`` and was closed; notes where its signals object died."""
    widget = PlayerWidget()
    widget.set_project(project)
    qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=20_000)
    widget._worker.signals.destroyed.connect(
        lambda *_: deaths.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    gone: list[bool] = []
    widget.destroyed.connect(lambda *_: gone.append(True))
    worker = weakref.ref(widget._worker)
    widget.shutdown()
    widget.close()
    widget.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    return worker


def test_a_closed_player_is_freed_on_the_gui_thread_whoever_collects_it(qtbot, project):
    """A closed player's Qt objects die on the GUI thread, even when a garbage collection that
    frees its Python side runs on a worker (the cycle collector runs on whichever thread
    allocates: a player opening its next session crashed the process deleting them there)."""
    deaths: list[str] = []
    worker = _closed_player(qtbot, project, deaths)
    collector = threading.Thread(target=gc.collect, name="collector")
    collector.start()
    collector.join()
    assert deaths == [threading.main_thread().name]
    gc.collect()
    assert worker() is None  # nothing left over for a later collection either


def test_a_missing_clip_is_reported_not_raised(qtbot, tmp_path):
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    missing = tmp_path / "gone.mp4"
    with qtbot.waitSignal(widget.warnings_changed, timeout=10_000) as blocker:
        widget.set_project(Project(clips=(ClipRef(str(missing)),)))
    assert any("gone.mp4" in line for line in blocker.args[0])
    assert widget.current_frame() is None and widget.duration() == 0.0
    widget.shutdown()


def test_a_clip_that_vanishes_while_shown_is_reported(qtbot, tmp_path, landscape_clip):
    clear_caches()
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(landscape_clip.read_bytes())
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.set_project(Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="fill")))
    qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=20_000)
    session = widget.session()
    with session._lock:
        session._close_decoder()  # as after a long pause: the next jump starts a decoder
    clip.unlink()
    with qtbot.waitSignal(widget.warnings_changed, timeout=10_000) as blocker:
        widget.seek(1.5)
    assert any("clip.mp4" in line and "missing" in line for line in blocker.args[0])
    widget.shutdown()


def test_an_edit_while_playing_keeps_playing_the_new_project(qtbot, player, project):
    player.seek(0.2)
    player.play()
    qtbot.wait(300)
    badge = project.layers[0]
    moved = project.replace(
        layers=(type(badge)(path=badge.path, placement=Placement(0.5, 0.7, "center", 0.3)),)
    )
    player.set_project(moved)
    qtbot.waitUntil(lambda: player.session() is not None and player.session().project is moved,
                    timeout=10_000)
    shown: list[int] = []
    player.frame_shown.connect(shown.append)
    qtbot.waitUntil(lambda: len(set(shown)) >= 3, timeout=10_000)
    assert player.is_playing()
    x, y, w, h = player.current_frame().layer_boxes[0]
    assert y + h / 2 == pytest.approx(0.7 * 960, abs=2)  # the edited project is what plays
    player.pause()


def test_a_dragged_layer_moves_live_and_stays_where_dropped(qtbot, player, project):
    # The editor's part, in miniature: every placement edit becomes the shown project.
    def apply(layer_id: str, placement: Placement) -> None:
        layer = project.layers[0]
        assert layer.id == layer_id
        player.set_project(project.replace(layers=(dataclasses.replace(layer,
                                                                      placement=placement),)))

    player.placement_edited.connect(apply)
    player.set_selected_layer(project.layers[0].id)
    x, y, w, h = player.current_frame().layer_boxes[0]
    r = player.frame_rect()
    k = r.width() / 540
    centre = QPoint(int(r.x() + (x + w / 2) * k), int(r.y() + (y + h / 2) * k))
    target = centre + QPoint(0, int(200 * k))  # 200 canvas pixels down

    def red_at(p: QPoint) -> bool:
        grab = _rgb(player.grab().toImage())
        dpr = grab.shape[1] / player.width()
        px = grab[int(p.y() * dpr), int(p.x() * dpr)].astype(int)
        return px[0] > 200 and px[1] < 60 and px[2] < 60

    assert red_at(centre) and not red_at(target)
    qtbot.mousePress(player, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(player, target)
    # The frame without the badge arrives, and the badge is drawn where the mouse has it.
    qtbot.waitUntil(lambda: player.current_frame().lifted is not None, timeout=5000)
    assert red_at(target) and not red_at(centre)
    base = _rgb(player.current_image())[int(y + h / 2), int(x + w / 2)].astype(int)
    assert not (base[0] > 200 and base[1] < 60)  # the frame under it has no badge
    qtbot.mouseRelease(player, Qt.MouseButton.LeftButton, pos=target)
    assert red_at(target) and not red_at(centre)  # no snap back while the edit lands
    qtbot.waitUntil(
        lambda: player.current_frame().lifted is None
        and player.current_frame().layer_boxes[0][1] > y + 150,
        timeout=10_000,
    )
    assert red_at(target) and not red_at(centre)


def test_a_clip_that_vanishes_while_playing_stops_playback(qtbot, tmp_path, landscape_clip):
    clear_caches()
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(landscape_clip.read_bytes())
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.set_project(Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="fill")))
    qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=20_000)
    session = widget.session()
    session.wait_for_proxies(30)
    with session._lock:
        session._close_decoder()
    clip.unlink()
    reports: list[list[str]] = []
    widget.warnings_changed.connect(reports.append)
    with qtbot.waitSignal(widget.playing_changed, timeout=10_000,
                          check_params_cb=lambda playing: not playing):
        widget.play()
    assert not widget.is_playing()
    assert any("clip.mp4" in line for line in widget.warnings())
    qtbot.wait(300)
    count = len(reports)
    qtbot.wait(300)
    assert len(reports) == count <= 4  # reported once (decoder, sound), not over and over
    widget.shutdown()


@pytest.mark.slow
def test_face_boxes_with_track_ids_are_drawn(qtbot, tmp_path):
    from creator_kit.core.face_settings import FaceMaskSettings
    from creator_kit.core.model import FaceMaskLayer
    from creator_kit.vision.synthetic import draw_face
    from tests.helpers import linear, make_face_clip

    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(110), linear(180, 60, 0, 0))], duration=1.0)
    project = Project(
        clips=(ClipRef(str(clip)),),
        reframe=Reframe(mode="fit"),
        layers=(FaceMaskLayer(settings=FaceMaskSettings(style="surgical")),),
    )
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(360, 640)
    widget.show()
    progress: list[float] = []
    widget.faces_progress.connect(progress.append)
    widget.set_project(project)
    qtbot.waitUntil(lambda: 1.0 in progress, timeout=60_000)
    widget.seek(0.5)
    qtbot.waitUntil(lambda: widget.current_frame() is not None
                    and len(widget.current_frame().faces) == 1, timeout=10_000)
    (face,) = widget.current_frame().faces
    plain = _rgb(widget.grab().toImage())
    widget.set_overlays(faces=True)
    boxed = _rgb(widget.grab().toImage())
    x, y, w, h = face.box
    r = widget.frame_rect()
    k = r.width() / 540
    dpr = boxed.shape[1] / widget.width()
    # The box's left edge, half way down, is drawn green over the picture.
    px, py = int((r.x() + x * k) * dpr), int((r.y() + (y + h / 2) * k) * dpr)
    edge = boxed[py, px - 1 : px + 2].astype(int)
    assert (edge[:, 1] > edge[:, 0] + 60).any()
    assert _changed(boxed[py, px - 1 : px + 2], plain[py, px - 1 : px + 2]) > 30
    assert face.track >= 0 and w > 20 and h > 20
    # Its label ("face <id>") is written just above the box's top-left corner.
    lx, ly = int((r.x() + x * k) * dpr), int((r.y() + y * k) * dpr)
    above = (slice(max(0, ly - int(14 * dpr)), ly - 1), slice(lx + 2, lx + int(40 * dpr)))
    assert _changed(boxed[above], plain[above]) > 10
    widget.shutdown()


@pytest.mark.slow
def test_the_mask_shows_by_itself_once_faces_are_analysed(qtbot, tmp_path):
    """No seek, no click: the frame on screen is redrawn with the mask when faces arrive."""
    from creator_kit.core.face_settings import FaceMaskSettings
    from creator_kit.core.model import FaceMaskLayer
    from creator_kit.vision.synthetic import draw_face
    from tests.helpers import linear, make_face_clip

    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(110), linear(180, 60, 0, 0))], duration=1.0)
    plain = Project(clips=(ClipRef(str(clip)),), reframe=Reframe(mode="fit"))
    masked = dataclasses.replace(
        plain, layers=(FaceMaskLayer(settings=FaceMaskSettings(style="surgical")),))
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(360, 640)
    widget.show()
    progress: list[float] = []
    widget.faces_progress.connect(progress.append)
    widget.set_project(masked)
    qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=30_000)
    first = widget.current_frame()
    assert first is not None and not first.faces  # shown before the analysis ended
    qtbot.waitUntil(lambda: 1.0 in progress, timeout=120_000)
    qtbot.waitUntil(lambda: widget.current_frame() is not None
                    and len(widget.current_frame().faces) == 1, timeout=20_000)
    assert widget.position() == 0.0 and widget.showing_exact()
    shown = _rgb(widget.current_image())
    with_mask = preview_frame(masked, 0.0)  # the engine's frame, faces analysed
    without = preview_frame(plain, 0.0)
    (face,) = widget.current_frame().faces
    x, y, w, h = face.box
    lower = (slice(y + h // 2, y + h), slice(x, x + w))  # where a surgical mask sits
    assert _changed(shown[lower], with_mask[lower]) < 6
    assert _changed(shown[lower], without[lower]) > 40
    assert _changed(shown, with_mask) < 3
    widget.shutdown()


class _FakeSink:
    """An audio output whose progress the test sets (what ``QAudioSink`` reports)."""

    def __init__(self) -> None:
        self.usecs = 0

    def processedUSecs(self) -> int:  # noqa: N802 - Qt's name
        return self.usecs

    def stop(self) -> None:
        pass

    def deleteLater(self) -> None:  # noqa: N802 - Qt's name
        pass


@pytest.mark.parametrize(
    ("played_usecs", "kept_at", "given_up_at"),
    [
        (20_000, 2.5, 3.1),  # not started yet (a slow sound server): three seconds' grace
        (600_000, 1.4, 1.6),  # started, then stopped taking sound: 1.5 s
    ],
)
def test_the_sound_clock_gives_up_on_an_output_that_takes_no_sound(
    qtbot, monkeypatch, played_usecs, kept_at, given_up_at
):
    from creator_kit.gui import player_audio

    now = [100.0]
    # The module's own clock, not time.monotonic for the whole process.
    monkeypatch.setattr(player_audio, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    clock = player_audio.PlaybackClock()
    clock.device = False
    clock.start(2.0)  # on the wall clock; then an output is put in as if it had opened
    sink = _FakeSink()
    clock._sink, clock.uses_audio = sink, True
    sink.usecs = played_usecs
    assert clock.now() == pytest.approx(2.0 + played_usecs / 1e6)
    now[0] += kept_at
    assert clock.now() == pytest.approx(2.0 + played_usecs / 1e6)  # the picture waits
    assert clock.uses_audio and not clock.stalled
    now[0] += given_up_at - kept_at
    assert clock.now() == pytest.approx(2.0 + played_usecs / 1e6)
    assert clock.stalled and not clock.uses_audio
    now[0] += 0.5
    assert clock.now() == pytest.approx(2.5 + played_usecs / 1e6)  # then the wall clock
