"""Checks and pixel helpers shared by the moviepy adapters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from creator_kit.core.frames import Sprite

U8 = npt.NDArray[np.uint8]


def clip_name(clip: Any) -> str:
    """A short name for ``clip`` in messages (its file when it has one)."""
    filename = getattr(clip, "filename", None)
    kind = type(clip).__name__
    return f"{kind} {filename!r}" if isinstance(filename, str) else kind


def require_size(clip: Any, what: str) -> tuple[int, int]:
    """The clip's (w, h); ValueError naming the clip when it has none."""
    size = getattr(clip, "size", None)
    try:
        w, h = (int(v) for v in size)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"{what}: {clip_name(clip)} has no size") from None
    if w <= 0 or h <= 0:
        raise ValueError(f"{what}: {clip_name(clip)} has no usable size ({w}x{h})")
    return w, h


def require_duration(clip: Any, what: str) -> float:
    """The clip's duration; ValueError naming the clip when it has none (set it first)."""
    duration = getattr(clip, "duration", None)
    if duration is None:
        raise ValueError(
            f"{what}: {clip_name(clip)} has no duration; give it one with .with_duration(seconds)"
        )
    duration = float(duration)
    if not duration > 0 or not np.isfinite(duration):
        raise ValueError(f"{what}: {clip_name(clip)} has no usable duration ({duration})")
    return duration


def rgb_frame(clip: Any, t: float, size: tuple[int, int], what: str) -> U8:
    """The clip's picture at ``t`` as (h, w, 3) uint8, checked against ``size``."""
    frame = np.asarray(clip.get_frame(t))
    w, h = size
    if frame.ndim == 2:
        frame = np.repeat(frame[:, :, None], 3, axis=2)
    if frame.ndim != 3 or frame.shape[:2] != (h, w) or frame.shape[2] not in (3, 4):
        raise ValueError(
            f"{what}: the picture of {clip_name(clip)} at t={t:.3f} s has shape "
            f"{frame.shape}, expected ({h}, {w}, 3)"
        )
    if frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    return frame[..., :3]


def rgba_frame(clip: Any, t: float, size: tuple[int, int], what: str) -> U8:
    """The clip's picture at ``t`` with its mask as straight-alpha RGBA (opaque without one).

    A mask whose shape differs from the picture's is an error naming both shapes.
    """
    rgb = rgb_frame(clip, t, size, what)
    w, h = size
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb
    mask = getattr(clip, "mask", None)
    if mask is None:
        out[..., 3] = 255
        return out
    alpha = np.asarray(mask.get_frame(t))
    if alpha.ndim == 3 and alpha.shape[2] == 1:
        alpha = alpha[..., 0]
    if alpha.shape != (h, w):
        raise ValueError(
            f"{what}: the mask of {clip_name(clip)} at t={t:.3f} s has shape {alpha.shape}, "
            f"but its picture is ({h}, {w})"
        )
    out[..., 3] = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def blend_rgb(frame: U8, sprites: Iterable[Sprite]) -> U8:
    """``frame`` (RGB) with straight-alpha ``sprites`` blended over it (a new array)."""
    out: U8 | None = None
    for s in sprites:
        if out is None:
            out = np.array(frame, dtype=np.uint8, copy=True)
        h, w = s.rgba.shape[:2]
        H, W = out.shape[:2]
        x0, y0, x1, y1 = max(s.x, 0), max(s.y, 0), min(s.x + w, W), min(s.y + h, H)
        if x0 >= x1 or y0 >= y1:
            continue
        src = s.rgba[y0 - s.y : y1 - s.y, x0 - s.x : x1 - s.x].astype(np.float32)
        a = src[..., 3:4] * (min(1.0, s.opacity) / 255.0)
        dst = out[y0:y1, x0:x1].astype(np.float32)
        out[y0:y1, x0:x1] = (dst * (1.0 - a) + src[..., :3] * a + 0.5).astype(np.uint8)
    return frame if out is None else out
