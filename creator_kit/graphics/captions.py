"""Caption layers as drawn sources: text drawn by the text engine, timed, placed, highlighted.

The text engine caches every distinct caption image (and every highlighted variant), and the
compositor caches each one's YUV form, so a caption costs one drawing per distinct look
however many frames it stays on screen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from creator_kit.core.captions import CaptionStyle, Cue
from creator_kit.core.frames import Sprite
from creator_kit.core.model import CaptionLayer, OutputSettings, Placement
from creator_kit.core.presets import ExportProfile, get_profile
from creator_kit.graphics.animation import ANCHOR_FRACTIONS, Animated
from creator_kit.graphics.context import DrawContext
from creator_kit.text.engine import CaptionImage, render_caption
from creator_kit.text.placement import Rect, caption_area, covered_bands, place_in_area, zone_for
from creator_kit.text.timing import active_word


class CaptionSource:
    """One caption layer: a single text or a list of cues."""

    def __init__(self, layer: CaptionLayer, ctx: DrawContext) -> None:
        self.layer = layer
        self.size = ctx.size
        # Captions keep clear of an interface band, so they need a preset: without one they
        # use the default output's.
        self.profile: ExportProfile = ctx.profile or get_profile(OutputSettings().preset)
        # Style sizes are pixels of the export canvas; a smaller canvas (the editor's
        # preview) draws the same caption scaled, so it wraps and sits as exported.
        self.style = scaled_style(layer.style, self.size[0] / self.profile.width)
        self._warn = ctx.warn
        offset, default_end = ctx.offset, ctx.default_end
        start = layer.start + offset
        end = default_end if layer.end is None else min(layer.end + offset, default_end)
        if layer.cues:
            cues = [
                Cue(max(c.start + offset, start), min(c.end + offset, end), c.text, c.words)
                for c in layer.cues
                if c.end + offset > start and c.start + offset < end and c.text.strip()
            ]
        elif layer.text.strip():
            cues = [Cue(start, end, layer.text)]
        else:
            cues = []
        self.cues = [c for c in cues if c.end > c.start]
        self._timers = [
            Animated(c.start, c.end, Placement(), layer.opacity, layer.enter, layer.exit, c.end)
            for c in self.cues
        ]
        self._warned: set[int] = set()
        # Draw each cue once up front: bad text or fonts are reported before the render.
        for i, cue in enumerate(self.cues):
            self._image(i, cue, None)

    def _width(self, rtl: bool) -> float:
        if self.layer.placement is not None and self.layer.placement.width is not None:
            return self.layer.placement.width * self.size[0]
        return caption_area(self.profile, rtl, canvas=self.size).w

    def _image(self, i: int, cue: Cue, word: int | None) -> CaptionImage:
        # The wrap width depends on direction (mirrored safe zone), known after a first draw.
        img = render_caption(cue.text, self.style, self._width(False), highlight_word=word)
        if img.direction == "rtl" and self._width(True) != self._width(False):
            img = render_caption(cue.text, self.style, self._width(True), highlight_word=word)
        if i not in self._warned:
            self._warned.add(i)
            for w in img.warnings:
                self._warn(f"caption {cue.text[:40]!r}: {w}")
            self._check_safe_zone(cue, img)
        return img

    def _position(self, img: CaptionImage) -> tuple[int, int]:
        rtl = img.direction == "rtl"
        placement = self.layer.placement
        if placement is None:
            area = caption_area(self.profile, rtl, canvas=self.size)
            return place_in_area(img.content, area, "bottom")
        cx, cy, cw, ch = img.content
        ax, ay = ANCHOR_FRACTIONS[placement.anchor]
        x = placement.x * self.size[0] - ax * cw - cx
        y = placement.y * self.size[1] - ay * ch - cy
        return round(x), round(y)

    def _check_safe_zone(self, cue: Cue, img: CaptionImage) -> None:
        if img.empty:
            return
        x, y = self._position(img)
        cx, cy, cw, ch = img.content
        rect = Rect(x + cx, y + cy, cw, ch)
        zone = zone_for(self.profile, img.direction == "rtl")
        bands = covered_bands(rect, zone, self.size)
        if bands:
            self._warn(
                f"caption {cue.text[:40]!r} enters the {' and '.join(bands)} band that "
                f"{self.profile.title}'s interface covers"
            )

    def sprites_at(self, t: float, size: tuple[int, int]) -> Sequence[Sprite]:
        """The caption cue on screen at ``t`` (with its active word lit), if any."""
        for i, (cue, timer) in enumerate(zip(self.cues, self._timers, strict=True)):
            if not timer.visible(t):
                continue
            word = active_word(cue, t) if self.layer.highlight == "words" else None
            img = self._image(i, cue, word)
            if img.empty:
                return ()
            x, y = self._position(img)
            st = timer.state(t, size)
            opacity = self.layer.opacity * st.opacity
            if opacity <= 0.003:
                return ()
            key = ("caption", id(self), i, word)
            return (Sprite(img.rgba, x + round(st.dx), y + round(st.dy), opacity, key),)
        return ()


def scaled_style(style: CaptionStyle, factor: float) -> CaptionStyle:
    """``style`` with every pixel measure multiplied by ``factor`` (itself when 1)."""
    if abs(factor - 1.0) < 1e-9:
        return style
    shadow = style.shadow
    if shadow is not None:
        shadow = dataclasses.replace(
            shadow,
            offset_x=shadow.offset_x * factor,
            offset_y=shadow.offset_y * factor,
            blur=shadow.blur * factor,
        )
    box = style.box
    if box is not None:
        box = dataclasses.replace(box, padding=box.padding * factor, radius=box.radius * factor)
    return dataclasses.replace(
        style,
        size_px=style.size_px * factor,
        outline_width=style.outline_width * factor,
        shadow=shadow,
        box=box,
    )
