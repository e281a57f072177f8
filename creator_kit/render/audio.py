"""The output's soundtrack as one ffmpeg filter graph: clips, silence, music bed, loudness.

Each clip contributes exactly as many samples as its frames last, so sound and picture stay
in sync across any number of clips; clips without audio contribute silence. Loudness is
normalised in two passes (measure, then a linear gain) to the project's target, by default
-14 LUFS integrated with -1.5 dBTP true peak: the level TikTok, Reels and Shorts play at, so
the platform neither turns the clip down nor leaves it quieter than its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from creator_kit.core.cancel import CancelToken
from creator_kit.core.paths import ffmpeg_input_path
from creator_kit.media import ffmpeg
from creator_kit.render.timeline import RenderPlan

RATE = 48_000
_FMT = f"aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
# The loudness meter: EBU R128 integrated loudness and true peak (4x oversampled), printed as a
# summary when the stream ends. loudnorm measures the same figures but resamples everything
# to 192 kHz first: about 8x the CPU of this whole pass, which the render waits for.
_METER = "ebur128=peak=true:framelog=quiet"
_SUMMARY = re.compile(
    r"Integrated loudness:\s*I:\s*(?P<i>-?inf|-?[\d.]+) LUFS.*?True peak:\s*Peak:\s*"
    r"(?P<tp>-?inf|-?[\d.]+) dBFS",
    re.S,
)


@dataclass(frozen=True)
class AudioGraph:
    """ffmpeg input arguments and a filter graph whose output pad is ``[aout]``."""

    inputs: list[str]
    graph: str


@dataclass(frozen=True)
class Loudness:
    """A loudness measurement: integrated loudness (LUFS) and true peak (dBTP)."""

    input_i: float
    input_tp: float


def build_audio(
    plan: RenderPlan, first_input: int, gain: str | None, measure: bool = False
) -> AudioGraph:
    """The soundtrack graph; input indices start at ``first_input`` (0 is video when encoding).

    ``gain`` is the loudness chain from :func:`normalise_gain` (None: leave the level). With
    ``measure`` the graph ends in a loudness measurement, after ``gain`` when given.
    """
    audio = plan.project.audio
    inputs: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    idx = first_input
    for seg in plan.segments:
        samples = _samples(seg.frames, plan.fps)
        label = f"ck_a{seg.index}"
        if audio.keep_source and seg.info.audio is not None and audio.source_volume > 0:
            dur = seg.frames / plan.fps + 0.1
            inputs += [
                "-ss",
                f"{seg.src_start:.6f}",
                "-t",
                f"{dur:.6f}",
                "-i",
                ffmpeg_input_path(seg.clip.source),
            ]
            chains.append(
                f"[{idx}:a:0]{_FMT},volume={audio.source_volume:.4f},"
                f"apad,atrim=end_sample={samples},asetpts=N/SR/TB[{label}]"
            )
            idx += 1
        else:
            chains.append(f"anullsrc=r={RATE}:cl=stereo,atrim=end_sample={samples}[{label}]")
        labels.append(label)
    if plan.card_frames:
        chains.append(
            f"anullsrc=r={RATE}:cl=stereo,atrim=end_sample="
            f"{_samples(plan.card_frames, plan.fps)}[ck_acard]"
        )
        labels.append("ck_acard")
    total = _samples(plan.total_frames, plan.fps)
    if len(labels) > 1:
        chains.append("".join(f"[{x}]" for x in labels) + f"concat=n={len(labels)}:v=0:a=1[ck_src]")
    else:
        chains.append(f"[{labels[0]}]anull[ck_src]")
    mix = "ck_src"
    if plan.music is not None and audio.music is not None and audio.music_volume > 0:
        inputs += ["-stream_loop", "-1", "-i", ffmpeg_input_path(audio.music)]
        dur = plan.duration
        fade_in = min(audio.music_fade_in, dur / 2)
        fade_out = min(audio.music_fade_out, dur / 2)
        fades = ""
        if fade_in > 0:
            fades += f",afade=t=in:d={fade_in:.3f}"
        if fade_out > 0:
            fades += f",afade=t=out:st={dur - fade_out:.3f}:d={fade_out:.3f}"
        chains.append(
            f"[{idx}:a:0]{_FMT},atrim=end_sample={total},asetpts=N/SR/TB{fades},"
            f"volume={audio.music_volume:.4f}[ck_mus]"
        )
        chains.append("[ck_src][ck_mus]amix=inputs=2:duration=first:normalize=0[ck_mix]")
        mix = "ck_mix"
        idx += 1
    if measure:
        pre = f"{gain}," if gain else ""
        chains.append(f"[{mix}]{pre}{_METER}[aout]")
    elif gain is not None:
        chains.append(f"[{mix}]{gain},apad,atrim=end_sample={total}[aout]")
    else:
        chains.append(f"[{mix}]anull[aout]")
    return AudioGraph(inputs, ";".join(chains))


def has_sound(plan: RenderPlan) -> bool:
    """True when any input contributes audio (otherwise the soundtrack is pure silence)."""
    audio = plan.project.audio
    if plan.music is not None and audio.music_volume > 0:
        return True
    return (
        audio.keep_source
        and audio.source_volume > 0
        and any(s.info.audio is not None for s in plan.segments)
    )


def gain_chain(gain_db: float, limit: bool, true_peak_db: float) -> str:
    """A linear gain, followed by a look-ahead limiter at the true-peak ceiling if ``limit``."""
    chain = f"volume={gain_db:.2f}dB"
    if limit:
        ceiling = 10 ** (true_peak_db / 20)
        chain += f",alimiter=limit={ceiling:.4f}:attack=5:release=50:level=0:latency=1"
    return chain


def normalise_gain(
    plan: RenderPlan,
    cancel: CancelToken | None = None,
    on_fraction: Callable[[float], None] | None = None,
) -> str | None:
    """The loudness chain that brings the soundtrack to the project's target; None if silent.

    A plain gain is what loudnorm's linear mode applies too, but loudnorm works at 192 kHz
    and, since sound runs far ahead of the video encoder, its output queued up to about
    120 MB per render. When the gain would push the true peak over the ceiling, a
    look-ahead limiter (latency compensated, so sync is kept) holds the peaks; the limited
    sound is then measured again and the gain corrected, since limiting lowers loudness.
    """
    if not has_sound(plan):
        return None
    audio = plan.project.audio
    return normalise_graph_gain(
        lambda gain: build_audio(plan, 0, gain, measure=True),
        plan.duration,
        audio.loudness_lufs,
        audio.true_peak_db,
        cancel,
        on_fraction,
    )


def normalise_graph_gain(
    graph: Callable[[str | None], AudioGraph],
    duration: float,
    target: float,
    ceiling: float,
    cancel: CancelToken | None = None,
    on_fraction: Callable[[float], None] | None = None,
) -> str | None:
    """:func:`normalise_gain` for any soundtrack: ``graph(gain)`` builds its measuring graph."""
    first = _measure(graph(None), duration, cancel, on_fraction)
    if first is None:
        return None
    gain = target - first.input_i
    if first.input_tp + gain <= ceiling:
        return gain_chain(gain, False, ceiling)
    for _ in range(2):
        again = _measure(graph(gain_chain(gain, True, ceiling)), duration, cancel, None)
        if again is None or abs(again.input_i - target) < 0.5:
            break
        gain += target - again.input_i
    return gain_chain(gain, True, ceiling)


def measure_loudness(
    plan: RenderPlan,
    cancel: CancelToken | None = None,
    on_fraction: Callable[[float], None] | None = None,
    gain: str | None = None,
) -> Loudness | None:
    """Measure the soundtrack's loudness (after ``gain`` if given); None when it is silent."""
    if not has_sound(plan):
        return None
    return _measure(build_audio(plan, 0, gain, measure=True), plan.duration, cancel, on_fraction)


