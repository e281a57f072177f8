"""Automatic placement: named slots inside the safe zone every platform leaves free.

A layer placed by slot also keeps clear of faces when the render knows where they are
(:attr:`~creator_kit.graphics.context.DrawContext.faces_at`), and of the layers placed before
it: of its own slot and the same side's other places (top, bottom, middle of the safe zone)
it takes the first that covers nothing over the layer's time, or the one that covers least.
A sticker or card that finds no place clear of a face's eyes, nose and mouth is drawn
smaller, in the largest free place of the safe zone (:func:`fit_clear_of_faces`), and its
entrance and exit are kept from crossing a face (:func:`calm_motion`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

import numpy as np

from creator_kit.core.frames import RGBA, Sprite
from creator_kit.core.model import Anchor, Language, Placement, Slot
from creator_kit.core.presets import PROFILES, ExportProfile, SafeZone
from creator_kit.graphics.animation import Animated, place
from creator_kit.graphics.context import Box, DrawContext

_REFERENCE = (1080, 1920)


def common_safe_zone() -> SafeZone:
    """The bands that any platform preset covers (the union of their interface bands), LTR."""
    zones = [p.safe_zone for p in PROFILES.values()]
    return SafeZone(
        top=max(z.top for z in zones),
        bottom=max(z.bottom for z in zones),
        left=max(z.left for z in zones),
        right=max(z.right for z in zones),
    )


def slot_placement(
    slot: Slot, language: Language, size: tuple[int, int], zone: SafeZone | None = None
) -> Placement:
    """Where ``slot`` is inside ``zone`` (default :func:`common_safe_zone`), mirrored for Arabic.

    Arabic videos are mostly watched in an Arabic interface, where the apps mirror their
    button column to the left edge, so the zone is mirrored with the layer's language.
    """
    cw, ch = size
    left, top, right, bottom = zone_box(language, size, zone)
    vertical, _, side = slot.partition("-")
    if vertical == "center":
        vertical, side = "center", ""
    rtl = language == "ar"
    if side == "start":
        side = "right" if rtl else "left"
    elif side == "end":
        side = "left" if rtl else "right"
    x = {"left": left, "right": right}.get(side, (left + right) / 2)
    y = {"top": top, "bottom": bottom}.get(vertical, (top + bottom) / 2)
    anchor_v = {"top": "top", "bottom": "bottom"}.get(vertical, "")
    anchor = "-".join(a for a in (anchor_v, side) if a) or "center"
    # The anchor is assembled from the slot's parts, always one of the Anchor names.
    return Placement(x=x / cw, y=y / ch, anchor=cast(Anchor, anchor))


def zone_box(language: Language, size: tuple[int, int], zone: SafeZone | None = None) -> Box:
    """The part of ``zone`` (default :func:`common_safe_zone`) that slots fill, in canvas
    pixels (x1, y1, x2, y2): the zone less a small inset, mirrored for Arabic."""
    zone = zone or common_safe_zone()
    if language == "ar":
        zone = zone.mirrored()
    cw, ch = size
    sx, sy = cw / _REFERENCE[0], ch / _REFERENCE[1]
    inset = 0.02 * cw
    return (
        zone.left * sx + inset,
        zone.top * sy + inset,
        cw - zone.right * sx - inset,
        ch - zone.bottom * sy - inset,
    )


def layer_geometry(
    placement: Placement | None,
    slot: Slot,
    language: Language,
    width: float,
    size: tuple[int, int],
    profile: ExportProfile | None,
) -> tuple[Placement, int]:
    """Placement and pixel width of a sticker or card: its own placement, else its slot."""
    if placement is None:
        zone = profile.safe_zone if profile is not None else None
        return slot_placement(slot, language, size, zone), max(8, round(width * size[0]))
    w = placement.width if placement.width is not None else width
    return placement, max(8, round(w * size[0]))


# ------------------------------------------------------------------ keeping clear of faces

_VERTICALS = ("top", "bottom", "center")


def slot_options(
    slot: Slot, language: Language, size: tuple[int, int], zone: SafeZone | None = None
) -> list[Placement]:
    """``slot``'s placement, then the same side's other places (top, bottom, middle).

    The middle keeps the side of a corner slot (a top-end sticker may move to the middle of
    the end edge), so a layer that moves stays clear of the other column of the safe zone.
    """
    vertical, _, side = slot.partition("-")
    out = [slot_placement(slot, language, size, zone)]
    for v in _VERTICALS:
        if v == vertical:
            continue
        if v == "center":
            if side:
                top = slot_placement(cast(Slot, f"top-{side}"), language, size, zone)
                mid = slot_placement("center", language, size, zone)
                anchor = top.anchor.removeprefix("top-")
                out.append(Placement(x=top.x, y=mid.y, anchor=cast(Anchor, anchor)))
            else:
                out.append(slot_placement("center", language, size, zone))
        else:
            out.append(
                slot_placement(cast(Slot, f"{v}-{side}" if side else v), language, size, zone)
            )
    return out


class Keep(NamedTuple):
    """A box a slot-placed layer keeps clear of, and how bad covering it is.

    A face's boxes count the share of the face covered. Another layer's box (``layer``)
    counts the share of the smaller of the two boxes that overlaps: a caption laid across
    a card hides the whole caption's worth of the card, however large the card is.
    """

    box: Box
    weight: float
    layer: bool = False


# Timeline time -> what a layer should keep clear of then. The middle of a face (eyes, nose,
# mouth) weighs most, the layers placed before less, and the face's edges (hair, forehead,
# chin, with a margin) least: a layer that finds no free place sits on a hairline before it
# hides another layer, and on another layer before it covers a face's features.
Avoid = Callable[[float], Sequence[Keep]]
_FACE_INNER = 1.0
_OTHER_LAYER = 0.5
_FACE_EDGE = 0.3


def avoidance(ctx: DrawContext) -> Avoid:
    """What slot-placed layers keep clear of on ``ctx``: its faces (none when the render
    knows none), then the layers placed so far (:attr:`DrawContext.taken`). Without faces a
    layer keeps its own slot unless a layer placed before it is there."""
    faces_at, taken = ctx.faces_at, ctx.taken

    def avoid(t: float) -> list[Keep]:
        out = []
        for x1, y1, x2, y2 in faces_at(t) if faces_at is not None else ():
            w, h = x2 - x1, y2 - y1
            # The face with its hair and a margin must stay clear; where no place is, cover
            # the edges (forehead, chin, cheeks) before eyes, nose and mouth.
            edge = (x1 - 0.1 * w, y1 - 0.25 * h, x2 + 0.1 * w, y2 + 0.05 * h)
            out.append(Keep(edge, _FACE_EDGE))
            out.append(Keep(face_inner_box((x1, y1, x2, y2)), _FACE_INNER))
        for where in taken:
            box = where(t)
            if box is not None:
                out.append(Keep(box, _OTHER_LAYER, layer=True))
        return out

    return avoid


def face_inner_box(face: Box) -> Box:
    """The part of a detected face box that holds the eyes, nose and mouth."""
    x1, y1, x2, y2 = face
    w, h = x2 - x1, y2 - y1
    return (x1 + 0.15 * w, y1 + 0.2 * h, x2 - 0.15 * w, y2 - 0.1 * h)


@dataclass(frozen=True)
class Route:
    """Where a slot-placed layer sits over time, as pixel offsets from its first place.

    ``changes`` lists ``(time, dx, dy)``: at ``time`` the layer fades out where it is and
    fades in at that offset, over ``swap`` seconds. It does not glide: a face and a card
    that trade places would cross on the way. The first entry is where it starts.
    """

    changes: tuple[tuple[float, float, float], ...] = ((0.0, 0.0, 0.0),)
    swap: float = 0.3

    @property
    def still(self) -> bool:
        """True when the layer never leaves its first place."""
        return len(self.changes) == 1

    def at(self, t: float) -> tuple[int, int, float]:
        """Offset (dx, dy) and opacity factor of the layer at ``t``."""
        _, dx, dy = self.changes[0]
        for time, nx, ny in self.changes[1:]:
            if t < time:
                break
            half = self.swap / 2
            if t < time + half:  # fading out at the old place
                return int(round(dx)), int(round(dy)), 1.0 - (t - time) / half
            dx, dy = nx, ny
            if t < time + self.swap:  # fading in at the new one
                return int(round(dx)), int(round(dy)), (t - time - half) / half
        return int(round(dx)), int(round(dy)), 1.0

    def apply(self, sprite: Sprite | None, t: float) -> Sprite | None:
        """``sprite`` at its place and opacity at ``t`` (the same sprite when it never moves)."""
        if sprite is None or self.still:
            return sprite
        dx, dy, fade = self.at(t)
        if fade <= 0.003:
            return None
        return dataclasses.replace(
            sprite, x=sprite.x + dx, y=sprite.y + dy, opacity=sprite.opacity * fade
        )


_STEP = 0.1  # seconds between the moments a route is checked at
_SWAP = 0.3  # seconds a layer takes to move to another place (fade out, fade in)


def plan_route(
    rects: Sequence[Box], avoid: Avoid | None, start: float, end: float
) -> tuple[int, Route]:
    """Which of ``rects`` (places of one layer, its own first) to start in, and its route.

    The layer starts in the place that stays clear of faces longest (its own slot when that
    is clear throughout); when a face is about to come under it, it fades over to the
    place that then stays clear longest, gone from the old place before the face arrives.
    Where every place covers a face, it takes the one covering least.
    """
    if avoid is None or len(rects) <= 1 or end <= start:
        return 0, Route()
    times = np.arange(start, end, _STEP)
    cover = np.zeros((len(times), len(rects)))
    for k, t in enumerate(times.tolist()):
        boxes = avoid(t)
        for i, rect in enumerate(rects):
            cover[k, i] = _covered(rect, boxes)
    n = len(times)
    # free[k, i]: how many samples from k on place i covers no face.
    free = np.zeros((n + 1, len(rects)), dtype=int)
    for k in range(n - 1, -1, -1):
        free[k] = np.where(cover[k] == 0, free[k + 1] + 1, 0)

    def best(k: int) -> int:
        # Longest clear run first, then least covering now, then the earlier option.
        order = sorted(range(len(rects)), key=lambda i: (-free[k, i], cover[k, i], i))
        return order[0]

    current = best(0)
    first = current
    # A move is decided this many samples before a face reaches the layer, so it has faded
    # out before the face arrives; the new place is judged from when it fades in there.
    ahead = int(math.ceil(_SWAP / _STEP))
    half = int(math.ceil(_SWAP / 2 / _STEP))
    changes: list[tuple[float, float, float]] = [(start, 0.0, 0.0)]
    last_move = -math.inf
    for k in range(1, n):
        if not cover[k : k + ahead + 1, current].any():
            continue
        when = float(times[k])
        if when < last_move + _SWAP:
            continue
        j = min(k + half, n - 1)
        new = best(j)
        better = free[j, new] > free[j, current] or cover[j, new] < cover[j, current]
        if new == current or not better:
            continue
        dx = rects[new][0] - rects[first][0]
        dy = rects[new][1] - rects[first][1]
        changes.append((when, dx, dy))
        current, last_move = new, when
    return first, Route(tuple(changes), _SWAP)


# What a move costs a caption, in the units of the route's cost (a covered share times its
# weight, at each _STEP): as much as lying across a whole other layer for 0.12 s. A caption
# makes way for any overlay that stays more than a moment (there and back costs two moves),
# but not for a hairline under it for a second or two.
_MOVE = 0.6


def steady_route(
    rects: Sequence[Box], avoid: Avoid | None, start: float, end: float
) -> tuple[int, Route]:
    """Which of ``rects`` (places of one caption, the preferred first) to start in, and its
    route: the places over time that cover least in all (faces, layers placed before), each
    move costing :data:`_MOVE`. A caption stays where it is unless a layer or a face would
    sit under it long enough to be worth a move; where nothing is ever covered it keeps the
    first place clear throughout. A move fades out before the new arrival comes."""
    if avoid is None or len(rects) <= 1 or end <= start:
        return 0, Route()
    times = np.arange(start, end, _STEP)
    n, m = len(times), len(rects)
    cover = np.zeros((n, m))
    for k, t in enumerate(times.tolist()):
        boxes = avoid(t)
        for i, rect in enumerate(rects):
            cover[k, i] = _covered(rect, boxes)
    # Ties go to the earlier place (the preferred ones come first).
    cover += np.arange(m) * 1e-6
    path = _dwelling_path(cover, _MOVE, 1)
    return path[0], _route_along(path, rects, times, start)


def _dwelling_path(cost: np.ndarray, move: float, dwell: int) -> list[int]:
    """The place at each sample (row of ``cost``, one column a place) of least total cost,
    each change of place costing ``move`` and a layer that moves staying at least ``dwell``
    samples at its new place (it never hops on within a moment)."""
    n, m = cost.shape
    dwell = max(1, min(dwell, n))
    cum = np.vstack([np.zeros((1, m)), np.cumsum(cost, axis=0)])  # cum[k]: samples < k
    total = np.zeros((n, m))
    came = np.full((n, m), -1, dtype=int)  # -1: stayed; else the place moved from
    total[:dwell] = cum[1 : dwell + 1]
    for k in range(dwell, n):
        stay = total[k - 1] + cost[k]
        # Arrived at sample k - dwell + 1, there since: from the best place before.
        before = total[k - dwell]
        j = int(np.argmin(before))
        arrive = before[j] + move + cum[k + 1] - cum[k - dwell + 1]
        moved = arrive < stay
        total[k] = np.where(moved, arrive, stay)
        came[k] = np.where(moved, j, -1)
    path = [0] * n
    k, i = n - 1, int(np.argmin(total[-1]))
    while k >= 0:
        if k < dwell or came[k, i] < 0:
            path[k] = i
            k -= 1
        else:
            for q in range(k - dwell + 1, k + 1):
                path[q] = i
            k, i = k - dwell, int(came[k, i])
    return path


def _route_along(
    path: Sequence[int], rects: Sequence[Box], times: np.ndarray, start: float
) -> Route:
    """The route through ``rects[path[k]]`` from ``times[k]`` on (offsets from the first)."""
    first = path[0]
    changes: list[tuple[float, float, float]] = [(start, 0.0, 0.0)]
    for k in range(1, len(path)):
        if path[k] != path[k - 1]:
            # Gone from the old place when sample k starts, faded in at the new one after.
            when = max(start, float(times[k]) - _SWAP / 2)
            dx = rects[path[k]][0] - rects[first][0]
            dy = rects[path[k]][1] - rects[first][1]
            changes.append((when, dx, dy))
    return Route(tuple(changes), _SWAP)


def _covered(rect: Box, boxes: Sequence[Keep]) -> float:
    """Weighted sum of the covered share of each box (of the smaller box, for a layer)."""
    total = 0.0
    area = max((rect[2] - rect[0]) * (rect[3] - rect[1]), 1.0)
    for (fx1, fy1, fx2, fy2), weight, layer in boxes:
        iw = min(rect[2], fx2) - max(rect[0], fx1)
        ih = min(rect[3], fy2) - max(rect[1], fy1)
        if iw > 0 and ih > 0:
            other = max((fx2 - fx1) * (fy2 - fy1), 1.0)
            total += weight * iw * ih / (min(other, area) if layer else other)
    return total


# ------------------------------------------------------------------ smaller where no place is free

# The smallest a layer placed by slot is drawn to find a free place, as a share of its own
# width: a tip card's steps stay readable (about 20 px letters on a 1080 px wide canvas).
MIN_SCALE = 0.6
_SCALE_STEP = 0.025
# Costs of a scaled layer's route, per _STEP (see _scaled_route): a frame over a face's eyes,
# nose and mouth or over a layer placed before; a move (fade out, fade in); and being a
# zone's height away from the layer's own slot.
_HIT = 10.0
_FIT_MOVE = 2.0
_AWAY = 0.02
_DWELL = 1.0  # seconds a scaled layer that moves stays at least at its new place
_MAX_FRAMES = 2000  # a long span is checked at fewer moments than its frames
# Room kept around a face's eyes, nose and mouth by a place counted free, as a share of the
# inner box's size.
_ROOM = 0.03


@dataclass(frozen=True)
class Fit:
    """Where a sticker or card placed by slot is drawn, how large, and how it moves:
    see :func:`fit_clear_of_faces`."""

    placement: Placement
    route: Route
    scale: float  # the layer's size as a share of its own
    image: RGBA  # the layer drawn at that size
    anim: Animated  # its timing, at ``placement``, with an entrance that crosses no face


class _Scene:
    """What a layer keeps clear of at each frame of its span, as padded arrays.

    ``hard`` (frames x boxes x 4) are faces' eyes, nose and mouth (with a little room, see
    :func:`_grown`) and the layers placed before, which a place must not touch to count as
    free; ``tight`` the same without the room; ``soft`` the faces' edges, which a free place
    should rather not cover either. Weights are zero for padding.
    """

    def __init__(self, avoid: Avoid, start: float, end: float, fps: float, image: RGBA) -> None:
        # What of a layer's box its pixels fill (not its shadow's clear margin), as shares
        # of its width and height from each side: only that counts as covering.
        ys, xs = np.nonzero(image[..., 3] > 32)
        h, w = image.shape[:2]
        if len(xs):
            self.inset = np.array(
                [xs.min() / w, ys.min() / h, (w - 1 - xs.max()) / w, (h - 1 - ys.max()) / h]
            )
        else:
            self.inset = np.zeros(4)
        dt = max(1.0 / fps, (end - start) / _MAX_FRAMES)
        self.times = start + np.arange(0.0, end - start, dt)
        tight: list[list[Keep]] = []
        soft: list[list[Keep]] = []
        for t in self.times.tolist():
            keeps = avoid(t)
            tight.append([k for k in keeps if k.layer or k.weight >= _FACE_INNER])
            soft.append([k for k in keeps if not (k.layer or k.weight >= _FACE_INNER)])
        hard = [[k if k.layer else _grown(k) for k in row] for row in tight]
        self.hard, self.hard_w, self.hard_layer = _pad(hard)
        self.tight, self.tight_w, self.tight_layer = _pad(tight)
        self.soft, self.soft_w, self.soft_layer = _pad(soft)
        self.window = ((self.times - start) / _STEP).astype(int)

    def touches(self, base: Box, route: Route) -> int:
        """Frames at which a layer at ``base`` following ``route`` touches a face's eyes,
        nose and mouth (without room) or a layer placed before."""
        rects, shown = _route_rects(base, route, self.times)
        hit, _ = _cover(self.visible(rects), self.tight, self.tight_w, self.tight_layer)
        return int((hit[:, 0] & shown).sum())

    def visible(self, rects: np.ndarray) -> np.ndarray:
        """``rects`` (layer boxes, x1 y1 x2 y2 last) shrunk to what the layer's pixels fill."""
        w = rects[..., 2] - rects[..., 0]
        h = rects[..., 3] - rects[..., 1]
        il, it, ir, ib = self.inset.tolist()
        return np.stack(
            [
                rects[..., 0] + il * w,
                rects[..., 1] + it * h,
                rects[..., 2] - ir * w,
                rects[..., 3] - ib * h,
            ],
            axis=-1,
        )

    def hits(self, rects: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For ``rects`` (frames x places x 4, or places x 4 the same at every frame): at
        each frame and place, whether it touches a hard box, the weighted share of the hard
        boxes covered, and that of the soft ones."""
        rects = self.visible(rects)
        if rects.ndim == 2:
            rects = np.broadcast_to(rects, (len(self.times), *rects.shape))
        hit, hard = _cover(rects, self.hard, self.hard_w, self.hard_layer)
        _, soft = _cover(rects, self.soft, self.soft_w, self.soft_layer)
        return hit, hard, soft


def _grown(keep: Keep) -> Keep:
    """A face's inner box with a little room around it: a layer placed next to it leaves a
    gap, and a detector's box a few pixels off the face still finds the layer clear."""
    x1, y1, x2, y2 = keep.box
    m = _ROOM * max(x2 - x1, y2 - y1)
    return keep._replace(box=(x1 - m, y1 - m, x2 + m, y2 + m))


def _pad(keeps: list[list[Keep]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = max((len(k) for k in keeps), default=0) or 1
    boxes = np.zeros((len(keeps), m, 4))
    weights = np.zeros((len(keeps), m))
    layer = np.zeros((len(keeps), m), dtype=bool)
    for k, row in enumerate(keeps):
        for j, keep in enumerate(row):
            boxes[k, j] = keep.box
            weights[k, j] = keep.weight
            layer[k, j] = keep.layer
    return boxes, weights, layer


def _cover(
    rects: np.ndarray, boxes: np.ndarray, weights: np.ndarray, layer: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_covered` (frames x places), and whether anything is touched."""
    r = rects[:, :, None, :]  # frames, places, 1, 4
    b = boxes[:, None, :, :]  # frames, 1, boxes, 4
    iw = np.minimum(r[..., 2], b[..., 2]) - np.maximum(r[..., 0], b[..., 0])
    ih = np.minimum(r[..., 3], b[..., 3]) - np.maximum(r[..., 1], b[..., 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    area = np.maximum((r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1]), 1.0)
    other = np.maximum((b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]), 1.0)
    denom = np.where(layer[:, None, :], np.minimum(other, area), other)
    w = weights[:, None, :]
    touched = ((inter > 0) & (w > 0)).any(axis=2)
    return touched, (w * inter / denom).sum(axis=2)


def _route_rects(base: Box, route: Route, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a layer at ``base`` following ``route`` is at each of ``times`` (frames x 1 x
    4), and whether it is drawn then."""
    out = np.zeros((len(times), 1, 4))
    shown = np.ones(len(times), dtype=bool)
    for k, t in enumerate(times.tolist()):
        dx, dy, fade = route.at(t)
        out[k, 0] = (base[0] + dx, base[1] + dy, base[2] + dx, base[3] + dy)
        shown[k] = fade > 0.003
    return out, shown


def _route_hits(scene: _Scene, base: Box, route: Route) -> tuple[int, float]:
    """Frames at which a layer at ``base`` following ``route`` touches what it must not,
    and how much it covers in all."""
    rects, shown = _route_rects(base, route, scene.times)
    hit, hard, _soft = scene.hits(rects)
    return int((hit[:, 0] & shown).sum()), float((hard[:, 0] * shown).sum())


def _scaled_route(
    scene: _Scene, w: int, h: int, own: Box, zone: Box, start: float
) -> tuple[int, float, Box, Route]:
    """The best route of a ``w`` x ``h`` layer through places of ``zone`` (a grid, its own
    slot's alignment first): the frames and cover it touches (see :func:`_route_hits`), its
    first place and route. Each place costs a frame's worth over a face or layer heavily,
    a face's edges by their share, and its distance from ``own`` (the full-size slot place)
    a little; a move costs :data:`_FIT_MOVE`."""
    zx1, zy1, zx2, zy2 = zone
    ox = (own[0] + own[2]) / 2 - w / 2  # the slot's own alignment, at the smaller size
    if own[0] <= zx1 + 1:
        ox = zx1
    elif own[2] >= zx2 - 1:
        ox = zx2 - w
    xs = [ox, zx1, (zx1 + zx2 - w) / 2, zx2 - w] if w < zx2 - zx1 else [(zx1 + zx2 - w) / 2]
    oy = min(max(own[1], zy1), zy2 - h)
    step = max(4.0, (zy2 - zy1) / 80)
    ys = [oy, *np.arange(zy1, max(zy1, zy2 - h) + 0.5, step).tolist(), max(zy1, zy2 - h)]
    places = list(dict.fromkeys((round(x), round(y)) for y in ys for x in xs))
    rects = np.array([(x, y, x + w, y + h) for x, y in places], dtype=float)
    hit, hard, soft = scene.hits(rects)
    n = int(scene.window.max()) + 1
    cost = np.zeros((n, len(places)))
    per = np.bincount(scene.window, minlength=n).astype(float)[:, None]
    np.add.at(cost, scene.window, _HIT * (hit + hard) + soft / per[scene.window])
    cx, cy = (own[0] + own[2]) / 2, (own[1] + own[3]) / 2
    away = np.hypot(rects[:, 0] + w / 2 - cx, rects[:, 1] + h / 2 - cy) / max(zy2 - zy1, 1.0)
    cost += _AWAY * away + np.arange(len(places)) * 1e-9
    path = _dwelling_path(cost, _FIT_MOVE, round(_DWELL / _STEP))
    times = start + np.arange(n) * _STEP
    boxes: list[Box] = [(x1, y1, x2, y2) for x1, y1, x2, y2 in rects.tolist()]
    route = _route_along(path, boxes, times, start)
    base = boxes[path[0]]
    frames, covered = _route_hits(scene, base, route)
    return frames, covered, base, route


def fit_clear_of_faces(
    slot: Slot,
    language: Language,
    draw: Callable[[float], RGBA],
    anim: Animated,
    ctx: DrawContext,
) -> Fit:
    """Where and how large a sticker or card placed by slot is drawn, and how it moves.

    ``draw(scale)`` draws the layer at ``scale`` of its own width. At full size it takes its
    slot or moves between the same side's places as :func:`plan_route` decides. When the
    render knows faces and that route would cover a face's eyes, nose and mouth (or a layer
    placed before) at some frame, the layer is drawn smaller, down to :data:`MIN_SCALE`:
    at the largest size (one size for its whole time) for which some place of the safe
    zone, or a route through such places, stays clear of them at every frame. When none
    does, it takes the size and route that touch them at the fewest frames (full size on
    a tie). Its entrance and exit then cross no face either (:func:`calm_motion`).
    """
    zone = ctx.profile.safe_zone if ctx.profile is not None else None
    options = slot_options(slot, language, ctx.size, zone)
    image = draw(1.0)
    h, w = image.shape[:2]
    rects: list[Box] = []
    for p in options:
        x, y = place(p, w, h, ctx.size)
        rects.append((x, y, x + w, y + h))
    avoid = avoidance(ctx)
    first, route = plan_route(rects, avoid, anim.start, anim.end)
    fit = Fit(options[first], route, 1.0, image, anim.placed(options[first]))
    base = rects[first]
    if ctx.faces_at is not None and anim.end > anim.start:
        scene = _Scene(avoid, anim.start, anim.end, ctx.fps or 30.0, image)
        # Only a full-size route that does touch them makes way; the smaller places then
        # keep a little room as well.
        if scene.touches(base, route) > 0:
            best = _route_hits(scene, base, route)
            fit, base = _smaller(scene, fit, base, best, draw, rects[0], language, ctx)
    fit = dataclasses.replace(fit, anim=calm_motion(fit.anim, base, fit.route, ctx))

    def where(t: float, base: Box = base, route: Route = fit.route) -> Box | None:
        if not anim.visible(t):
            return None
        dx, dy, _fade = route.at(t)
        return (base[0] + dx, base[1] + dy, base[2] + dx, base[3] + dy)

    ctx.taken.append(where)  # the layers placed after this one keep clear of it
    return fit


def _smaller(
    scene: _Scene,
    full: Fit,
    full_base: Box,
    full_hits: tuple[int, float],
    draw: Callable[[float], RGBA],
    own: Box,
    language: Language,
    ctx: DrawContext,
) -> tuple[Fit, Box]:
    """The largest scale whose best route touches nothing (see :func:`fit_clear_of_faces`),
    else the scale and route touching least; ``full`` when that is the full-size route."""
    zone = ctx.profile.safe_zone if ctx.profile is not None else None
    zbox = zone_box(language, ctx.size, zone)
    fh, fw = full.image.shape[:2]
    start = full.anim.start
    best: tuple[tuple[int, float, float], Fit, Box] = ((*full_hits, 0.0), full, full_base)

    def drawn(scale: float) -> None:
        """Draw the layer at ``scale``, find its route, and keep it if it is the best."""
        nonlocal best
        image = draw(scale) if scale != 1.0 else full.image
        h, w = image.shape[:2]
        frames, covered, base, route = _scaled_route(scene, w, h, own, zbox, start)
        if (frames, covered, -scale) < best[0]:
            placement = Placement(
                x=base[0] / ctx.size[0], y=base[1] / ctx.size[1], anchor="top-left"
            )
            fit = Fit(placement, route, scale, image, full.anim.placed(placement))
            best = ((frames, covered, -scale), fit, base)

    steps = int(round((1.0 - MIN_SCALE) / _SCALE_STEP))
    estimates: list[tuple[int, float, float]] = []
    for i in range(steps + 1):
        scale = round(1.0 - i * _SCALE_STEP, 4)
        # Cards keep their aspect within a pixel or two when drawn smaller: the size is
        # estimated, and the layer drawn only at a size for which a place looks free.
        w, h = round(fw * scale), math.ceil(fh * scale * 1.01)
        frames, covered, _base, _route = _scaled_route(scene, w, h, own, zbox, start)
        if frames == 0:
            drawn(scale)
            if best[0][0] == 0:
                return best[1], best[2]
        estimates.append((frames, covered, -scale))
    # Nothing is free at any size: the size whose route touches least, if it beats the full
    # size's own route.
    least = min(estimates)
    if least < best[0]:
        drawn(-least[2])
    return best[1], best[2]


def calm_motion(anim: Animated, base: Box, route: Route, ctx: DrawContext) -> Animated:
    """``anim`` with an entrance and exit that cross no face's eyes, nose and mouth: a slide
    whose whole way would cross one travels a half, a quarter or a tenth of it, else turns
    into a fade; a pop that would grow over a face fades instead. ``base`` is the layer's box
    at its first place, ``route`` how it moves from there."""
    faces_at = ctx.faces_at
    if faces_at is None:
        return anim
    span = anim.end - anim.start
    fps = ctx.fps or 30.0
    for which in ("enter", "exit"):
        animation = getattr(anim, which)
        if animation.kind not in ("slide", "pop") or animation.duration <= 0:
            continue
        d = min(animation.duration, span / 2)
        if which == "enter":
            times = np.arange(anim.start, anim.start + d, 1.0 / fps)
        else:
            times = np.arange(anim.end - d, anim.end, 1.0 / fps)
        rects, shown = _route_rects(base, route, times)
        inner = [[face_inner_box(f) for f in faces_at(float(t))] for t in times.tolist()]
        reaches = (1.0, 0.5, 0.25, 0.1) if animation.kind == "slide" else (1.0,)
        for reach in (*reaches, 0.0):
            moved = anim.reaching(which, reach)
            if reach == 0.0 or not _crosses(moved, rects, shown, times, inner, ctx.size):
                anim = moved
                break
    return anim


def _crosses(
    anim: Animated,
    rects: np.ndarray,
    shown: np.ndarray,
    times: np.ndarray,
    inner: list[list[Box]],
    size: tuple[int, int],
) -> bool:
    """True when ``anim`` moves its box (``rects`` at ``times``) over one of ``inner``."""
    for k, t in enumerate(times.tolist()):
        st = anim.state(t, size)
        if not shown[k] or anim.opacity * st.opacity <= 0.003:
            continue
        x1, y1, x2, y2 = rects[k, 0].tolist()
        grow = (st.scale - 1.0) / 2
        gx, gy = (x2 - x1) * grow, (y2 - y1) * grow
        box = (x1 - gx + st.dx, y1 - gy + st.dy, x2 + gx + st.dx, y2 + gy + st.dy)
        for f in inner[k]:
            if min(box[2], f[2]) > max(box[0], f[0]) and min(box[3], f[3]) > max(box[1], f[1]):
                return True
    return False
