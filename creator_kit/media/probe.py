"""What a source file holds, read through libavformat (PyAV), and whether it can be used.

:func:`probe` opens a file once, reads the container header and index, demuxes the first
seconds of video packets (timestamps only) and decodes one frame (for the display-matrix
rotation and the colour tags the decoder sees). It never decodes the whole file, so a
two-hour source probes about as fast as a two-second one.

Everything wrong with a file that a user can fix is raised as one-line
:class:`~creator_kit.core.errors.InputError` naming the file: missing, a folder, empty, not a
video (an image, a text file, unrecognised bytes), audio only, or incomplete (a cut-off MP4).
"""

from __future__ import annotations

import contextlib
import dataclasses
import statistics
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import av.error
from av.container import InputContainer
from av.stream import Disposition

from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file, open_file, read_head
from creator_kit.core.paths import check_local_path, ffmpeg_input_path

HdrKind = Literal["pq", "hlg"]
RotationSource = Literal["none", "display-matrix", "rotate-tag"]

# How much of the video the frame-rate check looks at: enough to see a phone's VFR pattern,
# little enough that probing stays well under a second on any file.
VFR_SCAN_SECONDS = 10.0
VFR_SCAN_PACKETS = 600
# Packets to feed the decoder while waiting for the first picture (open-GOP HEVC needs a few).
_FIRST_FRAME_PACKETS = 200

# FFmpeg's own names for the colour enums (libavutil/pixdesc.c); 2 is "unspecified" -> None.
_PRIMARIES = {
    1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "film",
    9: "bt2020", 10: "smpte428", 11: "smpte431", 12: "smpte432", 22: "ebu3213",
}
_TRANSFERS = {
    1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear",
    9: "log100", 10: "log316", 11: "iec61966-2-4", 12: "bt1361e", 13: "iec61966-2-1",
    14: "bt2020-10", 15: "bt2020-12", 16: "smpte2084", 17: "smpte428", 18: "arib-std-b67",
}
_MATRICES = {
    0: "gbr", 1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "ycgco",
    9: "bt2020nc", 10: "bt2020c", 11: "smpte2085", 12: "chroma-derived-nc",
    13: "chroma-derived-c", 14: "ictcp", 15: "ipt-c2", 16: "ycgco-re", 17: "ycgco-ro",
}
_RANGES = {1: "tv", 2: "pc"}

# Raw elementary-stream demuxers that latch onto random bytes (seen in about 1 in 1000 random
# files); nobody hands creator_kit a bare H.261/H.263 stream, so treat them as unrecognised.
_SUSPECT_FORMATS = frozenset({"h261", "h263"})


@dataclass(frozen=True)
class VideoInfo:
    """The video stream ffmpeg would pick by default (the largest picture, first on a tie).

    ``display_width``/``display_height`` are the size after rotation; ``rotation`` is the
    clockwise turn (0/90/180/270) that makes the coded picture upright, the convention of the
    old ``rotate`` tag. ``rotation_source`` says where it came from: ffmpeg's CLI autorotates
    a display matrix by itself, while a bare ``rotate`` tag (Matroska) needs a filter.
    """

    stream_index: int
    codec: str
    profile: str | None
    coded_width: int
    coded_height: int
    display_width: int
    display_height: int
    rotation: int
    rotation_source: RotationSource
    fps: float
    avg_fps: float | None
    variable_frame_rate: bool
    duration: float | None
    frame_count: int | None
    pix_fmt: str
    bit_depth: int
    color_primaries: str | None
    color_transfer: str | None
    color_matrix: str | None
    color_range: str | None
    hdr: HdrKind | None
    sample_aspect_ratio: tuple[int, int]


@dataclass(frozen=True)
class AudioInfo:
    """The audio stream ffmpeg would pick by default (the most channels, first on a tie)."""

    stream_index: int
    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    duration: float | None


