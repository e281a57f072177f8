"""What every drawn source is built from: one constructor shape, ``Source(layer, ctx)``.

A drawn source turns one model layer (plain data in :mod:`creator_kit.core.model`) into a
:class:`~creator_kit.core.frames.FrameSource`. Every kind (image, caption, sticker, tip card,
and the render engine's face-mask layer) takes the layer and a :class:`DrawContext`, so the
engine, the preview and the editor build any of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from creator_kit.core.cancel import CancelToken
from creator_kit.core.frames import RGBA
from creator_kit.core.presets import ExportProfile

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in canvas pixels
# Timeline time -> boxes of the faces the canvas shows at that time.
FacesAt = Callable[[float], Sequence[Box]]


def _ignore(_message: str) -> None:
    """The default warning sink: drop the message."""


@dataclass(frozen=True)
class DrawContext:
    """The canvas and timeline a layer is drawn on.

    ``size`` is the canvas (width, height) in pixels; ``profile`` the export preset whose
    safe zone automatic placement respects (``None``: the zone every preset leaves free);
    ``default_end`` the timeline time where a layer without an end stops; ``offset`` shifts
    the layer's own times (a closing card's layers start where the clips end); ``warn``
    receives one line per problem found while drawing.
    """

    size: tuple[int, int]
    default_end: float
    profile: ExportProfile | None = None
    offset: float = 0.0
    warn: Callable[[str], None] = field(default=_ignore, compare=False)
    # The output frame rate, when known: a caption layer then draws only the cues some frame
    # shows (a file's 20,000 cues inside one second cost one drawing per frame, not 20,000).
    fps: float | None = None
    # Checked while layers are prepared (between layers and between a caption's cues), so a
    # cancel never waits for every layer to be drawn.
    cancel: CancelToken | None = field(default=None, compare=False)
    # Still images already loaded, by (path, width): the same file shown by many layers is
    # decoded once. Shared by the contexts ``dataclasses.replace`` derives from this one.
    stills: dict[tuple[str, int | None], RGBA] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Where faces are on the canvas, when the render has analysed them (a face mask or the
    # face reframe asked for it): stickers, tip cards and captions placed by slot move to a
    # free place of the safe zone rather than cover a face (graphics.slots). The engine
    # sets it for preview and export alike, so both place them the same.
    faces_at: FacesAt | None = field(default=None, compare=False, repr=False)
    # Where the layers placed so far sit at a time (appended to as they are placed), so the
    # next ones keep clear of them too. Shared by the contexts derived from this one.
    taken: list[Callable[[float], Box | None]] = field(
        default_factory=list, compare=False, repr=False
    )