def _measure(
    g: AudioGraph,
    duration: float,
    cancel: CancelToken | None,
    on_fraction: Callable[[float], None] | None,
) -> Loudness | None:
    log = ffmpeg.run_with_progress(
        [*g.inputs, "-filter_complex", g.graph, "-map", "[aout]", "-f", "null", "-"],
        duration=duration,
        on_fraction=on_fraction or (lambda _f: None),
        cancel=cancel,
        what="loudness analysis",
        loglevel="info",
    )
    found = list(_SUMMARY.finditer(log))
    if not found:
        return None
    values = [float(found[-1].group("i")), float(found[-1].group("tp"))]
    if not all(abs(v) < 1e6 for v in values) or values[0] < -70:  # -inf: silence
        return None
    return Loudness(*values)


def raw_audio_graph(
    path: str,
    first_input: int,
    total_samples: int,
    gain: str | None,
    *,
    measure: bool = False,
) -> AudioGraph:
    """The soundtrack from a raw 48 kHz stereo float file (sound made by another library).

    It is padded with silence or cut to exactly ``total_samples``; ``gain`` and ``measure``
    work as in :func:`build_audio`.
    """
    inputs = ["-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", ffmpeg_input_path(path)]
    chain = f"[{first_input}:a:0]{_FMT},apad,atrim=end_sample={total_samples},asetpts=N/SR/TB"
    if measure:
        pre = f"{gain}," if gain else ""
        return AudioGraph(inputs, f"{chain},{pre}{_METER}[aout]")
    if gain is not None:
        chain += f",{gain},apad,atrim=end_sample={total_samples}"
    return AudioGraph(inputs, f"{chain}[aout]")


def _samples(frames: int, fps: float) -> int:
    return int(round(frames * RATE / fps))
