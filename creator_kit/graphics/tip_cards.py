"""Animated safety-tip cards: a titled card with an icon whose numbered steps appear in turn.

A :class:`~creator_kit.core.model.TipCardLayer` names an entry of
:data:`~creator_kit.graphics.designs.TIPS`; :func:`draw_tip_parts` lays the card out in its
language and :class:`TipCardSource` reveals the steps over the card's time.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from creator_kit.core.frames import RGBA, Sprite
from creator_kit.core.model import TipCardLayer
from creator_kit.graphics.animation import Animated
from creator_kit.graphics.context import DrawContext
from creator_kit.graphics.designs import TIPS
from creator_kit.graphics.drawing import (
    DARK,
    WHITE,
    Canvas,
    colour_rgba,
    draw_text,
    fit_text,
    mix,
    over,
    put_text,
    with_shadow,
)
from creator_kit.graphics.icons import ICONS
from creator_kit.graphics.slots import Route, clear_of_faces, layer_geometry


@dataclass(frozen=True)
class _Piece:
    image: RGBA
    x: int
    y: int


@dataclass(frozen=True)
class TipCardParts:
    """A tip card split for animation: the static card and each step's pixels."""

    base: RGBA
    steps: tuple[_Piece, ...]


def draw_tip_parts(layer: TipCardLayer, width_px: int) -> TipCardParts:
    """Lay out and draw ``layer``'s card ``width_px`` wide (shadow margin included)."""
    spec = TIPS[layer.tip]
    lang = layer.language
    rtl = lang == "ar"
    accent = colour_rgba(layer.colour)
    margin = max(2, round(width_px * 0.03))
    w = max(40, width_px - 2 * margin)
    pad = w * 0.05
    title = fit_text(
        spec.title.get(lang), layer.font_family, w * 0.058, WHITE, w - 2 * pad, w * 0.16, lang
    )
    header_h = title.content[3] + 2 * w * 0.035
    icon_d = w * 0.24
    num_d = w * 0.07
    steps_x0 = pad if rtl else pad + icon_d + pad  # left edge of the steps column
    steps_w = w - 2 * pad - icon_d - pad
    text_w = steps_w - num_d - w * 0.03
    step_imgs = [
        draw_text(s.get(lang), layer.font_family, w * 0.043, DARK, text_w, lang, weight=600)
        for s in spec.steps
    ]
    gap = w * 0.035
    rows = [max(num_d, img.content[3]) for img in step_imgs]
    body_h = max(icon_d, sum(rows) + gap * (len(rows) - 1))
    h = int(math.ceil(header_h + body_h + 2 * pad))

    c = Canvas(w, h)
    radius = w * 0.05
    paper = colour_rgba("#f8fafb")
    c.rect(0, 0, w, h, paper, radius=radius)
    c.rect(0, 0, w, header_h + radius, accent, radius=radius)
    c.rect(0, header_h, w, header_h + radius + 1, paper)  # +1: cover the header's AA edge
    icon_x = w - pad - icon_d if rtl else pad
    icon_y = header_h + pad + (body_h - icon_d) / 2
    c.ellipse(icon_x + icon_d / 2, icon_y + icon_d / 2, icon_d / 2, fill=mix(accent, WHITE, 0.82))
    ICONS[spec.icon](
        c, icon_x + icon_d * 0.14, icon_y + icon_d * 0.14, icon_d * 0.72, accent, WHITE
    )
    base = c.rgba()
    put_text(base, title, w / 2, header_h / 2, "center")

    pieces: list[_Piece] = []
    y = header_h + pad + (body_h - (sum(rows) + gap * (len(rows) - 1))) / 2
    for i, (img, row_h) in enumerate(zip(step_imgs, rows, strict=True)):
        piece = np.zeros((int(math.ceil(row_h)) + 2, int(math.ceil(steps_w)) + 2, 4), np.uint8)
        nc = Canvas(int(math.ceil(num_d)) + 2, int(math.ceil(num_d)) + 2)
        nc.ellipse(num_d / 2 + 1, num_d / 2 + 1, num_d / 2, fill=accent)
        num_img = nc.rgba()
        nx = piece.shape[1] - num_img.shape[1] if rtl else 0
        over(piece, num_img, int(nx), int(round((row_h - num_d) / 2)))
        digits = str(i + 1) if not rtl else "٠١٢٣٤٥٦٧٨٩"[i + 1]
        num_text = draw_text(digits, layer.font_family, num_d * 0.6, WHITE, num_d * 2, lang)
        put_text(piece, num_text, nx + num_img.shape[1] / 2, row_h / 2 + 1, "center")
        if rtl:
            put_text(
                piece, img, piece.shape[1] - num_img.shape[1] - w * 0.03, row_h / 2 + 1, "right"
            )
        else:
            put_text(piece, img, num_img.shape[1] + w * 0.03, row_h / 2 + 1, "left")
        pieces.append(_Piece(piece, int(round(steps_x0)), int(round(y))))
        y += row_h + gap
    shadowed = with_shadow(base, margin, blur=margin * 0.5, dy=margin * 0.35)
    return TipCardParts(
        shadowed, tuple(_Piece(p.image, p.x + margin, p.y + margin) for p in pieces)
    )


