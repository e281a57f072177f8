"""creator_kit projects as moviepy clips, and moviepy clips as project layers."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from moviepy import AudioClip, VideoClip

from creator_kit.core.frames import Sprite
from creator_kit.core.model import Project, SourceLayer
from creator_kit.core.project_io import load_project
from creator_kit.media import ffmpeg
from creator_kit.moviepy._clips import require_size, rgba_frame
from creator_kit.render.audio import RATE, build_audio, has_sound, normalise_gain
from creator_kit.render.timeline import RenderPlan, build_plan

if TYPE_CHECKING:
    from creator_kit.render.preview import Previewer


class ProjectClip(VideoClip):  # type: ignore[misc]
    """A creator_kit project as a moviepy clip: frames and sound exactly as the engine exports.

    Made by :func:`project_clip`. Frames come from the engine's preview API (the export's own
    decoder graph and compositor, at full size); the sound is the project's soundtrack with its
    loudness normalisation. Passed unmodified to :func:`creator_kit.moviepy.export` it is
    rendered by the engine directly (its fast path).
    """

    def __init__(self, project: Project) -> None:
        plan = build_plan(project)  # probes every input: bad files fail here
        super().__init__(duration=plan.duration)
        self.project = project
        self.plan: RenderPlan = plan
        self.fps = plan.fps
        self.size = (plan.width, plan.height)
        self._previewer: Previewer | None = None
        self._lock = threading.Lock()
        self.frame_function = self._frame
        self.audio = _SoundtrackClip(plan) if has_sound(plan) else None
        # What an unmodified clip looks like: moviepy's with_* and effects replace at least one.
        self._engine_state = self._state()

    def _state(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        # Objects that effects, cuts and with_audio/with_mask replace, compared by identity;
        # values that with_duration/with_fps/resizing change, compared by value.
        objects = (self.frame_function, self.audio, self.mask)
        values = (self.duration, tuple(self.size), self.fps, getattr(self, "start", 0) or 0)
        return objects, values

    @property
    def unmodified(self) -> bool:
        """True when this clip still shows exactly the project (no effect, cut or new sound)."""
        (objects, values), (objects0, values0) = self._state(), self._engine_state
        return values == values0 and all(a is b for a, b in zip(objects, objects0, strict=True))

    def _frame(self, t: float) -> np.ndarray[Any, Any]:
        with self._lock:
            if self._previewer is None:
                # Loaded on the first frame: an export that takes the engine's fast path
                # never needs the preview machinery (and OpenCV with it).
                from creator_kit.render.preview import Previewer

                self._previewer = Previewer(self.plan)
            return self._previewer.frame(float(t)).to_rgb()

    def close(self) -> None:
        """Stop the engine's decoder (moviepy calls this when the clip is done with)."""
        with self._lock:
            if self._previewer is not None:
                self._previewer.close()
                self._previewer = None
        super().close()


class _SoundtrackClip(AudioClip):  # type: ignore[misc]
    """The project's soundtrack, built by the engine's audio graph on first use."""

    def __init__(self, plan: RenderPlan) -> None:
        self._plan = plan
        self._samples: np.ndarray[Any, Any] | None = None
        self._lock = threading.Lock()
        super().__init__(frame_function=self._at, duration=plan.duration, fps=RATE)
        self.nchannels = 2

    def _load(self) -> np.ndarray[Any, Any]:
        with self._lock:
            if self._samples is None:
                plan = self._plan
                gain = normalise_gain(plan) if plan.project.audio.normalise else None
                graph = build_audio(plan, 0, gain)
                raw, _log = ffmpeg.run(
                    [*graph.inputs, "-filter_complex", graph.graph, "-map", "[aout]",
                     "-f", "f32le", "-ac", "2", "-ar", str(RATE), "pipe:1"],
                    what="project soundtrack",
                )
                self._samples = np.frombuffer(raw, np.float32).reshape(-1, 2)
            return self._samples

    def _at(self, t: Any) -> np.ndarray[Any, Any]:
        samples = self._load()
        index = np.round(np.asarray(t, dtype=np.float64) * RATE).astype(np.int64)
        inside = (index >= 0) & (index < len(samples))
        out = np.zeros((*index.shape, 2), np.float64)
        out[inside] = samples[index[inside]]
        return out


def project_clip(project_or_path: Project | str | Path) -> ProjectClip:
    """A creator_kit project (a :class:`Project` or a ``.ckproj`` path) as a moviepy clip."""
    project = (
        project_or_path
        if isinstance(project_or_path, Project)
        else load_project(project_or_path)
    )
    return ProjectClip(project)


class _ClipSource:
    """A moviepy clip as an RGBA frame source for the engine's compositor."""

    def __init__(
        self, clip: Any, position: tuple[Any, Any], start: float, opacity: float
    ) -> None:
        self.clip = clip
        self.size = require_size(clip, "MoviepyLayer")
        duration = getattr(clip, "duration", None)
        self.start = float(start)
        self.end = None if duration is None else self.start + float(duration)
        self.position = position
        self.opacity = float(opacity)
        self._lock = threading.Lock()

    def _xy(self, canvas: tuple[int, int]) -> tuple[int, int]:
        out = []
        for value, own, full in zip(self.position, self.size, canvas, strict=True):
            if value == "center":
                out.append((full - own) // 2)
            elif value in ("left", "top"):
                out.append(0)
            elif value in ("right", "bottom"):
                out.append(full - own)
            else:
                out.append(int(round(float(value))))
        return out[0], out[1]

    def sprites_at(self, t: float, size: tuple[int, int]) -> list[Sprite]:
        """The clip's picture (with its mask) while it plays, at its place on the canvas."""
        if t < self.start or (self.end is not None and t >= self.end):
            return []
        with self._lock:  # a moviepy clip's readers are not thread-safe
            rgba = rgba_frame(self.clip, t - self.start, self.size, "MoviepyLayer")
        x, y = self._xy(size)
        return [Sprite(rgba, x, y, self.opacity, None)]


def MoviepyLayer(  # noqa: N802 - reads as the layer kind it makes
    clip: Any,
    *,
    position: tuple[Any, Any] = ("center", "center"),
    start: float = 0.0,
    opacity: float = 1.0,
    id: str = "",  # noqa: A002 - the name every layer's id field has
) -> SourceLayer:
    """A moviepy clip as a layer of a creator_kit project (Python only, never saved).

    ``position`` is the clip's top-left corner on the canvas in pixels, or ``"center"``
    (``"left"``/``"right"``, ``"top"``/``"bottom"``) per axis; ``start`` is when it appears
    on the project's timeline, and it plays for its duration (to the end of the clips when it
    has none). Its mask, when it has one, is its transparency. Add it with
    ``project.replace(layers=(*project.layers, MoviepyLayer(clip)))``; the engine composites
    it like any RGBA layer. The result is a :class:`~creator_kit.core.model.SourceLayer`
    labelled ``MoviepyLayer`` (its ``source.clip`` is the clip). A project holding one
    cannot be saved (a project file must never execute code): ``save_project`` refuses.
    """
    if not 0.0 <= float(opacity) <= 1.0:
        raise ValueError(f"MoviepyLayer: opacity must be between 0 and 1, not {opacity}")
    if float(start) < 0:
        raise ValueError(f"MoviepyLayer: start must not be negative, not {start}")
    return SourceLayer(_ClipSource(clip, position, start, opacity), "MoviepyLayer", id)
