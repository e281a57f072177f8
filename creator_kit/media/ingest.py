"""The ingest plan: how a probed source is decoded into clean frames at the project's rate.

Every source is normalised right after decoding, before any reframing, so the render engine
sees one kind of frame whatever the phone recorded: upright, constant frame rate, SDR BT.709
limited range (when the source says what it is), square pixels, even size, 8-bit yuv420p.

The engine builds its decoder as::

    args = decode_args(path, info, fps, start, duration)
    vf = ",".join(normalise_filters(info, fps) + its_own_reframe_filters)
    ffmpeg [*args, "-vf", vf, ...]

The filters assume the ffmpeg CLI's default autorotation is on: ffmpeg turns a display-matrix
rotation (what MP4/MOV files carry, written by phones, old ``rotate=`` tagging and new
``-display_rotation`` alike) upright before the first filter runs. A bare ``rotate`` tag, which
Matroska keeps as plain metadata, is not autorotated, so the plan turns it with ``transpose``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creator_kit.core.errors import InputError
from creator_kit.core.paths import check_local_path, ffmpeg_input_path
from creator_kit.core.rates import fps_fraction, fps_label
from creator_kit.media.probe import MediaInfo, VideoInfo

# BT.2408 puts HDR reference ("diffuse") white at 203 cd/m2 for both PQ and HLG; mapping it to
# SDR white keeps faces and walls at their SDR brightness. Highlights up to a 1000 cd/m2
# grade (what phones record) are rolled off by the Mobius curve, which leaves everything below
# 30 % of reference white untouched, so skin tones and colours are not washed out.
HDR_REFERENCE_WHITE = 203.0
HDR_PEAK = 1000.0

# Matrix names the scale filter (swscale) understands as input, by FFmpeg colourspace name.
_SWS_MATRICES = {
    "bt709": "bt709", "bt470bg": "bt470bg", "smpte170m": "smpte170m", "fcc": "fcc",
    "smpte240m": "smpte240m", "bt2020nc": "bt2020", "bt2020c": "bt2020",
}
_PRETTY = {
    "bt709": "BT.709", "bt2020": "BT.2020", "bt2020nc": "BT.2020", "bt470bg": "BT.601",
    "smpte170m": "BT.601", "smpte432": "Display P3", "smpte431": "DCI-P3",
}


@dataclass(frozen=True)
class _Step:
    filters: tuple[str, ...]
    text: str | None


def _video(info: MediaInfo) -> VideoInfo:
    if info.video is None:
        raise InputError("no video stream", info.path, key="not-a-video")
    return info.video


def _non_square(v: VideoInfo) -> bool:
    """True when the pixels are visibly non-square.

    Scaling an odd size with ffmpeg leaves SARs such as 3301:3297 behind; under 1 % is noise.
    """
    num, den = v.sample_aspect_ratio
    return abs(num / den - 1.0) >= 0.01


def output_size(info: MediaInfo) -> tuple[int, int]:
    """Width and height of the frames :func:`normalise_filters` produces.

    The displayed (rotated) size, widened or narrowed to square pixels when the source's
    sample aspect ratio is not 1:1, then rounded down to even numbers for 4:2:0 chroma.
    """
    v = _video(info)
    w, h = v.display_width, v.display_height
    num, den = v.sample_aspect_ratio
    if _non_square(v):
        # The SAR applies to the coded picture; after a quarter turn it stretches height.
        if v.rotation in (90, 270):
            h = round(h * num / den)
        else:
            w = round(w * num / den)
    return max(2, w - w % 2), max(2, h - h % 2)


def _plan(info: MediaInfo, fps: float) -> list[_Step]:
    v = _video(info)
    steps: list[_Step] = []

    # Frame rate first: frames the fps filter drops cost nothing in the (costly) steps after.
    rate = fps_label(fps)
    if v.variable_frame_rate:
        avg = f"avg {v.avg_fps:.1f} fps" if v.avg_fps else "average unknown"
        text = f"convert variable frame rate ({avg}) to constant {rate} fps"
    elif v.fps and abs(v.fps - fps) > 0.01:
        text = f"convert {fps_label(v.fps)} fps to {rate} fps"
    else:
        text = f"keep constant {rate} fps"
    steps.append(_Step((f"fps={fps_fraction(fps)}",), text))

    if v.rotation:
        upright = f"rotate {v.rotation}° to upright {v.display_width}x{v.display_height}"
        if v.rotation_source == "rotate-tag":
            turn = {90: ("transpose=clock",), 180: ("hflip", "vflip"), 270: ("transpose=cclock",)}
            steps.append(_Step(turn[v.rotation], upright))
        else:  # the ffmpeg CLI autorotates display matrices before the first filter
            steps.append(_Step((), upright))

    if v.hdr is not None:
        steps.append(_tonemap_step(v))

    out_w, out_h = output_size(info)
    scale_opts: list[str] = []
    notes: list[str] = []
    if (out_w, out_h) != (v.display_width, v.display_height):
        scale_opts.append(f"w={out_w}:h={out_h}")
        num, den = v.sample_aspect_ratio
        if _non_square(v):
            notes.append(f"square the pixels (sample aspect ratio {num}:{den}): "
                         f"{v.display_width}x{v.display_height} to {out_w}x{out_h}")
        else:
            notes.append(f"odd size {v.display_width}x{v.display_height}: "
                         f"scaled to even size {out_w}x{out_h}")
    if v.hdr is None:
        colour, note = _sdr_colour(v)
        scale_opts += colour
        if note:
            notes.append(note)
    if scale_opts:
        filters = ["scale=" + ":".join(scale_opts)]
        if v.sample_aspect_ratio[0] != v.sample_aspect_ratio[1]:
            filters.append("setsar=1")  # also clears a near-square SAR left by the source
        steps.append(_Step(tuple(filters), "; ".join(notes) if notes else None))

    depth_text: str | None = None
    if v.bit_depth > 8:
        depth_text = f"reduce {v.bit_depth}-bit to 8-bit ({v.pix_fmt} to yuv420p)"
    elif v.pix_fmt != "yuv420p":
        depth_text = f"convert {v.pix_fmt} to yuv420p"
    steps.append(_Step(("format=yuv420p",), depth_text))
    return steps


def _tonemap_step(v: VideoInfo) -> _Step:
    """zscale to linear light, Mobius tone-map in BT.709 primaries, back to BT.709 video."""
    transfer = "smpte2084" if v.hdr == "pq" else "arib-std-b67"
    primaries = v.color_primaries or "bt2020"
    matrix = v.color_matrix if v.color_matrix in ("bt2020nc", "bt2020c", "bt709") else "bt2020nc"
    crange = v.color_range or "tv"
    white = f"{HDR_REFERENCE_WHITE:g}"
    filters = (
        # Input properties are spelt out: a stream tagged only with its transfer is common.
        f"zscale=tin={transfer}:pin={primaries}:min={matrix}:rin={crange}"
        f":t=linear:npl={white}",
        "format=gbrpf32le",
        "zscale=p=bt709",
        f"tonemap=tonemap=mobius:desat=0:peak={HDR_PEAK / HDR_REFERENCE_WHITE:.4f}",
        "zscale=t=bt709:m=bt709:r=tv",
    )
    kind = "HLG" if v.hdr == "hlg" else "PQ"
    gamut = _PRETTY.get(primaries, primaries)
    return _Step(filters, f"tone-map {kind} {gamut} to BT.709 SDR")


def _sdr_colour(v: VideoInfo) -> tuple[list[str], str | None]:
    """Scale options (and a description) that bring a tagged SDR source to BT.709 limited."""
    opts: list[str] = []
    what: list[str] = []
    matrix = v.color_matrix
    if matrix == "gbr":
        # RGB sources (PNG/QuickTime RGB codecs): swscale's default matrix would be BT.601.
        opts.append("out_color_matrix=bt709")
        what.append("RGB to BT.709")
    elif matrix is not None and matrix != "bt709" and matrix in _SWS_MATRICES:
        opts += [f"in_color_matrix={_SWS_MATRICES[matrix]}", "out_color_matrix=bt709"]
        what.append(f"{_PRETTY.get(matrix, matrix)} colours to BT.709")
    if v.color_range == "pc":
        opts += ["in_range=pc", "out_range=tv"]
        what.append("full range to limited range")
    elif opts:
        opts.append("out_range=tv")
    return opts, ("convert " + " and ".join(what)) if what else None


def normalise_filters(info: MediaInfo, fps: float) -> list[str]:
    """The ffmpeg ``-vf`` elements that follow decoding, ending with ``format=yuv420p``.

    Constant ``fps`` (nearest-frame, so the picture at time t is the source's picture at t),
    upright (display matrices are left to ffmpeg's autorotation, bare ``rotate`` tags are
    turned here), HLG/PQ tone-mapped to BT.709 SDR, square pixels, even size, 8-bit 4:2:0.
    Frames come out at :func:`output_size`.
    """
    return [f for step in _plan(info, fps) for f in step.filters]


def describe(info: MediaInfo, fps: float) -> list[str]:
    """Human-readable lines saying what ingest will do to this source at ``fps``."""
    return [step.text for step in _plan(info, fps) if step.text]


def decode_args(
    path: str | Path,
    info: MediaInfo,
    fps: float,
    start: float = 0.0,
    duration: float | None = None,
) -> list[str]:
    """ffmpeg input arguments that decode ``duration`` seconds of ``path`` from ``start``.

    ``-ss``/``-t`` go before ``-i``: ffmpeg then seeks to the keyframe before ``start`` and
    decodes and discards up to it (accurate seeking), and output timestamps begin at 0, so
    frame ``k`` after :func:`normalise_filters` is the source at ``start + k / fps``. The
    input is restricted to the local-file protocol and named ``file:/abs/path``. Expect
    ``round(duration * fps)`` frames; add ``-frames:v`` to the output to make that exact.
    """
    fps_fraction(fps)  # validates fps
    check_local_path(str(path))
    if start < 0:
        raise InputError(f"start time {start:g} s is negative", path)
    if duration is not None and duration <= 0:
        raise InputError(f"duration {duration:g} s is not positive", path)
    v = _video(info)
    length = v.duration if v.duration is not None else info.duration
    if start > 0 and length is not None and start >= length:
        raise InputError(f"start time {start:g} s is past the end of the video ({length:.2f} s)",
                         path)
    args: list[str] = []
    if start > 0:
        args += ["-ss", f"{start:.6f}"]
    if duration is not None:
        args += ["-t", f"{duration:.6f}"]
    # Absolute before ffmpeg_input_path: Path() turns "./concat:x" back into "concat:x".
    args += ["-protocol_whitelist", "file", "-i", ffmpeg_input_path(Path(path).absolute())]
    return args
