"""Export in one ffmpeg (render.direct) against the frame-by-frame render the preview uses."""

from __future__ import annotations

import queue
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.errors import Cancelled
from creator_kit.core.model import (
    Animation,
    Background,
    ClipRef,
    ClosingCard,
    ImageLayer,
    OutputSettings,
    Placement,
    Project,
    Reframe,
)
from creator_kit.render import direct
from creator_kit.render.engine import FramePool, Renderer
from creator_kit.render.export import export
from creator_kit.render.preview import Previewer
from creator_kit.render.timeline import RenderPlan, build_plan
from tests.mediagen import make_clip
from tests.videoread import frame_count, frames_rgb

pytestmark = pytest.mark.slow

FAST = OutputSettings(x264_preset="ultrafast")


def _disc(path: Path, colour: tuple[int, int, int, int], size: int = 101) -> str:
    """An odd-sized disc with soft edges: odd positions, partial alpha, transparent corners."""
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2)
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., :3] = colour[:3]
    rgba[..., 3] = np.clip((size / 2 - r) * 40, 0, colour[3]).astype(np.uint8)
    Image.fromarray(rgba).save(path)
    return str(path)


def _project(tmp_path: Path, mode: str) -> Project:
    src = make_clip(tmp_path / "src.mp4", size="320x240", duration=1.0)
    disc = _disc(tmp_path / "disc.png", (250, 40, 90, 230))
    layers = (
        # Half off the right edge, at 70 % opacity, popping in.
        ImageLayer(path=disc, placement=Placement(0.99, 0.5, "center", 0.3), opacity=0.7,
                   enter=Animation("pop")),
        # Sliding in and fading out mid-clip, at an odd pixel position.
        ImageLayer(path=disc, start=0.2, end=0.8, placement=Placement(0.3333, 0.2001, "center",
                   0.21), enter=Animation("slide"), exit=Animation("fade")),
    )
    card = ClosingCard(
        duration=0.5,
        background=Background(kind="last-frame"),
        layers=(ImageLayer(path=disc, enter=Animation("pop")),),
    )
    return Project(clips=(ClipRef(str(src)),), layers=layers, card=card,
                   reframe=Reframe(mode=mode), output=FAST)