def compose_tip(parts: TipCardParts, reveal: Sequence[float]) -> RGBA:
    """The card with step ``i`` drawn at opacity ``reveal[i]`` (0 hidden, 1 shown)."""
    out = parts.base.copy()
    for piece, level in zip(parts.steps, reveal, strict=False):
        if level > 0:
            over(out, piece.image, piece.x, piece.y, min(1.0, level))
    return out


class TipCardSource:
    """Drawn source of a :class:`TipCardLayer`: the card enters, then its steps appear."""

    _LEVELS = 4  # a step fades in over this many distinct bitmaps

    def __init__(self, layer: TipCardLayer, ctx: DrawContext) -> None:
        placement, width_px = layer_geometry(
            layer.placement, layer.slot, layer.language, layer.width, ctx.size, ctx.profile
        )
        self._anim = Animated.for_layer(layer, placement, ctx.default_end, ctx.offset)
        self._parts = draw_tip_parts(layer, width_px)
        # Placed by slot: keep clear of faces (moving aside when one comes) and of the layers
        # placed before, see slots.
        self._route = Route()
        if layer.placement is None:
            placement, self._route = clear_of_faces(
                layer.slot, layer.language, self._parts.base, self._anim, ctx
            )
            self._anim = Animated.for_layer(layer, placement, ctx.default_end, ctx.offset)
        self._key = ("tip-card", layer, width_px)
        n = len(self._parts.steps)
        span = max(0.1, self._anim.end - self._anim.start)
        lead = min(layer.enter.duration if layer.enter.kind != "none" else 0.0, span / 3)
        # Steps arrive evenly over the first 70 % of the card's time, at most a second apart,
        # so the last one is readable well before the card leaves.
        self._gap = min(1.0, max(0.05, (span * 0.7 - lead) / max(n, 1)))
        self._first = self._anim.start + lead
        self._fade = min(0.3, self._gap * 0.8)
        # Only the last few reveal states: a render walks them in order once, and every state
        # kept costs a full card bitmap (about 0.8 MB; a six-step card has 25 states).
        self._images: OrderedDict[tuple[int, ...], RGBA] = OrderedDict()

    def reveal_at(self, t: float) -> tuple[int, ...]:
        """Each step's quantised opacity level (0..4) at time ``t``."""
        levels = []
        for i in range(len(self._parts.steps)):
            p = (t - (self._first + i * self._gap)) / self._fade
            levels.append(int(min(1.0, max(0.0, p)) * self._LEVELS))
        return tuple(levels)

    def image_at(self, t: float) -> RGBA:
        """The card's pixels at ``t`` (before placement and enter/exit animation)."""
        state = self.reveal_at(t)
        img = self._images.get(state)
        if img is None:
            img = compose_tip(self._parts, [lv / self._LEVELS for lv in state])
            img.flags.writeable = False
            self._images[state] = img
            if len(self._images) > 4:
                self._images.popitem(last=False)
        else:
            self._images.move_to_end(state)
        return img

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The card's sprite while visible at ``t``."""
        if not self._anim.visible(t):
            return ()
        state = self.reveal_at(t)
        s = self._route.apply(self._anim.sprite(self.image_at(t), (self._key, state), t, size), t)
        return () if s is None else (s,)
