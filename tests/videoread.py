"""Reading rendered output back in tests: decoded frames, audio samples, stream facts."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

_TO_RGB = VideoReformatter()


def frames_rgb(path: Path, indices: list[int] | None = None) -> list[np.ndarray]:
    """Decode ``path`` and return RGB frames at ``indices`` (all when None).

    Converted by libswscale (through PyAV) as BT.709 limited range to full-range RGB, not by
    the product's own YUV->RGB, so a matrix or range error in the product cannot hide behind
    the same error in the check.
    """
    want = None if indices is None else set(indices)
    out: dict[int, np.ndarray] = {}
    with av.open(str(path)) as c:
        for i, fr in enumerate(c.decode(video=0)):
            if want is None or i in want:
                rgb = _TO_RGB.reformat(
                    fr,
                    format="rgb24",
                    src_colorspace="ITU709",
                    dst_colorspace="ITU709",
                    src_color_range="MPEG",
                    dst_color_range="JPEG",
                    interpolation="BICUBIC",
                )
                out[i] = rgb.to_ndarray()
            if want is not None and len(out) == len(want):
                break
    keys = sorted(out) if indices is None else indices
    return [out[i] for i in keys]


def frame_count(path: Path) -> int:
    """Number of video packets (frames) in the file."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return sum(1 for p in c.demux(s) if p.size)


def audio_samples(path: Path, layout: str = "mono") -> tuple[np.ndarray, int]:
    """Decoded audio as a float array and its sample rate.

    ``mono`` is a downmix (good for timing and loudness shape; a downmix of two equal
    channels reads about 3 dB hot); ``stereo`` gives interleaved samples as stored, for peaks.
    """
    chunks = []
    with av.open(str(path)) as c:
        s = c.streams.audio[0]
        rate = s.rate
        resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        for fr in c.decode(s):
            for r in resampler.resample(fr):
                chunks.append(r.to_ndarray().reshape(-1))
    return (np.concatenate(chunks) if chunks else np.zeros(0, np.float32)), rate


def stream_facts(path: Path) -> dict[str, object]:
    """Codec, size, pixel format, colour tags and audio facts of the output."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        cc = v.codec_context
        facts: dict[str, object] = {
            "codec": cc.name,
            "profile": cc.profile,
            "width": cc.width,
            "height": cc.height,
            "pix_fmt": cc.pix_fmt,
            "fps": float(v.average_rate),
            "duration": c.duration / 1e6,
        }
        fr = next(c.decode(video=0))
        facts["primaries"] = str(fr.color_primaries)
        facts["trc"] = str(fr.color_trc)
        facts["matrix"] = str(fr.colorspace)
    with av.open(str(path)) as c:
        if c.streams.audio:
            a = c.streams.audio[0]
            facts.update(
                acodec=a.codec_context.name,
                aprofile=a.codec_context.profile,
                arate=a.rate,
                achannels=a.codec_context.channels,
            )
    return facts
