"""Placement, timing and enter/exit animation shared by every drawn source.

Every drawn source (image, caption, sticker, tip card) places and animates its picture
through :class:`Animated`, so captions and stickers move the same way.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import Image

from creator_kit.core.frames import RGBA, Sprite
from creator_kit.core.model import Animation, Placement

ANCHOR_FRACTIONS = {
    "top-left": (0.0, 0.0),
    "top": (0.5, 0.0),
    "top-right": (1.0, 0.0),
    "left": (0.0, 0.5),
    "center": (0.5, 0.5),
    "right": (1.0, 0.5),
    "bottom-left": (0.0, 1.0),
    "bottom": (0.5, 1.0),
    "bottom-right": (1.0, 1.0),
}


def place(placement: Placement, w: int, h: int, size: tuple[int, int]) -> tuple[int, int]:
    """Top-left canvas position of a ``w``x``h`` image placed by ``placement`` on ``size``."""
    ax, ay = ANCHOR_FRACTIONS[placement.anchor]
    return (
        int(round(placement.x * size[0] - ax * w)),
        int(round(placement.y * size[1] - ay * h)),
    )


def _ease_out_cubic(p: float) -> float:
    return 1.0 - (1.0 - p) ** 3


def _ease_out_back(p: float) -> float:
    c = 1.70158
    return 1.0 + (c + 1.0) * (p - 1.0) ** 3 + c * (p - 1.0) ** 2


@dataclass(frozen=True)
class AnimState:
    """How an animation changes a layer at one instant."""

    opacity: float = 1.0
    dx: float = 0.0  # canvas pixels
    dy: float = 0.0
    scale: float = 1.0


def animation_state(anim: Animation, p: float, size: tuple[int, int]) -> AnimState:
    """The state at progress ``p`` (0 = hidden, 1 = fully shown) of an enter/exit animation."""
    p = min(1.0, max(0.0, p))
    if anim.kind == "none" or p >= 1.0:
        return AnimState()
    if anim.kind == "fade":
        return AnimState(opacity=p)
    if anim.kind == "slide":
        # Slide a fifth of the canvas while fading, so the layer never pops in at an edge.
        e = _ease_out_cubic(p)
        dist = 0.2 * (size[0] if anim.direction in ("left", "right") else size[1])
        off = (1.0 - e) * dist
        dx = {"left": -off, "right": off}.get(anim.direction, 0.0)
        dy = {"up": off, "down": -off}.get(anim.direction, 0.0)
        return AnimState(opacity=min(1.0, p * 2.0), dx=dx, dy=dy)
    # pop: grow from 40 % with a small overshoot.
    return AnimState(opacity=min(1.0, p * 3.0), scale=0.4 + 0.6 * _ease_out_back(p))


class Animated:
    """Shared timing, placement and animation for a layer that draws one image at a time."""

    def __init__(
        self,
        start: float,
        end: float | None,
        placement: Placement,
        opacity: float,
        enter: Animation,
        exit: Animation,
        default_end: float,
    ) -> None:
        self.start = start
        self.end = default_end if end is None else min(end, default_end)
        self.placement = placement
        self.opacity = opacity
        self.enter = enter
        self.exit = exit
        # How far a slide travels, as a share of its usual fifth of the canvas: less where
        # the whole way would cross a face (graphics.slots).
        self.enter_reach = 1.0
        self.exit_reach = 1.0

    @classmethod
    def for_layer(
        cls, layer: Any, placement: Placement, default_end: float, offset: float = 0.0
    ) -> Animated:
        """Timing and animation of any layer with start/end/opacity/enter/exit fields."""
        end = None if layer.end is None else layer.end + offset
        return cls(
            layer.start + offset,
            end,
            placement,
            layer.opacity,
            layer.enter,
            layer.exit,
            default_end,
        )

    def placed(self, placement: Placement) -> Animated:
        """The same timing and animation at another ``placement``."""
        out = copy.copy(self)
        out.placement = placement
        return out

    def reaching(self, which: Literal["enter", "exit"], reach: float) -> Animated:
        """The same with the ``which`` slide travelling ``reach`` of its usual way; a reach
        of 0 turns it (or a pop) into a fade of the same duration."""
        out = copy.copy(self)
        animation: Animation = getattr(self, which)
        if reach <= 0.0:
            setattr(out, which, dataclasses.replace(animation, kind="fade"))
            reach = 1.0
        setattr(out, f"{which}_reach", reach)
        return out

    def visible(self, t: float) -> bool:
        """True while ``t`` lies within the layer's span."""
        return self.start <= t < self.end

    def state(self, t: float, size: tuple[int, int]) -> AnimState:
        """Combined enter and exit animation state at ``t``."""
        span = self.end - self.start
        st = AnimState()
        if self.enter.kind != "none" and self.enter.duration > 0:
            d = min(self.enter.duration, span / 2)
            st = animation_state(self.enter, (t - self.start) / d, size)
            if self.enter_reach != 1.0:
                st = dataclasses.replace(
                    st, dx=st.dx * self.enter_reach, dy=st.dy * self.enter_reach
                )
        if self.exit.kind != "none" and self.exit.duration > 0:
            d = min(self.exit.duration, span / 2)
            ex = animation_state(self.exit, (self.end - t) / d, size)
            if self.exit_reach != 1.0:
                ex = dataclasses.replace(ex, dx=ex.dx * self.exit_reach, dy=ex.dy * self.exit_reach)
            st = AnimState(
                st.opacity * ex.opacity, st.dx - ex.dx, st.dy - ex.dy, st.scale * ex.scale
            )
        return st

    def sprite(self, image: RGBA, key: object, t: float, size: tuple[int, int]) -> Sprite | None:
        """The sprite for ``image`` at ``t`` with placement and animation applied."""
        st = self.state(t, size)
        opacity = self.opacity * st.opacity
        if opacity <= 0.003:
            return None
        h, w = image.shape[:2]
        if st.scale != 1.0:
            # Quantise the scale so a pop animation reuses a handful of resized bitmaps.
            q = round(st.scale * 50) / 50
            nw, nh = max(1, int(w * q)), max(1, int(h * q))
            x, y = place(self.placement, w, h, size)
            x += (w - nw) // 2
            y += (h - nh) // 2
            image = resize_rgba(image, nw, nh)
            key = (key, q)
        else:
            x, y = place(self.placement, w, h, size)
        return Sprite(image, x + int(round(st.dx)), y + int(round(st.dy)), opacity, key)


def fit_width(image: RGBA, placement: Placement, size: tuple[int, int]) -> RGBA:
    """Resize ``image`` to ``placement.width`` (a fraction of the canvas width), aspect kept."""
    if placement.width is None:
        return image
    h, w = image.shape[:2]
    tw = max(1, int(round(placement.width * size[0])))
    th = max(1, int(round(h * tw / w)))
    return resize_rgba(image, tw, th)


def resize_rgba(image: RGBA, width: int, height: int) -> RGBA:
    """Resize straight-alpha RGBA without dark fringes (resampled premultiplied).

    Pillow rather than OpenCV here: it is loaded anyway for reading images, and keeping
    OpenCV out of the render process saves about 30 MB per render.
    """
    if image.shape[1] == width and image.shape[0] == height:
        return image
    premul = Image.fromarray(image, "RGBA").convert("RGBa")
    out = premul.resize((width, height), Image.Resampling.LANCZOS).convert("RGBA")
    return np.asarray(out, np.uint8).copy()
