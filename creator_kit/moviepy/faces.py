"""FaceMask: a moviepy effect that finds, tracks and masks the faces in a clip's own frames."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
from moviepy import Effect

from creator_kit.core.face_settings import MASK_STYLES, FaceMaskSettings
from creator_kit.graphics.face_masks import FaceMaskSource, affine_mapping
from creator_kit.moviepy._clips import blend_rgb, clip_name, require_duration, require_size
from creator_kit.vision import FaceAnalysis, analyse, analyse_frames


@dataclass(frozen=True)
class FaceMask(Effect):  # type: ignore[misc]
    """Draw a ``style`` mask (``surgical``, ``cloth``, ``n95``) on the faces of a clip.

    Apply it like any moviepy effect, ``clip.with_effects([FaceMask("surgical")])``, after
    ``resized``, ``cropped`` or any other transform: the faces are found in the frames of the
    clip it is applied to, with creator_kit's detector, tracker (stable ids, gaps bridged) and
    smoothing, the first time a frame is asked for. A clip straight from ``VideoFileClip``
    reuses the on-disk analysis cache that ``creator-kit render`` and ``creator-kit faces``
    share; any other clip is analysed from its own frames once and cached by their content
    (a hash of one picture a second), so running the same script again reuses it. ``tracks``
    limits the mask to those track ids (``creator-kit faces`` lists them); ``fade``,
    ``scale``, ``offset_y`` and ``opacity`` are those of ``--face-mask``. Frozen, so one
    instance serves any number of clips.
    """

    style: str = "surgical"
    tracks: tuple[int, ...] | None = None
    _: KW_ONLY
    fade: float = 0.25
    scale: float = 1.0
    offset_y: float = 0.0
    opacity: float = 1.0

    def __post_init__(self) -> None:
        if self.style not in MASK_STYLES:
            raise ValueError(
                f"FaceMask: unknown style {self.style!r}; choose one of {', '.join(MASK_STYLES)}"
            )
        if self.tracks is not None:
            object.__setattr__(self, "tracks", tuple(int(t) for t in self.tracks))
        self.settings()  # range checks, before any frame is drawn

    def settings(self) -> FaceMaskSettings:
        """The engine's settings for this mask."""
        s = FaceMaskSettings(
            style=self.style,  # type: ignore[arg-type]
            tracks=self.tracks,
            fade=self.fade,
            scale=self.scale,
            offset_y=self.offset_y,
            opacity=self.opacity,
        )
        for name, lo, hi in (("fade", 0, 3), ("scale", 0.5, 2), ("offset_y", -0.5, 0.5),
                             ("opacity", 0, 1)):
            value = getattr(s, name)
            if not lo <= value <= hi:
                raise ValueError(f"FaceMask: {name} must be between {lo} and {hi}, not {value}")
        return s

    def copy(self) -> FaceMask:
        """Itself: a frozen effect never changes, so it needs no copy."""
        return self

    def apply(self, clip: Any) -> Any:
        """``clip`` with the mask drawn on every tracked face."""
        size = require_size(clip, "FaceMask")
        duration = require_duration(clip, "FaceMask")
        faces = _ClipFaces(clip, size, duration, self.settings())
        return clip.transform(lambda get_frame, t: faces.draw(get_frame(t), t), apply_to=[])


class _ClipFaces:
    """The analysis of one clip (made on first use) and the mask source drawn from it."""

    def __init__(
        self, clip: Any, size: tuple[int, int], duration: float, settings: FaceMaskSettings
    ) -> None:
        self.clip = clip
        self.size = size
        self.duration = duration
        self.settings = settings
        self._source: FaceMaskSource | None = None
        self._lock = threading.Lock()

    def analysis(self) -> FaceAnalysis:
        """Faces of the clip: from the file's cache when the clip is the file as decoded."""
        path = _plain_file(self.clip, self.size)
        if path is not None:
            cached = analyse(path)
            if (cached.width, cached.height) == self.size:
                return cached
        last = max(0.0, self.duration - 1e-3)

        def frame_at(t: float) -> Any:
            return self.clip.get_frame(min(t, last))

        return analyse_frames(
            frame_at,
            width=self.size[0],
            height=self.size[1],
            duration=self.duration,
            source=clip_name(self.clip),
            cache_id=_fingerprint(frame_at, self.duration),
        )

    def source(self) -> FaceMaskSource:
        """The mask source (analysing the clip the first time)."""
        with self._lock:
            if self._source is None:
                self._source = FaceMaskSource(
                    self.analysis(),
                    self.settings,
                    affine_mapping(1.0, 0.0, 0.0),
                    lambda t: t if 0 <= t <= self.duration else None,
                )
            return self._source

    def draw(self, frame: Any, t: float) -> Any:
        """``frame`` with the masks of the faces at ``t``."""
        sprites = self.source().sprites_at(float(t), self.size)
        return blend_rgb(frame, sprites) if sprites else frame


def _fingerprint(frame_at: Callable[[float], Any], duration: float) -> str:
    """A hash of the clip's pictures, one a second (at most 64): what its analysis is cached by.

    A transformed clip has no file to name it, but the same script run again draws the same
    pictures, so their content names the analysis. Pictures a second apart that are all
    identical while the faces between them differ are not something footage does.
    """
    count = min(64, max(2, int(duration) + 1))
    h = hashlib.sha256(f"{duration:.6f}".encode())
    for k in range(count):
        picture = np.ascontiguousarray(frame_at(duration * k / (count - 1)))
        h.update(f"{picture.shape}|{picture.dtype}".encode())
        h.update(picture.tobytes())
    return h.hexdigest()


def _plain_file(clip: Any, size: tuple[int, int]) -> str | None:
    """The file a clip shows unchanged (a ``VideoFileClip`` with no transform), else None."""
    filename = getattr(clip, "filename", None)
    reader = getattr(clip, "reader", None)
    fn = getattr(clip, "frame_function", None)
    if not isinstance(filename, str) or reader is None or fn is None:
        return None
    # VideoFileClip reads through its own lambda; any effect or cut replaces it.
    if getattr(fn, "__qualname__", "") != "VideoFileClip.__init__.<locals>.<lambda>":
        return None
    if tuple(getattr(reader, "size", ())) != size:
        return None
    return filename
