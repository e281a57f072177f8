"""Vector drawing shared by stickers and tip cards: a supersampled canvas, alpha compositing,
drop shadows and words drawn through the text engine.

Shapes are drawn with Pillow at :data:`SS` times the final size and averaged down in
premultiplied alpha, so edges are crisp at any size and never darken. Every word (Arabic
and English) is drawn by :func:`creator_kit.text.engine.render_caption`, which shapes and
orders it correctly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from creator_kit.core.captions import Align, CaptionStyle
from creator_kit.core.colour import parse_colour
from creator_kit.core.frames import RGBA
from creator_kit.core.model import Language
from creator_kit.text.engine import CaptionImage, render_caption

F32 = npt.NDArray[np.float32]
Colour = tuple[int, int, int, int]
SS = 4  # supersampling factor for shape edges
WHITE: Colour = (255, 255, 255, 255)
DARK: Colour = (22, 43, 52, 255)
ALERT: Colour = (226, 56, 64, 255)


def colour_rgba(colour: str, alpha: float = 1.0) -> Colour:
    """``colour`` (the core colour format) as RGBA with its opacity multiplied by ``alpha``."""
    r, g, b, a = parse_colour(colour)
    return r, g, b, int(round(a * alpha))


def mix(c: Colour, other: Colour, f: float) -> Colour:
    """``c`` moved a fraction ``f`` towards ``other``."""
    r, g, b, a = (int(round(x + (y - x) * f)) for x, y in zip(c, other, strict=True))
    return r, g, b, a


class Canvas:
    """A supersampled RGBA drawing surface addressed in final-pixel coordinates."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGBA", (width * SS, height * SS), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    @staticmethod
    def _p(x: float, y: float) -> tuple[float, float]:
        return x * SS, y * SS

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * SS, y0 * SS, x1 * SS - 1, y1 * SS - 1]

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
        r = max(0.0, min(radius, (x1 - x0) / 2, (y1 - y0) / 2)) * SS
        self.draw.rounded_rectangle(
            self._box(x0, y0, x1, y1),
            radius=r,
            fill=fill,
            outline=outline,
            width=max(0, round(width * SS)),
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
            width=max(0, round(width * SS)),
        )

    def polygon(self, pts: Sequence[tuple[float, float]], fill: Colour) -> None:
        """A filled polygon."""
        self.draw.polygon([self._p(x, y) for x, y in pts], fill=fill)

    def line(self, pts: Sequence[tuple[float, float]], fill: Colour, width: float) -> None:
        """A polyline with round joints and caps."""
        p = [self._p(x, y) for x, y in pts]
        w = max(1, round(width * SS))
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
        return downsample(np.asarray(self.image, dtype=np.uint8), SS)


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


def draw_text(
    text: str,
    font: str,
    size: float,
    fill: Colour,
    width: float,
    language: Language,
    weight: int = 700,
    align: Align = "start",
) -> CaptionImage:
    """``text`` drawn by the text engine at ``size`` px, wrapped to ``width`` px, in ``fill``."""
    colour = "#{:02x}{:02x}{:02x}{:02x}".format(*fill)
    style = CaptionStyle(
        font_family=font,
        size_px=max(6.0, min(400.0, size)),
        weight=weight,
        fill=colour,
        align=align,
        max_width=1.0,
        line_spacing=1.0,
        direction="rtl" if language == "ar" else "ltr",
    )
    return render_caption(text, style, max(16.0, width))


def fit_text(
    text: str,
    font: str,
    size: float,
    fill: Colour,
    width: float,
    height: float,
    language: Language,
    weight: int = 700,
    align: Align = "start",
) -> CaptionImage:
    """The text at the largest size up to ``size`` whose block fits ``width`` x ``height``."""
    img = draw_text(text, font, size, fill, width, language, weight, align)
    # Descend in small steps: the first size that fits is the largest, whether the words
    # end up on one line or wrap onto two.
    for _ in range(24):
        cw, ch = img.content[2], img.content[3]
        if cw <= width + 1 and ch <= height + 1:
            break
        size *= 0.92
        img = draw_text(text, font, size, fill, width, language, weight, align)
    return img


def put_text(
    dst: RGBA, img: CaptionImage, x: float, y: float, anchor_x: str, anchor_y: str = "center"
) -> None:
    """Place ``img``'s visible block with its ``anchor_x`` edge at ``x`` (left/center/right)."""
    cx, cy, cw, ch = img.content
    fx = {"left": 0.0, "center": 0.5, "right": 1.0}[anchor_x]
    fy = {"top": 0.0, "center": 0.5, "bottom": 1.0}[anchor_y]
    over(dst, img.rgba, int(round(x - fx * cw - cx)), int(round(y - fy * ch - cy)))
