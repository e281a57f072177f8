"""Mask-safety stickers and animated tip cards, drawn as vectors at the exact output size.

A :class:`~creator_kit.core.model.StickerLayer` or :class:`~creator_kit.core.model.TipCardLayer`
names an entry of the built-in library below; its renderer draws the shapes with Pillow at
four times the final size and averages down (in premultiplied alpha, so edges do not darken),
so a badge is as crisp at 200 px as at 1000 px: nothing is a scaled bitmap. Every word on a
sticker or card (Arabic and English) is drawn by the text engine
(:func:`creator_kit.text.engine.render_caption`), which shapes and orders it correctly.

Placement: with ``placement`` ``None`` a layer sits in a named slot of the safe zone that
every platform preset leaves free (:func:`common_safe_zone`), mirrored for Arabic, so it never
hides under the apps' buttons or caption band whichever preset the project is exported for.

Both renderers follow the :class:`~creator_kit.core.frames.FrameSource` protocol and share
timing, placement and enter/exit animations with image layers through
:class:`~creator_kit.render.layers.Animated`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from creator_kit.core.captions import CaptionStyle, parse_colour
from creator_kit.core.frames import RGBA, Sprite
from creator_kit.core.model import (
    Language,
    Placement,
    Slot,
    StickerLayer,
    StickerName,
    TipCardLayer,
    TipName,
)
from creator_kit.core.presets import PROFILES, ExportProfile, SafeZone
from creator_kit.render.layers import Animated
from creator_kit.text.engine import CaptionImage, render_caption

F32 = npt.NDArray[np.float32]
Colour = tuple[int, int, int, int]
_SS = 4  # supersampling factor for shape edges
_WHITE: Colour = (255, 255, 255, 255)
_DARK: Colour = (22, 43, 52, 255)
_ALERT: Colour = (226, 56, 64, 255)
_REFERENCE = (1080, 1920)


# ------------------------------------------------------------------------------ library


@dataclass(frozen=True)
class Words:
    """The same words in Arabic and English."""

    ar: str
    en: str

    def get(self, language: Language) -> str:
        """The words in ``language``."""
        return self.ar if language == "ar" else self.en


@dataclass(frozen=True)
class StickerSpec:
    """A library sticker: its drawing (``icon``), layout (``look``) and default label."""

    icon: str
    look: str  # "badge" (pill: icon + label), "round" (icon only), "marker" (icon over big label)
    label: Words | None
    description: str


@dataclass(frozen=True)
class TipSpec:
    """A library tip card: title, numbered steps and icon."""

    icon: str
    title: Words
    steps: tuple[Words, ...]


STICKERS: dict[StickerName, StickerSpec] = {
    "mask-up": StickerSpec(
        "face-mask",
        "badge",
        Words("ارتدِ الكمامة", "Mask up"),
        "a face wearing a mask with «ارتدِ الكمامة» / Mask up",
    ),
    "mask": StickerSpec("mask", "round", None, "a round badge with a face mask"),
    "keep-distance": StickerSpec(
        "distance",
        "marker",
        Words("٢ متر", "2 m"),
        "a distance marker: two people, an arrow and 2 m",
    ),
    "wash-hands": StickerSpec(
        "hands",
        "badge",
        Words("اغسل يديك", "Wash your hands"),
        "a hand with soap bubbles and water drops",
    ),
    "avoid-crowds": StickerSpec(
        "crowd", "badge", Words("تجنّب الزحام", "Avoid crowds"), "a crossed-out crowd"
    ),
    "thank-you-heroes": StickerSpec(
        "heart", "badge", Words("شكرًا أبطالنا", "Thank you heroes"), "a heart with a medical cross"
    ),
    "be-responsible": StickerSpec(
        "shield", "badge", Words("خليك مسئول", "Be responsible"), "a shield with a tick"
    ),
    "together": StickerSpec(
        "together",
        "badge",
        Words("معًا ضد الكورونا", "Together against corona"),
        "three people side by side under a heart",
    ),
}

TIPS: dict[TipName, TipSpec] = {
    "wear-mask": TipSpec(
        "face-mask",
        Words("كيف ترتدي الكمامة", "How to wear a mask"),
        (
            Words("نظّف يديك قبل لمسها", "Clean your hands first"),
            Words("غطِّ الأنف والفم", "Cover your nose and mouth"),
            Words("اضبط الجانبين بلا فراغات", "Fit the sides, no gaps"),
        ),
    ),
    "remove-mask": TipSpec(
        "dispose",
        Words("كيف تخلع الكمامة", "How to take it off"),
        (
            Words("أمسكها من الأربطة فقط", "Hold it by the ear loops"),
            Words("لا تلمس مقدمتها", "Don't touch the front"),
            Words("ارمِها في سلة مغلقة واغسل يديك", "Bin it, then wash your hands"),
        ),
    ),
    "wash-hands": TipSpec(
        "hands",
        Words("اغسل يديك جيدًا", "Wash your hands well"),
        (
            Words("بالماء والصابون", "With soap and water"),
            Words("لمدة ٢٠ ثانية على الأقل", "For at least 20 seconds"),
            Words("بين الأصابع وتحت الأظافر", "Between fingers, under nails"),
        ),
    ),
    "keep-distance": TipSpec(
        "distance",
        Words("حافظ على التباعد", "Keep your distance"),
        (
            Words("ابقَ على بُعد مترين", "Stay 2 metres apart"),
            Words("سلِّم من بعيد بلا مصافحة", "Greet without a handshake"),
        ),
    ),
    "avoid-crowds": TipSpec(
        "crowd",
        Words("تجنّب الزحام", "Avoid crowds"),
        (
            Words("ابتعد عن الأماكن المزدحمة", "Stay away from crowded places"),
            Words("اختر الأماكن المفتوحة", "Choose open-air places"),
            Words("اخرج في أوقات الهدوء", "Go out at quiet times"),
        ),
    ),
}


def sticker_label(layer: StickerLayer) -> str | None:
    """The label drawn on ``layer``: its own ``text`` or the library's words in its language."""
    if layer.text is not None:
        return layer.text
    spec = STICKERS[layer.name]
    return spec.label.get(layer.language) if spec.label is not None else None


