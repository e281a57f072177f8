"""Preview frames: exactly what export draws at time t, downscaled for the screen.

The preview runs the same decoder graph and the same compositor as export. A
:class:`Previewer` keeps its decoder open between calls, so scrubbing forward reads on instead
of seeking again; a jump backwards or far ahead restarts the decoder at the new position.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import cv2
import numpy as np
import numpy.typing as npt

from creator_kit.core.cancel import WarningCallback
from creator_kit.core.model import Project
from creator_kit.core.presets import get_profile
from creator_kit.render.compositor import Frame
from creator_kit.render.decode import SegmentDecoder
from creator_kit.render.engine import Renderer
from creator_kit.render.preview_session import PreviewSession
from creator_kit.render.timeline import RenderPlan, Segment, build_plan, needs_faces
from creator_kit.render.yuv import yuv420_to_rgb

# Reading on is cheaper than restarting ffmpeg for up to about this many frames.
_READ_AHEAD = 45
_TAIL = 8


class Previewer:
    """Random-access frames of one project (not thread-safe; one per preview widget).

    Warnings (the plan's, then each one met while drawing) go to ``on_warning`` as they
    happen and are listed in :attr:`warnings`, the same messages an export reports.
    """

    def __init__(
        self, project: Project | RenderPlan, on_warning: WarningCallback | None = None
    ) -> None:
        self.plan = project if isinstance(project, RenderPlan) else build_plan(project)
        if on_warning is not None:
            for message in self.plan.warnings:
                on_warning(message)
        faces = {}
        if needs_faces(self.plan.project):
            from creator_kit.render.face_timeline import analyse_plan

            faces = analyse_plan(self.plan)  # cached on disk: the export reuses it
        self.renderer = Renderer(self.plan, on_warning, faces=faces)
        self._decoder: SegmentDecoder | None = None
        self._decoded = Frame(self.plan.width, self.plan.height)
        self._decoded_at: tuple[int, int] | None = None  # (segment index, local frame)
        self._last_plain: Frame | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning met so far, once each: the plan's, then the drawing's.

        Drawing warnings appear as the frames that cause them are drawn (every caption is
        drawn once when the preview opens, so bad text and fonts are listed at once).
        """
        return tuple(dict.fromkeys((*self.plan.warnings, *self.renderer.warnings)))

    def close(self) -> None:
        """Stop any running decoder (the next frame starts a new one)."""
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None

    def __enter__(self) -> Previewer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def index_at(self, t: float) -> int:
        """The timeline frame shown at ``t`` seconds."""
        return min(max(int(t * self.plan.fps + 1e-6), 0), self.plan.total_frames - 1)

    def _source_frame(self, seg: Segment, local: int) -> Frame:
        local = min(local, seg.src_frames - 1)  # a frozen tail repeats the last picture
        if self._decoded_at == (seg.index, local):
            return self._decoded
        dec = self._decoder
        if (
            dec is None
            or dec.seg.index != seg.index
            or dec.position > local
            or local - dec.position > _READ_AHEAD
        ):
            self.close()
            # A seek to one of the very last frames can land past the end of the stream and
            # decode nothing; start a few frames earlier there and read on, as export does.
            start = min(local, max(0, seg.src_frames - _TAIL))
            dec = self._decoder = SegmentDecoder(
                self.plan, seg, skip=start, face=self.renderer.face_paths.get(seg.index)
            )
        while dec.position <= local:
            dec.read_into(self._decoded)
        self._decoded_at = (seg.index, local)
        return self._decoded

    def frame(self, t: float) -> Frame:
        """The full-size composited frame at ``t`` (a new Frame the caller may keep)."""
        index = self.index_at(t)
        seg = self.plan.segment_at(index)
        if seg is not None:
            out = self._source_frame(seg, index - seg.first_frame).copy()
        else:
            last = None
            card = self.plan.project.card
            if card is not None and card.background.kind == "last-frame":
                final = self.plan.segments[-1]
                last = self._source_frame(final, final.src_frames - 1).copy()
            out = self.renderer.card_background(last).copy()
        self.renderer.compose(out, index)
        return out

    def rgb(self, t: float, width: int = 540) -> npt.NDArray[np.uint8]:
        """The frame at ``t`` as RGB, ``width`` pixels wide (height keeps the canvas aspect)."""
        frame = self.frame(t)
        height = int(round(frame.height * width / frame.width)) // 2 * 2
        width = width // 2 * 2
        if (width, height) == (frame.width, frame.height):
            return frame.to_rgb()

        # Downscale the planes first and convert the small image: 4x less colour maths.
        def shrink(p: npt.NDArray[np.uint8], w: int, h: int) -> npt.NDArray[np.uint8]:
            return np.asarray(cv2.resize(p, (w, h), interpolation=cv2.INTER_AREA), np.uint8)

        y = shrink(frame.y, width, height)
        u = shrink(frame.u, width // 2, height // 2)
        v = shrink(frame.v, width // 2, height // 2)
        return yuv420_to_rgb(y, u, v)


_cache: OrderedDict[Project, Previewer] = OrderedDict()
_cache_lock = threading.Lock()


_sessions: OrderedDict[tuple[Project, int], PreviewSession] = OrderedDict()


def preview_frame(project: Project, t: float, width: int = 540) -> npt.NDArray[np.uint8]:
    """The RGB frame export would produce at ``t``, ``width`` pixels wide.

    Narrower than the export, the frame is made as the editor's player makes it (a
    :class:`~creator_kit.render.preview_session.PreviewSession` decoding and compositing at
    that size, faces analysed first); at the export's width it is the export's frame itself.
    """
    return preview_frame_and_warnings(project, t, width)[0]


def preview_frame_and_warnings(
    project: Project, t: float, width: int = 540
) -> tuple[npt.NDArray[np.uint8], tuple[str, ...]]:
    """:func:`preview_frame` and the warnings met so far (see :attr:`Previewer.warnings`).

    The project's plan and drawn layers stay cached for the next call, but no decoder is
    left running between calls (and no proxies are built): an ffmpeg kept for a one-off
    frame would outlive its use. A player that reads on between frames holds its own
    :class:`~creator_kit.render.preview_session.PreviewSession` (or :class:`Previewer`).
    """
    if width < get_profile(project.output.preset).width:
        with _cache_lock:
            key = (project, width)
            session = _sessions.get(key)
            if session is None:
                session = PreviewSession(project, width=width, proxies=False)
                _sessions[key] = session
                while len(_sessions) > 2:
                    _sessions.popitem(last=False)[1].close()
            else:
                _sessions.move_to_end(key)
            session.wait_for_faces()
            try:
                return session.rgb(t), tuple(session.warnings)
            finally:
                session.release_decoder()
    with _cache_lock:
        previewer = _cache.get(project)
        if previewer is None:
            previewer = Previewer(project)
            _cache[project] = previewer
            while len(_cache) > 2:
                _cache.popitem(last=False)[1].close()
        else:
            _cache.move_to_end(project)
        try:
            return previewer.rgb(t, width), previewer.warnings
        finally:
            previewer.close()


def close_previews() -> None:
    """Forget the cached previews of :func:`preview_frame` (closing their sessions)."""
    with _cache_lock:
        while _cache:
            _cache.popitem()[1].close()
        while _sessions:
            _sessions.popitem()[1].close()
