"""Faces in the render: analysis per clip, the face-following crop and the tracked mask layer.

The vision package finds and tracks faces (cached on disk per source file); this module
connects its results to the timeline: which clip shows at time t, where a source pixel lands
on the canvas in the chosen reframe mode, and the per-frame crop windows of ``face`` mode,
which the decoding ffmpeg applies through ``sendcmd`` so the crop stays in C.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.frames import Sprite
from creator_kit.core.model import FaceMaskLayer
from creator_kit.media.ingest import output_size
from creator_kit.media.probe import MediaInfo
from creator_kit.render.canvas_filters import source_to_canvas
from creator_kit.render.timeline import RenderPlan, Segment, needs_faces

if TYPE_CHECKING:
    from creator_kit.render.layer_sources import LayerContext
from creator_kit.graphics.context import FacesAt
from creator_kit.graphics.face_masks import FaceMaskSource
from creator_kit.vision import FaceAnalysis, ReframePath, analyse, reframe_path
from creator_kit.vision.decode import VideoInfo

F64 = npt.NDArray[np.float64]


def analyse_plan(
    plan: RenderPlan,
    cancel: CancelToken | None = None,
    on_fraction: Callable[[float], None] | None = None,
) -> dict[str, FaceAnalysis]:
    """Face analysis of every distinct source in the plan (from the disk cache when fresh)."""
    if not needs_faces(plan.project):
        return {}
    sources = list(dict.fromkeys(seg.clip.source for seg in plan.segments))
    out: dict[str, FaceAnalysis] = {}
    for i, source in enumerate(sources):

        def progress(p: Progress, i: int = i) -> None:
            if on_fraction is not None:
                on_fraction((i + p.fraction) / len(sources))

        seg = next(s for s in plan.segments if s.clip.source == source)
        # The plan has probed the file already: one probe per source per render.
        out[source] = analyse(
            source, cancel=cancel, on_progress=progress, info=analysis_info(seg.info)
        )
    return out


def analyse_plan_apart(
    plan: RenderPlan,
    cancel: CancelToken | None = None,
    on_fraction: Callable[[float], None] | None = None,
    *,
    nice: int = 10,
) -> dict[str, FaceAnalysis]:
    """:func:`analyse_plan` with the analysis itself in child processes.

    Fresh cached analyses are read here; each other source is analysed by ``creator-kit
    faces --progress json`` (:class:`~creator_kit.render.job.FaceJob`), which also fills the
    face cache. The detector and tracker hold Python's GIL for long stretches: in the
    editor's process they stalled the event loop for a third of a second at a time, and a
    child process cannot stall it at all. ``cancel`` ends the child at once (it has nothing
    to clean up: the cache is written atomically) and raises ``Cancelled``. The export uses
    it too: the detector's memory (about 200 MB on a phone clip, which glibc would keep in
    the rendering process) is gone with the child before the render starts. ``nice`` is
    the child's priority (the editor's default keeps the picture being played first).
    """
    from creator_kit.vision.analysis import cached_analysis

    if not needs_faces(plan.project):
        return {}
    sources = list(dict.fromkeys(seg.clip.source for seg in plan.segments))
    out: dict[str, FaceAnalysis] = {}
    for i, source in enumerate(sources):

        def fraction(f: float, i: int = i) -> None:
            if on_fraction is not None:
                on_fraction((i + f) / len(sources))

        if cancel is not None:
            cancel.raise_if_cancelled()
        hit = cached_analysis(source)
        out[source] = (
            hit if hit is not None else _analyse_in_child(source, cancel, fraction, nice)
        )
        fraction(1.0)
    return out


def _analyse_in_child(
    source: str, cancel: CancelToken | None, on_fraction: Callable[[float], None], nice: int
) -> FaceAnalysis:
    import time

    from creator_kit.core.errors import Cancelled, CreatorKitError, InputError
    from creator_kit.render.job import FaceJob

    job = FaceJob(source, nice=nice)
    job.start()
    try:
        while not job.done:
            for event in job.poll():
                if event.name == "progress":
                    on_fraction(min(float(event.data.get("fraction", 0.0)), 1.0))
            if job.done:
                break
            # Five looks a second: progress comes four times a second, a cancel is seen in a
            # fifth of one, and this thread seldom asks the editor's process for its GIL.
            if cancel is not None:
                if cancel.wait(0.2):
                    raise Cancelled()
            else:
                time.sleep(0.2)
    finally:
        if not job.done:
            job.kill()
    result, error = job.state.result, job.state.error or {}
    if result is not None and isinstance(result.get("analysis"), dict):
        return FaceAnalysis.from_data(result["analysis"])
    if error.get("code") == "cancelled":
        raise Cancelled()
    problem = str(error.get("problem") or error.get("message") or "face analysis failed")
    path = error.get("path")
    kind = InputError if error.get("code") == "input" else CreatorKitError
    raise kind(problem, None if path is None else str(path), key=error.get("key"),
               params=error.get("params") or None)


def analysis_info(info: MediaInfo) -> VideoInfo:
    """What face analysis needs to know of a source, from the render's own probe.

    Analysis decodes with PyAV, which turns frames upright by their display matrix only,
    so a bare Matroska ``rotate`` tag counts as no rotation here, as it does when the
    analysis probes the file itself.
    """
    v = info.video
    assert v is not None  # the plan refuses files without video
    if v.rotation_source == "display-matrix":
        width, height, rotation = v.display_width, v.display_height, v.rotation
    else:
        width, height, rotation = v.coded_width, v.coded_height, 0
    fps = v.avg_fps or v.fps
    return VideoInfo(width, height, rotation, fps, v.duration or info.duration or 0.0)


def face_path(plan: RenderPlan, seg: Segment, analysis: FaceAnalysis) -> ReframePath:
    """The face-following crop path of ``seg``, in the pixels of its ingested frames."""
    w, h = output_size(seg.info)
    return reframe_path(
        analysis, w, h, out_aspect=plan.width / plan.height, settings=plan.project.reframe.face
    )


def face_crop_filters(plan: RenderPlan, seg: Segment, path: ReframePath, skip: int) -> str:
    """``sendcmd`` + ``crop`` + ``scale`` moving the window frame by frame.

    Frame k out of the decoder (which starts ``skip`` frames into the segment) shows source
    time ``src_start + (skip + k) / fps``; commands are only sent when the window moves.
    """
    fps = plan.fps
    count = seg.src_frames - skip
    commands: list[str] = []
    last: tuple[int, int] | None = None
    first = path(seg.src_start + skip / fps)
    for k in range(count):
        x, y, _w, _h = path(seg.src_start + (skip + k) / fps)
        if (x, y) != last:
            commands.append(f"{k / fps:.6f} crop@ckface x {x}, crop@ckface y {y}")
            last = (x, y)
    x0, y0, w, h = first
    mx, my = path.margins
    stage = ""
    if mx or my:
        # A widened window reaches past the source's edges: put the source on a blurred
        # copy of itself with room around it (as fit-blur does) and move the window there.
        sw, sh = output_size(seg.info)
        stage = _blurred_stage(plan, sw, sh, mx, my) + ","
        commands = [_shift(c, mx, my) for c in commands]
        x0, y0 = x0 + mx, y0 + my
    send = f"sendcmd=c='{'; '.join(commands)}'," if len(commands) > 1 else ""
    return (
        f"{stage}{send}crop@ckface=w={w}:h={h}:x={x0}:y={y0},"
        f"scale={plan.width}:{plan.height}"
    )


def _shift(command: str, mx: int, my: int) -> str:
    """A window command with its x and y moved by the stage's margins."""
    at, rest = command.split(" ", 1)
    parts = []
    for part in rest.split(", "):
        target, key, value = part.split(" ")
        parts.append(f"{target} {key} {int(value) + (mx if key == 'x' else my)}")
    return f"{at} {', '.join(parts)}"