# ------------------------------------------------------------------------------ drawing


def _rgba(colour: str, alpha: float = 1.0) -> Colour:
    r, g, b, a = parse_colour(colour)
    return r, g, b, int(round(a * alpha))


def _mix(c: Colour, other: Colour, f: float) -> Colour:
    """``c`` moved a fraction ``f`` towards ``other``."""
    return tuple(int(round(x + (y - x) * f)) for x, y in zip(c, other, strict=True))  # type: ignore[return-value]


class _Canvas:
    """A supersampled RGBA drawing surface addressed in final-pixel coordinates."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGBA", (width * _SS, height * _SS), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    @staticmethod
    def _p(x: float, y: float) -> tuple[float, float]:
        return x * _SS, y * _SS

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * _SS, y0 * _SS, x1 * _SS - 1, y1 * _SS - 1]

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Colour | None,
        radius: float = 0.0,
        outline: Colour | None = None,
        width: float = 0.0,
    ) -> None:
        """A (rounded) rectangle."""
        r = max(0.0, min(radius, (x1 - x0) / 2, (y1 - y0) / 2)) * _SS
        self.draw.rounded_rectangle(
            self._box(x0, y0, x1, y1),
            radius=r,
            fill=fill,
            outline=outline,
            width=max(0, round(width * _SS)),
        )

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float | None = None,
        fill: Colour | None = None,
        outline: Colour | None = None,
        width: float = 0.0,
    ) -> None:
        """An ellipse (a circle when ``ry`` is omitted)."""
        ry = rx if ry is None else ry
        self.draw.ellipse(
            self._box(cx - rx, cy - ry, cx + rx, cy + ry),
            fill=fill,
            outline=outline,
            width=max(0, round(width * _SS)),
        )

    def polygon(self, pts: Sequence[tuple[float, float]], fill: Colour) -> None:
        """A filled polygon."""
        self.draw.polygon([self._p(x, y) for x, y in pts], fill=fill)

    def line(self, pts: Sequence[tuple[float, float]], fill: Colour, width: float) -> None:
        """A polyline with round joints and caps."""
        p = [self._p(x, y) for x, y in pts]
        w = max(1, round(width * _SS))
        self.draw.line(p, fill=fill, width=w, joint="curve")
        r = w / 2
        for x, y in (p[0], p[-1]):
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        a0: float,
        a1: float,
        fill: Colour,
        width: float,
    ) -> None:
        """An elliptical arc from ``a0`` to ``a1`` degrees (clockwise, 0 = east)."""
        pts = [
            (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
            for a in np.linspace(a0, a1, 40)
        ]
        self.line(pts, fill, width)

    def rgba(self) -> RGBA:
        """The drawing averaged down to its final size, straight alpha."""
        return downsample(np.asarray(self.image, dtype=np.uint8), _SS)


def downsample(big: RGBA, factor: int) -> RGBA:
    """Average ``factor``x``factor`` blocks of a straight-alpha image in premultiplied form.

    Averaging straight colours would mix in the black of transparent pixels and leave dark
    fringes on every edge. Pillow's premultiplied mode and box reduction do it in 8 bits: a
    float copy of a 4x supersampled tip card cost about 270 MB for a moment.
    """
    h, w = big.shape[0] // factor, big.shape[1] // factor
    img = Image.fromarray(np.ascontiguousarray(big[: h * factor, : w * factor]), "RGBA")
    small = img.convert("RGBa").reduce(factor).convert("RGBA")
    return np.asarray(small, dtype=np.uint8).copy()


def over(
    dst: RGBA, src: RGBA | npt.NDArray[np.uint8], x: int, y: int, opacity: float = 1.0
) -> None:
    """Composite straight-alpha ``src`` over straight-alpha ``dst`` at (x, y), in place."""
    h, w = src.shape[:2]
    H, W = dst.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x0 >= x1 or y0 >= y1:
        return
    s = src[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)
    d = dst[y0:y1, x0:x1].astype(np.float32)
    sa = s[..., 3:4] / 255.0 * opacity
    da = d[..., 3:4] / 255.0
    oa = sa + da * (1.0 - sa)
    rgb = (s[..., :3] * sa + d[..., :3] * da * (1.0 - sa)) / np.maximum(oa, 1e-6)
    dst[y0:y1, x0:x1] = np.clip(np.concatenate([rgb, oa * 255.0], axis=2) + 0.5, 0, 255).astype(
        np.uint8
    )


def with_shadow(rgba: RGBA, margin: int, blur: float, dy: float, strength: float = 0.35) -> RGBA:
    """``rgba`` on a transparent margin with a soft drop shadow, so it reads on any footage."""
    h, w = rgba.shape[:2]
    out = np.zeros((h + 2 * margin, w + 2 * margin, 4), np.uint8)
    alpha = np.zeros(out.shape[:2], np.float32)
    oy = max(-margin, min(margin, int(round(dy))))
    alpha[margin + oy : margin + oy + h, margin : margin + w] = rgba[..., 3]
    if blur > 0:
        alpha = cv2.GaussianBlur(alpha, (0, 0), sigmaX=blur)
    out[..., 3] = np.clip(alpha * strength, 0, 255).astype(np.uint8)
    over(out, rgba, margin, margin)
    return out


def _text(
    text: str,
    font: str,
    size: float,
    fill: Colour,
    width: float,
    language: Language,
    weight: int = 700,
    align: str = "start",
) -> CaptionImage:
    colour = "#{:02x}{:02x}{:02x}{:02x}".format(*fill)
    style = CaptionStyle(
        font_family=font,
        size_px=max(6.0, min(400.0, size)),
        weight=weight,
        fill=colour,
        align=align,  # type: ignore[arg-type]
        max_width=1.0,
        line_spacing=1.0,
        direction="rtl" if language == "ar" else "ltr",
    )
    return render_caption(text, style, max(16.0, width))


def _fit_text(
    text: str,
    font: str,
    size: float,
    fill: Colour,
    width: float,
    height: float,
    language: Language,
    weight: int = 700,
    align: str = "start",
) -> CaptionImage:
    """The text at the largest size up to ``size`` whose block fits ``width`` x ``height``."""
    img = _text(text, font, size, fill, width, language, weight, align)
    # Descend in small steps: the first size that fits is the largest, whether the words
    # end up on one line or wrap onto two.
    for _ in range(24):
        cw, ch = img.content[2], img.content[3]
        if cw <= width + 1 and ch <= height + 1:
            break
        size *= 0.92
        img = _text(text, font, size, fill, width, language, weight, align)
    return img


def _put_text(
    dst: RGBA, img: CaptionImage, x: float, y: float, anchor_x: str, anchor_y: str = "center"
) -> None:
    """Place ``img``'s visible block with its ``anchor_x`` edge at ``x`` (left/center/right)."""
    cx, cy, cw, ch = img.content
    fx = {"left": 0.0, "center": 0.5, "right": 1.0}[anchor_x]
    fy = {"top": 0.0, "center": 0.5, "bottom": 1.0}[anchor_y]
    over(dst, img.rgba, int(round(x - fx * cw - cx)), int(round(y - fy * ch - cy)))


