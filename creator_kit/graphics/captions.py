"""Caption layers as drawn sources: text drawn by the text engine, timed, placed, highlighted.

The text engine caches every distinct caption image (and every highlighted variant), and the
compositor caches each one's YUV form, so a caption costs one drawing per distinct look
however many frames it stays on screen.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from creator_kit.core.captions import CaptionStyle, Cue
from creator_kit.core.frames import Sprite
from creator_kit.core.model import CaptionLayer, OutputSettings, Placement
from creator_kit.core.presets import ExportProfile, get_profile
from creator_kit.graphics.animation import ANCHOR_FRACTIONS, Animated
from creator_kit.graphics.context import Box, DrawContext
from creator_kit.graphics.slots import Avoid, Route, avoidance, steady_route
from creator_kit.text.engine import CaptionImage, render_caption
from creator_kit.text.placement import (
    Rect,
    VerticalAnchor,
    caption_area,
    covered_bands,
    place_in_area,
    zone_for,
)
from creator_kit.text.timing import active_word

_ANCHORS: tuple[VerticalAnchor, ...] = ("bottom", "top", "center")


class CaptionSource:
    """One caption layer: a single text or a list of cues."""

    def __init__(self, layer: CaptionLayer, ctx: DrawContext) -> None:
        self.layer = layer
        self.size = ctx.size
        # Captions keep clear of an interface band, so they need a preset: without one they
        # use the default output's.
        self.profile: ExportProfile = ctx.profile or get_profile(OutputSettings().preset)
        # Style sizes are pixels of the export canvas; a smaller canvas (the editor's
        # preview) draws the same caption scaled, so it wraps and sits as exported.
        self.style = scaled_style(layer.style, self.size[0] / self.profile.width)
        self._warn = ctx.warn
        offset, default_end = ctx.offset, ctx.default_end
        start = layer.start + offset
        end = default_end if layer.end is None else min(layer.end + offset, default_end)
        if layer.cues:
            cues = [
                Cue(max(c.start + offset, start), min(c.end + offset, end), c.text, c.words)
                for c in layer.cues
                if c.end + offset > start and c.start + offset < end and c.text.strip()
            ]
        elif layer.text.strip():
            cues = [Cue(start, end, layer.text)]
        else:
            cues = []
        self.cues = [c for c in cues if c.end > c.start]
        self._timers = [
            Animated(c.start, c.end, Placement(), layer.opacity, layer.enter, layer.exit, c.end)
            for c in self.cues
        ]
        self._warned: set[int] = set()
        # Captions placed by default sit at the bottom of the safe zone, or at its top or
        # middle, or next to a layer placed before, for a cue that would cover a face or
        # that layer there (chosen once per cue).
        self._avoid = avoidance(ctx)
        self._taken = ctx.taken
        self._places: dict[int, tuple[int, int]] = {}
        self._routes: dict[int, Route] = {}
        # Which cue each output frame shows (the first visible one, as sprites_at picks):
        # only those cues are ever drawn, so the work is bounded by the frames, however many
        # cues a file holds, and sprites_at finds its cue without scanning them all.
        self._fps = ctx.fps
        self._schedule = _Schedule(self.cues, ctx.fps) if ctx.fps else None
        shown = self._schedule.shown() if self._schedule else range(len(self.cues))
        # Draw each shown cue once up front: bad text or fonts are reported before the render.
        for i in shown:
            if ctx.cancel is not None:
                ctx.cancel.raise_if_cancelled()
            self._image(i, self.cues[i], None)

    def _width(self, rtl: bool) -> float:
        if self.layer.placement is not None and self.layer.placement.width is not None:
            return self.layer.placement.width * self.size[0]
        return caption_area(self.profile, rtl, canvas=self.size).w

    def _image(self, i: int, cue: Cue, word: int | None) -> CaptionImage:
        # The wrap width depends on direction (mirrored safe zone), known after a first draw.
        img = render_caption(cue.text, self.style, self._width(False), highlight_word=word)
        if img.direction == "rtl" and self._width(True) != self._width(False):
            img = render_caption(cue.text, self.style, self._width(True), highlight_word=word)
        if i not in self._warned:
            self._warned.add(i)
            for w in img.warnings:
                self._warn(f"caption {cue.text[:40]!r}: {w}")
            self._check_safe_zone(i, cue, img)
        return img

    def _position(self, i: int, img: CaptionImage) -> tuple[int, int]:
        rtl = img.direction == "rtl"
        placement = self.layer.placement
        if placement is None:
            area = caption_area(self.profile, rtl, canvas=self.size)
            return self._place(i, img, area)
        cx, cy, cw, ch = img.content
        ax, ay = ANCHOR_FRACTIONS[placement.anchor]
        x = placement.x * self.size[0] - ax * cw - cx
        y = placement.y * self.size[1] - ay * ch - cy
        return round(x), round(y)

    def _place(self, i: int, img: CaptionImage, area: Rect) -> tuple[int, int]:
        """Top-left of cue ``i``'s image where it starts: at the bottom of ``area``, else at
        its top or middle, or just above or below a layer placed before, wherever the cue
        covers least of the faces and the other layers over its time. It moves (fading out
        and in) only when a layer or face would otherwise stay under it a while
        (:func:`~creator_kit.graphics.slots.steady_route`)."""
        placed = self._places.get(i)
        if placed is None:
            placed = place_in_area(img.content, area, "bottom")
            if not img.empty:
                cue = self.cues[i]
                cx, cy, cw, ch = img.content
                places = [place_in_area(img.content, area, a) for a in _ANCHORS]
                x = places[0][0]
                gap = round(0.02 * self.size[0])
                for box in _layer_boxes(self._avoid, cue.start, cue.end):
                    for top in (box[1] - gap - ch, box[3] + gap):  # above it, below it
                        if area.y <= top and top + ch <= area.bottom:
                            places.append((x, round(top) - round(cy)))
                rects: list[Box] = [
                    (px + cx, py + cy, px + cx + cw, py + cy + ch) for px, py in places
                ]
                k, route = steady_route(rects, self._avoid, cue.start, cue.end)
                placed = places[k]
                self._routes[i] = route

                def where(
                    t: float, rect: Box = rects[k], cue: Cue = cue, route: Route = route
                ) -> Box | None:
                    if not cue.start <= t < cue.end:
                        return None
                    dx, dy, _fade = route.at(t)
                    return (rect[0] + dx, rect[1] + dy, rect[2] + dx, rect[3] + dy)

                self._taken.append(where)
            self._places[i] = placed
        return placed

    def _check_safe_zone(self, i: int, cue: Cue, img: CaptionImage) -> None:
        if img.empty:
            return
        x, y = self._position(i, img)
        cx, cy, cw, ch = img.content
        rect = Rect(x + cx, y + cy, cw, ch)
        if self.layer.placement is not None:
            # Placed by the user: layers placed by slot keep clear of it.
            box = (rect.x, rect.y, rect.x + rect.w, rect.y + rect.h)

            def where(t: float, box: Box = box, cue: Cue = cue) -> Box | None:
                return box if cue.start <= t < cue.end else None

            self._taken.append(where)
        zone = zone_for(self.profile, img.direction == "rtl")
        bands = covered_bands(rect, zone, self.size)
        if bands:
            self._warn(
                f"caption {cue.text[:40]!r} enters the {' and '.join(bands)} band that "
                f"{self.profile.title}'s interface covers"
            )

    def _candidates(self, t: float) -> Sequence[int]:
        if self._schedule is not None and self._fps:
            k = round(t * self._fps)
            if abs(k / self._fps - t) < 1e-9:  # a frame time: the schedule knows its cue
                i = self._schedule.cue_at(k)
                return () if i is None else (i,)
        return range(len(self.cues))

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The caption cue on screen at ``t`` (with its active word lit), if any."""
        for i in self._candidates(t):
            cue, timer = self.cues[i], self._timers[i]
            if not timer.visible(t):
                continue
            word = active_word(cue, t) if self.layer.highlight == "words" else None
            img = self._image(i, cue, word)
            if img.empty:
                return ()
            x, y = self._position(i, img)
            st = timer.state(t, size)
            opacity = self.layer.opacity * st.opacity
            if opacity <= 0.003:
                return ()
            key = ("caption", id(self), i, word)
            sprite = Sprite(img.rgba, x + round(st.dx), y + round(st.dy), opacity, key)
            route = self._routes.get(i)
            moved = sprite if route is None else route.apply(sprite, t)
            return () if moved is None else (moved,)
        return ()


