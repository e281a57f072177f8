"""The seam between what draws pictures (text, vision, images) and the compositor.

A layer at render time is a :class:`FrameSource`: asked for time ``t`` it returns the
:class:`Sprite` objects to blend onto the canvas. A sprite is straight-alpha RGBA plus its
top-left canvas position; ``key`` identifies identical pixels so the compositor converts each
distinct image to YUV once (a caption shown for 90 frames is converted once, not 90 times).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

# NumPy is imported only when RGBA is used at run time: the model (which names FrameSource)
# is imported by listings that must stay light (the editor's library, project files).
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    RGBA = npt.NDArray[np.uint8]  # shape (h, w, 4), straight (not premultiplied) alpha
else:

    def __getattr__(name: str) -> Any:
        if name == "RGBA":
            import numpy as np
            import numpy.typing as npt

            return npt.NDArray[np.uint8]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, eq=False)
class Sprite:
    """An RGBA image placed at integer canvas coordinates, with a global opacity."""

    rgba: RGBA
    x: int
    y: int
    opacity: float = 1.0
    key: Hashable | None = None


class FrameSource(Protocol):
    """Anything that can say what to draw at time ``t`` on a canvas of ``size`` (w, h)."""

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The sprites visible at ``t`` seconds (timeline time), back to front."""
        ...
