"""Mask-safety stickers (badges, round badges, markers) drawn as vectors at the output size.

A :class:`~creator_kit.core.model.StickerLayer` names an entry of
:data:`~creator_kit.graphics.designs.STICKERS`; :func:`draw_sticker` draws it and
:class:`StickerSource` shows it on the timeline. With ``placement`` ``None`` a sticker sits in
a named slot of the safe zone (:mod:`creator_kit.graphics.slots`), mirrored for Arabic.
"""

from __future__ import annotations

from collections.abc import Sequence

from creator_kit.core.frames import RGBA, Sprite
from creator_kit.core.model import StickerLayer
from creator_kit.graphics.animation import Animated
from creator_kit.graphics.context import DrawContext
from creator_kit.graphics.designs import STICKERS, StickerSpec, sticker_label
from creator_kit.graphics.drawing import (
    WHITE,
    Canvas,
    Colour,
    colour_rgba,
    fit_text,
    put_text,
    with_shadow,
)
from creator_kit.graphics.icons import ICONS
from creator_kit.graphics.slots import Route, clear_of_faces, layer_geometry


def draw_sticker(layer: StickerLayer, width_px: int) -> RGBA:
    """The sticker of ``layer`` drawn ``width_px`` wide (shadow margin included), straight RGBA."""
    spec = STICKERS[layer.name]
    accent = colour_rgba(layer.colour)
    label = sticker_label(layer)
    margin = max(2, round(width_px * 0.04))
    w = max(8, width_px - 2 * margin)
    if spec.look == "round" or not label:
        img = _round_badge(spec, w, accent)
    elif spec.look == "marker":
        img = _marker(spec, w, accent, label, layer)
    else:
        img = _pill_badge(spec, w, accent, label, layer)
    return with_shadow(img, margin, blur=margin * 0.45, dy=margin * 0.35)


def _round_badge(spec: StickerSpec, w: int, accent: Colour) -> RGBA:
    c = Canvas(w, w)
    c.ellipse(w / 2, w / 2, w / 2, fill=WHITE)
    c.ellipse(w / 2, w / 2, w * 0.44, fill=accent)
    ICONS[spec.icon](c, w * 0.16, w * 0.16, w * 0.68, WHITE, accent)
    return c.rgba()


def _pill_badge(spec: StickerSpec, w: int, accent: Colour, label: str, layer: StickerLayer) -> RGBA:
    h = max(8, round(w * 0.3))
    rtl = layer.language == "ar"
    c = Canvas(w, h)
    c.rect(0, 0, w, h, WHITE, radius=h / 2)
    c.rect(
        h * 0.06,
        h * 0.06,
        w - h * 0.06,
        h * 0.94,
        WHITE,
        radius=h * 0.44,
        outline=accent,
        width=h * 0.05,
    )
    d = h * 0.76  # the icon disc, on the reading start side
    ox = w - h * 0.12 - d if rtl else h * 0.12
    oy = (h - d) / 2
    c.ellipse(ox + d / 2, oy + d / 2, d / 2, fill=accent)
    ICONS[spec.icon](c, ox + d * 0.12, oy + d * 0.12, d * 0.76, WHITE, accent)
    img = c.rgba()
    # The label fills the rest of the pill (between the icon and the round end), shrunk until
    # it fits on at most two lines.
    if rtl:
        lo, hi = h * 0.3, ox - h * 0.08
    else:
        lo, hi = ox + d + h * 0.08, w - h * 0.3
    text = fit_text(
        label,
        layer.font_family,
        h * 0.36,
        accent,
        hi - lo,
        h * 0.72,
        layer.language,
        align="center",
    )
    put_text(img, text, (lo + hi) / 2, h / 2, "center")
    return img


def _marker(spec: StickerSpec, w: int, accent: Colour, label: str, layer: StickerLayer) -> RGBA:
    h = max(8, round(w * 1.0))
    c = Canvas(w, h)
    c.rect(0, 0, w, h, accent, radius=w * 0.12)
    c.rect(
        w * 0.04,
        w * 0.04,
        w * 0.96,
        h - w * 0.04,
        None,
        radius=w * 0.09,
        outline=WHITE,
        width=w * 0.022,
    )
    ICONS[spec.icon](c, w * 0.14, -w * 0.1, w * 0.72, WHITE, colour_rgba("#ffd84d"))
    img = c.rgba()
    text = fit_text(
        label, layer.font_family, w * 0.24, WHITE, w * 0.8, h * 0.3, layer.language, align="center"
    )
    put_text(img, text, w / 2, h * 0.73, "center")
    return img


class StickerSource:
    """Drawn source of a :class:`StickerLayer`.

    ``ctx.profile``, when given, is the export preset whose safe zone the slots lie in;
    without it they lie in the zone every preset leaves free.
    """

    def __init__(self, layer: StickerLayer, ctx: DrawContext) -> None:
        placement, width_px = layer_geometry(
            layer.placement, layer.slot, layer.language, layer.width, ctx.size, ctx.profile
        )
        self._image = draw_sticker(layer, width_px)
        self._anim = Animated.for_layer(layer, placement, ctx.default_end, ctx.offset)
        # Placed by slot: keep clear of faces (moving aside when one comes) and of the layers
        # placed before, see slots.
        self._route = Route()
        if layer.placement is None:
            placement, self._route = clear_of_faces(
                layer.slot, layer.language, self._image, self._anim, ctx
            )
            self._anim = Animated.for_layer(layer, placement, ctx.default_end, ctx.offset)
        self._image.flags.writeable = False
        self._key = ("sticker", layer, width_px)

    @property
    def image(self) -> RGBA:
        """The drawn sticker."""
        return self._image

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The sticker's sprite while visible at ``t``."""
        if not self._anim.visible(t):
            return ()
        s = self._route.apply(self._anim.sprite(self._image, self._key, t, size), t)
        return () if s is None else (s,)
