"""Pre-flight check: read a finished file back and list every upload rule it breaks.

The measurements come from libavformat/libavcodec through PyAV (stream parameters, packet
timestamps, one decoded frame) and from :mod:`creator_kit.media.mp4boxes` for what PyAV
does not expose (``moov`` position, edit lists). Nothing is scraped from ffmpeg's log.

Rules and their ids (``Violation.rule``): ``container``, ``resolution``, ``video-codec``,
``profile``, ``pix-fmt``, ``interlaced``, ``fps``, ``vfr``, ``gop``, ``sar``, ``rotation``,
``colour-tags``, ``audio-codec``, ``audio-rate``, ``duration``, ``moov``, ``edit-list``,
``size``.

A file without an audio track is *not* a violation: every platform accepts silent video (and
most users add the platform's own music), so it is reported in ``CheckReport.notes`` instead.
A property that cannot be measured (for example the GOP structure of a codec this module does
not parse) is left as ``None`` and produces no violation: the check never guesses.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error

from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file as check_regular_file
from creator_kit.core.files import read_head
from creator_kit.core.paths import ffmpeg_input_path
from creator_kit.core.presets import ExportProfile
from creator_kit.media.mp4boxes import BoxError, Mp4Layout, looks_like_iso_bmff, read_layout

# Accepted profile per accepted video codec (names as libavcodec reports them).
_PROFILES = {"h264": ("High",), "hevc": ("Main",)}
_PRIMARIES = {1: "bt709", 2: "unset", 4: "bt470m", 5: "bt470bg", 6: "smpte170m",
              7: "smpte240m", 8: "film", 9: "bt2020", 10: "smpte428", 11: "smpte431",
              12: "smpte432", 22: "ebu3213"}
_TRANSFERS = {1: "bt709", 2: "unset", 4: "gamma22", 5: "gamma28", 6: "smpte170m",
              7: "smpte240m", 8: "linear", 13: "iec61966-2-1", 14: "bt2020-10",
              15: "bt2020-12", 16: "smpte2084", 18: "arib-std-b67"}
_MATRICES = {0: "gbr", 1: "bt709", 2: "unset", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m",
             9: "bt2020nc", 10: "bt2020c"}
_UNSPECIFIED = 2
_IMAGE_FORMATS = frozenset({"image2", "gif", "apng"})
# An edit list that only hides encoder delay (AAC priming, B-frame reordering) starts the
# media a few frames in; anything later than this cuts real picture or sound.
_EDIT_DELAY_ALLOWANCE_S = 0.15
# Frame intervals within this fraction of the typical one (or one timestamp tick) are equal.
_INTERVAL_TOLERANCE = 0.02
_IRREGULAR_SHARE = 0.01
_FPS_SLACK = 0.01
_DURATION_SLACK_S = 0.01
# NAL unit types: H.264 IDR slice; HEVC RASL pictures (the leading pictures of an open GOP).
_H264_IDR = 5
_H264_NON_IDR = 1
_HEVC_RASL = (8, 9)


@dataclass(frozen=True)
class Violation:
    """One broken rule: a short id and a one-line message with measured and expected values."""

    rule: str
    message: str
    measured: str
    expected: str


@dataclass(frozen=True)
class MediaFacts:
    """What :func:`measure` read from a file; ``None`` means "could not be determined"."""

    path: str
    container: str
    size_bytes: int
    duration: float | None
    width: int
    height: int
    video_codec: str
    video_profile: str | None
    pix_fmt: str | None
    fps: float | None
    constant_frame_rate: bool | None
    frame_intervals: str  # describes the irregularity when the rate is not constant
    interlaced: bool
    closed_gop: bool | None
    open_gop_detail: str  # where and why, when the GOP is open
    sar: str | None  # "num:den"; None when unset
    rotation: int  # display-matrix rotation in degrees, 0..359
    colour_primaries: str
    colour_transfer: str
    colour_matrix: str
    audio_codec: str | None
    audio_profile: str | None
    audio_rate: int | None
    audio_tracks: int
    moov_before_mdat: bool | None  # None for non-MP4/MOV containers
    edit_lists: tuple[str, ...]  # the edit lists that do more than hide encoder delay


@dataclass(frozen=True)
class CheckReport:
    """The measured facts of one file and the rules of one profile it breaks."""

    preset: str
    platform: str
    facts: MediaFacts
    notes: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def path(self) -> str:
        """The checked file."""
        return self.facts.path

    @property
    def ok(self) -> bool:
        """True when the file breaks none of the profile's rules."""
        return not self.violations

    def rules_broken(self) -> tuple[str, ...]:
        """The ids of the broken rules, in report order."""
        return tuple(v.rule for v in self.violations)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: preset, platform, ok, facts, notes and violations."""
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _violation(rule: str, measured: str, expected: str) -> Violation:
    return Violation(rule, f"{measured}, expected {expected}", measured, expected)


def _num(value: float) -> str:
    """A number without trailing zeros: 30, 29.97, 0.5."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _mib(n: int) -> str:
    return f"{n / 1024**2:.1f} MiB"


