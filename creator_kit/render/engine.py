"""Producing the output's frames: decoded clips, composited layers, the closing card."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from creator_kit.core.cancel import CancelToken
from creator_kit.core.frames import FrameSource
from creator_kit.graphics.card_background import (
    GradientBackdrop,
    SolidBackdrop,
    card_backdrop,
)
from creator_kit.render.compositor import Compositor, Frame
from creator_kit.render.decode import SegmentDecoder
from creator_kit.render.layer_sources import LayerContext, build_sources
from creator_kit.render.timeline import RenderPlan

if TYPE_CHECKING:
    from creator_kit.vision import FaceAnalysis, ReframePath


class Renderer:
    """Composites the frames of a :class:`RenderPlan`; shared by export and preview."""

    def __init__(
        self,
        plan: RenderPlan,
        warn: Callable[[str], None] | None = None,
        faces: Mapping[str, FaceAnalysis] | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.plan = plan
        project = plan.project
        # Every warning met while preparing or drawing (a caption in an interface band, a
        # missing glyph, no faces), each once and in order: export returns them in its
        # result and the preview exposes them, besides the callback.
        self.warnings: list[str] = []
        callback = warn

        def note(message: str) -> None:
            if message in self.warnings:
                return
            self.warnings.append(message)
            if callback is not None:
                callback(message)

        warn = note
        self.faces = dict(faces or {})
        # Face-following crop paths, one per clip, when the project reframes by faces.
        self.face_paths: dict[int, ReframePath] = {}
        if project.reframe.mode == "face":
            from creator_kit.render.face_timeline import face_path

            for seg in plan.segments:
                analysis = self.faces.get(seg.clip.source)
                if analysis is not None:
                    path = face_path(plan, seg, analysis)
                    self.face_paths[seg.index] = path
                    if path.notice:
                        warn(f"{path.notice}; the frame stays centred")
        faces_at = None
        if self.faces:
            from creator_kit.render.face_timeline import canvas_faces

            # Layers placed by slot keep clear of the faces (the same in preview and export).
            faces_at = canvas_faces(plan, self.faces)
        ctx = LayerContext(
            (plan.width, plan.height),
            plan.clips_end,
            plan.profile,
            warn=warn,
            fps=plan.fps,
            cancel=cancel,
            faces_at=faces_at,
            plan=plan,
            faces=self.faces,
        )
        self.clip_sources: list[FrameSource] = build_sources(
            project.layers, ctx, default_end=plan.clips_end
        )
        self.card_sources: list[FrameSource] = []
        if project.card is not None:
            self.card_sources = build_sources(
                project.card.layers, ctx, default_end=plan.duration, offset=plan.clips_end
            )
        self.compositor = Compositor()
        self._card_bg: Frame | None = None

    def sources_at(self, index: int) -> list[FrameSource]:
        """The layer sources drawn on timeline frame ``index`` (the clips' or the card's)."""
        return self.clip_sources if index < self.plan.clip_frames else self.card_sources

    def compose(self, frame: Frame, index: int) -> None:
        """Blend the layers visible at timeline frame ``index`` onto ``frame``."""
        t = index / self.plan.fps
        size = (self.plan.width, self.plan.height)
        for source in self.sources_at(index):
            self.compositor.blend(frame, source.sprites_at(t, size))

    def card_background(self, last_clip_frame: Frame | None) -> Frame:
        """The card's background frame (built once)."""
        if self._card_bg is None:
            assert self.plan.project.card is not None
            width, height = self.plan.width, self.plan.height
            backdrop = card_backdrop(
                self.plan.project.card.background,
                width,
                height,
                lambda: None if last_clip_frame is None else last_clip_frame.to_rgb(),
            )
            if isinstance(backdrop, SolidBackdrop):
                self._card_bg = Frame(width, height)
                self._card_bg.fill_rgb(backdrop.rgb)
            elif isinstance(backdrop, GradientBackdrop):
                self._card_bg = Frame.vertical_gradient(
                    width, height, backdrop.top, backdrop.bottom
                )
            else:
                self._card_bg = Frame.from_rgb(backdrop.rgb)
        return self._card_bg

    def frames(self, pool: FramePool, cancel: CancelToken | None = None) -> Iterator[Frame]:
        """Every output frame in order, each taken from ``pool`` (the consumer gives it back)."""
        plan = self.plan
        index = 0
        last_plain: Frame | None = None  # last decoded clip picture, before layers
        for seg in plan.segments:
            decoder = SegmentDecoder(plan, seg, face=self.face_paths.get(seg.index))
            try:
                for k in range(seg.src_frames):
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    frame = pool.take()
                    decoder.read_into(frame)
                    # Keep the segment's final picture (before layers) for a frozen tail or a
                    # last-frame card; copying every frame for it would cost 3 MB each.
                    if k == seg.src_frames - 1:
                        if last_plain is None:
                            last_plain = Frame(plan.width, plan.height)
                        last_plain.buf[:] = frame.buf
                    self.compose(frame, index)
                    index += 1
                    yield frame
            finally:
                decoder.close()
            for _ in range(seg.freeze_frames):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                frame = pool.take()
                assert last_plain is not None
                frame.buf[:] = last_plain.buf
                self.compose(frame, index)
                index += 1
                yield frame
        if plan.card_frames:
            bg = self.card_background(last_plain)
            for _ in range(plan.card_frames):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                frame = pool.take()
                frame.buf[:] = bg.buf
                self.compose(frame, index)
                index += 1
                yield frame


class FramePool:
    """A fixed set of reusable frame buffers, so memory stays flat however long the video."""

    def __init__(self, width: int, height: int, size: int = 6) -> None:
        import queue

        self._free: queue.Queue[Frame] = queue.Queue()
        for _ in range(size):
            self._free.put(Frame(width, height))

    def take(self) -> Frame:
        """A free frame (blocks until the consumer gives one back)."""
        return self._free.get()

    def give(self, frame: Frame) -> None:
        """Return a frame once it is no longer needed."""
        self._free.put(frame)
