"""Pure edit operations on the immutable Project (creator_kit.core.edits)."""

from __future__ import annotations

import pytest

from creator_kit.core import edits
from creator_kit.core.captions import STYLES, Cue
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    Placement,
    Project,
    StickerLayer,
)


def base() -> Project:
    return Project(
        clips=(ClipRef("a.mp4"), ClipRef("b.mp4", 1.0, 3.0)),
        layers=(FaceMaskLayer(), CaptionLayer(text="مرحبا")),
        card=ClosingCard(layers=(CaptionLayer(text="#MaskUp"),)),
    )


def test_layers_are_found_added_moved_and_removed_by_id():
    p = base()
    assert edits.layer_ids(p) == ["face-mask-1", "caption-1", "caption-2"]
    p2, sid = edits.add_layer(p, StickerLayer(name="mask-up"))
    assert sid == "sticker-1" and p2.layers[-1].id == sid
    assert p.layers == base().layers  # the original is untouched
    p3 = edits.move_layer(p2, sid, 0)
    assert [layer.id for layer in p3.layers] == ["sticker-1", "face-mask-1", "caption-1"]
    p4 = edits.remove_layer(p3, "caption-1")
    assert edits.layer_ids(p4) == ["sticker-1", "face-mask-1", "caption-2"]
    # Adding a layer whose id is taken gives it a fresh one.
    p5, again = edits.add_layer(p4, CaptionLayer(text="x", id="caption-2"))
    assert again == "caption-1"
    with pytest.raises(edits.EditError, match="no layer 'nope'"):
        edits.remove_layer(p, "nope")


def test_updates_are_checked_like_a_loaded_file():
    p = base()
    p2 = edits.update_layer(p, "caption-1", opacity=0.5)
    assert edits.find_layer(p2, "caption-1").opacity == 0.5
    assert edits.find_layer(p2, "caption-1").id == "caption-1"
    with pytest.raises(edits.EditError, match="at most 1.0"):
        edits.update_layer(p, "caption-1", opacity=7.0)
    with pytest.raises(edits.EditError, match="must be one of"):
        edits.set_reframe(p, mode="stretch")
    with pytest.raises(edits.EditError, match="end after it starts"):
        edits.set_layer_time(p, "caption-1", 3.0, 2.0)
    with pytest.raises(edits.EditError, match="cannot be changed"):
        edits.update_layer(p, "caption-1", id="other")


def test_clip_edits():
    p = base()
    assert [c.source for c in edits.move_clip(p, 1, 0).clips] == ["b.mp4", "a.mp4"]
    trimmed = edits.trim_clip(p, 1, 0.5, 2.0)
    assert (trimmed.clips[1].start, trimmed.clips[1].end) == (0.5, 2.0)
    with pytest.raises(edits.EditError):
        edits.trim_clip(p, 1, 2.0, 1.0)
    one = edits.remove_clip(p, 0)
    assert [c.source for c in one.clips] == ["b.mp4"]
    with pytest.raises(edits.EditError, match="at least one clip"):
        edits.remove_clip(one, 0)
    assert edits.relink(p, {"a.mp4": "/new/a.mp4"}).clips[0].source == "/new/a.mp4"


def test_caption_face_mask_card_audio_output_edits():
    p = base()
    p = edits.set_caption_text(p, "caption-1", "لا تنسوا الكمامة #MaskUp")
    p = edits.set_caption_style(p, "caption-1", STYLES["bold-box"])
    p = edits.update_caption_style(p, "caption-1", size_px=80.0)
    p = edits.set_highlight(p, "caption-1", "words")
    p = edits.set_cues(p, "caption-1", (Cue(0.0, 1.0, "a"), Cue(1.0, 2.0, "b")))
    p = edits.update_cue(p, "caption-1", 1, start=1.2, text="ب")
    cap = edits.find_layer(p, "caption-1")
    assert isinstance(cap, CaptionLayer)
    assert cap.style.size_px == 80.0 and cap.highlight == "words"
    assert cap.cues[1] == Cue(1.2, 2.0, "ب")
    with pytest.raises(edits.EditError, match="not a face mask"):
        edits.update_face_mask(p, "caption-1", style="n95")
    p = edits.update_face_mask(p, "face-mask-1", style="n95", tracks=(1, 2))
    mask = edits.find_layer(p, "face-mask-1")
    assert isinstance(mask, FaceMaskLayer) and mask.settings.tracks == (1, 2)
    p = edits.update_card(p, duration=4.0)
    p = edits.update_card_background(p, kind="gradient", colour="#112233")
    assert p.card is not None and p.card.duration == 4.0 and p.card.background.colour == "#112233"
    assert edits.find_layer(p, "caption-2").id == "caption-2"  # card layers keep their ids
    p = edits.update_audio(p, music_volume=0.2)
    p = edits.set_profile(p, "reels")
    assert p.audio.music_volume == 0.2 and p.output.preset == "reels"
    p = edits.set_placement(p, "caption-2", Placement(0.5, 0.2))
    assert edits.find_layer(p, "caption-2").placement == Placement(0.5, 0.2)
    assert edits.set_card(p, None).card is None