def _assert_same_as_frame_by_frame(plan: RenderPlan) -> None:
    """The one-ffmpeg graph, writing raw frames, gives the frame-by-frame render's bytes."""
    raw_out = ["-map", "[vout]", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1",
               "-map", "[aout]", "-f", "null", "-"]
    streams = direct.plan_streams(direct.plan_slots(Renderer(plan)))
    job = direct.DirectRender(Renderer(plan), streams, None, raw_out, target=Path("x"),
                              stdout=subprocess.PIPE)
    size = plan.width * plan.height * 3 // 2
    frames: queue.Queue[bytes] = queue.Queue()

    def read() -> None:
        assert job.proc.stdout is not None
        while chunk := job.proc.stdout.read(size):
            frames.put(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    runner = threading.Thread(target=job.run, daemon=True)
    runner.start()
    reference = Renderer(plan)
    pool = FramePool(plan.width, plan.height, 2)
    compared = 0
    for i, frame in enumerate(reference.frames(pool)):
        got = np.frombuffer(frames.get(timeout=120), np.uint8)
        differ = int(np.count_nonzero(got != frame.buf))
        assert differ == 0, f"frame {i}: {differ} bytes differ from the frame-by-frame render"
        pool.give(frame)
        compared += 1
    runner.join(60)
    job.finish()
    reader.join(10)
    assert compared == plan.total_frames
    assert frames.empty()


@pytest.mark.parametrize("mode", ["fill", "fit-blur"])
def test_one_ffmpeg_blends_exactly_like_the_preview_compositor(tmp_path, mode):
    plan = build_plan(_project(tmp_path, mode))
    slots = direct.plan_slots(Renderer(plan))
    assert [(s.section, s.source) for s in slots] == [(0, 0), (0, 1), (1, 0)]
    # The second layer's stream ends before the video does (at its last drawing).
    assert slots[1].last < plan.total_frames - 2
    _assert_same_as_frame_by_frame(plan)
    assert plan.total_frames == 45


def _slot(first: int, last: int, x0: int, y0: int, x1: int, y1: int, source: int) -> direct.Slot:
    return direct.Slot(0, source, 0, x0, y0, x1, y1, first, last)


def test_slots_never_shown_together_share_a_stream():
    tip1 = _slot(10, 40, 100, 100, 900, 1300, 0)
    tip2 = _slot(50, 80, 100, 110, 900, 1320, 1)  # the next tip card, a little taller
    caption = _slot(0, 90, 0, 1500, 1080, 1700, 2)  # shown with both
    streams = direct.plan_streams([tip1, tip2, caption])
    assert [s.slots for s in streams] == [[tip1, tip2], [caption]]
    assert (streams[0].x0, streams[0].y0, streams[0].x1, streams[0].y1) == (100, 100, 900, 1320)
    assert streams[0].enable() == "between(n,10,40)+between(n,50,80)"
    # Far apart, a shared stream would be bigger than the two: they keep their own.
    top, bottom = _slot(0, 10, 0, 0, 200, 200, 0), _slot(20, 30, 800, 1600, 1000, 1800, 1)
    assert len(direct.plan_streams([top, bottom])) == 2
    # Overlapping in time: never shared.
    assert len(direct.plan_streams([tip1, _slot(40, 60, 100, 100, 900, 1300, 1)])) == 2


def test_a_shared_stream_keeps_the_blending_order():
    # The second layer covers the first while it shows; the third comes after both. Sharing
    # the first's stream with the third would blend the first over the second.
    under = _slot(0, 20, 100, 100, 500, 500, 0)
    over = _slot(0, 20, 300, 300, 700, 700, 1)
    later = _slot(30, 40, 100, 100, 500, 500, 2)
    streams = direct.plan_streams([under, over, later])
    assert [s.slots for s in streams] == [[under], [over], [later]]
    # Where the covering layer does not touch it, sharing is fine (and blended after it).
    beside = _slot(0, 20, 600, 600, 1000, 1000, 1)
    streams = direct.plan_streams([under, beside, later])
    assert [s.slots for s in streams] == [[beside], [under, later]]


def test_a_shared_stream_renders_the_frame_by_frame_pixels(tmp_path):
    # Two "tip cards" one after another at about the same place and a closing-card layer:
    # one stream carries all three, and the frames are the same bytes.
    src = make_clip(tmp_path / "src.mp4", size="320x240", duration=1.0)
    disc = _disc(tmp_path / "disc.png", (250, 40, 90, 230))
    other = _disc(tmp_path / "other.png", (40, 200, 250, 255), size=90)
    layers = (
        ImageLayer(path=disc, end=0.4, placement=Placement(0.5, 0.3001, "center", 0.3),
                   enter=Animation("pop"), exit=Animation("fade")),
        ImageLayer(path=other, start=0.5, placement=Placement(0.5, 0.31, "center", 0.28),
                   enter=Animation("slide")),
    )
    card = ClosingCard(duration=0.5, background=Background(kind="colour"),
                       layers=(ImageLayer(path=other),))
    project = Project(clips=(ClipRef(str(src)),), layers=layers, card=card,
                      reframe=Reframe(mode="fill"), output=FAST)
    plan = build_plan(project)
    slots = direct.plan_slots(Renderer(plan))
    streams = direct.plan_streams(slots)
    # The card's layer, shown after both, joins them.
    assert [[(s.section, s.source) for s in st.slots] for st in streams] == [
        [(0, 0), (0, 1), (1, 0)]
    ]
    _assert_same_as_frame_by_frame(plan)


def test_export_in_one_ffmpeg_shows_the_preview_frames(tmp_path):
    project = _project(tmp_path, "fill")
    out = tmp_path / "out.mp4"
    reports: list[Progress] = []
    export(project, out, on_progress=reports.append)
    assert frame_count(out) == 45
    render = [r.fraction for r in reports if r.stage == "render"]
    assert render == sorted(render) and len(render) >= 2
    pv = Previewer(project)
    try:
        for i in (3, 15, 29, 40):
            want = pv.frame(i / 30).to_rgb().astype(int)
            got = frames_rgb(out, [i])[0].astype(int)
            # Only x264's loss (ultrafast, CRF) between the two.
            assert np.abs(got - want).mean() < 3, f"frame {i}"
    finally:
        pv.close()


def test_cancel_stops_the_one_ffmpeg_export(tmp_path):
    src = make_clip(tmp_path / "src.mp4", size="640x360", duration=20.0)
    disc = _disc(tmp_path / "disc.png", (250, 40, 90, 255))
    project = Project(clips=(ClipRef(str(src)),), output=FAST,
                      layers=(ImageLayer(path=disc, enter=Animation("pop")),))
    token = CancelToken()
    reports: list[Progress] = []

    def on_progress(p: Progress) -> None:
        reports.append(p)
        if p.stage == "render" and p.fraction > 0.1:
            token.cancel()

    out = tmp_path / "out.mp4"
    with pytest.raises(Cancelled):
        export(project, out, on_progress=on_progress, cancel=token)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert max(r.fraction for r in reports if r.stage == "render") < 0.9


def test_more_layers_than_streams_export_frame_by_frame(tmp_path):
    src = make_clip(tmp_path / "src.mp4", size="320x240", duration=0.5)
    disc = _disc(tmp_path / "disc.png", (20, 230, 40, 255), size=60)
    count = direct.MAX_SLOTS + 6
    layers = tuple(
        ImageLayer(path=disc, placement=Placement(0.1 + 0.8 * (i % 6) / 5, 0.1 + 0.8 * (i // 6) / 5,
                                                  "center", 0.05))
        for i in range(count)
    )
    project = Project(clips=(ClipRef(str(src)),), layers=layers, output=FAST)
    assert len(direct.plan_slots(Renderer(build_plan(project)))) == count
    out = tmp_path / "many.mp4"
    export(project, out)
    assert frame_count(out) == 15
    frame = frames_rgb(out, [7])[0].astype(int)
    for i in (0, count - 1):
        x = round((0.1 + 0.8 * (i % 6) / 5) * 1080)
        y = round((0.1 + 0.8 * (i // 6) / 5) * 1920)
        assert np.abs(frame[y, x] - (20, 230, 40)).max() < 30, f"layer {i} is missing"


def _ffmpeg_saying(tmp_path: Path, version: str) -> str:
    """A wrapper that reports ``version`` for ``-version`` and runs the real ffmpeg otherwise."""
    from creator_kit.media.ffmpeg import ffmpeg_exe

    real = ffmpeg_exe()
    script = tmp_path / f"ffmpeg-{version}"
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ "$a" = -version ] && '
        f'{{ echo "ffmpeg version {version} Copyright (c) 2000-2026"; exit 0; }}; done\n'
        f'exec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.fixture()
def fresh_ffmpeg_exe():
    """ffmpeg_exe() is cached per process: forget it before and after the test."""
    from creator_kit.media.ffmpeg import ffmpeg_exe

    ffmpeg_exe.cache_clear()
    yield
    ffmpeg_exe.cache_clear()


def test_an_ffmpeg_older_than_9_exports_frame_by_frame(tmp_path, monkeypatch, fresh_ffmpeg_exe):
    # FFmpeg 7.1 (the app bundle's) deadlocks on the one-ffmpeg graph; such an ffmpeg takes
    # the frame-by-frame path and the export still matches the preview.
    from creator_kit.media.ffmpeg import ffmpeg_exe

    newer, older = (_ffmpeg_saying(tmp_path, v) for v in ("n9.0.2-17-g2a571b6068", "7.1.5"))
    monkeypatch.setenv("CREATOR_KIT_FFMPEG", newer)
    ffmpeg_exe.cache_clear()
    assert direct.ffmpeg_ok()
    monkeypatch.setenv("CREATOR_KIT_FFMPEG", older)
    ffmpeg_exe.cache_clear()
    assert not direct.ffmpeg_ok()
    started: list[object] = []
    real_init = direct.DirectRender.__init__

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(direct.DirectRender, "__init__", spy)
    project = _project(tmp_path, "fill")
    out = tmp_path / "out.mp4"
    export(project, out)
    assert started == [] and frame_count(out) == 45
    pv = Previewer(project)
    try:
        want = pv.frame(15 / 30).to_rgb().astype(int)
        got = frames_rgb(out, [15])[0].astype(int)
        assert np.abs(got - want).mean() < 3
    finally:
        pv.close()


def test_a_sprite_converted_in_bands_is_the_same_as_in_one_piece(monkeypatch):
    from creator_kit.render import compositor

    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (301, 203, 4), dtype=np.uint8)
    rgba[..., 3][rng.random((301, 203)) < 0.3] = 0  # transparent pixels among opaque ones
    for dx, dy in ((0, 0), (1, 1)):
        banded = compositor._convert(rgba, dx, dy)
        monkeypatch.setattr(compositor, "_BAND", 10_000)
        whole = compositor._convert(rgba, dx, dy)
        monkeypatch.undo()
        for plane in ("y", "u", "v", "a", "a2"):
            assert np.array_equal(getattr(banded, plane), getattr(whole, plane)), plane