# --------------------------------------------------------------------------------- icons

IconFn = Callable[[_Canvas, float, float, float, Colour, Colour], None]


def _person(c: _Canvas, cx: float, top: float, s: float, ink: Colour) -> None:
    """A simple person pictogram ``s`` tall with its head's top at ``top``."""
    c.ellipse(cx, top + 0.17 * s, 0.17 * s, fill=ink)
    c.rect(cx - 0.26 * s, top + 0.4 * s, cx + 0.26 * s, top + s, ink, radius=0.2 * s)


def _icon_mask(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
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


def _icon_face_mask(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
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


def _icon_hands(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
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


def _icon_distance(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """Two people with a double-headed arrow between them."""
    _person(c, x + 0.14 * s, y + 0.28 * s, 0.5 * s, ink)
    _person(c, x + 0.86 * s, y + 0.28 * s, 0.5 * s, ink)
    ay = y + 0.56 * s
    x0, x1 = x + 0.3 * s, x + 0.7 * s
    c.line([(x0 + 0.05 * s, ay), (x1 - 0.05 * s, ay)], detail, 0.045 * s)
    h = 0.08 * s
    c.polygon([(x0, ay), (x0 + 1.2 * h, ay - h), (x0 + 1.2 * h, ay + h)], detail)
    c.polygon([(x1, ay), (x1 - 1.2 * h, ay - h), (x1 - 1.2 * h, ay + h)], detail)


def _icon_crowd(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A small crowd, crossed out."""
    del detail
    for dx, top, hs in ((0.3, 0.3, 0.42), (0.7, 0.3, 0.42), (0.5, 0.24, 0.5)):
        _person(c, x + dx * s, y + top * s, hs * s, ink)
    cx, cy, r = x + 0.5 * s, y + 0.5 * s, 0.42 * s
    c.ellipse(cx, cy, r, outline=_ALERT, width=0.075 * s)
    d = r * math.cos(math.pi / 4)
    c.line([(cx - d, cy - d), (cx + d, cy + d)], _ALERT, 0.075 * s)


def _heart_points(cx: float, cy: float, s: float) -> list[tuple[float, float]]:
    pts = []
    for t in np.linspace(0, 2 * math.pi, 120, endpoint=False):
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((cx + hx / 34 * s, cy - hy / 34 * s))
    return pts


def _icon_heart(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """A heart with a medical cross."""
    c.polygon(_heart_points(x + 0.5 * s, y + 0.52 * s, 0.9 * s), ink)
    cx, cy, a, b = x + 0.5 * s, y + 0.47 * s, 0.06 * s, 0.17 * s
    c.rect(cx - a, cy - b, cx + a, cy + b, detail, radius=0.02 * s)
    c.rect(cx - b, cy - a, cx + b, cy + a, detail, radius=0.02 * s)


def _icon_shield(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
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


def _icon_together(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
    """Three people side by side, arms linked, under a heart."""
    for dx in (0.2, 0.5, 0.8):
        _person(c, x + dx * s, y + 0.42 * s, 0.5 * s, ink)
    c.rect(x + 0.15 * s, y + 0.7 * s, x + 0.85 * s, y + 0.76 * s, ink, radius=0.03 * s)
    c.polygon(_heart_points(x + 0.5 * s, y + 0.2 * s, 0.3 * s), detail)


def _icon_dispose(c: _Canvas, x: float, y: float, s: float, ink: Colour, detail: Colour) -> None:
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


# ------------------------------------------------------------------------------ stickers


def draw_sticker(layer: StickerLayer, width_px: int) -> RGBA:
    """The sticker of ``layer`` drawn ``width_px`` wide (shadow margin included), straight RGBA."""
    spec = STICKERS[layer.name]
    accent = _rgba(layer.colour)
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
    c = _Canvas(w, w)
    c.ellipse(w / 2, w / 2, w / 2, fill=_WHITE)
    c.ellipse(w / 2, w / 2, w * 0.44, fill=accent)
    ICONS[spec.icon](c, w * 0.16, w * 0.16, w * 0.68, _WHITE, accent)
    return c.rgba()


def _pill_badge(spec: StickerSpec, w: int, accent: Colour, label: str, layer: StickerLayer) -> RGBA:
    h = max(8, round(w * 0.3))
    rtl = layer.language == "ar"
    c = _Canvas(w, h)
    c.rect(0, 0, w, h, _WHITE, radius=h / 2)
    c.rect(
        h * 0.06,
        h * 0.06,
        w - h * 0.06,
        h * 0.94,
        _WHITE,
        radius=h * 0.44,
        outline=accent,
        width=h * 0.05,
    )
    d = h * 0.76  # the icon disc, on the reading start side
    ox = w - h * 0.12 - d if rtl else h * 0.12
    oy = (h - d) / 2
    c.ellipse(ox + d / 2, oy + d / 2, d / 2, fill=accent)
    ICONS[spec.icon](c, ox + d * 0.12, oy + d * 0.12, d * 0.76, _WHITE, accent)
    img = c.rgba()
    # The label fills the rest of the pill (between the icon and the round end), shrunk until
    # it fits on at most two lines.
    if rtl:
        lo, hi = h * 0.3, ox - h * 0.08
    else:
        lo, hi = ox + d + h * 0.08, w - h * 0.3
    text = _fit_text(
        label,
        layer.font_family,
        h * 0.36,
        accent,
        hi - lo,
        h * 0.72,
        layer.language,
        align="center",
    )
    _put_text(img, text, (lo + hi) / 2, h / 2, "center")
    return img


def _marker(spec: StickerSpec, w: int, accent: Colour, label: str, layer: StickerLayer) -> RGBA:
    h = max(8, round(w * 1.0))
    c = _Canvas(w, h)
    c.rect(0, 0, w, h, accent, radius=w * 0.12)
    c.rect(
        w * 0.04,
        w * 0.04,
        w * 0.96,
        h - w * 0.04,
        None,
        radius=w * 0.09,
        outline=_WHITE,
        width=w * 0.022,
    )
    ICONS[spec.icon](c, w * 0.14, -w * 0.1, w * 0.72, _WHITE, _rgba("#ffd84d"))
    img = c.rgba()
    text = _fit_text(
        label, layer.font_family, w * 0.24, _WHITE, w * 0.8, h * 0.3, layer.language, align="center"
    )
    _put_text(img, text, w / 2, h * 0.73, "center")
    return img


# ----------------------------------------------------------------------------- tip cards


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
    accent = _rgba(layer.colour)
    margin = max(2, round(width_px * 0.03))
    w = max(40, width_px - 2 * margin)
    pad = w * 0.05
    title = _fit_text(
        spec.title.get(lang), layer.font_family, w * 0.058, _WHITE, w - 2 * pad, w * 0.16, lang
    )
    header_h = title.content[3] + 2 * w * 0.035
    icon_d = w * 0.24
    num_d = w * 0.07
    steps_x0 = pad if rtl else pad + icon_d + pad  # left edge of the steps column
    steps_w = w - 2 * pad - icon_d - pad
    text_w = steps_w - num_d - w * 0.03
    step_imgs = [
        _text(s.get(lang), layer.font_family, w * 0.043, _DARK, text_w, lang, weight=600)
        for s in spec.steps
    ]
    gap = w * 0.035
    rows = [max(num_d, img.content[3]) for img in step_imgs]
    body_h = max(icon_d, sum(rows) + gap * (len(rows) - 1))
    h = int(math.ceil(header_h + body_h + 2 * pad))

    c = _Canvas(w, h)
    radius = w * 0.05
    paper = _rgba("#f8fafb")
    c.rect(0, 0, w, h, paper, radius=radius)
    c.rect(0, 0, w, header_h + radius, accent, radius=radius)
    c.rect(0, header_h, w, header_h + radius + 1, paper)  # +1: cover the header's AA edge
    icon_x = w - pad - icon_d if rtl else pad
    icon_y = header_h + pad + (body_h - icon_d) / 2
    c.ellipse(icon_x + icon_d / 2, icon_y + icon_d / 2, icon_d / 2, fill=_mix(accent, _WHITE, 0.82))
    ICONS[spec.icon](
        c, icon_x + icon_d * 0.14, icon_y + icon_d * 0.14, icon_d * 0.72, accent, _WHITE
    )
    base = c.rgba()
    _put_text(base, title, w / 2, header_h / 2, "center")

    pieces: list[_Piece] = []
    y = header_h + pad + (body_h - (sum(rows) + gap * (len(rows) - 1))) / 2
    for i, (img, row_h) in enumerate(zip(step_imgs, rows, strict=True)):
        piece = np.zeros((int(math.ceil(row_h)) + 2, int(math.ceil(steps_w)) + 2, 4), np.uint8)
        nc = _Canvas(int(math.ceil(num_d)) + 2, int(math.ceil(num_d)) + 2)
        nc.ellipse(num_d / 2 + 1, num_d / 2 + 1, num_d / 2, fill=accent)
        num_img = nc.rgba()
        nx = piece.shape[1] - num_img.shape[1] if rtl else 0
        over(piece, num_img, int(nx), int(round((row_h - num_d) / 2)))
        digits = str(i + 1) if not rtl else "٠١٢٣٤٥٦٧٨٩"[i + 1]
        num_text = _text(digits, layer.font_family, num_d * 0.6, _WHITE, num_d * 2, lang)
        _put_text(piece, num_text, nx + num_img.shape[1] / 2, row_h / 2 + 1, "center")
        if rtl:
            _put_text(
                piece, img, piece.shape[1] - num_img.shape[1] - w * 0.03, row_h / 2 + 1, "right"
            )
        else:
            _put_text(piece, img, num_img.shape[1] + w * 0.03, row_h / 2 + 1, "left")
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


# ----------------------------------------------------------------------------- placement


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
    return Placement(x=x / cw, y=y / ch, anchor=anchor)  # type: ignore[arg-type]


def _layer_geometry(
    placement: Placement | None,
    slot: Slot,
    language: Language,
    width: float,
    size: tuple[int, int],
    profile: ExportProfile | None,
) -> tuple[Placement, int]:
    if placement is None:
        zone = profile.safe_zone if profile is not None else None
        return slot_placement(slot, language, size, zone), max(8, round(width * size[0]))
    w = placement.width if placement.width is not None else width
    return placement, max(8, round(w * size[0]))


# ------------------------------------------------------------------------------- sources


class StickerSource:
    """Runtime source of a :class:`StickerLayer` (constructor as ``ImageSource``'s).

    ``profile``, when given, is the export preset whose safe zone the slots lie in;
    without it they lie in the zone every preset leaves free.
    """

    def __init__(
        self,
        layer: StickerLayer,
        size: tuple[int, int],
        default_end: float,
        offset: float = 0.0,
        *,
        profile: ExportProfile | None = None,
    ) -> None:
        placement, width_px = _layer_geometry(
            layer.placement, layer.slot, layer.language, layer.width, size, profile
        )
        self._anim = Animated.for_layer(layer, placement, default_end, offset)
        self._image = draw_sticker(layer, width_px)
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
        s = self._anim.sprite(self._image, self._key, t, size)
        return () if s is None else (s,)


class TipCardSource:
    """Runtime source of a :class:`TipCardLayer`: the card enters, then its steps appear."""

    _LEVELS = 4  # a step fades in over this many distinct bitmaps

    def __init__(
        self,
        layer: TipCardLayer,
        size: tuple[int, int],
        default_end: float,
        offset: float = 0.0,
        *,
        profile: ExportProfile | None = None,
    ) -> None:
        placement, width_px = _layer_geometry(
            layer.placement, layer.slot, layer.language, layer.width, size, profile
        )
        self._anim = Animated.for_layer(layer, placement, default_end, offset)
        self._parts = draw_tip_parts(layer, width_px)
        self._key = ("tip-card", layer, width_px)
        n = len(self._parts.steps)
        span = max(0.1, self._anim.end - self._anim.start)
        lead = min(layer.enter.duration if layer.enter.kind != "none" else 0.0, span / 3)
        # Steps arrive evenly over the first 70 % of the card's time, at most a second apart,
        # so the last one is readable well before the card leaves.
        self._gap = min(1.0, max(0.05, (span * 0.7 - lead) / max(n, 1)))
        self._first = self._anim.start + lead
        self._fade = min(0.3, self._gap * 0.8)
        self._images: dict[tuple[int, ...], RGBA] = {}

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
        return img

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The card's sprite while visible at ``t``."""
        if not self._anim.visible(t):
            return ()
        state = self.reveal_at(t)
        s = self._anim.sprite(self.image_at(t), (self._key, state), t, size)
        return () if s is None else (s,)


def overlay_source(
    layer: object,
    size: tuple[int, int],
    default_end: float,
    offset: float = 0.0,
    *,
    profile: ExportProfile | None = None,
) -> StickerSource | TipCardSource | None:
    """The runtime source for a sticker or tip-card layer, ``None`` for any other kind."""
    if isinstance(layer, StickerLayer):
        return StickerSource(layer, size, default_end, offset, profile=profile)
    if isinstance(layer, TipCardLayer):
        return TipCardSource(layer, size, default_end, offset, profile=profile)
    return None


__all__ = [
    "ICONS",
    "STICKERS",
    "TIPS",
    "StickerSource",
    "TipCardSource",
    "common_safe_zone",
    "draw_sticker",
    "draw_tip_parts",
    "compose_tip",
    "overlay_source",
    "slot_placement",
    "sticker_label",
]
