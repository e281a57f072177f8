"""export(): any moviepy clip through creator_kit's exporter instead of write_videofile.

moviepy's ``write_videofile`` passes ``-y`` (overwrites), writes straight to the target and
never looks at ffmpeg's exit status. This writes the clip's frames and sound with the engine's
encoder settings, loudness normalisation, hidden temporary file, exit status check, read-back
and no-clobber move (see :mod:`creator_kit.render.export`); moviepy only draws the frames.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from creator_kit.core.cancel import CancelToken, ProgressCallback, WarningCallback
from creator_kit.core.model import AudioSettings, OutputSettings
from creator_kit.core.presets import get_profile
from creator_kit.media.preflight import check_file
from creator_kit.moviepy._clips import clip_name, require_duration, require_size, rgb_frame
from creator_kit.moviepy.project import ProjectClip
from creator_kit.render.audio import RATE
from creator_kit.render.export import ExportResult, export_frames
from creator_kit.render.export import export as export_project


def export(
    clip: Any,
    path: str | Path,
    *,
    preset: str | None = None,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_warning: WarningCallback | None = None,
    fps: float | None = None,
    crf: int | None = None,
    x264_preset: str | None = None,
    normalise: bool | None = None,
    loudness_lufs: float | None = None,
) -> ExportResult:
    """Write ``clip`` (video and sound) to ``path`` as an upload-ready MP4 for ``preset``.

    ``preset`` is ``tiktok`` (the default), ``reels`` or ``shorts``; a project clip defaults
    to its project's own preset.

    The clip is drawn frame by frame at ``fps`` (default: the clip's own rate when the
    platform accepts it, else the preset's) and encoded like ``creator-kit render``: H.264
    High, BT.709, closed GOPs, AAC 48 kHz, sound normalised to ``loudness_lufs`` (default
    -14 LUFS; ``normalise=False`` keeps the level). For a project clip both default to the
    project's own settings. A clip whose size is not the preset's 1080x1920 is fitted inside
    it, centred on black. An existing ``path`` (or a symlink there) is kept unless
    ``overwrite``; a symlink is never followed. ``on_progress`` receives
    :class:`~creator_kit.core.cancel.Progress` values; setting ``cancel`` (a
    :class:`~creator_kit.core.cancel.CancelToken`) stops the export with ``Cancelled``.
    On any error or cancel nothing is left at ``path``, no temporary file remains and no
    ffmpeg keeps running. A duration the platform refuses is warned about before drawing,
    and the written file is checked against the platform's upload rules (``creator-kit
    check``): every problem goes to ``on_warning`` and into the result's ``warnings``. A
    :func:`project_clip` passed unmodified is rendered by the engine directly (faster, and
    exactly ``creator-kit render``'s output, warnings included).
    """
    if isinstance(clip, ProjectClip) and preset is None:
        preset = clip.project.output.preset
    profile = get_profile(preset or OutputSettings().preset)
    if loudness_lufs is not None and not -36.0 <= loudness_lufs <= -6.0:
        raise ValueError(f"export: loudness_lufs must be between -36 and -6, not {loudness_lufs}")
    output = OutputSettings(
        preset=profile.name,  # type: ignore[arg-type]
        fps=fps,
        crf=crf,
        x264_preset=x264_preset,  # type: ignore[arg-type]
    )
    if isinstance(clip, ProjectClip) and clip.unmodified:
        own = clip.project.audio
        project = clip.project.replace(
            audio=dataclasses.replace(
                own,
                normalise=own.normalise if normalise is None else normalise,
                loudness_lufs=own.loudness_lufs if loudness_lufs is None else loudness_lufs,
            ),
            output=OutputSettings(
                preset=output.preset,
                fps=fps if fps is not None else clip.project.output.fps,
                crf=crf if crf is not None else clip.project.output.crf,
                x264_preset=output.x264_preset or clip.project.output.x264_preset,
            ),
        )
        return export_project(
            project,
            path,
            overwrite=overwrite,
            on_progress=on_progress,
            on_warning=on_warning,
            cancel=cancel,
        )
    size = require_size(clip, "export")
    duration = require_duration(clip, "export")
    rate = _rate(clip, fps, profile.fps, profile.min_fps, profile.max_fps, on_warning)
    count = max(1, int(round(duration * rate)))
    # The last frame is drawn just inside the clip: moviepy clips end before ``duration``.
    last = max(0.0, duration - 1e-6)
    name = clip_name(clip)

    def frame_at(i: int) -> np.ndarray[Any, Any]:
        return rgb_frame(clip, min(i / rate, last), size, "export")

    audio_clip = getattr(clip, "audio", None)

    def sound(target: Path) -> bool:
        return _write_sound(audio_clip, duration, target, cancel)

    audio = AudioSettings(
        normalise=True if normalise is None else normalise,
        loudness_lufs=-14.0 if loudness_lufs is None else loudness_lufs,
    )
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    # Pre-flight: what the platform will refuse is said before minutes of drawing.
    if not profile.min_duration <= count / rate <= profile.max_duration:
        warn(
            f"{name} lasts {count / rate:.2f} s; {profile.title} takes "
            f"{profile.min_duration:g} to {profile.max_duration:g} s"
        )
    result = export_frames(
        frame_at,
        count,
        size,
        rate,
        path,
        output=OutputSettings(
            preset=output.preset, fps=rate, crf=crf, x264_preset=output.x264_preset
        ),
        audio=audio,
        sound=sound if audio_clip is not None else None,
        overwrite=overwrite,
        on_progress=on_progress,
        cancel=cancel,
        what=name,
    )
    # The written file against the platform's upload rules, as `creator-kit check` reads it.
    report = check_file(result.path, profile)
    for v in report.violations:
        if v.rule != "duration":  # said above, before the render
            warn(f"{result.path}: {v.message}")
    return dataclasses.replace(result, warnings=tuple(warnings))


def _rate(
    clip: Any,
    fps: float | None,
    default: float,
    lo: float,
    hi: float,
    on_warning: WarningCallback | None,
) -> float:
    if fps is not None:
        if not lo <= fps <= hi:
            raise ValueError(f"export: fps must be between {lo:g} and {hi:g}, not {fps}")
        return float(fps)
    own = getattr(clip, "fps", None)
    if own is None:
        return default
    own = float(own)
    if lo <= own <= hi:
        return own
    message = f"{clip_name(clip)} runs at {own:g} fps, outside {lo:g}-{hi:g}; using {default:g}"
    if on_warning is not None:
        on_warning(message)
    else:
        warnings.warn(message, stacklevel=3)
    return default


def _write_sound(audio: Any, duration: float, target: Path, cancel: CancelToken | None) -> bool:
    """Write ``audio`` as raw 48 kHz stereo float32 to ``target``; False when it is silent."""
    audio_duration = getattr(audio, "duration", None)
    length = min(duration, float(audio_duration)) if audio_duration is not None else duration
    total = int(round(length * RATE))
    if total <= 0:
        return False
    chunk = RATE  # a second at a time: memory stays flat however long the clip
    with open(target, "wb") as fh:
        for first in range(0, total, chunk):
            if cancel is not None:
                cancel.raise_if_cancelled()
            tt = np.arange(first, min(first + chunk, total), dtype=np.float64) / RATE
            block = np.asarray(audio.get_frame(tt), dtype=np.float32)
            if block.ndim == 1:
                block = np.repeat(block[:, None], 2, axis=1)
            elif block.shape[1] == 1:
                block = np.repeat(block, 2, axis=1)
            elif block.shape[1] > 2:
                block = block[:, :2]
            fh.write(np.ascontiguousarray(block).tobytes())
    return True