@dataclass(frozen=True)
class MediaInfo:
    """What :func:`probe` found in one source file."""

    path: str
    format: str
    size_bytes: int
    duration: float | None
    video: VideoInfo | None
    audio: AudioInfo | None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (nested dicts, lists, numbers, strings, None)."""
        return dataclasses.asdict(self)


def probe(path: str | Path, *, require_video: bool = True) -> MediaInfo:
    """Read the streams and properties of the local file ``path``.

    Raises :class:`InputError` (one line, naming the file) when the path is a protocol or URL,
    missing, not a regular file, empty, not a video, has no video stream (unless
    ``require_video`` is false, for music beds), or is incomplete.
    """
    text = str(path)
    check_local_path(text)
    p = Path(text)
    size = _check_file(p, text)
    head = _read_head(p, text)
    what = _sniff_non_video(head)
    if what is not None:
        raise InputError(f"not a video file ({what})", text, key="not-a-video")
    missing = matroska_shortfall(head, size)
    if missing:
        raise InputError(f"file is incomplete: {missing} bytes of its Matroska/WebM segment "
                         "are missing (the end of the file was cut off)", text,
                         key="incomplete-file")
    with contextlib.ExitStack() as stack:
        try:
            container = _open_container(p, stack)
        except av.error.FFmpegError as exc:
            problem = _open_failure(head, exc)
            key = ("incomplete-file" if problem.startswith("file is incomplete")
                   else "not-a-video" if problem.startswith("not a video") else None)
            raise InputError(problem, text, key=key) from None
        with container:
            return _probe_open(container, text, size, require_video)


def _check_file(p: Path, text: str) -> int:
    """The size of ``p`` after checking it is an existing, non-empty regular file."""
    try:
        st = check_file(p, "file")
    except InputError as exc:
        raise InputError(exc.problem, text, key=exc.key, params=exc.params) from None
    assert st is not None
    if st.st_size == 0:
        raise InputError("file is empty", text)
    return st.st_size


def _read_head(p: Path, text: str) -> bytes:
    try:
        return read_head(p, "file", 4096)
    except InputError as exc:
        raise InputError(exc.problem, text, key=exc.key, params=exc.params) from None


def _open_container(p: Path, stack: contextlib.ExitStack) -> InputContainer:
    """Open ``p`` with libavformat, reading nothing but that one local file."""
    # Only local files: a container must never make libavformat open a URL.
    opts = {"protocol_whitelist": "file"}
    # "file:" + absolute path: no protocol is parsed from names. Absolute first, because Path()
    # turns "./concat:x" back into "concat:x", which is (rightly) refused as a protocol.
    target = ffmpeg_input_path(p.absolute())
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:
        # A name that is not valid UTF-8 cannot be handed over as text: give PyAV the open
        # file instead (it reads through Python, so there is no name to misparse at all).
        handle = stack.enter_context(open_file(p, "file"))
        return av.open(handle, mode="r", container_options=opts, metadata_errors="replace")
    return av.open(target, mode="r", container_options=opts, metadata_errors="replace")


def _sniff_non_video(head: bytes) -> str | None:
    """Describe ``head`` if it is plainly something other than a video, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "it is a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "it is a JPEG image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "it is a GIF image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "it is a WebP image"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "it is a TIFF image"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "it is a HEIF/AVIF image"
    if head.startswith(b"%PDF"):
        return "it is a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive"
    if head.startswith(b"\x1f\x8b"):
        return "it is gzip-compressed data"
    # Text (playlists, concat lists, subtitles, HTML): libavformat would happily follow an
    # HLS playlist to other files, so text is refused before it is ever opened.
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the 4096-byte window is still text.
            if exc.start < len(head) - 4:
                return None
        return "it is a text file"
    return None


def _open_failure(head: bytes, exc: av.error.FFmpegError) -> str:
    """The problem to report when libavformat refuses to open the file."""
    if head[4:8] == b"ftyp":
        # An MP4/MOV whose header is there but whose index (moov, written last unless the file
        # was made "faststart") is not: the end of the file is missing.
        return "file is incomplete (its MP4 index is missing; the end of the file was cut off)"
    if isinstance(exc, av.error.InvalidDataError):
        return "not a video file (unrecognised data)"
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"cannot open as video ({reason})"