@dataclass
class _VideoScan:
    """Everything gathered in the single pass over the video packets."""

    pts: list[int]
    keyframes: int = 0
    open_gop_at: float | None = None
    open_gop_why: str = ""
    gop_known: bool = True
    first_frame: av.VideoFrame | None = None


def _nal_types(data: bytes | memoryview, length_size: int, hevc: bool) -> Iterator[int]:
    """NAL unit types in one packet (length-prefixed when ``length_size``, else Annex B).

    Raises ValueError at the first inconsistent length: the caller then treats the GOP
    structure as unknown rather than inventing a verdict.
    """
    shift, mask = (1, 0x3F) if hevc else (0, 0x1F)
    n = len(data)
    if length_size:
        pos = 0
        while pos + length_size < n:
            size = int.from_bytes(data[pos : pos + length_size], "big")
            pos += length_size
            if size == 0 or size > n - pos:
                raise ValueError("bad NAL length")
            yield (data[pos] >> shift) & mask
            pos += size
        return
    raw = bytes(data)
    pos = raw.find(b"\x00\x00\x01")
    while pos != -1 and pos + 3 < n:
        yield (raw[pos + 3] >> shift) & mask
        pos = raw.find(b"\x00\x00\x01", pos + 3)


def _length_size(codec: str, extradata: bytes | None) -> int:
    """Bytes of each NAL length prefix from avcC/hvcC extradata; 0 for Annex B streams."""
    ed = extradata or b""
    if codec == "h264" and len(ed) >= 5 and ed[0] == 1:
        return (ed[4] & 3) + 1
    if codec == "hevc" and len(ed) >= 23 and ed[0] == 1:
        return (ed[21] & 3) + 1
    return 0


def _scan_video(container: av.container.InputContainer, stream: av.VideoStream) -> _VideoScan:
    """One pass over the video packets: timestamps, GOP structure and the first frame."""
    codec = stream.codec_context.codec.canonical_name
    length_size = _length_size(codec, stream.codec_context.extradata)
    hevc = codec == "hevc"
    scan = _VideoScan(pts=[], gop_known=codec in ("h264", "hevc"))
    tb = stream.time_base or Fraction(1, 90000)
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        if scan.first_frame is None:
            frames = stream.codec_context.decode(packet)
            if frames:
                scan.first_frame = frames[0]
        ts = packet.pts if packet.pts is not None else packet.dts
        # Packets the demuxer marks as discarded lie before an edit list's start: never shown,
        # so they do not count for the frame rate (they still belong to a GOP).
        if ts is not None and not packet.is_discard:
            scan.pts.append(ts)
        if packet.is_keyframe:
            scan.keyframes += 1
        if not scan.gop_known or scan.open_gop_at is not None:
            continue
        # H.264: a sync sample that is not an IDR picture is a recovery point (open GOP).
        # HEVC: RASL pictures exist only where a CRA opens a GOP; they need every packet.
        if not hevc and not packet.is_keyframe:
            continue
        try:
            types = set(_nal_types(memoryview(packet), length_size, hevc))
        except ValueError:
            scan.gop_known = False
            continue
        at = float((ts or 0) * tb)
        if hevc and types.intersection(_HEVC_RASL):
            scan.open_gop_at = at
            scan.open_gop_why = "leading RASL pictures reference the previous GOP"
        elif not hevc and _H264_IDR not in types and _H264_NON_IDR in types:
            scan.open_gop_at = at
            scan.open_gop_why = "keyframe is a recovery point, not an IDR picture"
    if scan.first_frame is None:
        frames = stream.codec_context.decode(None)
        if frames:
            scan.first_frame = frames[0]
    if scan.keyframes == 0:
        scan.gop_known = False
    return scan


