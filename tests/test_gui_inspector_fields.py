"""The inspector's closing-card texts, caption style box and slot box (pytest-qt).

Each drives the real widgets and checks the project, the preview pixels, and undo.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFormLayout

from creator_kit.core import edits
from creator_kit.core.captions import STYLES
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    ClosingCard,
    Placement,
    Project,
    StickerLayer,
)
from tests.guiapp import (
    caption_editor,
    differ,
    editor_app,
    open_clip,
    pixels,
    same,
    shown_at,
    type_text,
)

editor_app("en")

CARD_AT = 2.0 + 3.0  # the 2 s clip, then the card's texts have all come in


def _label(page, widget) -> str:
    form: QFormLayout = page.form
    return form.labelForField(widget).text()


def _rows_changed(a: QImage, b: QImage) -> np.ndarray:
    """For each row of the frame, whether some pixel in it changed clearly."""
    d = np.abs(pixels(a).astype(np.int16) - pixels(b)).max(axis=2) > 40
    return d.any(axis=1)


def _card_text(project: Project, role: str) -> str:
    layer = edits.find_layer(project, edits.card_texts(project)[role])
    assert isinstance(layer, CaptionLayer)
    return layer.text


# -- the closing card's texts -----------------------------------------------------------------


def test_card_texts_by_role_from_a_template_and_kept_while_retyped():
    from creator_kit.templates import apply_template, find_template

    p = apply_template(find_template("maskup"), ["a.mp4"], {"creator": "@salma"}, language="ar")
    roles = edits.card_texts(p)
    assert {r: _card_text(p, r) for r in roles} == {
        "headline": "لا تنسوا الكمامة", "hashtags": "#لاتنسواالكمامة #MaskUp",
        "cta": "ارتدِ الكمامة واحمِ غيرك", "handle": "@salma"}
    # The hashtags cleared and retyped as words: with the earlier answer, still the hashtags.
    p2 = edits.set_card_text(p, "hashtags", "ابقوا", roles)
    assert edits.card_texts(p2, roles) == roles
    assert edits.find_layer(p2, roles["hashtags"]).text == "ابقوا"
    # A card without a text gets one, named by its role; empty text adds nothing.
    bare = Project(clips=(ClipRef("a.mp4"),))
    assert edits.set_card_text(bare, "headline", "") == bare
    added = edits.set_card_text(bare, "hashtags", "M")
    assert edits.card_texts(added) == {"hashtags": "card-hashtags"}
    with pytest.raises(edits.EditError, match="not a closing-card text"):
        edits.set_card_text(bare, "logo", "x")  # type: ignore[arg-type]


def test_card_page_edits_headline_hashtags_and_call_to_action(qtbot, window, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    assert w.apply_template("maskup", lang="ar")
    w.model.select("card")
    page = w.inspector.current_page()
    assert page is w.inspector.pages["card"]
    fields = page.texts
    assert [_label(page, fields[r]) for r in ("headline", "hashtags", "cta", "handle")] == [
        "Headline", "Hashtags", "Call to action", "Your handle"]
    assert fields["headline"].toPlainText() == "لا تنسوا الكمامة"
    assert fields["hashtags"].toPlainText() == "#لاتنسواالكمامة #MaskUp"
    assert fields["cta"].toPlainText() == "ارتدِ الكمامة واحمِ غيرك"
    assert fields["handle"].toPlainText() == ""  # the template's handle line, left empty
    original = w.project
    steps = w.model.undo_stack.count()
    before = shown_at(qtbot, w, CARD_AT)

    # Retype the hashtags: select all, then type over them.
    fields["hashtags"].selectAll()
    type_text(fields["hashtags"], "#StaySafe #خليك_بالبيت")
    assert _card_text(w.project, "hashtags") == "#StaySafe #خليك_بالبيت"
    assert _card_text(w.project, "headline") == "لا تنسوا الكمامة"
    assert _card_text(w.project, "cta") == "ارتدِ الكمامة واحمِ غيرك"
    assert w.model.undo_stack.count() == steps + 1  # the typing is one step
    tags = shown_at(qtbot, w, CARD_AT)
    assert differ(tags, before)

    # The call to action: a separate step; only its part of the card changes.
    fields["cta"].moveCursor(fields["cta"].textCursor().MoveOperation.End)
    type_text(fields["cta"], " الآن")
    assert _card_text(w.project, "cta") == "ارتدِ الكمامة واحمِ غيرك الآن"
    assert _card_text(w.project, "hashtags") == "#StaySafe #خليك_بالبيت"
    assert w.model.undo_stack.count() == steps + 2
    cta = shown_at(qtbot, w, CARD_AT)
    rows = np.nonzero(_rows_changed(cta, tags))[0] / cta.height()
    assert rows.size and rows.min() > 0.45  # below the hashtags (the box at y 0.468)

    # The headline (the big line above the hashtags).
    fields["headline"].selectAll()
    type_text(fields["headline"], "Mask up")
    assert _card_text(w.project, "headline") == "Mask up"
    headline = shown_at(qtbot, w, CARD_AT)
    rows = np.nonzero(_rows_changed(headline, cta))[0] / cta.height()
    assert rows.size and rows.max() < 0.38  # above the hashtags line

    # The handle, small at the bottom of the card.
    type_text(fields["handle"], "@salma")
    assert _card_text(w.project, "handle") == "@salma"
    handle = shown_at(qtbot, w, CARD_AT)
    rows = np.nonzero(_rows_changed(handle, headline))[0] / cta.height()
    assert rows.size and rows.min() > 0.6

    for _ in range(4):
        w.undo_action.trigger()
    assert w.project == original
    assert fields["hashtags"].toPlainText() == "#لاتنسواالكمامة #MaskUp"  # the page followed
    assert fields["cta"].toPlainText() == "ارتدِ الكمامة واحمِ غيرك"
    assert same(shown_at(qtbot, w, CARD_AT), before)


def test_card_page_adds_a_text_the_card_lacks(qtbot, window, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    w.model.apply("Card", lambda p: p.replace(card=ClosingCard(duration=3.0)))
    w.model.select("card")
    page = w.inspector.current_page()
    assert all(f.toPlainText() == "" for f in page.texts.values())
    empty = shown_at(qtbot, w, CARD_AT - 0.5)
    steps = w.model.undo_stack.count()
    type_text(page.texts["cta"], "شارك الفيديو")
    cap = w.project.card.layers[-1]
    assert isinstance(cap, CaptionLayer) and cap.text == "شارك الفيديو"
    assert cap.style.box is not None  # drawn on a box, like a button
    assert edits.card_texts(w.project) == {"cta": cap.id}
    assert page.texts["cta"].toPlainText() == "شارك الفيديو"
    assert page.texts["headline"].toPlainText() == ""  # it did not land in another field
    assert w.model.undo_stack.count() == steps + 1
    assert differ(shown_at(qtbot, w, CARD_AT - 0.5), empty)
    w.undo_action.trigger()
    assert w.project.card.layers == ()
    assert page.texts["cta"].toPlainText() == ""
    assert same(shown_at(qtbot, w, CARD_AT - 0.5), empty)


# -- the caption's style ----------------------------------------------------------------------


def test_caption_style_box_shows_the_template_style_and_keeps_it(qtbot, window, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    assert w.apply_template("maskup", lang="ar")
    type_text(caption_editor(w), "لا تنسوا الكمامة")
    page = w.inspector.current_page()
    cap_id = w.model.selection
    template_style = edits.find_layer(w.project, cap_id).style
    assert template_style not in STYLES.values()
    box = page.style_box
    assert box.currentText() == "Template style"
    assert [box.itemText(i) for i in range(box.count())].count("Template style") == 1
    steps = w.model.undo_stack.count()
    before = shown_at(qtbot, w, 1.0)
    # Reloading the page (another selection and back) leaves the template's style alone.
    w.model.select("project")
    w.model.select(cap_id)
    assert edits.find_layer(w.project, cap_id).style == template_style
    assert w.model.undo_stack.count() == steps

    box.setCurrentIndex(box.findData("clean"))
    assert edits.find_layer(w.project, cap_id).style == STYLES["clean"]
    assert box.currentText() == "clean" and box.findText("Template style") < 0
    clean = shown_at(qtbot, w, 1.0)
    assert differ(clean, before)  # the template's box behind the words is gone
    w.undo_action.trigger()
    assert edits.find_layer(w.project, cap_id).style == template_style
    assert box.currentText() == "Template style"
    assert same(shown_at(qtbot, w, 1.0), before)


# -- the slot of a sticker --------------------------------------------------------------------


def _centre_y(frame: QImage, plain: QImage) -> float:
    d = np.abs(pixels(frame).astype(np.int16) - pixels(plain)).max(axis=2) > 40
    assert d.sum() > 50, "nothing drawn over the clip"
    return float(np.nonzero(d)[0].mean()) / frame.height()


def test_slot_box_shows_a_custom_position_and_a_slot_clears_it(qtbot, window, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    plain = shown_at(qtbot, w, 1.0)
    w._add_layer("Add sticker", StickerLayer(
        name="mask", start=0.0, end=2.0, slot="top",
        placement=Placement(x=0.5, y=0.7, width=0.3)))
    page = w.inspector.current_page()
    assert page is w.inspector.pages["sticker"]
    slot = page.slot_box
    assert slot.currentText() == "Custom position"
    placed = shown_at(qtbot, w, 1.0)
    assert _centre_y(placed, plain) == pytest.approx(0.7, abs=0.05)
    original = w.project

    slot.setCurrentIndex(slot.findData("top"))  # the slot it had: a real change now
    layer = w.project.layers[0]
    assert layer.slot == "top" and layer.placement is None
    assert slot.currentData() == "top" and slot.findText("Custom position") < 0
    top = shown_at(qtbot, w, 1.0)
    assert _centre_y(top, plain) < 0.35

    w.undo_action.trigger()
    assert w.project == original
    assert slot.currentText() == "Custom position"
    assert same(shown_at(qtbot, w, 1.0), placed)