def _pick_video(container: InputContainer) -> av.VideoStream | None:
    """ffmpeg's default choice: the largest picture that is not cover art, first on a tie."""
    best: av.VideoStream | None = None
    for s in container.streams.video:
        if s.disposition & Disposition.attached_pic or s.codec_context is None:
            continue
        area = s.codec_context.width * s.codec_context.height
        if best is None or area > best.codec_context.width * best.codec_context.height:
            best = s
    return best


def _pick_audio(container: InputContainer) -> av.AudioStream | None:
    """ffmpeg's default choice: the most channels, first on a tie."""
    best: av.AudioStream | None = None
    for s in container.streams.audio:
        if s.codec_context is None:
            continue
        if best is None or s.codec_context.channels > best.codec_context.channels:
            best = s
    return best


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _probe_open(container: InputContainer, text: str, size: int, require_video: bool) -> MediaInfo:
    fmt = container.format.name
    if fmt.endswith("_pipe") or fmt == "image2":
        kind = "" if fmt == "image2" else f", {fmt.removesuffix('_pipe').upper()}"
        raise InputError(f"not a video file (it is a still image{kind})", text,
                         key="not-a-video")
    if fmt in _SUSPECT_FORMATS:
        raise InputError("not a video file (unrecognised data)", text, key="not-a-video")
    vstream = _pick_video(container)
    astream = _pick_audio(container)
    # A stream whose codec libav does not know has no codec context at all (a damaged or
    # exotic sample entry): say so instead of failing on it later.
    if vstream is None and any(s.codec_context is None for s in container.streams.video):
        raise InputError("the video stream uses a codec libav does not know; it cannot be "
                         "decoded", text)
    unknown_audio = astream is None and any(
        s.codec_context is None for s in container.streams.audio
    )
    if vstream is None and astream is None:
        raise InputError("not a video file (no picture or sound found in it)", text,
                         key="not-a-video")
    if vstream is None and require_video:
        raise InputError("no video stream (it is an audio file)", text, key="not-a-video")

    warnings: list[str] = []
    if unknown_audio:
        warnings.append("the audio stream uses a codec libav does not know; the clip is "
                        "treated as silent")
    video = None if vstream is None else _video_info(container, vstream, text, size, warnings)
    audio = None if astream is None else _audio_info(astream, size, warnings)
    container_duration = None if container.duration is None else container.duration / 1e6
    if video is not None and audio is not None:
        vdur = video.duration if video.duration is not None else container_duration
        # A quarter second is more than any encoder's priming or padding; past that the user
        # should know the tail would be silent frozen picture or cut sound.
        if audio.duration is not None and vdur is not None and audio.duration - vdur > 0.25:
            warnings.append(f"audio ({audio.duration:.1f} s) is longer than video ({vdur:.1f} s)")
    return MediaInfo(
        path=text,
        format=fmt,
        size_bytes=size,
        duration=container_duration,
        video=video,
        audio=audio,
        warnings=tuple(warnings),
    )


_EBML_ID = b"\x1a\x45\xdf\xa3"
_SEGMENT_ID = b"\x18\x53\x80\x67"


def _vint(data: bytes, pos: int) -> tuple[int, int, bool] | None:
    """An EBML variable-size integer at ``pos``: (value, length, all ones = "unknown")."""
    if pos >= len(data) or data[pos] == 0:
        return None
    length = 8 - data[pos].bit_length() + 1
    if pos + length > len(data):
        return None
    value = data[pos] & (0xFF >> length)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    return value, length, value == (1 << (7 * length)) - 1


def matroska_shortfall(head: bytes, size: int) -> int:
    """Bytes missing from a Matroska/WebM file whose Segment declares a longer size.

    A Matroska file is an EBML header and then one Segment whose size is written in its
    header (unless it was streamed live, "unknown size"); a copy cut short ends before that
    size. Returns 0 for other files, an unknown size, or a complete segment.
    """
    if not head.startswith(_EBML_ID):
        return 0
    header = _vint(head, 4)
    if header is None:
        return 0
    pos = 4 + header[1] + header[0]
    if head[pos : pos + 4] != _SEGMENT_ID:
        return 0
    seg = _vint(head, pos + 4)
    if seg is None or seg[2]:
        return 0
    end = pos + 4 + seg[1] + seg[0]
    return max(0, end - size)