def _frame_rate(scan: _VideoScan, stream: av.VideoStream) -> tuple[float | None, bool | None, str]:
    """(mean frames per second, constant?, a description of any irregularity)."""
    tb = stream.time_base
    pts = sorted(scan.pts)
    deltas = [b - a for a, b in zip(pts, pts[1:], strict=False) if b > a]
    if tb is None or len(deltas) < 2:
        rate = stream.average_rate or stream.guessed_rate
        return (float(rate) if rate else None), None, ""
    typical = statistics.median(deltas)
    # The mean interval gives the true rate of a millisecond-timebase file (33/34/33 ms...).
    fps = float(len(deltas) / ((pts[-1] - pts[0]) * tb))
    allowed = max(1.0, typical * _INTERVAL_TOLERANCE)
    irregular = [d for d in deltas if abs(d - typical) > allowed]
    if len(irregular) <= len(deltas) * _IRREGULAR_SHARE:
        return fps, True, ""
    lo, hi = float(min(deltas) * tb) * 1000, float(max(deltas) * tb) * 1000
    return fps, False, (
        f"frame intervals vary from {lo:.1f} to {hi:.1f} ms "
        f"({len(irregular)} of {len(deltas)} irregular)"
    )


def _colour(value: int, names: dict[int, str]) -> str:
    return names.get(value, f"#{value}")


def _open(path: Path) -> av.container.InputContainer:
    try:
        # Tags are free text in any encoding: a byte that is not UTF-8 must not stop the check.
        return av.open(ffmpeg_input_path(path), mode="r", metadata_errors="replace")
    except av.error.FFmpegError as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InputError(f"not a readable video file ({reason})", path) from None


def _layout(path: Path) -> Mp4Layout | None:
    """The box layout when ``path`` is an MP4/MOV file; InputError when it is damaged."""
    head = read_head(path, "file", 12)
    try:
        if not looks_like_iso_bmff(head):
            return None
        layout = read_layout(path)
    except BoxError as exc:
        raise InputError(f"damaged or incomplete MP4/MOV file: {exc}", path,
                         key="incomplete-file") from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path) from None
    if layout.moov_offset is None:
        raise InputError("file is incomplete: it has no moov index (interrupted export?)", path,
                         key="incomplete-file")
    return layout


def _edit_problems(layout: Mp4Layout) -> tuple[str, ...]:
    """Descriptions of the edit lists that do more than hide encoder delay."""
    problems = []
    for track in layout.edits:
        kind = {"vide": "video", "soun": "audio"}.get(track.handler, track.handler or "a")
        entries = track.entries
        if len(entries) > 1:
            problems.append(f"{kind} track edit list has {len(entries)} entries")
            continue
        if not entries:
            continue
        edit = entries[0]
        if edit.media_time == -1:
            problems.append(f"{kind} track starts with an empty edit (a gap)")
        elif edit.media_rate != 1:
            problems.append(f"{kind} track edit plays at rate {_num(edit.media_rate)}")
        elif track.timescale and edit.media_time / track.timescale > _EDIT_DELAY_ALLOWANCE_S:
            skipped = edit.media_time / track.timescale
            problems.append(f"{kind} track edit list skips the first {_num(skipped)} s")
    return tuple(problems)


