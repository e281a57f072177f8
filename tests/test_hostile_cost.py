"""Work bounded by what a project costs, prompt cancel while preparing, long filter graphs."""

from __future__ import annotations

import json
import random
import resource
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.core.cancel import CancelToken
from creator_kit.core.captions import Cue
from creator_kit.core.errors import Cancelled
from creator_kit.core.project_io import project_from_data
from creator_kit.graphics.animation import Animated
from creator_kit.graphics.captions import _Schedule
from creator_kit.media import ffmpeg
from creator_kit.render.engine import Renderer
from creator_kit.render.timeline import MAX_IMAGE_FILES, MAX_LAYERS, build_plan
from tests.hostile import assert_one_error, files_in, processes_under, run_cli
from tests.mediagen import make_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny valid clip (1 s)."""
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", duration=1.0)


def _png(path: Path, size: tuple[int, int] = (64, 64)) -> Path:
    Image.new("RGBA", size, (200, 30, 30, 255)).save(path)
    return path


def _project(path: Path, clip: Path, layers: list[dict[str, object]]) -> Path:
    doc = {"schema_version": 1, "clips": [{"source": str(clip)}], "layers": layers}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ limits, CLI


def test_too_many_layers_refused_before_any_work(tmp_path: Path, clip: Path) -> None:
    png = _png(tmp_path / "a.png")
    layer = {"kind": "image", "path": str(png), "placement": {"width": 0.2}}
    project = _project(tmp_path / "p.ckproj", clip, [layer] * 9000)
    before = files_in(tmp_path)
    run = run_cli(["render", project, "-o", "out.mp4"], cwd=tmp_path)
    line = assert_one_error(run)
    assert f"9000 layers; the limit is {MAX_LAYERS}" in line
    assert files_in(tmp_path) == before
    assert not processes_under(tmp_path)


def test_too_many_image_files_refused(tmp_path: Path, clip: Path) -> None:
    layers = [{"kind": "image", "path": str(_png(tmp_path / f"{i}.png")),
               "placement": {"width": 0.1}} for i in range(MAX_IMAGE_FILES + 1)]
    project = _project(tmp_path / "p.ckproj", clip, layers)
    run = run_cli(["render", project, "-o", "out.mp4"], cwd=tmp_path)
    assert f"{MAX_IMAGE_FILES + 1} different image files" in assert_one_error(run)
    assert not (tmp_path / "out.mp4").exists()


def test_image_pixels_are_capped_in_total(tmp_path: Path, clip: Path) -> None:
    # Each 4x the canvas width: 4320x4320 = 18.7 MP; the second one passes the 32 MP cap.
    layers = [{"kind": "image", "path": str(_png(tmp_path / f"{i}.png")),
               "placement": {"width": 4.0}} for i in range(3)]
    project = _project(tmp_path / "p.ckproj", clip, layers)
    run = run_cli(["render", project, "-o", "out.mp4", "--progress", "none"], cwd=tmp_path)
    line = assert_one_error(run, "1.png")
    assert "MP in total" in line and "limit is 32 MP" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.png", "1.png", "2.png", "p.ckproj"]
    assert not processes_under(tmp_path)


def test_same_image_many_times_is_loaded_once(tmp_path: Path, clip: Path) -> None:
    png = _png(tmp_path / "a.png")
    layers = [{"kind": "image", "path": str(png), "placement": {"x": i / 64, "width": 0.2}}
              for i in range(MAX_LAYERS)]
    plan = build_plan(project_from_data({"schema_version": 1, "clips": [{"source": str(clip)}],
                                         "layers": layers}))
    renderer = Renderer(plan)
    images = {id(s._image) for s in renderer.clip_sources}  # type: ignore[attr-defined]
    assert len(renderer.clip_sources) == MAX_LAYERS and len(images) == 1


# ------------------------------------------------------------------------ captions


def test_long_caption_text_is_cut_to_the_limit() -> None:
    from creator_kit.core.captions import STYLES
    from creator_kit.text.bidi import MAX_CAPTION_CHARS
    from creator_kit.text.engine import render_caption

    text = ("كلمة word " * 20_000)[:100_000]
    long = render_caption(text, STYLES["clean"], 900)
    short = render_caption(text[:MAX_CAPTION_CHARS], STYLES["clean"], 900)
    assert any(f"cut to the first {MAX_CAPTION_CHARS}" in w for w in long.warnings)
    assert long.rgba.shape == short.rgba.shape
    assert np.array_equal(long.rgba, short.rgba)


def _brute_force(cues: list[Cue], fps: float, frames: int) -> list[int | None]:
    timers = [Animated(c.start, c.end, None, 1.0, None, None, c.end)  # type: ignore[arg-type]
              for c in cues]
    out: list[int | None] = []
    for k in range(frames):
        t = k / fps
        out.append(next((i for i, tm in enumerate(timers) if tm.visible(t)), None))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_caption_schedule_matches_first_visible_cue(seed: int) -> None:
    rng = random.Random(seed)
    fps = rng.choice([24.0, 25.0, 30.0, 30000 / 1001, 60.0])
    cues = []
    for _ in range(rng.randint(1, 60)):
        start = round(rng.uniform(0, 5), rng.choice([1, 2, 3, 6]))
        cues.append(Cue(start, start + rng.choice([0.0, 0.001, 0.02, 0.1, 0.5, 2.0]), "x"))
    schedule = _Schedule(cues, fps)
    expected = _brute_force(cues, fps, int(8 * fps))
    assert [schedule.cue_at(k) for k in range(len(expected))] == expected
    assert schedule.shown() == sorted({i for i in expected if i is not None})


def test_cues_never_shown_are_never_drawn(clip: Path) -> None:
    # 20,000 cues packed into one second: only the ones some frame shows get drawn.
    cues = [{"start": i / 20_000, "end": i / 20_000 + 0.5, "text": f"cue {i}"}
            for i in range(20_000)]
    plan = build_plan(project_from_data({
        "schema_version": 1, "clips": [{"source": str(clip)}],
        "layers": [{"kind": "caption", "cues": cues}]}))
    source = Renderer(plan).clip_sources[0]
    shown = source._schedule.shown()  # type: ignore[attr-defined]
    assert 0 < len(shown) <= plan.total_frames


class _CancelAfter(CancelToken):
    """Cancels itself on the ``n``-th check, counting the checks."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.checks = 0

    def raise_if_cancelled(self) -> None:
        self.checks += 1
        if self.checks >= self.n:
            self.cancel()
        super().raise_if_cancelled()


