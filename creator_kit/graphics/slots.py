"""Automatic placement: named slots inside the safe zone every platform leaves free.

A layer placed by slot also keeps clear of faces when the render knows where they are
(:attr:`~creator_kit.graphics.context.DrawContext.faces_at`), and of the layers placed before
it: of its own slot and the same side's other places (top, bottom, middle of the safe zone)
it takes the first that covers nothing over the layer's time, or the one that covers least.
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
    zone = zone or common_safe_zone()
    if language == "ar":
        zone = zone.mirrored()
    cw, ch = size
    sx, sy = cw / _REFERENCE[0], ch / _REFERENCE[1]
    inset = 0.02 * cw
    left, right = zone.left * sx + inset, cw - zone.right * sx - inset
    top, bottom = zone.top * sy + inset, ch - zone.bottom * sy - inset
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
_SAMPLES_PER_SECOND = 5.0


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
            out.append(slot_placement(cast(Slot, f"{v}-{side}" if side else v), language,
                                      size, zone))
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


def face_overlap(rect: Box, avoid: Avoid, start: float, end: float) -> float:
    """How much ``rect`` covers what it should avoid over ``start``..``end``: the weighted,
    summed covered fraction of each box, at a few moments a second (0: it never does)."""
    if end <= start:
        return 0.0
    count = max(2, int(math.ceil((end - start) * _SAMPLES_PER_SECOND)) + 1)
    times = np.linspace(start, end, count, endpoint=False)
    return sum(_covered(rect, avoid(float(t))) for t in times) / count


def least_covering(
    rects: Sequence[Box], avoid: Avoid | None, start: float, end: float
) -> int:
    """Index of the first of ``rects`` that covers nothing to avoid over the span, else of
    the one that covers least (the first when there is nothing to avoid)."""
    if avoid is None or len(rects) <= 1:
        return 0
    costs = []
    for i, rect in enumerate(rects):
        cost = face_overlap(rect, avoid, start, end)
        if cost == 0.0:
            return i
        costs.append(cost)
    return int(np.argmin(costs))


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
    # Least total cost of being at place i at sample k, and where the caption was before.
    total = cover[0].copy()
    back = np.zeros((n, m), dtype=int)
    for k in range(1, n):
        stay = total
        move = total.min() + _MOVE
        came = int(np.argmin(total))
        back[k] = np.where(stay <= move, np.arange(m), came)
        total = np.minimum(stay, move) + cover[k]
    path = [int(np.argmin(total))]
    for k in range(n - 1, 0, -1):
        path.append(int(back[k, path[-1]]))
    path.reverse()
    first = path[0]
    changes: list[tuple[float, float, float]] = [(start, 0.0, 0.0)]
    for k in range(1, n):
        if path[k] != path[k - 1]:
            # Gone from the old place when sample k starts, faded in at the new one after.
            when = max(start, float(times[k]) - _SWAP / 2)
            dx = rects[path[k]][0] - rects[first][0]
            dy = rects[path[k]][1] - rects[first][1]
            changes.append((when, dx, dy))
    return first, Route(tuple(changes), _SWAP)


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


def clear_of_faces(
    slot: Slot, language: Language, image: RGBA, anim: Animated, ctx: DrawContext
) -> tuple[Placement, Route]:
    """Where a sticker or card drawn as ``image`` and shown over ``anim``'s span starts, and
    how it moves to keep clear of faces: see :func:`plan_route`."""
    zone = ctx.profile.safe_zone if ctx.profile is not None else None
    options = slot_options(slot, language, ctx.size, zone)
    h, w = image.shape[:2]
    rects: list[Box] = []
    for p in options:
        x, y = place(p, w, h, ctx.size)
        rects.append((x, y, x + w, y + h))
    first, route = plan_route(rects, avoidance(ctx), anim.start, anim.end)
    base = rects[first]

    def where(t: float) -> Box | None:
        if not anim.visible(t):
            return None
        dx, dy, _fade = route.at(t)
        return (base[0] + dx, base[1] + dy, base[2] + dx, base[3] + dy)

    ctx.taken.append(where)  # the layers placed after this one keep clear of it
    return options[first], route
