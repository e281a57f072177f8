"""Arabic text and timed captions as moviepy clips, drawn by creator_kit's text engine.

moviepy's ``TextClip`` draws Arabic unjoined and left to right; these clips come from the same
engine (Qt's HarfBuzz shaping and bidi) that draws creator_kit's captions, so a moviepy script
and ``creator-kit render`` produce the same pixels for the same text and style.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from moviepy import ImageClip, VideoClip

from creator_kit.core.captions import STYLES, CaptionStyle, Cue, get_style
from creator_kit.core.model import CaptionLayer
from creator_kit.core.presets import get_profile
from creator_kit.graphics.captions import CaptionSource
from creator_kit.graphics.context import DrawContext
from creator_kit.text.engine import CaptionImage, render_caption
from creator_kit.text.subs import fix_with_notes, load_subs


def _style(style: str | CaptionStyle) -> CaptionStyle:
    if isinstance(style, CaptionStyle):
        return style
    if style not in STYLES:
        get_style(style)  # raises KeyError listing the known names
    return STYLES[style]


class ArabicText(ImageClip):  # type: ignore[misc]
    """A still RGBA clip (picture plus mask) of ``text`` drawn by creator_kit's text engine.

    Any caption ``style`` (a name such as ``"bold-box"`` or a :class:`CaptionStyle`), any mix
    of Arabic, Latin, hashtags and emoji; ``width`` is the wrapping width in pixels (as in
    ``render_caption``). The pixels are exactly the engine's caption image of the same text,
    style and width, padding for shadows included (``caption.content`` is the visible block).
    ``duration`` ``None`` leaves it open, as moviepy's ``ImageClip`` does.
    """

    def __init__(
        self,
        text: str,
        *,
        style: str | CaptionStyle = "bold-box",
        width: float = 900,
        duration: float | None = None,
    ) -> None:
        if not isinstance(text, str):
            raise TypeError("ArabicText: text must be a str")
        image = render_caption(text, _style(style), width)
        if image.empty:
            raise ValueError("ArabicText: the text is empty")
        self.caption: CaptionImage = image
        # ImageClip splits a four-channel picture into the picture and a mask (alpha / 255).
        super().__init__(np.array(image.rgba, copy=True), duration=duration, transparent=True)


class CaptionsClip(VideoClip):  # type: ignore[misc]
    """Timed captions over a transparent canvas of ``size``, as the engine draws them.

    ``cues_or_subtitle_file`` is an SRT, VTT or ASS file (every encoding ``creator-kit render
    --captions`` reads; timings fixed by the same rule, the last cue kept) or a sequence of
    :class:`Cue` or ``(start, end, text)`` tuples. ``highlight="words"`` lights up each word as
    it is spoken, in reading order (right to left for Arabic). Captions sit where the engine
    puts them: at the bottom of ``preset``'s safe area, mirrored for right-to-left text.
    Composite it over a clip of the same size; ``notes`` lists what was fixed in the file.
    """

    def __init__(
        self,
        cues_or_subtitle_file: str | Path | Sequence[Cue | tuple[float, float, str]],
        *,
        style: str | CaptionStyle = "bold-box",
        size: tuple[int, int] = (1080, 1920),
        highlight: str | None = None,
        preset: str = "tiktok",
        encoding: str | None = None,
    ) -> None:
        w, h = (int(v) for v in size)
        if w <= 0 or h <= 0:
            raise ValueError(f"CaptionsClip: size must be positive, not {size}")
        if highlight not in (None, "none", "words"):
            raise ValueError(f"CaptionsClip: highlight must be None or 'words', not {highlight!r}")
        notes: list[str] = []
        if isinstance(cues_or_subtitle_file, (str, Path)):
            subs = load_subs(cues_or_subtitle_file, encoding)
            cues, fixed = fix_with_notes(subs.cues)
            notes = [*subs.notes, *fixed]
        else:
            cues, fixed = fix_with_notes(_cues(cues_or_subtitle_file))
            notes = list(fixed)
        if not cues:
            raise ValueError("CaptionsClip: there are no captions to show")
        self.cues: tuple[Cue, ...] = tuple(cues)
        self.notes: tuple[str, ...] = tuple(notes)
        end = max(c.end for c in cues)
        layer = CaptionLayer(
            cues=self.cues,
            style=_style(style),
            highlight="words" if highlight == "words" else "none",
        )
        self._source = CaptionSource(
            layer, DrawContext(size=(w, h), default_end=end, profile=get_profile(preset))
        )
        self._last: tuple[Any, np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None
        super().__init__(frame_function=self._rgb, duration=end)
        self.size = (w, h)
        self.mask = VideoClip(frame_function=self._alpha, is_mask=True, duration=end)
        self.mask.size = (w, h)

    def _canvas(self, t: float) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        size = self._source.size
        sprites = self._source.sprites_at(float(t), size)
        key = tuple((s.key, s.x, s.y, round(s.opacity, 3)) for s in sprites)
        if self._last is not None and self._last[0] == key:
            return self._last[1], self._last[2]
        rgb = np.zeros((size[1], size[0], 3), np.uint8)
        alpha = np.zeros((size[1], size[0]), np.float64)
        for s in sprites:
            sh, sw = s.rgba.shape[:2]
            x0, y0 = max(s.x, 0), max(s.y, 0)
            x1, y1 = min(s.x + sw, size[0]), min(s.y + sh, size[1])
            if x0 >= x1 or y0 >= y1:
                continue
            part = s.rgba[y0 - s.y : y1 - s.y, x0 - s.x : x1 - s.x]
            a = part[..., 3].astype(np.float64) / 255.0 * min(1.0, s.opacity)
            under = alpha[y0:y1, x0:x1]
            out_a = a + under * (1.0 - a)
            safe = np.where(out_a > 0, out_a, 1.0)
            mixed = (
                part[..., :3] * a[..., None]
                + rgb[y0:y1, x0:x1] * (under * (1.0 - a))[..., None]
            ) / safe[..., None]
            rgb[y0:y1, x0:x1] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
            alpha[y0:y1, x0:x1] = out_a
        self._last = (key, rgb, alpha)
        return rgb, alpha

    def _rgb(self, t: float) -> np.ndarray[Any, Any]:
        return self._canvas(t)[0]

    def _alpha(self, t: float) -> np.ndarray[Any, Any]:
        return self._canvas(t)[1]


def _cues(items: Sequence[Cue | tuple[float, float, str]]) -> list[Cue]:
    out: list[Cue] = []
    for i, item in enumerate(items):
        if isinstance(item, Cue):
            out.append(item)
            continue
        try:
            start, end, text = item
            out.append(Cue(float(start), float(end), str(text)))
        except (TypeError, ValueError):
            raise ValueError(
                f"CaptionsClip: cue {i} must be a Cue or (start, end, text), not {item!r}"
            ) from None
    return out
