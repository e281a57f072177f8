"""The editor's animation rows, closing-card logos, library drops and templates (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from creator_kit.core.model import (
    Animation,
    CaptionLayer,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    Placement,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.project_io import load_project
from tests.guiapp import (
    caption_editor,
    differ,
    editor_app,
    open_clip,
    pixels,
    same,
    shown_at,
    type_text,
    wait_frame,
)

editor_app("en")


def centre_x(frame: QImage, plain: QImage) -> float:
    """The mean column (fraction of the width) of the pixels that differ from ``plain``."""
    d = np.abs(pixels(frame).astype(np.int16) - pixels(plain)).max(axis=2) > 40
    assert d.sum() > 50, "nothing drawn over the clip"
    return float(np.nonzero(d)[1].mean()) / frame.width()


def drag_to_player(w, data: QMimeData, fx: float, fy: float) -> QDropEvent:
    """Drag ``data`` over the preview and drop it at (fx, fy), fractions of the frame."""
    r = w.player.frame_rect()
    pos = QPointF(r.x() + fx * r.width(), r.y() + fy * r.height())
    actions = Qt.DropAction.CopyAction
    for event in (QDragEnterEvent(pos.toPoint(), actions, data, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier),
                  QDragMoveEvent(pos.toPoint(), actions, data, Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier)):
        QApplication.sendEvent(w.player, event)
        assert event.isAccepted()
    drop = QDropEvent(pos, actions, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.player, drop)
    return drop


def library_mime(w, kind: str, name: str) -> QMimeData:
    """The QMimeData the library itself makes when its ``kind`` item ``name`` is dragged."""
    lst = w.library.lists[kind]
    item = next(lst.item(i) for i in range(lst.count())
                if lst.item(i).data(Qt.ItemDataRole.UserRole + 1) == name)
    return lst.mimeData([item])


# -- entrance and exit ------------------------------------------------------------------------


def test_animation_length_and_direction_change_the_preview_and_undo(qtbot, window,
                                                                    landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    plain = {t: shown_at(qtbot, w, t) for t in (0.5, 1.0, 1.5)}
    w._add_layer("Add sticker", StickerLayer(
        name="mask", start=0.0, end=2.0, placement=Placement(x=0.5, y=0.5, width=0.3)))
    page = w.inspector.current_page()
    assert page is w.inspector.pages["sticker"]
    kind, seconds, way = page.animation["enter"]
    assert not way.isEnabled()  # a pop has no direction
    settled = shown_at(qtbot, w, 1.0)  # the pop (0.4 s) is over by 1.0
    base_x = centre_x(settled, plain[1.0])
    original = w.project
    steps = w.model.undo_stack.count()

    kind.setCurrentIndex(kind.findData("slide"))
    assert way.isEnabled()
    seconds.setValue(1.0)       # at 0.5 s, half-way through a one-second entrance
    way.setCurrentIndex(way.findText("from the left"))
    assert w.project.layers[0].enter == Animation(kind="slide", duration=1.0, direction="left")
    assert w.model.undo_stack.count() == steps + 3
    from_left = shown_at(qtbot, w, 0.5)
    assert centre_x(from_left, plain[0.5]) < base_x - 0.012  # still coming in from the left
    way.setCurrentIndex(way.findText("from the right"))
    from_right = shown_at(qtbot, w, 0.5)
    assert centre_x(from_right, plain[0.5]) > base_x + 0.012

    # The exit: one second long, half-way out at 1.5 s, going the way its label says.
    e_kind, e_seconds, e_way = page.animation["exit"]
    e_kind.setCurrentIndex(e_kind.findData("slide"))
    e_seconds.setValue(1.0)
    for label, moved in (("to the right", 1), ("to the left", -1)):
        e_way.setCurrentIndex(e_way.findText(label))
        assert w.project.layers[0].exit == Animation(kind="slide", duration=1.0,
                                                     direction=e_way.currentData())
        leaving = shown_at(qtbot, w, 1.5)
        assert (centre_x(leaving, plain[1.5]) - base_x) * moved > 0.012, label
    assert same(shown_at(qtbot, w, 1.0), settled)  # in between, the sticker is in its place

    while w.model.undo_stack.index() > steps:
        w.undo_action.trigger()
    assert w.project == original
    assert kind.currentData() == "pop" and not way.isEnabled()  # the page followed the undo
    assert not same(shown_at(qtbot, w, 0.5), from_right)


def test_animation_edit_refuses_a_face_mask_and_bad_values():
    from creator_kit.core import edits
    from creator_kit.core.model import ClipRef, Project

    p = Project(clips=(ClipRef("a.mp4"),), layers=(FaceMaskLayer(), CaptionLayer(text="x")))
    with pytest.raises(edits.EditError, match="face mask"):
        edits.set_animation(p, "face-mask-1", "enter", kind="fade")
    with pytest.raises(edits.EditError, match="at most 10"):
        edits.set_animation(p, "caption-1", "exit", duration=11.0)
    with pytest.raises(edits.EditError):
        edits.set_animation(p, "caption-1", "enter", direction="sideways")
    p2 = edits.set_animation(p, "caption-1", "exit", kind="slide", direction="down")
    assert p2.layers[1].exit == Animation(kind="slide", duration=0.25, direction="down")
    assert p.layers[1].exit.kind == "fade"  # the original is untouched


# -- closing-card logos -----------------------------------------------------------------------


def _logo(path: Path, colour: tuple[int, int, int]) -> str:
    Image.new("RGB", (200, 200), colour).save(path)
    return str(path)


def _colour_x(frame: QImage, colour: tuple[int, int, int]) -> float:
    px = pixels(frame).astype(np.int16)
    hit = np.abs(px - np.array(colour)).max(axis=2) < 40
    assert hit.sum() > 50, f"no {colour} on screen"
    return float(np.nonzero(hit)[1].mean()) / frame.width()


def test_card_logos_added_reordered_and_removed(qtbot, window, tmp_path, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    red = _logo(tmp_path / "red.png", (230, 20, 20))
    blue = _logo(tmp_path / "blue.png", (20, 40, 230))
    w.model.apply("Card", lambda p: p.replace(card=ClosingCard(duration=3.0)))
    w.model.select("card")
    page = w.inspector.current_page()
    assert page is w.inspector.pages["card"]
    page.add_logo_file(red)
    page.add_logo_file(blue)
    logos = [la for la in w.project.card.layers if isinstance(la, ImageLayer)]
    assert [Path(la.path).name for la in logos] == ["red.png", "blue.png"]
    assert logos[0].placement.x < logos[1].placement.x  # side by side, not on top of each other
    assert page.logos.count() == 2
    t = 2.0 + 2.5  # the clip, then most of the card: every logo has popped in
    card = shown_at(qtbot, w, t)
    assert _colour_x(card, (230, 20, 20)) < _colour_x(card, (20, 40, 230))

    page.logos.setCurrentRow(0)
    assert page.logo_right.isEnabled() and not page.logo_left.isEnabled()
    page.logo_right.click()  # red moves right
    assert [Path(la.path).name for la in w.project.card.layers] == ["blue.png", "red.png"]
    assert page.logos.currentItem().text().endswith("red.png")
    swapped = shown_at(qtbot, w, t)
    assert _colour_x(swapped, (230, 20, 20)) > _colour_x(swapped, (20, 40, 230))

    page.logos.setCurrentRow(0)  # blue, now on the left
    page.remove_logo.click()
    assert [Path(la.path).name for la in w.project.card.layers] == ["red.png"]
    assert page.logos.count() == 1
    alone = shown_at(qtbot, w, t)
    assert not (np.abs(pixels(alone).astype(np.int16) - (20, 40, 230)).max(axis=2) < 40).any()
    w.undo_action.trigger()
    w.undo_action.trigger()
    assert [Path(la.path).name for la in w.project.card.layers] == ["red.png", "blue.png"]
    assert same(shown_at(qtbot, w, t), card)


def test_a_logo_that_cannot_be_read_is_refused_with_its_name(qtbot, window, tmp_path,
                                                            landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a picture")
    w.model.select("project")
    w.model.apply("Card", lambda p: p.replace(card=ClosingCard()))
    w.model.select("card")
    before = w.project
    messages = []
    w.model.edit_refused.connect(messages.append)
    w.inspector.pages["card"].add_logo_file(str(bad))
    assert w.project == before
    assert messages and "broken.png" in messages[-1]


# -- drag from the library onto the preview ---------------------------------------------------


def test_library_items_dropped_on_the_preview(qtbot, window, landscape_clip):
    w = window
    plain = open_clip(qtbot, w, landscape_clip)
    drag_to_player(w, library_mime(w, "sticker", "wash-hands"), 0.3, 0.7)
    sticker = w.project.layers[-1]
    assert isinstance(sticker, StickerLayer) and sticker.name == "wash-hands"
    assert sticker.placement.x == pytest.approx(0.3, abs=0.01)
    assert sticker.placement.y == pytest.approx(0.7, abs=0.01)
    assert w.model.selection == sticker.id
    dropped = wait_frame(qtbot, w, lambda f: differ(f, plain))
    d = np.abs(pixels(dropped).astype(np.int16) - pixels(plain)).max(axis=2) > 40
    ys, xs = np.nonzero(d)
    assert xs.mean() / d.shape[1] == pytest.approx(0.3, abs=0.06)
    assert ys.mean() / d.shape[0] == pytest.approx(0.7, abs=0.06)

    # A tip card near the edge is kept inside the frame.
    drag_to_player(w, library_mime(w, "tip-card", "wear-mask"), 0.95, 0.3)
    tip = w.project.layers[-1]
    assert isinstance(tip, TipCardLayer) and tip.tip == "wear-mask"
    assert tip.placement.x + tip.placement.width / 2 <= 1.0 + 1e-9
    assert tip.placement.y == pytest.approx(0.3, abs=0.01)

    # A file dragged over the preview is left to the window (which opens it).
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(landscape_clip))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, files,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    w.player.dragEnterEvent(enter)
    assert not enter.isAccepted()

    # A template dropped on the preview is applied, as one undoable step.
    steps = w.model.undo_stack.count()
    drag_to_player(w, library_mime(w, "template", "maskup"), 0.5, 0.5)
    assert any(isinstance(la, FaceMaskLayer) for la in w.project.layers)
    assert w.project.card is not None
    assert w.model.undo_stack.count() == steps + 1


def test_an_image_dropped_on_the_preview_lands_where_dropped(qtbot, window, tmp_path,
                                                             landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    logo = _logo(tmp_path / "badge.png", (250, 200, 0))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(logo)])
    r = w.player.frame_rect()
    at = w.player.mapTo(w, QPointF(r.x() + 0.25 * r.width(), r.y() + 0.2 * r.height()))
    w.dropEvent(QDropEvent(at, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier))
    image = w.project.layers[-1]
    assert isinstance(image, ImageLayer) and image.path == logo
    assert image.placement.x == pytest.approx(0.25, abs=0.01)
    assert image.placement.y == pytest.approx(0.2, abs=0.01)


# -- one builder for the editor, the CLI and batch --------------------------------------------


@pytest.mark.parametrize("name", ["maskup", "thank-you-heroes"])
def test_template_in_the_editor_equals_render_save_project(qtbot, window, tmp_path,
                                                          landscape_clip, name):
    from creator_kit.cli.main import main

    w = window
    open_clip(qtbot, w, landscape_clip)
    assert w.apply_template(name, lang="ar")
    caption = "لا تنسوا الكمامة #MaskUp"
    type_text(caption_editor(w), caption)
    saved = tmp_path / "cli.ckproj"
    assert main(["render", "-i", str(landscape_clip), "--template", name, "--language", "ar",
                 "--caption", caption, "--save-project", str(saved)]) == 0
    assert w.project == load_project(saved)


def test_every_inspector_page_fits_its_dock_without_scrolling_sideways(qtbot, window,
                                                                       landscape_clip):
    # A page wider than the dock puts every page behind a sideways scroll bar, and in a
    # right-to-left window the numbers then sit in the hidden part of their boxes.
    w = window
    open_clip(qtbot, w, landscape_clip)
    w.resize(1600, 1000)
    qtbot.waitUntil(lambda: w.inspector.viewport().width() > 200)
    widest = max(page.minimumSizeHint().width() for page in w.inspector.pages.values())
    assert widest <= w.inspector.viewport().width()
    assert not w.inspector.horizontalScrollBar().isVisible()


def test_export_dialog_while_its_child_starts_offers_cancel_not_export(qtbot, window, tmp_path,
                                                                       landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    dlg = w.export()
    dlg.output.setText(str(tmp_path / "out.mp4"))
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
    # From the click on, until the job ends: no second export of the same file, and Cancel.
    assert dlg.job is not None and dlg.job.status == "running"
    assert not dlg.export_btn.isEnabled()
    assert dlg.cancel_btn.text() == "Cancel"
    from creator_kit.gui.export_dialog import stage_name

    assert stage_name("faces") == "finding faces"  # the protocol's words are not shown raw
    qtbot.mouseClick(dlg.cancel_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.job.status in ("cancelled", "done", "failed"), timeout=120_000)
    assert dlg.export_btn.isEnabled() and dlg.cancel_btn.text() == "Close"


def test_a_new_layer_below_the_timelines_fold_is_scrolled_into_view(qtbot, window,
                                                                    landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    w.timeline_dock.setFixedHeight(140)  # room for a few rows only
    for name in ("mask-up", "mask", "keep-distance", "wash-hands", "avoid-crowds", "together"):
        w.add_from_library("sticker", name)
    bar = w.timeline_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    w.model.select(w.project.layers[0].id)
    qtbot.waitUntil(lambda: bar.value() < bar.maximum())