def test_cancel_is_checked_while_preparing_layers(clip: Path) -> None:
    cues = [{"start": i * 0.04, "end": i * 0.04 + 0.04, "text": f"cue {i}"} for i in range(25)]
    plan = build_plan(project_from_data({
        "schema_version": 1, "clips": [{"source": str(clip)}],
        "layers": [{"kind": "caption", "cues": cues}] * 4}))
    token = _CancelAfter(10)
    with pytest.raises(Cancelled):
        Renderer(plan, cancel=token)
    assert token.checks == 10  # stopped at the first check after the cancel


# ------------------------------------------------------------------------ ffmpeg arguments


def test_long_filter_graph_goes_through_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    n = 2500  # about 140 KB of graph: more than one argument may hold on Linux (128 KiB)
    chains = [f"anullsrc=r=8000:cl=mono,atrim=end_sample=8[a{i}]" for i in range(n)]
    graph = ";".join(chains) + ";" + "".join(f"[a{i}]" for i in range(n)) + \
        f"concat=n={n}:v=0:a=1[aout]"
    assert len(graph) > 128 * 1024
    out, _ = ffmpeg.run(["-filter_complex", graph, "-map", "[aout]", "-f", "s16le", "-"])
    assert len(out) == n * 8 * 2  # every chain's 8 samples of 16-bit silence
    for _ in range(100):  # the graph file goes once ffmpeg has exited
        if not list(tmp_path.glob("ck-graph-*")):
            break
        import time

        time.sleep(0.05)
    assert not list(tmp_path.glob("ck-graph-*"))


@pytest.mark.slow
def test_a_thousand_short_clips_render(tmp_path: Path) -> None:
    short = make_clip(tmp_path / "short.mp4", duration=0.1, fps=30)
    doc = {"schema_version": 1, "clips": [{"source": str(short)}] * 1000,
           "output": {"x264_preset": "ultrafast"}, "audio": {"normalise": False}}
    project = tmp_path / "p.ckproj"
    project.write_text(json.dumps(doc), encoding="utf-8")
    # The encoder's ffmpeg opens every clip's sound (a thread or two each, each reserving a
    # stack): address space is no measure here, so the peak resident memory of the process
    # tree is checked instead.
    run = run_cli(["render", project, "-o", "out.mp4", "--progress", "none"], cwd=tmp_path,
                  memory_limit=None, hang_guard=3600)
    assert run.code == 0, run.stderr
    assert "Argument list too long" not in run.stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 3 * 1024 * 1024, f"peak {peak_kib / 1024:.0f} MB"
    from tests.videoread import frame_count

    assert frame_count(tmp_path / "out.mp4") == 3000


def test_too_many_caption_layers_refused(tmp_path: Path, clip: Path) -> None:
    from creator_kit.render.timeline import MAX_CAPTION_LAYERS

    layers = [{"kind": "caption", "text": "x" * 100_000, "highlight": "words"}] * 50
    project = _project(tmp_path / "p.ckproj", clip, layers)
    run = run_cli(["render", project, "-o", "out.mp4"], cwd=tmp_path)
    assert f"50 caption layers; the limit is {MAX_CAPTION_LAYERS}" in assert_one_error(run)
    assert not (tmp_path / "out.mp4").exists()
