"""The pictograms drawn inside stickers and tip cards (mask, hands, distance, crowd...).

Each icon is a function drawing into a :class:`~creator_kit.graphics.drawing.Canvas` square
at (x, y) of side ``s`` with an ``ink`` and a ``detail`` colour; :data:`ICONS` names them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from creator_kit.graphics.drawing import ALERT, Canvas, Colour

IconFn = Callable[[Canvas, float, float, float, Colour, Colour], None]


def _person(c: Canvas, cx: float, top: float, s: float, ink: Colour) -> None:
    """A simple person pictogram ``s`` tall with its head's top at ``top``."""
    c.ellipse(cx, top + 0.17 * s, 0.17 * s, fill=ink)
    c.rect(cx - 0.26 * s, top + 0.4 * s, cx + 0.26 * s, top + s, ink, radius=0.2 * s)


def _icon_mask(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A surgical mask seen from the front: pleated body and ear loops."""

    def body(u: float, top: bool) -> float:
        # Top edge rises in the middle (over the nose), bottom edge dips (under the chin).
        bump = 0.07 * math.cos(math.pi * (u - 0.5))
        return y + s * ((0.3 - bump) if top else (0.7 + bump))

    us = np.linspace(0.2, 0.8, 24)
    pts = [(x + s * u, body(u, True)) for u in us] + [(x + s * u, body(u, False)) for u in us[::-1]]
    for side in (-1, 1):
        cx = x + s * (0.5 + side * 0.3)
        c.arc(
            cx,
            y + 0.5 * s,
            0.13 * s,
            0.17 * s,
            -90 if side > 0 else 90,
            90 if side > 0 else 270,
            ink,
            0.045 * s,
        )
    c.polygon(pts, ink)
    for k in range(3):
        yy = y + s * (0.42 + 0.09 * k)
        c.line([(x + 0.27 * s, yy), (x + 0.73 * s, yy)], detail, 0.03 * s)


def _icon_face_mask(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A round face wearing a mask over nose and mouth."""
    cx, cy, r = x + 0.5 * s, y + 0.5 * s, 0.4 * s
    c.ellipse(cx, cy, r, fill=ink)
    for side in (-1, 1):
        c.ellipse(cx + side * 0.15 * s, cy - 0.1 * s, 0.045 * s, 0.06 * s, fill=detail)
    mask_top, mask_bot = cy + 0.0 * s, cy + 0.3 * s
    us = np.linspace(-0.27, 0.27, 20)
    pts = [(cx + s * u, mask_top - 0.04 * s * math.cos(math.pi * u / 0.54)) for u in us] + [
        (cx + s * u, mask_bot + 0.05 * s * math.cos(math.pi * u / 0.54)) for u in us[::-1]
    ]
    c.polygon(pts, detail)
    for side in (-1, 1):
        c.line(
            [(cx + side * 0.27 * s, mask_top + 0.03 * s), (cx + side * 0.39 * s, cy - 0.08 * s)],
            detail,
            0.03 * s,
        )
        c.line(
            [(cx + side * 0.27 * s, mask_bot - 0.02 * s), (cx + side * 0.38 * s, cy + 0.16 * s)],
            detail,
            0.03 * s,
        )
    for k in range(2):
        yy = mask_top + (0.1 + 0.1 * k) * s
        c.line([(cx - 0.2 * s, yy), (cx + 0.2 * s, yy)], ink, 0.022 * s)


def _icon_hands(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """An open hand with soap bubbles and two water drops."""
    px, py = x + 0.3 * s, y + 0.36 * s
    c.rect(px, py + 0.08 * s, px + 0.42 * s, py + 0.56 * s, ink, radius=0.13 * s)
    for k, top in enumerate((-0.18, -0.25, -0.22, -0.12)):
        fx = px + k * 0.112 * s
        c.rect(fx, py + top * s, fx + 0.085 * s, py + 0.22 * s, ink, radius=0.0425 * s)
    # Thumb, angled out from the palm's side.
    c.line([(px + 0.04 * s, py + 0.4 * s), (px - 0.13 * s, py + 0.18 * s)], ink, 0.095 * s)
    bubbles = ((0.16, 0.22, 0.07), (0.86, 0.42, 0.08), (0.84, 0.2, 0.05), (0.14, 0.7, 0.055))
    for bx, by, br in bubbles:
        c.ellipse(x + bx * s, y + by * s, br * s, outline=ink, width=0.025 * s)
    for dx, dy in ((0.66, 0.1), (0.76, 0.02)):
        cx, cy, r = x + dx * s, y + dy * s, 0.035 * s
        tip = [(cx, cy - 2.2 * r), (cx - r * 0.95, cy - 0.3 * r), (cx + r * 0.95, cy - 0.3 * r)]
        c.polygon(tip, detail)
        c.ellipse(cx, cy, r, fill=detail)


def _icon_distance(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """Two people with a double-headed arrow between them."""
    _person(c, x + 0.14 * s, y + 0.28 * s, 0.5 * s, ink)
    _person(c, x + 0.86 * s, y + 0.28 * s, 0.5 * s, ink)
    ay = y + 0.56 * s
    x0, x1 = x + 0.3 * s, x + 0.7 * s
    c.line([(x0 + 0.05 * s, ay), (x1 - 0.05 * s, ay)], detail, 0.045 * s)
    h = 0.08 * s
    c.polygon([(x0, ay), (x0 + 1.2 * h, ay - h), (x0 + 1.2 * h, ay + h)], detail)
    c.polygon([(x1, ay), (x1 - 1.2 * h, ay - h), (x1 - 1.2 * h, ay + h)], detail)


def _icon_crowd(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A small crowd, crossed out."""
    del detail
    for dx, top, hs in ((0.3, 0.3, 0.42), (0.7, 0.3, 0.42), (0.5, 0.24, 0.5)):
        _person(c, x + dx * s, y + top * s, hs * s, ink)
    cx, cy, r = x + 0.5 * s, y + 0.5 * s, 0.42 * s
    c.ellipse(cx, cy, r, outline=ALERT, width=0.075 * s)
    d = r * math.cos(math.pi / 4)
    c.line([(cx - d, cy - d), (cx + d, cy + d)], ALERT, 0.075 * s)


def _heart_points(cx: float, cy: float, s: float) -> list[tuple[float, float]]:
    pts = []
    for t in np.linspace(0, 2 * math.pi, 120, endpoint=False):
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((cx + hx / 34 * s, cy - hy / 34 * s))
    return pts


def _icon_heart(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A heart with a medical cross."""
    c.polygon(_heart_points(x + 0.5 * s, y + 0.52 * s, 0.9 * s), ink)
    cx, cy, a, b = x + 0.5 * s, y + 0.47 * s, 0.06 * s, 0.17 * s
    c.rect(cx - a, cy - b, cx + a, cy + b, detail, radius=0.02 * s)
    c.rect(cx - b, cy - a, cx + b, cy + a, detail, radius=0.02 * s)


def _icon_shield(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A shield with a tick."""
    cx = x + 0.5 * s
    top, bottom = y + 0.1 * s, y + 0.92 * s
    side = [(cx + 0.34 * s, top + 0.1 * s), (cx + 0.34 * s, top + 0.42 * s)]
    curve = [
        (cx + 0.34 * s * math.cos(a), top + 0.42 * s + (bottom - top - 0.42 * s) * math.sin(a))
        for a in np.linspace(0, math.pi / 2, 16)
    ]
    right = [(cx, top)] + side + curve
    left = [(2 * cx - px, py) for px, py in reversed(right)]
    c.polygon(right + left, ink)
    c.line(
        [
            (cx - 0.15 * s, y + 0.5 * s),
            (cx - 0.03 * s, y + 0.62 * s),
            (cx + 0.17 * s, y + 0.38 * s),
        ],
        detail,
        0.07 * s,
    )


def _icon_together(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """Three people side by side, arms linked, under a heart."""
    for dx in (0.2, 0.5, 0.8):
        _person(c, x + dx * s, y + 0.42 * s, 0.5 * s, ink)
    c.rect(x + 0.15 * s, y + 0.7 * s, x + 0.85 * s, y + 0.76 * s, ink, radius=0.03 * s)
    c.polygon(_heart_points(x + 0.5 * s, y + 0.2 * s, 0.3 * s), detail)


def _icon_dispose(c: Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A mask dropping into a closed bin."""
    _icon_mask(c, x + 0.02 * s, y - 0.08 * s, 0.55 * s, ink, detail)
    bx0, bx1, by0, by1 = x + 0.5 * s, x + 0.9 * s, y + 0.5 * s, y + 0.95 * s
    c.rect(bx0 - 0.03 * s, by0 - 0.07 * s, bx1 + 0.03 * s, by0 - 0.01 * s, ink, radius=0.02 * s)
    c.rect(bx0 + 0.12 * s, by0 - 0.11 * s, bx1 - 0.12 * s, by0 - 0.06 * s, ink, radius=0.02 * s)
    c.polygon([(bx0, by0), (bx1, by0), (bx1 - 0.04 * s, by1), (bx0 + 0.04 * s, by1)], ink)
    for k in range(3):
        xx = bx0 + (0.1 + 0.1 * k) * s
        c.line([(xx, by0 + 0.08 * s), (xx, by1 - 0.08 * s)], detail, 0.025 * s)
    # A curved arrow from the mask down into the bin.
    c.arc(x + 0.56 * s, y + 0.5 * s, 0.22 * s, 0.2 * s, 190, 265, ink, 0.045 * s)
    ax, ay = x + 0.56 * s, y + 0.3 * s
    c.polygon(
        [(ax + 0.1 * s, ay), (ax - 0.01 * s, ay - 0.07 * s), (ax - 0.01 * s, ay + 0.07 * s)], ink
    )


ICONS: dict[str, IconFn] = {
    "mask": _icon_mask,
    "face-mask": _icon_face_mask,
    "hands": _icon_hands,
    "distance": _icon_distance,
    "crowd": _icon_crowd,
    "heart": _icon_heart,
    "shield": _icon_shield,
    "together": _icon_together,
    "dispose": _icon_dispose,
}