def _missing_entries(stream: av.VideoStream | av.AudioStream, size: int) -> tuple[int, int]:
    """(entries pointing past the end of the file, all entries) from the demuxer's index.

    An MP4 written with ``+faststart`` keeps its index first, so a copy cut short still
    opens and plays, silently ending early: the index is the only place the loss shows.
    """
    entries = stream.index_entries
    total = len(entries)
    missing = 0
    # Walk back from the end and stop at the first entry that fits: a stream's entries are in
    # file order, so this reads a handful of entries for a whole file (a two-hour file has
    # hundreds of thousands) and exactly the lost ones for a cut file.
    for k in range(total - 1, -1, -1):
        entry = entries[k]
        if entry.is_discard or entry.pos < 0:
            continue
        if entry.pos + entry.size <= size:
            break
        missing += 1
    return missing, total


def _video_info(
    container: InputContainer, s: av.VideoStream, text: str, size: int, warnings: list[str]
) -> VideoInfo:
    cc = s.codec_context
    missing, total = _missing_entries(s, size)
    if missing:
        if s.frames and total == s.frames:
            raise InputError(f"file is incomplete: {missing} of {total} frames are missing", text,
                             key="incomplete-file")
        raise InputError("file is incomplete: its index points past the end of the file", text,
                         key="incomplete-file")

    frame, stamps = _scan_video(container, s)
    if frame is None:
        if cc.pix_fmt is None:
            raise InputError(f"video codec {cc.name!r} cannot be decoded", text)
        raise InputError(
            f"not a video file (no picture could be decoded from its {cc.name} stream)", text
        )

    rotation, source = _rotation(frame.rotation, s.metadata, warnings)
    coded_w, coded_h = frame.width or cc.width, frame.height or cc.height
    shown_w, shown_h = (coded_h, coded_w) if rotation in (90, 270) else (coded_w, coded_h)
    pix_fmt = frame.format.name or cc.pix_fmt or "unknown"

    def pick(frame_value: int, codec_value: int, names: dict[int, str]) -> str | None:
        # The decoder's per-frame tags win: some containers leave the stream header blank.
        return names.get(frame_value) or names.get(codec_value)

    primaries = pick(frame.color_primaries, cc.color_primaries, _PRIMARIES)
    transfer = pick(frame.color_trc, cc.color_trc, _TRANSFERS)
    matrix = pick(frame.colorspace, cc.colorspace, _MATRICES)
    crange = pick(frame.color_range, cc.color_range, _RANGES)
    # mypy: the dict's values are HdrKind literals; mypy widens them to str.
    hdr: HdrKind | None = {"smpte2084": "pq", "arib-std-b67": "hlg"}.get(transfer or "")  # type: ignore[assignment]

    nominal = s.guessed_rate or s.base_rate or s.average_rate
    average = s.average_rate
    sar = cc.sample_aspect_ratio
    sar_pair = (sar.numerator, sar.denominator) if sar and sar.numerator > 0 else (1, 1)
    return VideoInfo(
        stream_index=s.index,
        codec=cc.name,
        profile=s.profile,
        coded_width=coded_w,
        coded_height=coded_h,
        display_width=shown_w,
        display_height=shown_h,
        rotation=rotation,
        rotation_source=source,
        fps=float(nominal) if nominal else 0.0,
        avg_fps=float(average) if average else None,
        variable_frame_rate=_is_variable(stamps),
        duration=_seconds(s.duration, s.time_base),
        frame_count=s.frames or None,
        pix_fmt=pix_fmt,
        bit_depth=_bit_depth(pix_fmt),
        color_primaries=primaries,
        color_transfer=transfer,
        color_matrix=matrix,
        color_range=crange,
        hdr=hdr,
        sample_aspect_ratio=sar_pair,
    )