_MOST_NEIGHBOURS = 8  # layers a cue may sit next to: enough for a busy frame, few to weigh


def _layer_boxes(avoid: Avoid, start: float, end: float) -> list[Box]:
    """The distinct boxes of layers placed before that show during ``start``..``end``."""
    seen: dict[Box, None] = {}
    for t in np.arange(start, end, 0.1).tolist():
        for keep in avoid(t):
            if keep.layer:
                x1, y1, x2, y2 = keep.box
                seen.setdefault((round(x1), round(y1), round(x2), round(y2)), None)
    return list(seen)[:_MOST_NEIGHBOURS]


def scaled_style(style: CaptionStyle, factor: float) -> CaptionStyle:
    """``style`` with every pixel measure multiplied by ``factor`` (itself when 1)."""
    if abs(factor - 1.0) < 1e-9:
        return style
    shadow = style.shadow
    if shadow is not None:
        shadow = dataclasses.replace(
            shadow,
            offset_x=shadow.offset_x * factor,
            offset_y=shadow.offset_y * factor,
            blur=shadow.blur * factor,
        )
    box = style.box
    if box is not None:
        box = dataclasses.replace(box, padding=box.padding * factor, radius=box.radius * factor)
    return dataclasses.replace(
        style,
        size_px=style.size_px * factor,
        outline_width=style.outline_width * factor,
        shadow=shadow,
        box=box,
    )


