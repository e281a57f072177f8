"""Automatic placement: named slots inside the safe zone every platform leaves free."""

from __future__ import annotations

from typing import cast

from creator_kit.core.model import Anchor, Language, Placement, Slot
from creator_kit.core.presets import PROFILES, ExportProfile, SafeZone

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