def measure(path: str | Path) -> MediaFacts:
    """Read the facts the upload rules need from ``path`` (one pass over the video packets).

    Raises :class:`InputError` (naming the file) when it is missing, not a video, or a
    damaged MP4/MOV whose structure cannot be trusted.
    """
    # The name as given: a string is checked for protocols and URLs before anything else.
    st = check_regular_file(path, "file")
    p = Path(path)
    assert st is not None
    size_bytes = st.st_size
    if size_bytes == 0:
        raise InputError("file is empty", p)
    # The box walk runs before libavformat sees the file, so a hostile header fails fast here.
    layout = _layout(p)
    with _open(p) as container:
        if not container.streams.video:
            raise InputError("no video stream", p, key="not-a-video")
        video = container.streams.video[0]
        cc = video.codec_context
        if cc is None:  # PyAV has no codec context for a codec libav does not know
            raise InputError("the video stream uses a codec libav does not know; it cannot "
                             "be decoded", p)
        # libavformat opens still images as one-frame "videos"; a renamed photo is not a clip.
        fmt = container.format.name
        if fmt.endswith("_pipe") or fmt in _IMAGE_FORMATS:
            raise InputError(f"not a video: it is a {cc.codec.canonical_name.upper()} image", p)
        duration = container.duration / 1_000_000 if container.duration else None
        if duration is None and video.duration is not None and video.time_base is not None:
            duration = float(video.duration * video.time_base)
        try:
            scan = _scan_video(container, video)
        except av.error.FFmpegError as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise InputError(f"video stream is damaged ({reason})", p) from None
        frame = scan.first_frame
        if frame is None:
            raise InputError("video stream has no decodable frame", p)
        fps, constant, irregular = _frame_rate(scan, video)
        audio = container.streams.audio[0].codec_context if container.streams.audio else None
        # Colour tags come from the stream header, or the decoded frame when the header is silent.
        prim, trc, matrix = (
            (header if header != _UNSPECIFIED else from_frame)
            for header, from_frame in (
                (cc.color_primaries, frame.color_primaries),
                (cc.color_trc, frame.color_trc),
                (cc.colorspace, frame.colorspace),
            )
        )
        sar = cc.sample_aspect_ratio
        closed_gop = (scan.open_gop_at is None) if scan.gop_known else None
        return MediaFacts(
            path=str(p),
            container=container.format.name,
            size_bytes=size_bytes,
            duration=duration,
            width=cc.width,
            height=cc.height,
            video_codec=cc.codec.canonical_name,
            video_profile=cc.profile,
            pix_fmt=cc.pix_fmt,
            fps=fps,
            constant_frame_rate=constant,
            frame_intervals=irregular,
            interlaced=bool(frame.interlaced_frame),
            closed_gop=closed_gop,
            open_gop_detail=(
                f"at {_num(scan.open_gop_at)} s ({scan.open_gop_why})"
                if scan.open_gop_at is not None else ""
            ),
            sar=f"{sar.numerator}:{sar.denominator}" if sar else None,
            rotation=int(frame.rotation or 0) % 360,
            colour_primaries=_colour(prim, _PRIMARIES),
            colour_transfer=_colour(trc, _TRANSFERS),
            colour_matrix=_colour(matrix, _MATRICES),
            # The canonical codec name, not the decoder's ("mp3", not "mp3float").
            audio_codec=audio.codec.canonical_name if audio else None,
            audio_profile=audio.profile if audio else None,
            audio_rate=audio.sample_rate if audio else None,
            audio_tracks=len(container.streams.audio),
            moov_before_mdat=layout.moov_before_mdat if layout else None,
            edit_lists=_edit_problems(layout) if layout else (),
        )


def _video_rules(f: MediaFacts, profile: ExportProfile) -> Iterator[Violation]:
    """Container, geometry, codec, pixel format and scan type."""
    if not {"mp4", "mov"} & set(f.container.split(",")):
        yield _violation("container", f.container, "MP4 or MOV")
    if (f.width, f.height) != (profile.width, profile.height):
        yield _violation("resolution", f"{f.width}x{f.height}", f"{profile.width}x{profile.height}")
    if f.rotation:
        yield _violation("rotation", f"display rotation of {f.rotation} degrees",
                         "none (pixels stored upright)")
    if f.sar not in (None, "1:1"):
        yield _violation("sar", f"sample aspect ratio {f.sar}", "1:1 (square pixels)")
    if f.video_codec not in profile.video_codecs:
        yield _violation("video-codec", f.video_codec, " or ".join(profile.video_codecs))
    elif f.video_profile not in _PROFILES.get(f.video_codec, (f.video_profile,)):
        yield _violation("profile", f"{f.video_codec} {f.video_profile or 'unknown'} profile",
                         f"{' or '.join(_PROFILES[f.video_codec])} profile")
    if f.pix_fmt != "yuv420p":
        yield _violation("pix-fmt", str(f.pix_fmt), "yuv420p (8-bit 4:2:0)")
    if f.interlaced:
        yield _violation("interlaced", "interlaced picture", "progressive")
    tags = (f.colour_primaries, f.colour_transfer, f.colour_matrix)
    if tags != ("bt709", "bt709", "bt709"):
        yield _violation("colour-tags", "primaries {}, transfer {}, matrix {}".format(*tags),
                         "bt709 primaries, transfer and matrix")


