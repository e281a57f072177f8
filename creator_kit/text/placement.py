"""Where captions go on the canvas: inside the platform's safe zone, away from its interface.

Safe-zone figures in :mod:`creator_kit.core.presets` are pixels of a 1080x1920 canvas; here
they are scaled to the actual canvas. ``rtl_ui`` means the viewer's app runs in a
right-to-left language: TikTok (and the others) then mirror their interface, so the action
column moves from the right edge to the left (:meth:`SafeZone.mirrored`). Arabic captions
are usually watched in an Arabic interface, so callers pass ``rtl_ui`` = the caption's
direction unless the user says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from creator_kit.core.presets import ExportProfile, SafeZone

REFERENCE_SIZE = (1080, 1920)
VerticalAnchor = Literal["top", "center", "bottom"]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in canvas pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """x of the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """y of the bottom edge."""
        return self.y + self.h

    def intersects(self, other: Rect) -> bool:
        """True when the two rectangles share some area."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


def zone_for(profile: ExportProfile, rtl_ui: bool) -> SafeZone:
    """The profile's safe zone, mirrored for a right-to-left interface."""
    return profile.safe_zone.mirrored() if rtl_ui else profile.safe_zone


def _scaled(zone: SafeZone, canvas: tuple[int, int]) -> tuple[float, float, float, float]:
    sx, sy = canvas[0] / REFERENCE_SIZE[0], canvas[1] / REFERENCE_SIZE[1]
    return zone.top * sy, zone.bottom * sy, zone.left * sx, zone.right * sx


def safe_zone_rect(
    profile: ExportProfile,
    rtl_ui: bool,
    *,
    canvas: tuple[int, int] | None = None,
    margin: float = 0.0,
) -> Rect:
    """The part of the canvas no interface band covers, shrunk by ``margin`` pixels on each side."""
    cw, ch = canvas or (profile.width, profile.height)
    top, bottom, left, right = _scaled(zone_for(profile, rtl_ui), (cw, ch))
    return Rect(
        left + margin,
        top + margin,
        max(cw - left - right - 2 * margin, 1.0),
        max(ch - top - bottom - 2 * margin, 1.0),
    )


def caption_area(
    profile: ExportProfile, rtl_ui: bool, *, canvas: tuple[int, int] | None = None
) -> Rect:
    """The default area for captions: the safe zone less a margin of 3 % of the canvas width.

    Its width is what to pass as ``max_width_px`` to ``render_caption``.
    """
    cw = (canvas or (profile.width, profile.height))[0]
    return safe_zone_rect(profile, rtl_ui, canvas=canvas, margin=round(cw * 0.03))


def place_in_area(
    content: tuple[float, float, float, float], area: Rect, anchor: VerticalAnchor = "bottom"
) -> tuple[int, int]:
    """Top-left canvas position of a caption image so its ``content`` box sits in ``area``.

    ``content`` is ``CaptionImage.content`` (the visible block inside the image). The block
    is centred horizontally in the area and put at its top, middle or bottom.
    """
    cx, cy, cw, chh = content
    x = area.x + (area.w - cw) / 2.0 - cx
    if anchor == "top":
        y = area.y - cy
    elif anchor == "center":
        y = area.y + (area.h - chh) / 2.0 - cy
    else:
        y = area.bottom - chh - cy
    return round(x), round(y)


def covered_bands(
    rect: Rect, zone: SafeZone, canvas: tuple[int, int] = REFERENCE_SIZE
) -> list[str]:
    """Names of the interface bands (``top``, ``bottom``, ``left``, ``right``) that ``rect`` enters.

    ``zone`` is already mirrored for a right-to-left interface if that applies (see
    :func:`zone_for`); ``rect`` is in pixels of ``canvas``. An empty list means it is safe.
    """
    cw, ch = canvas
    top, bottom, left, right = _scaled(zone, canvas)
    bands = {
        "top": Rect(0, 0, cw, top),
        "bottom": Rect(0, ch - bottom, cw, bottom),
        "left": Rect(0, 0, left, ch),
        "right": Rect(cw - right, 0, right, ch),
    }
    return [
        name for name, band in bands.items() if band.w > 0 and band.h > 0 and rect.intersects(band)
    ]
