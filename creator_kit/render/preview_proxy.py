"""Preview proxies: a segment's decoded pictures at preview size, lossless and all-intra, on disk.

Phone footage often has a keyframe only every few seconds, so showing an exact frame after a
jump means decoding everything from the keyframe before it (half a second or more at 1080p).
Like an editor's proxy clips, a background pass runs the segment once through the preview's
own decoder graph (:func:`~creator_kit.render.decode.segment_filters` at preview size, face
reframe included) and stores what comes out with a lossless intra-only codec (Ut Video) in
the user cache folder. Every frame is then a keyframe a few milliseconds away, and because the
codec is lossless a frame read from the proxy is bit for bit the picture the decoder graph
makes: the preview composited on it is exactly the frame it would be without the proxy.

Only the preview reads proxies; export always decodes the sources. A proxy is named by a hash
of everything that decides its pictures (source path, size and modification time, segment
timing, preview size and the whole filter graph), so an edited source or a changed reframe
simply names another file. Proxies live in ``previews/`` of the cache folder
(:func:`core.cache.cache_root`) and are trimmed with the rest of it to the user's cache limit.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
import typing
from pathlib import Path

import av
import numpy as np

from creator_kit.core.atomic import move_into_place, reserve_temp
from creator_kit.core.cache import cache_root, touch, trim_cache
from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import Cancelled, CreatorKitError, OutputError
from creator_kit.core.files import check_file
from creator_kit.media import ffmpeg
from creator_kit.media.ingest import decode_args
from creator_kit.render.compositor import Frame
from creator_kit.render.decode import segment_filters
from creator_kit.render.job import lower_priority
from creator_kit.render.timeline import RenderPlan, Segment

if typing.TYPE_CHECKING:
    from creator_kit.vision import ReframePath

    _Packet = av.Packet[av.VideoStream]

log = logging.getLogger(__name__)

# Ut Video: lossless, every frame intra, and two to four times faster to decode than lossless
# H.264 or FFV1 at 540x960 (1-3 ms a frame). Median prediction takes a third less room than
# the default (left) for a sixth more decoding; phone footage still needs 130-240 KB a
# frame (4-7 MB a second), which the cache limit bounds.
CODEC = ["-c:v", "utvideo", "-pred", "median"]
FOLDER = "previews"
# Reading on beats a seek for up to this many frames: skipped packets are not decoded.
_SKIP_AHEAD = 48
# Like the decoder, a proxy may end a frame or two short of the segment (rounding of the
# source's duration); more than this is a broken build.
_SHORT = 3


def proxy_folder() -> Path:
    """Where preview proxies are kept: ``previews/`` in the cache folder."""
    return cache_root() / FOLDER


def source_version(path: str) -> str:
    """What a source file looks like now (modification time and size), or ``missing``."""
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    return f"{st.st_mtime_ns}|{st.st_size}"


def proxy_path(signature: str) -> Path:
    """The proxy file for a segment whose pictures are decided by ``signature``."""
    digest = hashlib.sha256(signature.encode("utf-8")).hexdigest()[:40]
    return proxy_folder() / f"{digest}.mkv"


def build_proxy(
    plan: RenderPlan,
    seg: Segment,
    path: Path,
    *,
    face: ReframePath | None = None,
    cancel: CancelToken | None = None,
    limit_bytes: int | None = None,
    nice: int = 10,
) -> bool:
    """Write the proxy of ``seg`` (``plan``'s canvas size) to ``path``; True once it is there.

    One ffmpeg decodes the segment through the same arguments and graph as
    :class:`~creator_kit.render.decode.SegmentDecoder` and encodes it losslessly into a hidden
    temporary file beside ``path``, run at a lower CPU priority (``nice``) so playback keeps
    the processor; the file is checked and moved into place only when whole, then the cache
    is trimmed to ``limit_bytes`` (the user's cache limit). A proxy that would take more than
    half that limit is given up (False), as is one whose output is short or unreadable.
    ``cancel`` kills ffmpeg and raises ``Cancelled``; any other failure (an unreadable
    source, ffmpeg failing) gives False with a log line. Nothing is left behind but a
    finished proxy.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = reserve_temp(path, what="preview proxy")
    except (OSError, OutputError) as exc:
        log.warning("no preview proxy: %s", exc)
        return False
    try:
        # As the decoder does: a source swapped for a FIFO or device is not read.
        check_file(seg.clip.source, "source file")
        args = [
            "-threads", "2",
            *decode_args(seg.clip.source, seg.info, plan.fps, seg.src_start,
                         (seg.src_frames + 2) / plan.fps),
            "-vf", segment_filters(plan, seg, 0, face),
            "-frames:v", str(seg.src_frames),
            "-an", "-sn", "-dn",
            *CODEC, "-pix_fmt", "yuv420p",
            "-f", "matroska", "-y", str(tmp),
        ]
        proc = ffmpeg.spawn(args, stdout=subprocess.DEVNULL)
        err = ffmpeg.StderrCollector(proc)
        if nice > 0:
            lower_priority(proc.pid, nice)
        try:
            while proc.poll() is None:
                if cancel is not None and cancel.wait(0.05):
                    raise Cancelled()
                if cancel is None:
                    time.sleep(0.05)
                if limit_bytes is not None and _size(tmp) > limit_bytes // 2:
                    log.warning("no preview proxy for %s: larger than half the cache "
                                "limit (%d MB)", seg.clip.source, limit_bytes // 1024**2)
                    return False
        finally:
            ffmpeg.kill(proc)
            detail = err.text()
            ffmpeg.close_pipes(proc)
        if proc.returncode != 0:
            log.warning("no preview proxy for %s: %s", seg.clip.source, detail)
            return False
        frames = count_frames(tmp)
        if frames < seg.src_frames - _SHORT:
            log.warning("no preview proxy for %s: %d of %d frames", seg.clip.source, frames,
                        seg.src_frames)
            return False
        move_into_place(tmp, path, overwrite=True)
    except (OSError, CreatorKitError) as exc:
        if isinstance(exc, Cancelled):
            raise
        # Only a faster path is lost: the frames come from the source, which reports its
        # own problems when they are decoded.
        log.warning("no preview proxy for %s: %s", seg.clip.source, exc)
        return False
    finally:
        tmp.unlink(missing_ok=True)
    if limit_bytes is not None:
        # The newest entry is the last to go; a proxy bigger than the whole limit was refused.
        trim_cache(limit_bytes)
    return True


def count_frames(path: Path) -> int:
    """Video packets in a proxy file (0 when it cannot be read); demuxed, not decoded."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            return sum(1 for p in container.demux(stream) if p.size)
    except (av.error.FFmpegError, IndexError, OSError):
        return 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class ProxyReader:
    """Frames of one proxy file by segment-local index, decoded in this process (PyAV).

    Reading the next frame decodes one packet; a jump seeks, or reads on without decoding
    the skipped packets when that is cheaper. Past the last frame the last picture repeats
    (the decoder's rule for a source a frame or two short of its ``frames``). Not
    thread-safe: the preview session calls it under its lock. Raises
    ``av.error.FFmpegError``, or ``ValueError`` for a file of the wrong size or one that
    ends early (cut short on disk), on a broken file; the caller then decodes the source.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int], frames: int) -> None:
        self.path = path
        self._fps = fps
        self._frames = frames
        self._container = av.open(str(path))
        try:
            stream = self._container.streams.video[0]
            ctx = stream.codec_context
            if (ctx.width, ctx.height) != size or ctx.format is None \
                    or ctx.format.name != "yuv420p":
                raise ValueError(f"proxy {path.name} is not {size[0]}x{size[1]} yuv420p")
            # Slices only: frame threading would hold frames back and return them late.
            ctx.thread_type = "SLICE"
        except BaseException:
            self._container.close()
            raise
        self._stream = stream
        self._base = float(stream.time_base or 0)
        self._start = stream.start_time or 0
        self._packets: typing.Iterator[_Packet] | None = None
        self._next = 0  # index of the packet the iterator gives next (when it is set)
        self._last: np.ndarray | None = None
        touch(path)  # recently used: the cache keeps it longest

    def _index(self, packet: _Packet) -> int:
        assert packet.pts is not None
        return int(round((packet.pts - self._start) * self._base * self._fps))

    def _seek(self, local: int) -> None:
        # Aim half a frame past the frame's time: the last keyframe at or before that is the
        # frame itself, whatever rounding the container's timestamps carry.
        target = self._start + int((local + 0.5) / self._fps / self._base)
        self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
        self._packets = self._container.demux(self._stream)
        self._next = -1  # unknown until the first packet

    def read_into(self, local: int, frame: Frame) -> None:
        """Fill ``frame`` with picture ``local`` of the segment."""
        if self._packets is None or self._next < 0 or not (
            self._next <= local <= self._next + _SKIP_AHEAD
        ):
            self._seek(local)
        assert self._packets is not None
        chosen: _Packet | None = None
        passed: _Packet | None = None  # the last packet before ``local``
        for packet in self._packets:
            if packet.pts is None or not packet.size:
                break  # the end of the file
            i = self._index(packet)
            self._next = i + 1
            if i < local:
                passed = packet
                continue
            if i > local:  # a gap in the file: not this reader's business to guess
                raise ValueError(f"proxy {self.path.name} has no frame {local}")
            chosen = packet
            break
        if chosen is None:
            # Past the end: the last picture repeats, as the decoder repeats it.
            self._packets = None  # the next read seeks again
            if self._next < self._frames - _SHORT:
                raise ValueError(f"proxy {self.path.name} ends after {self._next} frames")
            chosen = passed
            if chosen is None:
                if self._last is None:
                    raise ValueError(f"proxy {self.path.name} has no frame {local}")
                np.copyto(frame.buf, self._last.reshape(-1))
                return
        pictures = self._stream.codec_context.decode(chosen)
        if not pictures:
            raise ValueError(f"proxy {self.path.name}: frame {local} did not decode")
        self._last = pictures[0].to_ndarray()
        np.copyto(frame.buf, self._last.reshape(-1))

    def close(self) -> None:
        """Close the file."""
        self._packets = None
        self._container.close()
