"""The editor, driven through its real widgets with pytest-qt (offscreen)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QMessageBox

from creator_kit.core.captions import STYLES
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    OutputSettings,
    Placement,
    Project,
    StickerLayer,
)
from creator_kit.core.project_io import load_project, save_project
from tests.guiapp import (
    caption_editor,
    differ,
    editor_app,
    open_clip,
    same,
    type_text,
    wait_frame,
)
from tests.guiapp import make_window as _window
from tests.mediagen import make_clip

editor_app("en")

from creator_kit.gui.main_window import MainWindow  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


# -- panels on their own ----------------------------------------------------------------------


def test_library_lists_every_kind_and_adds_what_is_picked(qtbot):
    from creator_kit.gui.library import LibraryPanel

    panel = LibraryPanel(thumbnails=False)
    qtbot.addWidget(panel)
    assert panel.lists["sticker"].count() == 8
    assert panel.lists["tip-card"].count() == 5
    assert panel.lists["mask"].count() == 3
    assert panel.lists["template"].count() >= 4
    picked = []
    panel.activated.connect(lambda kind, name: picked.append((kind, name)))
    panel.lists["sticker"].itemActivated.emit(panel.lists["sticker"].item(0))
    assert picked == [("sticker", "mask-up")]


def test_inspector_edits_without_echo(qtbot):
    from creator_kit.gui.inspector import InspectorPanel

    panel = InspectorPanel()
    qtbot.addWidget(panel)
    state = {"p": Project(clips=(ClipRef("a.mp4"),), layers=(CaptionLayer(text="a"),))}
    seen = []

    def apply(text, edit, key):
        seen.append((text, key))
        state["p"] = edit(state["p"])
        panel.set_project(state["p"])  # as the window does: the change comes back

    panel.edit_requested.connect(apply)
    panel.set_project(state["p"])
    panel.set_selection("caption-1")
    panel.show()
    editor = panel.current_page().text
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "bc")
    assert state["p"].layers[0].text == "abc"
    assert editor.toPlainText() == "abc"  # reloading did not reset what is being typed
    assert {key for _, key in seen} == {"Caption text:caption-1"}  # one merge key: one undo step


def test_timeline_drag_moves_a_layer_and_snaps(qtbot, landscape_clip):
    from creator_kit.gui.timeline import ROW_H, RULER_H, TimelineWidget

    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.resize(1000, 200)
    project = Project(clips=(ClipRef(str(landscape_clip)),),
                      layers=(StickerLayer(name="mask", start=0.5, end=1.0),))
    tl.set_project(project)
    tl.show()
    edits_seen = []
    tl.edit_requested.connect(lambda text, fn, key: edits_seen.append(fn(project)))
    y = RULER_H + ROW_H + ROW_H // 2
    x_mid = int(tl.t_to_x(0.75))
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, pos=QPoint(x_mid, y))
    qtbot.mouseMove(tl, QPoint(x_mid + int(0.3 * tl.px_per_s), y))
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, pos=QPoint(x_mid + int(0.3 * tl.px_per_s), y))
    assert len(edits_seen) == 1
    moved = edits_seen[0].layers[0]
    assert moved.start == pytest.approx(0.8, abs=0.03) and moved.end == pytest.approx(1.3, abs=0.03)
    # Stretching the end near the clip's end snaps onto it.
    x_end = int(tl.t_to_x(1.0)) - 1
    target = int(tl.t_to_x(2.0)) - 4
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, pos=QPoint(x_end, y))
    qtbot.mouseMove(tl, QPoint(target, y))
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, pos=QPoint(target, y))
    assert edits_seen[-1].layers[0].end == pytest.approx(2.0, abs=1e-6)


# -- the window ---------------------------------------------------------------------------------


def test_arabic_caption_typed_then_undone_and_redone(qtbot, window, landscape_clip):
    w = window
    before = open_clip(qtbot, w, landscape_clip)
    original = w.project
    assert not w.windowTitle().startswith("*") or w.model.modified
    w.add_caption()
    editor = caption_editor(w)
    editor.setFocus()
    type_text(editor, "لا تنسوا الكمامة")
    cap = w.project.layers[0]
    assert isinstance(cap, CaptionLayer) and cap.text == "لا تنسوا الكمامة"
    assert w.windowTitle().startswith("*")
    typed = wait_frame(qtbot, w, lambda f: differ(f, before))
    # Adding the caption and typing it are two undo steps (the keystrokes merged into one).
    assert w.model.undo_stack.count() == 2
    w.undo_action.trigger()
    w.undo_action.trigger()
    assert w.project == original
    wait_frame(qtbot, w, lambda f: same(f, before))
    w.redo_action.trigger()
    w.redo_action.trigger()
    assert w.project.layers[0].text == "لا تنسوا الكمامة"
    wait_frame(qtbot, w, lambda f: same(f, typed))


def test_reframe_change_shows_and_undoes(qtbot, window, landscape_clip):
    w = window
    before = open_clip(qtbot, w, landscape_clip)
    w.model.select("project")
    combo = w.inspector.pages["project"].reframe_mode
    combo.setCurrentIndex(combo.findData("fill"))
    assert w.project.reframe.mode == "fill"
    filled = wait_frame(qtbot, w, lambda f: differ(f, before))
    assert w.model.undo_stack.count() == 1
    w.undo_action.trigger()
    assert w.project.reframe.mode == "fit-blur"
    wait_frame(qtbot, w, lambda f: same(f, before))
    # The inspector follows the undo without pushing anything itself.
    assert combo.currentData() == "fit-blur" and w.model.undo_stack.count() == 1
    w.redo_action.trigger()
    wait_frame(qtbot, w, lambda f: same(f, filled))


def test_media_list_shows_a_whole_clip_s_length_once_probed(qtbot, window, tmp_path):
    # A clip with no end set is listed with its real length, probed off the GUI thread.
    clip = make_clip(tmp_path / "three.mp4", size="320x240", duration=3.0)
    open_clip(qtbot, window, clip)
    assert window.project.clips[0].end is None
    entry = window.library.media_list
    qtbot.waitUntil(lambda: "3.0" in entry.item(0).text(), timeout=10_000)
    assert "…" not in entry.item(0).text(), repr(entry.item(0).text())


def test_dragging_a_sticker_on_the_preview_moves_it_as_one_step(qtbot, window, landscape_clip):
    w = window
    plain = open_clip(qtbot, w, landscape_clip)
    lid = w._add_layer("Add sticker", StickerLayer(
        name="mask-up", placement=Placement(x=0.5, y=0.5, width=0.4)))
    assert lid == "sticker-1" and w.model.selection == lid
    before = wait_frame(qtbot, w, lambda f: differ(f, plain))  # the sticker is on screen
    steps = w.model.undo_stack.count()
    centre = w.player.rect().center()
    qtbot.mousePress(w.player, Qt.MouseButton.LeftButton, pos=centre)
    for dx in (10, 20, 40, 60):
        qtbot.mouseMove(w.player, centre + QPoint(dx, -dx))
    qtbot.mouseRelease(w.player, Qt.MouseButton.LeftButton, pos=centre + QPoint(60, -60))
    moved = w.project.layers[0].placement
    assert moved.x > 0.5 and moved.y < 0.5
    assert w.model.undo_stack.count() == steps + 1
    wait_frame(qtbot, w, lambda f: differ(f, before))
    w.undo_action.trigger()
    assert w.project.layers[0].placement == Placement(x=0.5, y=0.5, width=0.4)
    wait_frame(qtbot, w, lambda f: same(f, before))


def test_library_sticker_and_delete_key(qtbot, window, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    w.add_from_library("sticker", "wash-hands")
    assert [type(la).__name__ for la in w.project.layers] == ["StickerLayer"]
    assert w.model.selection == "sticker-1"
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_Delete)
    assert w.project.layers == ()


def test_bad_inputs_are_refused_and_the_project_kept(qtbot, window, tmp_path, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    kept = w.project
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    w.open_paths([str(bad)])
    newer = tmp_path / "newer.ckproj"
    newer.write_text('{"schema_version": 99, "clips": [{"source": "a.mp4"}]}', encoding="utf-8")
    w.open_paths([str(newer)])
    hostile = tmp_path / "hostile.ckproj"
    hostile.write_text("[" * 5000, encoding="utf-8")
    w.open_paths([str(hostile)])
    assert w.project == kept
    assert len(w.errors) == 3
    assert str(bad) in w.errors[0]
    assert "newer than this creator_kit" in w.errors[1] and str(newer) in w.errors[1]
    assert str(hostile) in w.errors[2]


def test_save_title_and_close_prompt(qtbot, window, tmp_path, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    assert w.windowTitle().startswith("*untitled")
    assert w._save_to(tmp_path / "mine.ckproj")
    assert w.windowTitle() == "mine.ckproj — creator-kit"
    assert load_project(tmp_path / "mine.ckproj") == w.project
    assert w.recent_files()[0] == str(tmp_path / "mine.ckproj")
    w.add_caption()
    assert w.windowTitle().startswith("*")
    w.ask_unsaved = lambda: QMessageBox.StandardButton.Cancel
    assert not w.close()  # cancel keeps the window and the work
    assert w.isVisible() and w.project.layers
    w.ask_unsaved = lambda: QMessageBox.StandardButton.Save
    assert w.close()
    assert len(load_project(tmp_path / "mine.ckproj").layers) == 1


# -- relink, autosave ---------------------------------------------------------------------------


def test_relink_a_moved_clip(qtbot, window, tmp_path):
    clip = make_clip(tmp_path / "holiday.mp4", size="320x240", duration=1.0)
    proj = tmp_path / "p.ckproj"
    from creator_kit.core.document import Document

    Document(Project(clips=(ClipRef(str(clip)),))).save(proj)
    drive = tmp_path / "usb" / "clips"
    drive.mkdir(parents=True)
    clip.rename(drive / "holiday.mp4")

    from creator_kit.gui import relink_dialog

    shown = []

    def fake_exec(dlg):  # the user clicks "Search folder…", picks the drive, then Open
        shown.append([m.path for m in dlg.missing])
        dlg.search_folder(tmp_path / "usb")
        return QDialog.DialogCode.Accepted

    relink_dialog.RelinkDialog.exec = fake_exec  # type: ignore[method-assign]
    try:
        assert window.open_project(proj)
    finally:
        del relink_dialog.RelinkDialog.exec
    assert shown == [[str(clip)]]
    assert window.project.clips[0].source == str(drive / "holiday.mp4")
    assert window.model.modified  # the new location is a change to save
    wait_frame(qtbot, window, lambda _f: True)


def test_autosave_is_restored_after_the_editor_is_killed(qtbot, isolated, landscape_clip):
    script = (
        "import os, signal, sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from tests.guiapp import editor_app\n"
        "editor_app('en')\n"
        "from creator_kit.gui.main_window import MainWindow\n"
        "from creator_kit.core.model import CaptionLayer\n"
        "w = MainWindow(recovery=False)\n"
        "w.open_paths([sys.argv[1]])\n"
        "w._add_layer('Add caption', CaptionLayer(text='لم يُحفظ'))\n"
        "w.autosave_now()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = dict(os.environ, CREATOR_KIT_DATA_DIR=str(isolated / "data"),
               QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", script, str(landscape_clip), str(ROOT)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0, proc.stderr
    w = _window(qtbot, autosave=True, recovery=True)
    try:
        assert w.welcome.recover.isVisible()
        w.confirm_recovery = lambda original: True
        assert w.offer_recovery()
        assert [la.text for la in w.project.layers] == ["لم يُحفظ"]
        assert w.project.clips[0].source == str(landscape_clip)
        assert w.windowTitle().startswith("*")  # restored work is not saved yet
        assert list((isolated / "data" / "autosave").glob("*.ckproj")) == []
        w.autosave_now()
        assert w.autosaver is not None and w.autosaver.path.is_file()
    finally:
        w.model.document = None
        w.close()
    assert list((isolated / "data" / "autosave").iterdir()) == []  # a clean close leaves none


# -- export -------------------------------------------------------------------------------------


def _run_export(qtbot, w: MainWindow, out: Path, timeout: int = 240_000):
    dlg = w.export()
    assert dlg is not None
    dlg.output.setText(str(out))
    dlg.speed.setCurrentIndex(dlg.speed.findData("ultrafast"))
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
    return dlg


@pytest.mark.slow
def test_export_through_the_dialog_passes_check(qtbot, window, tmp_path, landscape_clip):
    w = window
    open_clip(qtbot, w, landscape_clip)
    out = tmp_path / "final.mp4"
    out.write_bytes(b"old")
    dlg = w.export()
    dlg.output.setText(str(out))
    dlg.speed.setCurrentIndex(dlg.speed.findData("ultrafast"))
    asked = []
    dlg.confirm_replace = lambda path: asked.append(path) or False
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
    assert asked == [out] and out.read_bytes() == b"old"  # declined: nothing replaced
    dlg.confirm_replace = lambda path: True
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.job is not None and dlg.job.status in ("done", "failed"),
                    timeout=240_000)
    assert dlg.job.status == "done", dlg.job.message
    assert "Ready to upload" in dlg.check.text()
    assert dlg.folder_btn.isEnabled()
    from creator_kit.cli.main import main

    assert main(["check", str(out), "--preset", "tiktok"]) == 0


@pytest.mark.slow
def test_cancelled_export_leaves_nothing(qtbot, window, tmp_path):
    w = window
    clip = make_clip(tmp_path / "long.mp4", size="640x360", duration=20.0)
    open_clip(qtbot, w, clip)
    out = tmp_path / "cancelled.mp4"
    dlg = _run_export(qtbot, w, out)
    qtbot.waitUntil(lambda: dlg.job.job is not None and dlg.job.job.state.stage == "render"
                    and dlg.job.job.state.fraction > 0.1, timeout=240_000)
    child = psutil.Process(dlg.job.job.pid)
    kids = child.children(recursive=True)
    qtbot.mouseClick(dlg.cancel_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.job.status in ("cancelled", "failed", "done"), timeout=60_000)
    assert dlg.job.status == "cancelled"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if ".ck-" in p.name] == []
    _gone, alive = psutil.wait_procs([child, *kids], timeout=10)
    assert alive == []


@pytest.mark.slow
def test_export_runs_below_the_editor_and_a_cancel_while_starting_holds(qtbot, tmp_path,
                                                                         landscape_clip):
    from creator_kit.gui.export_dialog import EXPORT_NICENESS, JobQueue

    queue = JobQueue()
    project = Project(clips=(ClipRef(str(landscape_clip)),),
                      output=OutputSettings(x264_preset="ultrafast"))
    first = queue.add(project, tmp_path / "first.mp4", overwrite=False)
    queue.cancel(first)  # at once: the child may not even be started yet
    second = queue.add(project, tmp_path / "second.mp4", overwrite=False)
    qtbot.waitUntil(lambda: first.status != "running", timeout=120_000)
    assert first.status == "cancelled"
    assert not (tmp_path / "first.mp4").exists()
    qtbot.waitUntil(lambda: second.job is not None, timeout=60_000)
    child = psutil.Process(second.job.pid)
    if hasattr(os, "setpriority"):
        try:
            assert child.nice() == min(19, os.getpriority(os.PRIO_PROCESS, 0) + EXPORT_NICENESS)
        except psutil.NoSuchProcess:
            pass  # already done: the end state below still tells
    qtbot.waitUntil(lambda: second.status in ("done", "failed"), timeout=240_000)
    assert second.status == "done", second.message
    assert (tmp_path / "second.mp4").stat().st_size > 0


@pytest.mark.slow
def test_shortest_path_clip_template_caption_export(qtbot, window, tmp_path):
    """Open the clip, pick a template, type the caption, export, confirm the file name."""
    w = window
    clip = make_clip(tmp_path / "phone.mp4", size="640x360", duration=2.0)
    w.open_paths([str(clip)])                                   # 1. open the clip
    w.library.lists["template"].setCurrentRow(0)
    item = next(w.library.lists["template"].item(i)
                for i in range(w.library.lists["template"].count())
                if w.library.lists["template"].item(i).data(Qt.ItemDataRole.UserRole + 1)
                == "maskup")
    w.library.lists["template"].itemActivated.emit(item)      # 2. pick the template
    assert any(type(la).__name__ == "FaceMaskLayer" for la in w.project.layers)
    assert w.project.card is not None
    editor = caption_editor(w)
    type_text(editor, "لا تنسوا الكمامة #MaskUp")        # 3. type the caption
    qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # 4. export
    dlg = w.export_dialog
    assert dlg is not None and dlg.isVisible()
    out = Path(dlg.output.text())
    assert out == tmp_path / "phone-tiktok.mp4"
    dlg.speed.setCurrentIndex(dlg.speed.findData("ultrafast"))  # (test speed only)
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)  # 5. confirm the file name
    qtbot.waitUntil(lambda: dlg.job is not None and dlg.job.status in ("done", "failed"),
                    timeout=300_000)
    assert dlg.job.status == "done", dlg.job.message
    from creator_kit.cli.main import main

    assert main(["check", str(out), "--preset", "tiktok"]) == 0


# -- the gui command ----------------------------------------------------------------------------


def test_screenshot_command(tmp_path, landscape_clip):
    project = tmp_path / "p.ckproj"
    save_project(Project(clips=(ClipRef(str(landscape_clip)),),
                         layers=(CaptionLayer(text="معًا #MaskUp", style=STYLES["bold-box"]),),
                         output=OutputSettings()), project)
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CREATOR_KIT_DATA_DIR=str(tmp_path / "d"))
    cli = [sys.executable, "-m", "creator_kit.cli.main", "gui"]
    res = subprocess.run([*cli, str(project), "--screenshot", str(shot), "--lang", "ar",
                          "--size", "1100x700", "--at", "0.5"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1100, 700)
    bad = tmp_path / "bad.ckproj"
    bad.write_text('{"schema_version": 2, "clips": []}', encoding="utf-8")
    res = subprocess.run([*cli, str(bad), "--screenshot", str(tmp_path / "x.png")], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines()[-1].startswith("error: ")
    assert str(bad) in res.stderr and not (tmp_path / "x.png").exists()


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Debian's xvfb is not installed")
def test_screenshot_command_on_an_x11_display(tmp_path, landscape_clip):
    # The editor in a real X11 window (Xvfb), as `make gui` opens it: Qt's xcb plugin loads
    # (it needs system libraries `make sysdeps` installs) and the preview shows the clip.
    shot = tmp_path / "x11.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(CREATOR_KIT_DATA_DIR=str(tmp_path / "d"), QT_QPA_PLATFORM="xcb")
    res = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-m",
         "creator_kit.cli.main", "gui", str(landscape_clip), "--screenshot", str(shot),
         "--size", "1100x700", "--at", "1.0"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1100, 700)
    # testsrc2's colour bars are on screen: many distinct colours, not a blank window.
    colours = {image.pixel(x, y) for x in range(0, 1100, 7) for y in range(0, 700, 7)}
    assert len(colours) > 200, len(colours)


def test_dropped_subtitles_project_and_bad_file(qtbot, window, tmp_path, landscape_clip):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    def drop(*paths: Path) -> None:
        md = QMimeData()
        md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, md,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        window.dropEvent(event)

    drop(landscape_clip)
    assert window.project is not None and len(window.project.clips) == 1
    srt = tmp_path / "subs.srt"
    # Windows-1256 Arabic with overlapping times: read, repaired, the repair reported.
    srt.write_bytes("1\r\n00:00:00,000 --> 00:00:01,500\r\nمرحبا\r\n\r\n"
                    "2\r\n00:00:01,000 --> 00:00:02,000\r\nبالعالم\r\n".encode("cp1256"))
    drop(srt)
    cap = window.project.layers[-1]
    assert isinstance(cap, CaptionLayer) and [c.text for c in cap.cues] == ["مرحبا", "بالعالم"]
    assert cap.cues[0].end <= cap.cues[1].start  # the overlap was fixed
    junk = tmp_path / "notes.xyz"
    junk.write_text("?", encoding="utf-8")
    drop(junk)
    assert window.errors and str(junk) in window.errors[-1]
    saved = tmp_path / "other.ckproj"
    save_project(Project(clips=(ClipRef(str(landscape_clip)),),
                         layers=(StickerLayer(name="mask"),)), saved)
    drop(saved)
    assert window.model.document.path == saved
    assert [la.id for la in window.project.layers] == ["sticker-1"]


def test_batch_panel_shows_the_sheet_problems_as_a_table(qtbot, tmp_path):
    from creator_kit.gui.batch_panel import BatchPanel

    panel = BatchPanel()
    qtbot.addWidget(panel)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("input,output,template\nmissing.mp4,a.mp4,maskup\n", encoding="utf-8")
    panel.sheet.setText(str(sheet))
    panel.out_dir.setText(str(tmp_path / "out"))
    panel.check()
    qtbot.waitUntil(lambda: panel.check_btn.isEnabled() and panel.table.rowCount() > 0,
                    timeout=60_000)
    cells = [[panel.table.item(r, c).text() for c in range(3)]
             for r in range(panel.table.rowCount())]
    assert any(row[0] == "2" and row[1] == "input" and "missing.mp4" in row[2] for row in cells)
    assert not panel.run_btn.isEnabled()  # nothing runs until the sheet is fixed


def test_a_clip_that_vanishes_while_open_is_relinked(qtbot, window, tmp_path):
    clip = make_clip(tmp_path / "take1.mp4", size="320x240", duration=1.0)
    open_clip(qtbot, window, clip)
    window._save_to(tmp_path / "p.ckproj")
    elsewhere = tmp_path / "moved"
    elsewhere.mkdir()
    clip.rename(elsewhere / "take1.mp4")

    from creator_kit.gui import relink_dialog

    def fake_exec(dlg):
        dlg.search_folder(elsewhere)
        return QDialog.DialogCode.Accepted

    relink_dialog.RelinkDialog.exec = fake_exec  # type: ignore[method-assign]
    try:
        assert window.relink_current()
    finally:
        del relink_dialog.RelinkDialog.exec
    assert window.project.clips[0].source == str(elsewhere / "take1.mp4")
    window.undo_action.trigger()  # relinking is one undoable step
    assert window.project.clips[0].source == str(clip)



@pytest.mark.slow
def test_screenshot_shows_the_exact_frame_at_the_time_asked(qtbot, window, tmp_path):
    """The screenshot's preview is the decoded frame at ``--at``, not a proxy or the last one."""
    import numpy as np

    from creator_kit.gui.launch import take_screenshot
    from creator_kit.render.preview import preview_frame
    from tests.guiapp import pixels

    # testsrc2 moves every frame: a frame 0.4 s off, or a half-size proxy, would not match.
    clip = make_clip(tmp_path / "moving.mp4", size="640x360", duration=3.0)
    assert window.new_project([clip])
    project = window.project
    at = 2.2
    shot = tmp_path / "shot.png"
    assert take_screenshot(window, shot, at)
    player = window.player
    assert player.showing_exact(at)
    r = player.frame_rect()
    top_left = player.mapTo(window, QPoint(int(r.x()), int(r.y())))
    image = QImage(str(shot))
    dpr = image.width() / window.width()
    x, y = int(round(top_left.x() * dpr)), int(round(top_left.y() * dpr))
    w, h = int(r.width() * dpr), int(r.height() * dpr)
    region = pixels(image)[y + 2 : y + h - 2, x + 2 : x + w - 2].astype(int)

    def scaled(rgb: np.ndarray) -> np.ndarray:
        import cv2

        full = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
        return full[2 : h - 2, 2 : w - 2].astype(int)

    expected = scaled(preview_frame(project, at))
    other = scaled(preview_frame(project, at - 0.4))
    assert np.abs(region - expected).mean() < 4
    assert np.abs(region - other).mean() > 3 * np.abs(region - expected).mean()