def _scan_video(
    container: InputContainer, s: av.VideoStream
) -> tuple[av.VideoFrame | None, list[int]]:
    """Decode the first picture and collect packet timestamps of the first seconds.

    Only the first picture is decoded; after that packets are demuxed for their timestamps
    alone, which costs almost nothing.
    """
    stamps: list[int] = []
    frame: av.VideoFrame | None = None
    limit = None if s.time_base is None else int(VFR_SCAN_SECONDS / s.time_base)
    first: int | None = None
    fed = 0
    try:
        for packet in container.demux(s):
            if packet.size == 0:  # the flush packet at the end of the file
                break
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is not None:
                stamps.append(ts)
                first = ts if first is None else min(first, ts)
            if frame is None and fed < _FIRST_FRAME_PACKETS:
                fed += 1
                frame = _decode_one(s, packet)
            if frame is not None and (
                len(stamps) >= VFR_SCAN_PACKETS
                or (limit is not None and ts is not None and first is not None
                    and ts - first > limit)
            ):
                break
        if frame is None:
            frame = _decode_one(s, None)
    except av.error.FFmpegError:
        # A damaged stream: keep what was gathered; no picture at all is reported by the caller.
        pass
    return frame, stamps


def _decode_one(s: av.VideoStream, packet: av.Packet[Any] | None) -> av.VideoFrame | None:
    try:
        frames = s.codec_context.decode(packet)
    except av.error.FFmpegError:
        return None
    for f in frames:
        if isinstance(f, av.VideoFrame):
            return f
    return None


def _rotation(
    frame_rotation: int | float, metadata: dict[str, str], warnings: list[str]
) -> tuple[int, RotationSource]:
    """Clockwise degrees (0/90/180/270) to make the picture upright, and where it came from.

    PyAV reports the display matrix counter-clockwise (``-90`` for a phone held upright);
    the old ``rotate`` tag, which Matroska still carries as a plain tag, is clockwise.
    """
    source: RotationSource = "none"
    degrees = 0.0
    if frame_rotation:
        degrees, source = -float(frame_rotation), "display-matrix"
    else:
        tag = next((v for k, v in metadata.items() if k.lower() == "rotate"), None)
        if tag is not None:
            try:
                degrees = float(tag)
            except ValueError:
                warnings.append(f"ignored unreadable rotate tag {tag[:20]!r}")
            else:
                source = "rotate-tag"
    snapped = int(round(degrees / 90.0)) * 90 % 360
    if abs((degrees - snapped + 180) % 360 - 180) > 1.0:
        warnings.append(f"rotation of {degrees:g} degrees treated as {snapped} degrees")
    return snapped, source if snapped else "none"


def _is_variable(stamps: list[int]) -> bool:
    """True when the gaps between frame timestamps are not all (nearly) the same.

    A gap may differ from the typical one by a tick (timestamp rounding in a coarse time base,
    e.g. 33/34 ms in Matroska) or by a fifth without counting; anything more is a variable rate.
    """
    ordered = sorted(set(stamps))
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    if len(gaps) < 2:
        return False
    typical = statistics.median(gaps)
    tolerance = max(1.0, 0.2 * typical)
    return any(abs(g - typical) > tolerance for g in gaps)


def _bit_depth(pix_fmt: str) -> int:
    try:
        return max(c.bits for c in av.VideoFormat(pix_fmt).components)
    except (ValueError, av.error.FFmpegError):
        return 8


def _audio_info(s: av.AudioStream, size: int, warnings: list[str]) -> AudioInfo:
    cc = s.codec_context
    missing, total = _missing_entries(s, size)
    if missing:
        warnings.append(f"audio is cut short: {missing} of {total} audio packets are missing")
    return AudioInfo(
        stream_index=s.index,
        codec=cc.name,
        profile=s.profile,
        sample_rate=cc.sample_rate,
        channels=cc.channels,
        duration=_seconds(s.duration, s.time_base),
    )
