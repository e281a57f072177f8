"""Settings for the face effects: the tracked mask overlay and the face-following reframe.

Plain, frozen, ranged data (see :mod:`creator_kit.core.schema`) so that a project or template
can carry them and the vision package can read them without knowing where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from creator_kit.core.schema import ranged

MaskStyle = Literal["surgical", "cloth", "n95"]
MASK_STYLES: tuple[MaskStyle, ...] = ("surgical", "cloth", "n95")


@dataclass(frozen=True)
class FaceMaskSettings:
    """A mask graphic drawn over nose, mouth and chin of tracked faces.

    ``tracks`` limits the mask to those track ids (``None``: every face). ``fade`` is the
    fade-in time in seconds of the mask on a face that comes into view mid-shot (drawn from
    half opacity over half of it; a face there from a cut has it at once, and the mask
    leaves at once with its face). ``scale`` enlarges or shrinks
    the mask relative to the face, ``offset_y`` moves it down (positive) or up in face
    heights, and ``opacity`` is the mask's overall opacity.
    """

    style: MaskStyle = "surgical"
    tracks: tuple[int, ...] | None = None
    fade: float = ranged(0.25, 0.0, 3.0)
    scale: float = ranged(1.0, 0.5, 2.0)
    offset_y: float = ranged(0.0, -0.5, 0.5)
    opacity: float = ranged(1.0, 0.0, 1.0)

    def __post_init__(self) -> None:
        if self.tracks is not None and any(t < 1 for t in self.tracks):
            raise ValueError("track ids start at 1")


@dataclass(frozen=True)
class FaceReframeSettings:
    """How the vertical window follows faces, like a camera operator rather than a tracker.

    ``dead_zone`` is the fraction of the window's width (or height) the subject may drift
    inside before the window moves; ``ease`` is roughly the seconds a move takes to settle;
    ``max_speed`` caps the pan speed in window widths per second. With no face the window
    holds for ``hold`` seconds, then returns to ``rest_x``/``rest_y`` (-1..1, 0 = centre).
    ``keep_two`` frames two faces together when both fit; ``margin`` is the room kept around
    faces, in face widths. When the window moves up and down (a source taller than the
    output), ``headroom`` is where the face sits, as a fraction of the window height from
    its top.
    """

    dead_zone: float = ranged(0.25, 0.0, 0.9)
    ease: float = ranged(0.6, 0.05, 5.0)
    max_speed: float = ranged(1.2, 0.05, 10.0)
    hold: float = ranged(1.0, 0.0, 30.0)
    rest_x: float = ranged(0.0, -1.0, 1.0)
    rest_y: float = ranged(0.0, -1.0, 1.0)
    keep_two: bool = True
    margin: float = ranged(0.35, 0.0, 2.0)
    headroom: float = ranged(0.38, 0.1, 0.9)
