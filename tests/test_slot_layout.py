"""Layers placed by slot share the frame with faces: a tip card and a caption placed
automatically over the same span never cover each other, nor a face's eyes, nose and mouth.

The layers are the built-in ``maskup`` template's, with a caption, as ``make demo`` renders
them; the faces are known boxes, so each drawn sprite is checked against them.
"""

from __future__ import annotations

import numpy as np
import pytest

from creator_kit.core.frames import Sprite
from creator_kit.core.model import CaptionLayer, FaceMaskLayer, StickerLayer, TipCardLayer
from creator_kit.core.presets import get_profile
from creator_kit.graphics.context import Box
from creator_kit.graphics.slots import Keep, Route, face_inner_box, steady_route
from creator_kit.render.layer_sources import LayerContext, build_sources
from creator_kit.templates import apply_template, find_template
from creator_kit.text.placement import safe_zone_rect

SIZE = (1080, 1920)
END = 8.0
CAPTION = "لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp"


def _drawn_box(sprite: Sprite) -> Box:
    """Canvas box of the sprite's visible pixels."""
    ys, xs = np.nonzero(sprite.rgba[..., 3] > 32)
    assert len(xs), "an empty sprite"
    return (
        sprite.x + xs.min(),
        sprite.y + ys.min(),
        sprite.x + xs.max() + 1,
        sprite.y + ys.max() + 1,
    )