class _Schedule:
    """For each output frame, the first cue visible at it (disjoint frame runs, sorted)."""

    def __init__(self, cues: Sequence[Cue], fps: float) -> None:
        self._starts: list[int] = []  # run i covers frames [starts[i], ends[i]) showing cues[i]
        self._ends: list[int] = []
        self._cue: list[int] = []
        for i, cue in enumerate(cues):
            self._claim(_first_frame(cue.start, fps), _first_frame(cue.end, fps), i)

    def _claim(self, a: int, b: int, cue: int) -> None:
        """Give cue ``cue`` every frame of [a, b) that no earlier cue shows."""
        pos = bisect_right(self._starts, a) - 1
        if pos >= 0 and self._ends[pos] > a:
            a = self._ends[pos]  # the start lies inside an earlier run
        pos += 1
        while a < b:
            if pos < len(self._starts) and self._starts[pos] <= a:
                a = self._ends[pos]
                pos += 1
                continue
            gap_end = b if pos >= len(self._starts) else min(b, self._starts[pos])
            self._starts.insert(pos, a)
            self._ends.insert(pos, gap_end)
            self._cue.insert(pos, cue)
            pos += 1
            a = gap_end

    def shown(self) -> list[int]:
        """Indices of the cues that some frame shows, in order."""
        return sorted(set(self._cue))

    def cue_at(self, frame: int) -> int | None:
        """The cue shown at ``frame``, or None."""
        pos = bisect_right(self._starts, frame) - 1
        if pos >= 0 and frame < self._ends[pos]:
            return self._cue[pos]
        return None


def _first_frame(t: float, fps: float) -> int:
    """The first frame index k with ``k / fps >= t`` (the test ``Animated.visible`` makes)."""
    k = max(0, math.ceil(t * fps))
    while k > 0 and (k - 1) / fps >= t:
        k -= 1
    while k / fps < t:
        k += 1
    return k