def _blurred_stage(plan: RenderPlan, sw: int, sh: int, mx: int, my: int) -> str:
    """The source centred on a blurred, dimmed copy of itself ``2 mx`` wider, ``2 my`` taller.

    The copy is blurred at a quarter size (cheap, and softer for it), like fit-blur's backdrop,
    with the project's blur and dim settings.
    """
    mode = plan.project.reframe
    stage_w, stage_h = sw + 2 * mx, sh + 2 * my
    bw, bh = max(2, stage_w // 8 * 2), max(2, stage_h // 8 * 2)
    radius = max(1, min(int(round(2 + mode.blur * 14)), bw // 2 - 1, bh // 2 - 1))
    keep = 1.0 - mode.dim
    dim = f"lutyuv=y=16+(val-16)*{keep:.3f}:u=128+(val-128)*{keep:.3f}:v=128+(val-128)*{keep:.3f}"
    return (
        "split=2[ckz_bg0][ckz_fg];"
        f"[ckz_bg0]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
        f"boxblur=luma_radius={radius}:luma_power=2:"
        f"chroma_radius={max(1, radius // 2)}:chroma_power=2,"
        f"{dim},scale={stage_w}:{stage_h}:flags=bilinear[ckz_bg];"
        f"[ckz_bg][ckz_fg]overlay={mx}:{my}:format=yuv420"
    )


class FaceMaskLayerSource:
    """A face-mask layer over all clips: one vision mask source per clip segment."""

    def __init__(self, layer: FaceMaskLayer, ctx: LayerContext) -> None:
        assert ctx.plan is not None, "a face-mask layer is drawn on a render plan"
        plan, analyses, warn = ctx.plan, ctx.faces, ctx.warn
        self._parts: list[FaceMaskSource] = []
        fps = plan.fps
        start = layer.start
        end = plan.clips_end if layer.end is None else min(layer.end, plan.clips_end)
        for seg in plan.segments:
            analysis = analyses.get(seg.clip.source)
            if analysis is None:
                continue
            t0 = seg.first_frame / fps
            t1 = (seg.first_frame + seg.frames) / fps
            last_src = seg.src_start + (seg.src_frames - 1) / fps

            def time_map(
                t: float,
                t0: float = t0,
                t1: float = t1,
                s0: float = seg.src_start,
                last: float = last_src,
            ) -> float | None:
                if not (t0 <= t < t1 and start <= t < end):
                    return None
                return min(s0 + (t - t0), last)  # a frozen tail keeps the last position

            source = FaceMaskSource(
                analysis, layer.settings, _mapping(plan, seg, analysis), time_map
            )
            if source.notice:
                warn(source.notice)
            self._parts.append(source)

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """Masks on the faces visible at ``t``."""
        out: list[Sprite] = []
        for part in self._parts:
            out.extend(part.sprites_at(t, size))
        return out


def _mapping(plan: RenderPlan, seg: Segment, analysis: FaceAnalysis) -> Callable[[F64, float], F64]:
    """Analysis (displayed-source) pixels to canvas pixels for this segment's reframe."""
    iw, ih = output_size(seg.info)
    # Ingest may even out or square the size; analysis coordinates use the displayed size.
    kx = iw / analysis.width if analysis.width else 1.0
    ky = ih / analysis.height if analysis.height else 1.0
    if plan.project.reframe.mode == "face":
        path = face_path(plan, seg, analysis)

        def moving(points: F64, t_src: float) -> F64:
            x, y, w, h = path(t_src)
            out = np.empty_like(points, dtype=np.float64)
            out[:, 0] = (points[:, 0] * kx - x) * plan.width / w
            out[:, 1] = (points[:, 1] * ky - y) * plan.height / h
            return out

        return moving
    sx, sy, dx, dy = source_to_canvas(plan.project.reframe, iw, ih, plan.width, plan.height)

    def static(points: F64, _t_src: float) -> F64:
        out = np.empty_like(points, dtype=np.float64)
        out[:, 0] = points[:, 0] * kx * sx + dx
        out[:, 1] = points[:, 1] * ky * sy + dy
        return out

    return static


def canvas_faces(plan: RenderPlan, analyses: Mapping[str, FaceAnalysis]) -> FacesAt | None:
    """Where faces are on the canvas at timeline time t: boxes in canvas pixels.

    The boxes are the detector's (brow to chin); ``graphics.slots`` adds the room around
    them that a viewer counts as the face. ``None`` when nothing was analysed. Layers
    placed by slot use it to keep clear of faces (``DrawContext.faces_at``); the engine
    builds it for preview and export alike.
    """
    parts = []
    for seg in plan.segments:
        analysis = analyses.get(seg.clip.source)
        if analysis is None or not analysis.tracks:
            continue
        t0 = seg.first_frame / plan.fps
        t1 = (seg.first_frame + seg.frames) / plan.fps
        last = seg.src_start + (seg.src_frames - 1) / plan.fps
        parts.append((t0, t1, seg.src_start, last, analysis, _mapping(plan, seg, analysis)))
    if not parts:
        return None

    def faces_at(t: float) -> list[tuple[float, float, float, float]]:
        out = []
        for t0, t1, s0, last, analysis, mapping in parts:
            if not t0 <= t < t1:
                continue
            ts = min(s0 + (t - t0), last)
            for face in analysis.faces_at(ts):
                x1, y1, x2, y2 = face.box
                (a, b), (c, d) = mapping(np.array([[x1, y1], [x2, y2]]), ts).tolist()
                out.append((min(a, c), min(b, d), max(a, c), max(b, d)))
        return out

    return faces_at
