"""Reading frames for analysis: upright, downscaled, at a reduced rate, through PyAV.

The vision layer sits beside ``media`` (the layer contract forbids importing it), so it reads
the few stream properties it needs and decodes with PyAV's bundled libav itself. Frames come out
the way a viewer sees them: the display-matrix rotation of phone clips is applied, exactly as
the ffmpeg command line's autorotate does, so detection always runs on upright faces.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file


@dataclass(frozen=True)
class VideoInfo:
    """What analysis needs to know about a video: displayed size, rotation, rate, length."""

    width: int  # displayed (after rotation)
    height: int
    rotation: int  # clockwise quarter turns applied to coded frames: 0, 90, 180 or 270
    fps: float
    duration: float


def video_info(path: str | Path) -> VideoInfo:
    """Probe ``path`` with PyAV; raise :class:`InputError` when it has no readable video."""
    p = Path(path)
    check_file(p, "file")
    try:
        with av.open(str(p), metadata_errors="replace") as container:
            if not container.streams.video:
                raise InputError("no video stream", p, key="not-a-video")
            stream = container.streams.video[0]
            if stream.codec_context is None:  # a codec libav does not know
                raise InputError("the video stream uses a codec libav does not know; it "
                                 "cannot be decoded", p)
            cw, ch = stream.codec_context.width, stream.codec_context.height
            fps = float(stream.average_rate or stream.guessed_rate or 30)
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = 0.0
            rotation = _first_frame_rotation(container, stream)
    except av.error.FFmpegError as exc:
        raise InputError(f"cannot read video ({_short(exc)})", p) from None
    if cw <= 0 or ch <= 0:
        raise InputError("video stream has no picture size", p)
    if rotation in (90, 270):
        cw, ch = ch, cw
    return VideoInfo(cw, ch, rotation, fps if math.isfinite(fps) and fps > 0 else 30.0, duration)


def _first_frame_rotation(container: av.container.InputContainer, stream: av.VideoStream) -> int:
    # PyAV reports the display matrix on decoded frames (degrees counter-clockwise).
    for frame in container.decode(stream):
        return _quarter_turns(frame.rotation)
    return 0


def _quarter_turns(ccw_degrees: float) -> int:
    """The clockwise display rotation (0/90/180/270) for PyAV's counter-clockwise angle."""
    return int(round(-ccw_degrees / 90.0)) % 4 * 90


def _short(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc).splitlines()[0][:120]


def analysis_size(info: VideoInfo, max_side: int) -> tuple[int, int]:
    """The (w, h) frames are decoded at: the displayed size scaled so its long side <= max_side."""
    scale = min(1.0, max_side / max(info.width, info.height))
    w = max(2, round(info.width * scale / 2) * 2)
    h = max(2, round(info.height * scale / 2) * 2)
    return w, h


def iter_frames(
    path: str | Path,
    *,
    rate: float,
    max_side: int,
    cancel: CancelToken | None = None,
    info: VideoInfo | None = None,
) -> Iterator[tuple[float, npt.NDArray[np.uint8]]]:
    """Yield ``(t, rgb)`` about ``rate`` times a second: upright RGB frames, long side <= max_side.

    ``t`` is the frame's presentation time in seconds from the start of the video stream.
    Raises :class:`InputError` when the file cannot be decoded.
    """
    for t, picture in iter_lazy_frames(
        path, rate=rate, max_side=max_side, every=1, cancel=cancel, info=info
    ):
        yield t, picture if isinstance(picture, np.ndarray) else picture()


LazyPicture = Callable[[], npt.NDArray[np.uint8]]


def iter_lazy_frames(
    path: str | Path,
    *,
    rate: float,
    max_side: int,
    every: int,
    cancel: CancelToken | None = None,
    info: VideoInfo | None = None,
) -> Iterator[tuple[float, npt.NDArray[np.uint8] | LazyPicture]]:
    """Like :func:`iter_frames`, but only every ``every``-th picture is converted at once.

    The others come as a function that converts the decoded frame when called: scaling and
    converting a 1080p frame costs as much as a tenth of a detection, and most of the frames
    between analysis samples are never looked at.
    """
    p = Path(path)
    info = info or video_info(p)
    w, h = analysis_size(info, max_side)
    turns = info.rotation // 90
    # Scale in coded orientation (before the turn) so the rotation works on the small frame.
    cw, ch = (h, w) if turns % 2 else (w, h)
    step = 1.0 / rate
    next_t = 0.0
    count = 0

    def convert(frame: av.VideoFrame) -> npt.NDArray[np.uint8]:
        rgb: npt.NDArray[np.uint8] = np.asarray(
            frame.to_ndarray(width=cw, height=ch, format="rgb24", interpolation="AREA"),
            dtype=np.uint8,
        )
        if turns:
            # np.rot90 turns counter-clockwise; k = -turns gives the clockwise turn.
            rgb = np.ascontiguousarray(np.rot90(rgb, -turns))
        return rgb

    try:
        with av.open(str(p), metadata_errors="replace") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            start = stream.start_time or 0
            tb = float(stream.time_base) if stream.time_base is not None else 0.0
            for frame in container.decode(stream):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if frame.pts is None:
                    continue
                t = (frame.pts - start) * tb
                # Keep the first frame at or past each sample time; half a frame of slack
                # stops rounding in the time base from skipping a sample.
                if t + 0.5 / max(info.fps, 1.0) < next_t:
                    continue
                next_t = max(next_t + step, t + step * 0.5)
                if count % every == 0:
                    yield max(0.0, t), convert(frame)
                else:
                    yield max(0.0, t), functools.partial(convert, frame)
                count += 1
    except av.error.FFmpegError as exc:
        raise InputError(f"cannot decode video ({_short(exc)})", p) from None
