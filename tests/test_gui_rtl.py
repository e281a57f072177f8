"""The Arabic interface laid out right to left: the timeline, bidi text, digits and icons."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QTextCharFormat,
    QTextCursor,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from creator_kit.core.model import ClipRef, Project
from tests.guiapp import editor_app, pixels

editor_app("en")

from creator_kit.gui import app as gui_app  # noqa: E402
from creator_kit.gui import numbers  # noqa: E402
from creator_kit.gui.timeline import ROW_H, RULER_H, TimelineWidget  # noqa: E402


@pytest.fixture
def arabic():
    """The interface in Arabic (right to left, Eastern digits) for one test."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert gui_app.set_language(app, "ar") == []
    numbers.set_digits("eastern", "ar")
    yield app
    gui_app.set_language(app, "en")
    numbers.set_digits("western", "en")


def _columns(image, colour: str, y: int) -> np.ndarray:
    """The x positions on row ``y`` of ``image`` showing ``colour`` (within a small tolerance)."""
    row = pixels(image)[y].astype(np.int16)
    c = QColor(colour)
    want = np.array([c.red(), c.green(), c.blue()], np.int16)
    return np.nonzero(np.abs(row - want).max(axis=1) <= 12)[0]


def _timeline(qtbot, clip) -> tuple[TimelineWidget, Project]:
    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.resize(1000, 200)
    project = Project(clips=(ClipRef(str(clip), start=0.0, end=1.0),
                             ClipRef(str(clip), start=0.0, end=1.5)))
    tl.set_project(project)
    tl.show()
    qtbot.waitExposed(tl)
    return tl, project


def _drag(qtbot, w, x0: int, x1: int, y: int) -> None:
    qtbot.mousePress(w, Qt.MouseButton.LeftButton, pos=QPoint(x0, y))
    qtbot.mouseMove(w, QPoint((x0 + x1) // 2, y))
    qtbot.mouseMove(w, QPoint(x1, y))
    qtbot.mouseRelease(w, Qt.MouseButton.LeftButton, pos=QPoint(x1, y))


def test_timeline_runs_right_to_left_in_arabic(qtbot, arabic, landscape_clip):
    tl, project = _timeline(qtbot, landscape_clip)
    assert tl.rtl()
    clip_y = RULER_H + ROW_H // 2
    # Clip 1 (selected: drawn lighter) lies to the right of clip 2, time 0 at the right edge.
    tl.set_selection("clip:0")
    shot = tl.grab().toImage()
    selected = _columns(shot, QColor("#3d6e9e").lighter(120).name(), clip_y)
    plain = _columns(shot, "#3d6e9e", clip_y)
    assert len(selected) > 200 and len(plain) > 300
    assert selected.min() > plain.max(), (selected.min(), plain.max())
    assert selected.max() > 950  # clip 1 starts 10 px from the right edge
    assert tl.x_to_t(tl.width() - 10) == pytest.approx(0.0)
    # The playhead moves leftwards as time advances.
    xs = []
    for t in (0.2, 1.2, 2.2):
        tl.set_playhead(t)
        red = _columns(tl.grab().toImage(), "#ff4d4d", clip_y)
        assert len(red) > 0
        xs.append(red.mean())
    assert xs[0] > xs[1] > xs[2], xs
    assert xs[0] - xs[2] == pytest.approx(2.0 * tl.px_per_s, abs=3)
    # A click on the ruler seeks to the time under the mouse, counted from the right.
    seeks: list[float] = []
    tl.seek_requested.connect(seeks.append)
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(int(tl.t_to_x(0.5)), 5))
    assert seeks[-1] == pytest.approx(0.5, abs=0.01)


def test_timeline_trim_handles_are_mirrored_in_arabic(qtbot, arabic, landscape_clip):
    tl, project = _timeline(qtbot, landscape_clip)
    tl.set_playhead(0.0)
    results: list[Project] = []
    tl.edit_requested.connect(lambda text, fn, key: results.append(fn(project)))
    y = RULER_H + ROW_H // 2
    px = tl.px_per_s
    # Clip 1's start handle is its right edge: dragging it leftwards (later) trims its start.
    right = int(tl.block_rect(tl.blocks[0]).right()) - 2
    assert tl.block_at(QPoint(right, y).toPointF())[1] == "start"
    _drag(qtbot, tl, right, right - int(0.3 * px), y)
    assert results[-1].clips[0].start == pytest.approx(0.3, abs=0.02)
    assert results[-1].clips[0].end == 1.0
    # Clip 2's end handle is its left edge: dragging it rightwards (earlier) shortens it.
    left = int(tl.block_rect(tl.blocks[1]).left()) + 2
    assert tl.block_at(QPoint(left, y).toPointF())[1] == "end"
    _drag(qtbot, tl, left, left + int(0.5 * px), y)
    assert results[-1].clips[1].end == pytest.approx(1.0, abs=0.02)
    assert results[-1].clips[1].start == 0.0
    # The live drag is drawn mirrored too: while the start handle is held 0.3 s later, the
    # bar's right edge has moved left.
    before = tl.block_rect(tl.blocks[0]).right()
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, pos=QPoint(right, y))
    qtbot.mouseMove(tl, QPoint(right - int(0.3 * px), y))
    handle = _columns(tl.grab().toImage(), "#cfe3f7", y)
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, pos=QPoint(right - int(0.3 * px), y))
    assert handle.max() == pytest.approx(before - 0.3 * px, abs=4)


