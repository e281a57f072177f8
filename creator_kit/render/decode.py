"""Decoding a clip segment to canvas-sized yuv420p frames through one ffmpeg process."""

from __future__ import annotations

import io
import os
import subprocess
import typing
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from creator_kit.core.errors import InputError, RenderError
from creator_kit.core.files import check_file
from creator_kit.media import ffmpeg
from creator_kit.media.ingest import decode_args, normalise_filters, output_size
from creator_kit.render.canvas_filters import reframe_graph
from creator_kit.render.compositor import Frame
from creator_kit.render.timeline import RenderPlan, Segment

if typing.TYPE_CHECKING:
    from creator_kit.vision import ReframePath


def segment_filters(
    plan: RenderPlan, seg: Segment, skip: int = 0, face: ReframePath | None = None
) -> str:
    """The whole decode-side filter graph for ``seg``: normalise, reframe, yuv420p.

    ``face`` is the face-following window path when the project reframes by faces; the
    decoder then starts ``skip`` frames into the segment (the window commands count from it).
    """
    width, height = output_size(seg.info)  # what normalise_filters leaves (even, square pixels)
    # Ingest leaves BT.709 limited-range pictures; saying so lets filters that draw colours
    # (fit's bars, the blurred backdrop) convert them with the right matrix.
    parts = [
        *normalise_filters(seg.info, plan.fps),
        "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv",
    ]
    if face is not None:
        from creator_kit.render.face_timeline import face_crop_filters

        reframe = face_crop_filters(plan, seg, face, skip)
    else:
        reframe = reframe_graph(
            plan.project.reframe,
            width,
            height,
            plan.width,
            plan.height,
            reference=(plan.profile.width, plan.profile.height),
        )
    return ",".join([*parts, reframe]) + ",setsar=1,format=yuv420p"


def segment_input_args(plan: RenderPlan, seg: Segment, skip: int, count: int) -> list[str]:
    """ffmpeg input arguments decoding ``count`` frames of ``seg`` from ``skip`` frames in.

    Two frames more are asked for than needed, so a source a rounding short still yields them.
    """
    start = seg.src_start + skip / plan.fps
    duration = (count + 2) / plan.fps
    path = seg.clip.source
    # Clips are probed up front but decoded one after another: a source moved or deleted
    # meanwhile gets a message the app can offer to relink, not ffmpeg's stderr.
    if not os.path.lexists(path):
        raise InputError("source file is missing (moved or deleted?)", path)
    check_file(path, "source file")  # swapped for a FIFO or device meanwhile: refused
    # Two decoder threads: more only queue extra full-size frames (memory) without speeding
    # up a render whose pace the encoder sets.
    return ["-threads", "2", *decode_args(path, seg.info, plan.fps, start, duration)]


def _widen_pipe(proc: subprocess.Popen[bytes], frame_bytes: int) -> None:
    """Let the decoder's pipe hold a whole frame where the OS allows (Linux, up to 1 MB).

    With the default 64 KB pipe ffmpeg waits for Python to take each frame before decoding
    the next; with room for a frame it decodes the next one while Python composites this
    one, so the two run side by side on two cores (a 540x960 preview frame is 760 KB).
    """
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is None or proc.stdout is None:
        return
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        limit = 1 << 20
    try:
        fcntl.fcntl(proc.stdout.fileno(), setsize, min(frame_bytes + 4096, limit))
    except OSError:
        pass


class SegmentDecoder:
    """Streams frames of one segment, starting ``skip`` frames into it.

    Reads exactly ``count`` frames; when the source runs out a frame or two early (rounding
    of its duration) the last picture is repeated, more than that is an error.
    """

    def __init__(
        self,
        plan: RenderPlan,
        seg: Segment,
        skip: int = 0,
        count: int | None = None,
        face: ReframePath | None = None,
    ) -> None:
        self.plan, self.seg = plan, seg
        self.count = seg.src_frames - skip if count is None else count
        self.position = skip
        self._first = skip
        args = segment_input_args(plan, seg, skip, self.count)
        args += [
            "-vf",
            segment_filters(plan, seg, skip, face),
            "-frames:v",
            str(self.count),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "pipe:1",
        ]
        self._proc = ffmpeg.spawn(args, stdout=subprocess.PIPE)
        self._err = ffmpeg.StderrCollector(self._proc)
        self._frame_bytes = plan.width * plan.height * 3 // 2
        _widen_pipe(self._proc, self._frame_bytes)
        self._last: Frame | None = None
        self._short = 0

    def read_into(self, frame: Frame) -> None:
        """Fill ``frame`` with the next picture of the segment."""
        stdout = typing.cast(io.BufferedReader, self._proc.stdout)
        view = frame.buf.data.cast("B")
        got = 0
        while got < self._frame_bytes:
            n = stdout.readinto(view[got:])
            if not n:
                break
            got += n
        if got == self._frame_bytes:
            # Only the last few frames can run short; keep a copy of those, not of every frame.
            if self._short == 0 and self.position - self._first >= self.count - 4:
                self._last = frame.copy()
            self.position += 1
            return
        # Source ended: tolerate a rounding shortfall, fail on a real one.
        self._short += 1
        if self._last is None or self._short > 3:
            self.close()
            path = self.seg.clip.source
            detail = self._err.text()
            if detail:
                raise RenderError(f"cannot decode source: {detail}", path)
            raise RenderError(
                f"source ended early: {self.position} of {self.count} frames could be decoded", path
            )
        frame.buf[:] = self._last.buf
        self.position += 1

    @property
    def pid(self) -> int | None:
        """The decoder process's id (None once it was reaped)."""
        return self._proc.pid if self._proc.returncode is None else None

    def close(self) -> None:
        """Stop the decoder process."""
        ffmpeg.kill(self._proc)
        self._err.text()  # wait for the stderr reader before closing its pipe
        ffmpeg.close_pipes(self._proc)