def _meet(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _settled(layer: object, t: float) -> bool:
    """True when ``layer`` is at its place at ``t``: not sliding or fading in or out."""
    start = getattr(layer, "start", 0.0)
    end = min(END, getattr(layer, "end", None) or END)
    enter, leave = getattr(layer, "enter", None), getattr(layer, "exit", None)
    lead = enter.duration if enter is not None and enter.kind != "none" else 0.0
    tail = leave.duration if leave is not None and leave.kind != "none" else 0.0
    return start + lead <= t <= end - tail


def _maskup_layers(clip: str = "clip.mp4") -> tuple:
    project = apply_template(
        find_template("maskup"), [clip], {"creator": "@salma"}, language="ar", caption=CAPTION
    )
    # The face mask follows analysed clips (not known boxes); the rest is what make demo draws.
    return tuple(la for la in project.layers if not isinstance(la, FaceMaskLayer))


# Face boxes (x1, y1, x2, y2) on the 1080x1920 canvas: the demo's head in the top 40 % of
# the frame, drifting sideways as the face-following crop lags; a head in the middle; two.
FACES = {
    "top": lambda t: [(446.0 - 60 * np.sin(t), 424.0, 903.0 - 60 * np.sin(t), 993.0)],
    "middle": lambda t: [(330.0, 640.0, 750.0, 1160.0)],
    "two": lambda t: [(120.0, 520.0, 460.0, 940.0), (620.0, 560.0, 960.0, 980.0)],
}


@pytest.mark.parametrize("faces", sorted(FACES))
def test_tip_card_and_caption_keep_off_each_other_and_the_faces(faces: str) -> None:
    layers = _maskup_layers()
    kinds = [type(la) for la in layers]
    assert CaptionLayer in kinds and TipCardLayer in kinds and StickerLayer in kinds
    caption = next(la for la in layers if isinstance(la, CaptionLayer))
    assert caption.placement is None  # the template leaves the caption's place to the render
    profile = get_profile("tiktok")
    ctx = LayerContext(SIZE, END, profile, fps=30.0, faces_at=FACES[faces])
    sources = build_sources(layers, ctx, default_end=END)
    zone = safe_zone_rect(profile, rtl_ui=True)
    both = 0
    for t in np.arange(0.5, END - 0.5, 0.25).tolist():
        drawn: dict[str, Box] = {}
        for layer, source in zip(layers, sources, strict=True):
            for sprite in source.sprites_at(t, SIZE):
                if _settled(layer, t):  # (a card slides in through a fifth of the frame)
                    drawn[type(layer).__name__] = _drawn_box(sprite)
        assert "CaptionLayer" in drawn, f"{t:.2f} s: no caption"
        for name, box in drawn.items():
            for face in FACES[faces](t):
                inner = face_inner_box(face)
                assert not _meet(box, inner), f"{t:.2f} s: the {name} {box} covers {inner}"
            assert zone.x <= box[0] and box[2] <= zone.right, f"{t:.2f} s: {name} {box}"
            assert zone.y <= box[1] and box[3] <= zone.bottom, f"{t:.2f} s: {name} {box}"
        overlays = [n for n in drawn if n != "CaptionLayer"]
        for name in overlays:
            assert not _meet(drawn["CaptionLayer"], drawn[name]), (
                f"{t:.2f} s: the caption {drawn['CaptionLayer']} covers the {name} {drawn[name]}"
            )
        both += "TipCardLayer" in drawn
    assert both >= 12  # the card and the caption shared the screen for seconds


def test_a_template_caption_is_placed_by_the_render_unless_the_template_pins_it() -> None:
    from creator_kit.core.model import Placement

    loaded = find_template("maskup")
    assert loaded.template.caption_placement is None
    pinned = loaded.template.replace(caption_placement=Placement(x=0.5, y=0.3))
    for template, want in ((loaded, None), (pinned, Placement(x=0.5, y=0.3))):
        project = apply_template(template, ["clip.mp4"], {"creator": "@s"}, caption="Hi")
        (caption,) = [la for la in project.layers if isinstance(la, CaptionLayer)]
        assert caption.placement == want


def _box_at(rects: list[Box], first: int, route: Route, t: float) -> Box:
    dx, dy, _fade = route.at(t)
    x1, y1, x2, y2 = rects[first]
    return (x1 + dx, y1 + dy, x2 + dx, y2 + dy)


# A caption's places (bottom, top, middle of a 1080x1920 safe zone), as captions weigh them,
# around a face whose hair reaches the top place.
PLACES: list[Box] = [(200, 1300, 900, 1470), (200, 190, 900, 360), (200, 745, 900, 915)]
FACE = [Keep((300, 250, 800, 1100), 0.3), Keep((380, 500, 720, 1000), 1.0)]


def test_a_caption_makes_way_for_a_card_that_comes_and_goes() -> None:
    card: Box = (170, 1010, 1010, 1480)  # at the bottom from 2 s to 5 s

    def avoid(t: float) -> list[Keep]:
        return [*FACE, Keep(card, 0.5, layer=True)] if 2.0 <= t < 5.0 else FACE

    first, route = steady_route(PLACES, avoid, 0.0, 8.0)
    assert first == 0  # the bottom while it is free
    assert len(route.changes) == 3  # up to the hair when the card comes, back when it goes
    for t in np.arange(0.0, 8.0, 0.05).tolist():
        box = _box_at(PLACES, first, route, t)
        _dx, _dy, fade = route.at(t)
        if 2.0 <= t < 5.0 and fade > 0:
            assert not _meet(box, card), f"{t:.2f} s: the caption {box} is on the card"
    assert _box_at(PLACES, first, route, 3.0) == PLACES[1]
    assert _box_at(PLACES, first, route, 7.0) == PLACES[0]


def test_a_caption_stays_put_over_a_hairline_and_a_blink_of_a_layer() -> None:
    blink: Box = (170, 1200, 1010, 1480)  # a layer crosses the bottom for 0.1 s

    def avoid(t: float) -> list[Keep]:
        return [*FACE, Keep(blink, 0.5, layer=True)] if 3.0 <= t < 3.1 else FACE

    first, route = steady_route(PLACES, avoid, 0.0, 8.0)
    assert first == 0 and route.still
    # With the bottom taken throughout, the hairline is the lesser evil, and it stays there.
    first, route = steady_route(PLACES, lambda t: [*FACE, Keep(blink, 0.5, layer=True)], 0, 8)
    assert first == 1 and route.still


def test_without_faces_a_default_caption_still_keeps_off_a_card_in_its_place() -> None:
    # No face data (no face mask, no face reframe): the card keeps its slot, the bottom,
    # where a caption goes by default; the caption, placed after it, goes elsewhere.
    card = TipCardLayer(tip="wash-hands", language="en", slot="bottom", start=0.0, end=4.0)
    caption = CaptionLayer(text="Wash your hands, twenty seconds")
    layers = (card, caption)
    ctx = LayerContext(SIZE, 4.0, get_profile("tiktok"), fps=30.0)
    sources = build_sources(layers, ctx, default_end=4.0)
    for t in (1.0, 2.0, 3.0):
        (card_sprite,) = sources[0].sprites_at(t, SIZE)
        (caption_sprite,) = sources[1].sprites_at(t, SIZE)
        card_box, caption_box = _drawn_box(card_sprite), _drawn_box(caption_sprite)
        assert card_box[3] > 0.7 * SIZE[1]  # the card is in its slot at the bottom
        assert not _meet(card_box, caption_box), f"{t} s: {caption_box} on {card_box}"