def test_timeline_runs_left_to_right_in_english(qtbot, landscape_clip):
    tl, _project = _timeline(qtbot, landscape_clip)
    assert not tl.rtl()
    a, b = tl.block_rect(tl.blocks[0]), tl.block_rect(tl.blocks[1])
    assert a.left() == pytest.approx(10) and a.right() <= b.left() + 1
    tl.set_playhead(0.2)
    x0 = _columns(tl.grab().toImage(), "#ff4d4d", RULER_H + ROW_H // 2).mean()
    tl.set_playhead(1.2)
    x1 = _columns(tl.grab().toImage(), "#ff4d4d", RULER_H + ROW_H // 2).mean()
    assert x1 > x0


# -- Latin paths and hashtags inside the Arabic interface ---------------------------------------


def _xs(text: str, font, rtl: bool) -> list[float]:
    """Where each logical position of ``text`` is drawn on a line laid out as Qt lays out a
    list entry or table cell in a widget of that direction (cursor x per position)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                            else Qt.LayoutDirection.LeftToRight)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(2000)
    layout.endLayout()
    return [line.cursorToX(i)[0] for i in range(len(text) + 1)]


def _reads_left_to_right(text: str, font, *needles: str) -> bool:
    """True when ``needles`` (found in this order in ``text``) are drawn left to right."""
    xs = _xs(text, font, rtl=True)
    # After each needle's first character: a position inside its run (the edge of a run of
    # another direction has two places on screen).
    at = [xs[text.index(n) + 1] for n in needles]
    return all(a < b for a, b in zip(at, at[1:], strict=False))


def test_media_list_entry_reads_left_to_right_in_arabic(qtbot, arabic, landscape_clip):
    from creator_kit.gui.library import LibraryPanel

    panel = LibraryPanel(thumbnails=False)
    qtbot.addWidget(panel)
    assert panel.media_list.isRightToLeft()
    panel.set_project(Project(clips=(ClipRef(str(landscape_clip), start=0.0, end=2.0),)))
    text = panel.media_list.item(0).text()
    # Eastern digits, and number, name and times in their reading order on screen.
    assert "١\u2069." in text and "٠٫٠" in text and "٢٫٠" in text
    assert _reads_left_to_right(text, panel.media_list.font(), "landscape", ".mp4", "٠٫٠", "٢٫٠")
    # Without the isolates the same words would be drawn in another order (the test can fail).
    bare = text.translate({0x2066: None, 0x2068: None, 0x2069: None})
    assert not _reads_left_to_right(bare, panel.media_list.font(), "landscape", "٠٫٠", "٢٫٠")


def test_relink_table_shows_paths_left_to_right(qtbot, arabic, tmp_path):
    from creator_kit.gui.relink_dialog import RelinkDialog

    missing = tmp_path / "مقاطع" / "take 1.mp4"
    dlg = RelinkDialog(Project(clips=(ClipRef(str(missing)),)))
    qtbot.addWidget(dlg)
    assert dlg.table.isRightToLeft()
    text = dlg.table.item(0, 0).text()
    assert _reads_left_to_right(text, dlg.table.font(), "/", "مقاطع", "/take", ".mp4")


def _cursor_xs(edit) -> list[int]:
    out = []
    for i in range(len(edit.text()) + 1):
        edit.setCursorPosition(i)
        out.append(edit.cursorRect().center().x())
    return out


def test_path_fields_run_left_to_right_in_arabic(qtbot, arabic, landscape_clip, tmp_path):
    from creator_kit.gui.batch_panel import BatchPanel
    from creator_kit.gui.export_dialog import ExportDialog, JobQueue

    arabic_path = "/مقاطع/سلمى/clip.mp4"  # Arabic first: read alone it would run right to left
    dlg = ExportDialog(Project(clips=(ClipRef(str(landscape_clip)),)), JobQueue(),
                       tmp_path / "x.mp4")
    qtbot.addWidget(dlg)
    panel = BatchPanel()
    qtbot.addWidget(panel)
    for edit in (dlg.output, panel.sheet, panel.out_dir):
        edit.setText(arabic_path)
        edit.resize(400, edit.height())
        edit.show()
        xs = _cursor_xs(edit)
        assert xs[0] < xs[1] < xs[-1], xs  # the leading "/" at the left, ".mp4" at the right
        assert xs[0] < 20
    # A plain line edit in the same window would have put the "/" at the right.
    from PySide6.QtWidgets import QLineEdit

    plain = QLineEdit(arabic_path)
    qtbot.addWidget(plain)
    plain.resize(400, plain.height())
    plain.show()
    xs = _cursor_xs(plain)
    assert xs[0] > xs[-1]


def _shown_columns(edit, block, *indexes: int) -> list[np.ndarray]:
    """The x columns where the field shows the characters at ``indexes`` of ``block`` (each
    coloured for the moment; the field's own pixels are read)."""
    colours = ["#ff0000", "#0000ff", "#00a000"]
    for i, colour in zip(indexes, colours, strict=False):
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + i)
        cursor.setPosition(block.position() + i + 1, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(colour))
        cursor.mergeCharFormat(fmt)
    if isinstance(edit, QPlainTextEdit):
        geometry = edit.blockBoundingGeometry(block).translated(edit.contentOffset())
    else:  # a QTextEdit: the document layout's box, less the scrolled distance
        geometry = edit.document().documentLayout().blockBoundingRect(block).translated(
            -edit.horizontalScrollBar().value(), -edit.verticalScrollBar().value())
    shot = pixels(edit.viewport().grab().toImage()).astype(np.int16)
    px = shot[int(geometry.top()): int(geometry.bottom())]
    out = []
    for channel in range(len(indexes)):  # red, blue, green: where that channel dominates
        own = px[..., (0, 2, 1)[channel]]
        others = np.delete(px, (0, 2, 1)[channel], axis=2).max(axis=2)
        cols = np.nonzero(((own - others) > 50).any(axis=0))[0]
        assert len(cols), colours[channel]
        out.append(cols)
    return out


def test_caption_field_keeps_hashtags_whole_in_arabic(qtbot, arabic):
    from creator_kit.gui.bidi import CaptionEdit
    from tests.guiapp import type_text

    edit = CaptionEdit()
    qtbot.addWidget(edit)
    edit.resize(500, 120)
    edit.show()
    seen: list[str] = []
    edit.textChanged.connect(lambda: seen.append(edit.toPlainText()))
    type_text(edit, "البسوا الكمامة #MaskUp")
    assert edit.toPlainText() == "البسوا الكمامة #MaskUp"  # the project never sees isolates
    assert seen[-1] == "البسوا الكمامة #MaskUp" and all("\u2068" not in s for s in seen)
    edit.set_caption("#MaskUp البسوا الكمامة\nالبسوا #MaskUp الكمامة\nWear a mask #MaskUp")
    block = edit.document().firstBlock()
    for _ in range(3):
        shown = block.text()
        where = _shown_columns(edit, block, shown.index("#"), shown.index("M"),
                               shown.index("ا") if "ا" in shown else shown.index("W"))
        hash_x, m_x, arabic_x = where
        assert hash_x.max() < m_x.min(), shown  # "#MaskUp", never "MaskUp#"
        if shown.startswith("\u2068#"):
            # An Arabic caption opening with a Latin hashtag is still right to left: its
            # Arabic words are drawn to the left of the hashtag, as the video shows them.
            assert arabic_x.max() < hash_x.min()
        block = block.next()
    # A plain text field (no isolates) shows the middle line as "MaskUp#": the test can fail.
    plain = QPlainTextEdit()
    qtbot.addWidget(plain)
    plain.resize(500, 120)
    plain.show()
    plain.setPlainText("البسوا #MaskUp الكمامة")
    hash_x, m_x, _ = _shown_columns(plain, plain.document().firstBlock(), 7, 8, 0)
    assert hash_x.min() > m_x.max()
    # Each paragraph starts at the side it is read from: Arabic at the right edge, Latin at
    # the left (a QPlainTextEdit put every paragraph against the left edge).
    for direction in (Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight):
        edit.setLayoutDirection(direction)
        edit.set_caption("البسوا الكمامة\nWear a mask")
        starts = []
        for number in range(2):
            cursor = QTextCursor(edit.document().findBlockByNumber(number))
            edit.setTextCursor(cursor)
            starts.append(edit.cursorRect().x())
        width = edit.viewport().width()
        assert starts[0] > width * 0.8 and starts[1] < width * 0.2, (direction, starts, width)
    edit.set_caption("#MaskUp البسوا الكمامة\nالبسوا #MaskUp الكمامة\nWear a mask #MaskUp")
    # Typing after the tag keeps the cursor where the letters go.
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    type_text(edit, "2")
    assert edit.toPlainText().endswith("Wear a mask #MaskUp2")


# -- the settings dialog ------------------------------------------------------------------------


def test_settings_dialog_writes_the_file_and_the_editor_follows(qtbot, tmp_path, monkeypatch,
                                                                landscape_clip):
    import json

    from PySide6.QtWidgets import QDialogButtonBox

    from creator_kit.core.cache import cache_root
    from creator_kit.core.settings import Settings, load_settings, settings_path
    from creator_kit.gui.main_window import MainWindow

    monkeypatch.setenv("CREATOR_KIT_CONFIG_DIR", str(tmp_path / "config"))
    faces = cache_root() / "faces"
    faces.mkdir(parents=True)
    for i in range(3):
        (faces / f"{i}.npz").write_bytes(b"x" * 300_000)
    gui_app.set_app_settings(Settings())
    w = MainWindow(autosave=True, recovery=False)
    qtbot.addWidget(w)
    try:
        # Reachable from the Edit menu.
        action = next(a for m in w.menuBar().actions() if m.menu()
                      for a in m.menu().actions() if a is w.settings_action)
        action.trigger()
        dlg = w.settings_dialog
        assert dlg.isVisible()
        assert "900" in dlg.cache_info.text() or "879" in dlg.cache_info.text()
        qtbot.mouseClick(dlg.clear_btn, Qt.MouseButton.LeftButton)
        assert not any(faces.iterdir())
        assert numbers.size_text(900_000) in dlg.message.text()  # what it freed
        dlg.language.setCurrentIndex(dlg.language.findData("ar"))
        dlg.digits.setCurrentIndex(dlg.digits.findData("eastern"))
        dlg.preset.setCurrentIndex(dlg.preset.findData("reels"))
        dlg.template.setCurrentIndex(dlg.template.findData("maskup"))
        dlg.autosave.setValue(30)
        dlg.cache_limit.setValue(512)
        save = dlg.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert not dlg.isVisible()
        data = json.loads(settings_path().read_text(encoding="utf-8"))
        assert data == {"schema_version": 1, "language": "ar", "digits": "eastern",
                        "default_preset": "reels", "default_template": "maskup",
                        "autosave_seconds": 30, "cache_limit_mb": 512}
        assert load_settings().message is None
        assert "starts again" in w.statusBar().currentMessage()
        # The editor follows at once: autosave interval, platform and template of a new project.
        assert w.autosave_timer.interval() == 30_000 and w.autosave_timer.isActive()
        assert w.new_project([landscape_clip])
        assert w.project.output.preset == "reels"
        assert w.model.undo_stack.undoText().endswith("maskup")  # the template was applied
        assert any(la.KIND == "sticker" for la in w.project.layers)
        dialog = w.export()
        assert dialog.preset.currentData() == "reels"
        dialog.close()
        # Autosave off.
        dlg = w.open_settings()
        assert dlg.autosave.value() == 30 and dlg.language.currentData() == "ar"
        dlg.autosave.setValue(0)
        dlg.save()
        assert json.loads(settings_path().read_text(encoding="utf-8"))["autosave_seconds"] == 0
        assert not w.autosave_timer.isActive()
        assert w.statusBar().currentMessage() == "Settings saved"
    finally:
        gui_app.set_app_settings(Settings())
        w.model.document = None
        w.close()


def test_digits_setting_reaches_times_spin_boxes_and_sizes(qtbot, arabic):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDoubleSpinBox

    for choice, system, want in (("auto", QLocale("ar_EG"), "eastern"),
                                 ("auto", QLocale("ar_MA"), "western"),
                                 ("western", QLocale("ar_EG"), "western"),
                                 ("eastern", QLocale("en_US"), "eastern")):
        assert numbers.set_digits(choice, "ar", system) == want
    assert numbers.resolve("auto", "en", QLocale("ar_EG")) == "western"
    numbers.set_digits("eastern", "ar")
    assert numbers.timecode(65.25) == "١:٠٥٫٢٥"
    assert numbers.clock(75) == "١:١٥"
    box = QDoubleSpinBox()  # made after the setting: shows and reads Eastern digits
    qtbot.addWidget(box)
    box.setDecimals(2)
    box.setValue(1.5)
    assert box.text() == "١٫٥٠"
    from creator_kit.gui.main_window import _fmt_time
    assert _fmt_time(3.5) == "٠:٠٣٫٥٠"
    numbers.set_digits("western", "ar")
    assert numbers.timecode(65.25) == "1:05.25" and numbers.size_text(5_300_000) == "5.1 ميجابايت"
    box = QDoubleSpinBox()
    qtbot.addWidget(box)
    box.setValue(1.5)
    assert box.text() == "1.50"


# -- icons that point ---------------------------------------------------------------------------


def _weight_right(image) -> float:
    """The share of the icon's ink in its right half."""
    img = image.convertToFormat(QImage.Format.Format_ARGB32)
    raw = np.frombuffer(img.constBits(), np.uint8, count=img.bytesPerLine() * img.height())
    alpha = raw.reshape(img.height(), -1, 4)[:, : img.width(), 3].astype(float)  # B, G, R, A
    assert alpha.sum() > 0, "an empty icon"
    half = alpha.shape[1] // 2
    return float(alpha[:, half:].sum() / alpha.sum())


def test_direction_icons_are_mirrored_in_arabic(qtbot, arabic, tmp_path, monkeypatch):
    from creator_kit.gui import icons
    from creator_kit.gui.main_window import MainWindow

    for name in ("play", "step-forward", "step-back", "undo", "redo", "pause"):
        ltr_img, rtl_img = icons.icon_image(name, False), icons.icon_image(name, True)
        if name in icons.DIRECTIONAL:
            assert rtl_img == ltr_img.flipped(Qt.Orientation.Horizontal), name
            assert rtl_img != ltr_img, name
        else:
            assert rtl_img == ltr_img
    # A right-pointing play triangle has its broad side (most ink) on the left.
    assert _weight_right(icons.icon_image("play", False)) < 0.45
    assert _weight_right(icons.icon_image("undo", False)) < 0.5  # the arrow head at the left
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    w = MainWindow(autosave=False, recovery=False)
    qtbot.addWidget(w)
    # In the Arabic window play points left (ink on the right), and so does "next frame".
    assert _weight_right(w.play_btn.icon().pixmap(32).toImage()) > 0.55
    assert _weight_right(w.next_btn.icon().pixmap(32).toImage()) > 0.55
    assert _weight_right(w.back_btn.icon().pixmap(32).toImage()) < 0.45
    assert _weight_right(w.undo_action.icon().pixmap(32).toImage()) > 0.5
    # The transport mirrors with the window: "previous frame" sits right of play.
    w.resize(1200, 800)
    w.show()
    w.stack.setCurrentIndex(1)
    qtbot.waitExposed(w)
    assert w.back_btn.mapTo(w, QPoint(0, 0)).x() > w.play_btn.mapTo(w, QPoint(0, 0)).x()
    # The arrow keys step the way time runs: Left is the next frame in Arabic.
    from PySide6.QtGui import QKeySequence

    keys = {a.text(): a.shortcut() for a in w.actions()}
    assert keys["الإطار التالي"] == QKeySequence("Left")
    assert keys["الإطار السابق"] == QKeySequence("Right")
    w.close()


# -- template forms and batch problems in Arabic ------------------------------------------------


def test_template_form_labels_follow_the_interface_language(qtbot, arabic):
    from creator_kit.gui.templates_dialog import TemplateDialog
    from creator_kit.templates.format import TemplateVariable

    dlg = TemplateDialog()
    qtbot.addWidget(dlg)
    row = next(i for i in range(dlg.gallery.count()) if dlg.gallery.item(i).data(256) == "maskup")
    dlg.gallery.setCurrentRow(row)
    labels = {dlg.form.labelForField(w).text(): name for name, w in dlg.fields.items()}
    assert labels["حسابك"] == "creator" and labels["الشعار"] == "slogan"
    assert "البطاقة الختامية" in dlg.fields["creator"].placeholderText()
    # A template written before labels existed shows the variable's own name.
    old = TemplateVariable(name="partner", description="your partner")
    assert old.label("ar") == "partner" and old.help("ar") == "your partner"
    assert TemplateVariable(name="x", label_en="Partner").label("ar") == "Partner"


def test_batch_problems_are_translated_by_key(qtbot, arabic, tmp_path, landscape_clip):
    from creator_kit.batch import plan_batch
    from creator_kit.gui.batch_panel import BatchPanel

    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"input,output,template\nmissing.mp4,a.mp4,maskup\n"
                     f"{landscape_clip},b.mp4,nosuch\n", encoding="utf-8")
    plan = plan_batch(sheet, tmp_path / "out")
    keys = {(p.row, p.key) for p in plan.problems}
    assert {(2, "not-found"), (3, "unknown-template")} <= keys
    panel = BatchPanel()
    qtbot.addWidget(panel)
    panel.sheet.setText(str(sheet))
    panel.out_dir.setText(str(tmp_path / "out"))
    panel.check()
    qtbot.waitUntil(lambda: panel.check_btn.isEnabled() and panel.table.rowCount() > 0,
                    timeout=60_000)
    cells = [[panel.table.item(r, c).text() for c in range(3)]
             for r in range(panel.table.rowCount())]
    missing = next(row for row in cells if row[0] == "٢")
    assert "الملف غير موجود" in missing[2] and "\u2068missing.mp4\u2069" in missing[2]
    template = next(row for row in cells if row[0] == "٣")
    assert "لا يوجد قالب باسم" in template[2] and "nosuch" in template[2]
    assert "٢" in panel.status.text()  # "2 problems", in Eastern digits
    # The engine's own English line stays available (the CLI's contract) as the tooltip.
    assert "source file not found" in panel.table.item(0, 2).toolTip() or \
        "source file not found" in panel.table.item(1, 2).toolTip()


def test_language_comes_from_the_flag_then_the_settings_then_the_system():
    from creator_kit.core.settings import Settings

    assert gui_app.interface_language(None, Settings(language="ar")) == "ar"
    assert gui_app.interface_language("en", Settings(language="ar")) == "en"
    assert gui_app.interface_language(None, Settings()) == gui_app.system_language()


def test_cue_times_are_shown_and_typed_in_eastern_digits(qtbot, arabic):
    from PySide6.QtWidgets import QDoubleSpinBox

    from creator_kit.core.captions import Cue
    from creator_kit.core.model import CaptionLayer
    from creator_kit.gui.inspector import CaptionPage

    project = Project(clips=(ClipRef("clip.mp4"),), layers=(CaptionLayer(
        id="caption-1", cues=(Cue(1.5, 3.0, "مرحبا"),)),))
    page = CaptionPage()
    qtbot.addWidget(page)
    page.load(project, "caption-1")
    assert page.cues.item(0, 0).text() == "١٫٥٠" and page.cues.item(0, 1).text() == "٣٫٠٠"
    suffixes = {w.suffix() for w in page.findChildren(QDoubleSpinBox)}
    assert " ث" in suffixes and " s" not in suffixes  # seconds, in Arabic
    seen: list[Project] = []
    page.edit_requested.connect(lambda text, fn, key: seen.append(fn(project)))
    page.cues.item(0, 0).setText("٢٫٥")
    assert seen[-1].layers[0].cues[0].start == 2.5


def test_start_up_notes_reach_the_status_line(qtbot, tmp_path, monkeypatch):
    from creator_kit.gui.main_window import MainWindow

    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    app = QApplication.instance()
    note = f"{tmp_path}/settings.json: settings file is corrupt (not valid JSON); moved it aside"
    app.setProperty("ck_notes", [note])
    try:
        w = MainWindow(autosave=False, recovery=False)
        qtbot.addWidget(w)
        assert note in w.statusBar().currentMessage()
    finally:
        app.setProperty("ck_notes", [])