def _timing_rules(f: MediaFacts, profile: ExportProfile) -> Iterator[Violation]:
    """Frame rate, its constancy, GOP structure and duration."""
    lo, hi = profile.min_fps - _FPS_SLACK, profile.max_fps + _FPS_SLACK
    if f.fps is not None and not lo <= f.fps <= hi:
        yield _violation("fps", f"{_num(f.fps)} fps",
                         f"{_num(profile.min_fps)} to {_num(profile.max_fps)} fps")
    if f.constant_frame_rate is False:
        yield _violation("vfr", f.frame_intervals, "a constant frame rate")
    if f.closed_gop is False:
        yield _violation("gop", f"open GOP {f.open_gop_detail}", "closed GOPs")
    lo, hi = profile.min_duration - _DURATION_SLACK_S, profile.max_duration + _DURATION_SLACK_S
    if f.duration is not None and not lo <= f.duration <= hi:
        yield _violation("duration", f"{f.duration:.2f} s",
                         f"{_num(profile.min_duration)} to {_num(profile.max_duration)} s")


def _audio_rules(f: MediaFacts, profile: ExportProfile) -> Iterator[Violation]:
    """Audio codec, AAC profile and sample rate (a missing track is a note, not a rule)."""
    if f.audio_codec is None:
        return
    if f.audio_codec != "aac" or f.audio_profile != "LC":
        measured = f"AAC {f.audio_profile} profile" if f.audio_codec == "aac" else f.audio_codec
        yield _violation("audio-codec", measured, "AAC-LC")
    if f.audio_rate and f.audio_rate > profile.audio_rate:
        yield _violation("audio-rate", f"{f.audio_rate} Hz", f"{profile.audio_rate} Hz or less")


def _file_rules(f: MediaFacts, profile: ExportProfile) -> Iterator[Violation]:
    """moov position, edit lists and file size."""
    if f.moov_before_mdat is False:
        yield _violation("moov", "moov index after the media data (no faststart)",
                         "moov before mdat (+faststart)")
    if f.edit_lists:
        yield _violation("edit-list", "; ".join(f.edit_lists), "no edit list beyond encoder delay")
    if f.size_bytes > profile.max_bytes:
        yield _violation("size", f"{_mib(f.size_bytes)} ({f.size_bytes} bytes)",
                         f"at most {_mib(profile.max_bytes)}")


def evaluate(facts: MediaFacts, profile: ExportProfile) -> CheckReport:
    """Compare measured ``facts`` with the rules of ``profile`` (no file access)."""
    violations = [
        *_video_rules(facts, profile),
        *_timing_rules(facts, profile),
        *_audio_rules(facts, profile),
        *_file_rules(facts, profile),
    ]
    notes = []
    if facts.audio_codec is None:
        notes.append("no audio track: platforms accept silent video; add sound if it matters")
    elif facts.audio_tracks > 1:
        notes.append(f"{facts.audio_tracks} audio tracks: platforms play only the first")
    return CheckReport(profile.name, profile.title, facts, tuple(notes), tuple(violations))


def check_file(path: str | Path, profile: ExportProfile) -> CheckReport:
    """Measure ``path`` and list the upload rules of ``profile`` it breaks.

    Raises :class:`InputError` (naming the file) when it is missing, not a video, or a
    damaged MP4/MOV whose structure cannot be trusted.
    """
    return evaluate(measure(path), profile)
