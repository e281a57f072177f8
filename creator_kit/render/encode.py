"""The encoding ffmpeg: raw yuv420p frames in on a pipe, an upload-ready MP4 out.

A writer thread feeds ffmpeg so compositing the next frame overlaps with the pipe write, and
the encoder's exit status is always checked (a full disk must never look like success).
"""

from __future__ import annotations

import errno
import os
import queue
import subprocess
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt

from creator_kit.core.errors import OutputError, RenderError
from creator_kit.core.rates import fps_fraction
from creator_kit.media import ffmpeg
from creator_kit.render.audio import RATE, AudioGraph
from creator_kit.render.compositor import Frame
from creator_kit.render.engine import FramePool
from creator_kit.render.timeline import RenderPlan


def x264_threads() -> int:
    """Encoder threads: the cores we have, at most 4 (memory grows with every thread)."""
    return max(1, min(os.cpu_count() or 2, 4))


def video_codec_args(plan: RenderPlan) -> list[str]:
    """x264 settings shared by export and the benchmark baseline."""
    p = plan.profile
    out = plan.project.output
    keyint = max(1, int(round(plan.fps * p.keyint_seconds)))
    return [
        "-c:v",
        "libx264",
        "-preset",
        out.x264_preset or p.x264_preset,
        "-crf",
        str(out.crf if out.crf is not None else p.crf),
        "-maxrate",
        f"{p.maxrate_kbps}k",
        "-bufsize",
        f"{p.maxrate_kbps * 2}k",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        # -profile:v is only a ceiling: the fastest presets switch off CABAC and 8x8 transforms
        # and x264 then writes Constrained Baseline. Platforms ask for High, so keep them on.
        # Each x264 thread and lookahead frame holds 1080x1920 pictures: two threads and a
        # 10-frame lookahead keep the encoder near 300 MB instead of 480 MB with no loss of
        # speed on 2 cores (measured), at a barely visible cost in rate-control foresight.
        "-threads",
        str(x264_threads()),
        "-x264-params",
        "cabac=1:8x8dct=1:rc-lookahead=10:sync-lookahead=0",
        # Closed GOPs every keyint frames: platforms cut and remux at keyframes.
        "-g",
        str(keyint),
        "-keyint_min",
        str(keyint),
        "-flags",
        "+cgop",
        "-colorspace",
        "bt709",
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
        "-color_range",
        "tv",
    ]


# Tag the frames themselves: ffmpeg 7+ takes colour properties from the frames and would
# write "unspecified" for raw input whatever the encoder options say.
COLOUR_TAGS = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"


def output_args(plan: RenderPlan, target: Path) -> list[str]:
    """What follows the inputs and the graph: streams ``[vout]`` and ``[aout]`` to ``target``."""
    return [
        "-map",
        "[vout]",
        "-map",
        "[aout]",
        *video_codec_args(plan),
        "-c:a",
        "aac",
        "-b:a",
        f"{plan.profile.audio_bitrate_kbps}k",
        "-ar",
        str(RATE),
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        "-y",
        ffmpeg.tool_path_for_output(target),
    ]


def encode_failure(detail: str, failure: BaseException | None, target: Path) -> Exception:
    """The error for an encoding ffmpeg that failed: disk full, file too large, or its words."""
    if "No space left" in detail or (
        isinstance(failure, OSError) and failure.errno == errno.ENOSPC
    ):
        return OutputError("disk full while writing the video", target.parent, key="disk-full")
    if "File too large" in detail:
        return OutputError("file too large for this disk or limit", target.parent)
    return RenderError(f"encoding failed: {detail or 'ffmpeg exited with an error'}")


class RawFrame:
    """A picture in a raw layout other than the engine's yuv420p (``rgb24`` from another library).

    The encoding ffmpeg converts it (in C, on its own core): cheaper than converting in Python.
    """

    def __init__(self, buf: npt.NDArray[np.uint8]) -> None:
        self.buf = buf


class Encoder:
    """One ffmpeg encoding process writing ``target`` (a temporary file).

    By default it reads the engine's yuv420p frames at the plan's size. With ``pix_fmt``
    ``rgb24`` it reads :class:`RawFrame` pictures of ``size`` and converts them to BT.709
    limited-range yuv420p, scaled to fit the plan's canvas (centred, black bars) when the size
    differs.
    """

    def __init__(
        self,
        plan: RenderPlan,
        target: Path,
        audio: AudioGraph,
        pool: FramePool | None,
        *,
        pix_fmt: str = "yuv420p",
        size: tuple[int, int] | None = None,
    ) -> None:
        self.target = target
        self.pool = pool
        w, h = size or (plan.width, plan.height)
        convert = ""
        if pix_fmt != "yuv420p":
            if (w, h) != (plan.width, plan.height):
                convert += (
                    f"scale={plan.width}:{plan.height}:force_original_aspect_ratio=decrease,"
                    f"pad={plan.width}:{plan.height}:(ow-iw)/2:(oh-ih)/2,"
                )
            convert += "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
        args = [
            "-f",
            "rawvideo",
            "-pix_fmt",
            pix_fmt,
            "-s",
            f"{w}x{h}",
            "-framerate",
            fps_fraction(plan.fps),
            "-i",
            "pipe:0",
            *audio.inputs,
            "-filter_complex",
            f"[0:v]{convert}{COLOUR_TAGS}[vout];" + audio.graph,
            *output_args(plan, target),
        ]
        self._proc = ffmpeg.spawn(args, stdin=subprocess.PIPE)
        self._err = ffmpeg.StderrCollector(self._proc)
        self._queue: queue.Queue[Frame | RawFrame | None] = queue.Queue(maxsize=3)
        self._failure: BaseException | None = None
        self.written = 0
        self._thread = threading.Thread(
            target=self._write_loop, name="ck-encoder-writer", daemon=True
        )
        self._thread.start()

    def _write_loop(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        while True:
            frame = self._queue.get()
            if frame is None:
                break
            try:
                if self._failure is None:
                    stdin.write(frame.buf.data)
                    self.written += 1
            except (BrokenPipeError, OSError) as exc:
                self._failure = exc
            finally:
                self._give(frame)
        try:
            stdin.close()
        except OSError:
            pass

    def _give(self, frame: Frame | RawFrame) -> None:
        if self.pool is not None and isinstance(frame, Frame):
            self.pool.give(frame)

    def write(self, frame: Frame | RawFrame) -> None:
        """Queue ``frame`` for encoding; an engine frame goes back to the pool once written."""
        if self._failure is not None:
            self._raise_failure()
        self._queue.put(frame)

    def finish(self) -> None:
        """Flush, wait for ffmpeg and raise if it failed."""
        self._queue.put(None)
        self._thread.join()
        code = self._proc.wait()
        if code != 0 or self._failure is not None:
            self._raise_failure()
        self._err.text()
        ffmpeg.close_pipes(self._proc)

    def abort(self) -> None:
        """Stop ffmpeg at once (cancel or error elsewhere)."""
        ffmpeg.kill(self._proc)
        # Unblock the writer thread whatever state it is in.
        try:
            while True:
                item = self._queue.get_nowait()
                if item is not None:
                    self._give(item)
        except queue.Empty:
            pass
        self._queue.put(None)
        self._thread.join(timeout=10)
        self._err.text()
        ffmpeg.close_pipes(self._proc)

    def _raise_failure(self) -> None:
        ffmpeg.kill(self._proc)
        raise encode_failure(self._err.text(), self._failure, self.target)
