"""The editor's main window: library, player, inspector and timeline around one document.

The window owns the :class:`~creator_kit.gui.model.EditorModel` (document, undo stack,
selection) and wires the panels to it; the panels never talk to each other. It also owns the
never-lose-work machinery: open/save/save as, recent files, the unsaved marker in the title,
the close prompt, autosave every 60 s and on export, recovery after a crash, relinking of
missing media, and drag and drop of clips, images, subtitles, projects and template packs.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core import edits
from creator_kit.core.autosave import AUTOSAVE_INTERVAL_S, Autosaver
from creator_kit.core.document import Document
from creator_kit.core.errors import CreatorKitError
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    FaceMaskLayer,
    ImageLayer,
    Placement,
    Project,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.relink import missing_files
from creator_kit.gui.app import app_settings, language, tr
from creator_kit.gui.export_dialog import ExportDialog, JobQueue, JobsPanel
from creator_kit.gui.icons import icon
from creator_kit.gui.inspector import InspectorPanel
from creator_kit.gui.library import MIME, LibraryPanel
from creator_kit.gui.messages import user_message
from creator_kit.gui.model import EditorModel
from creator_kit.gui.player import PlayerWidget
from creator_kit.gui.timeline import (
    ROW_H,
    RULER_H,
    TimelineWidget,
    durations_known,
    source_duration,
)

VIDEO = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".3gp"}
IMAGES = {".png", ".jpg", ".jpeg", ".webp", ".svg"}
SUBTITLES = {".srt", ".vtt", ".ass", ".ssa"}
AUDIO = {".mp3", ".m4a", ".aac", ".wav", ".ogg", ".flac", ".opus"}
MAX_RECENT = 8


def _fmt_time(t: float) -> str:
    from creator_kit.gui.numbers import timecode

    return timecode(t)


def _shown_by(t: float, entrance: float) -> float:
    """A new layer's start: its entrance is over at the playhead, so it shows where it landed."""
    return round(max(0.0, t - entrance), 3)


def _dropped_at(at: tuple[float, float] | None, width: float) -> Placement | None:
    """Where a dropped sticker or tip card goes: centred on the drop point, kept in the frame."""
    if at is None:
        return None  # added with a double-click: its own slot in the safe zone
    half = width / 2
    return Placement(x=min(max(at[0], half), 1.0 - half), y=min(max(at[1], 0.05), 0.95),
                     width=width)


# A stand-in caption while the template is built, so the caption layer it makes (style,
# placement, place in the stack) is exactly the one `render --caption` makes; it is then
# emptied for the creator to type into.
_TYPE_HERE = "…"


def template_project(current: Project, name: str, variables: dict[str, str] | None,
                     lang: str, caption: str | None, preset: str | None = None) -> Project:
    """Template ``name`` applied to ``current``'s clips through the one project builder.

    The same :func:`creator_kit.builder.build_project` as ``creator-kit render --template``
    and a batch row, so the three give the same project; the creator's trims, sound tails
    and music are kept, and without a ``caption`` an empty caption waits to be typed.
    ``preset`` (a platform) wins over the template's, as ``--preset`` does.
    """
    from creator_kit.builder import ProjectOptions, build_project
    from creator_kit.templates import find_template

    loaded = find_template(name)
    if lang not in loaded.template.languages:
        lang = loaded.template.languages[0]
    trims = tuple(f"{i}:{c.start!r}:{'' if c.end is None else repr(c.end)}"
                  for i, c in enumerate(current.clips) if c.start or c.end is not None)
    options = ProjectOptions(
        clips=tuple(c.source for c in current.clips), trims=trims, template=name,
        variables=dict(variables or {}), language=lang, caption=caption or _TYPE_HERE,
        music=current.audio.music, preset=preset,
        labels={"variables": tr("Main", "Template"), "caption": tr("Main", "Caption"),
                "music": tr("Main", "Music"), "clips": tr("Main", "Clips")})
    project = build_project(options, template=loaded)
    project = project.replace(clips=tuple(
        dataclasses.replace(new, tail=old.tail, fingerprint=old.fingerprint)
        for new, old in zip(project.clips, current.clips, strict=True)))
    if caption is None:
        typed = [la for la in project.layers if isinstance(la, CaptionLayer)
                 and la.text == _TYPE_HERE]
        if typed:
            project = edits.set_caption_text(project, typed[-1].id, "")
    return project


class Welcome(QWidget):
    """What an empty editor shows: open a clip, open a project, or start from a template."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(tr("Welcome", "<h2>Make a vertical video</h2>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(tr("Welcome", "Drop a phone clip here, or:"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_clip = QPushButton(tr("Welcome", "Open clip…"))
        self.open_clip.clicked.connect(window.open_clips_dialog)
        self.open_project = QPushButton(tr("Welcome", "Open project…"))
        self.open_project.clicked.connect(window.open_project_dialog)
        self.from_template = QPushButton(tr("Welcome", "Start from a template…"))
        self.from_template.clicked.connect(window.start_from_template)
        self.recover = QPushButton(tr("Welcome", "Restore unsaved work"))
        self.recover.clicked.connect(window.offer_recovery)
        self.recover.setVisible(False)
        for b in (self.open_clip, self.from_template, self.open_project, self.recover):
            b.setMinimumHeight(40)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    """The editor window."""

    _durations_probed = Signal()  # from the thread that probes clip lengths for the timeline

    def __init__(self, *, autosave: bool = True, recovery: bool = True) -> None:
        super().__init__()
        # Until the window is first painted, the player's session (which loads the whole
        # engine: NumPy, OpenCV, PyAV, ffmpeg) and probing the clips wait: they would compete
        # with the window's own start for the CPU and the GIL.
        self._painted = False
        self._durations_probed.connect(self._durations_arrived)
        # Clip lengths for the timeline are probed on a thread of the window's own, started
        # now: starting a thread waits until it runs, which takes long once the player's
        # thread is loading the engine.
        self._probe_queue: queue.Queue[list[str] | None] = queue.Queue()
        threading.Thread(target=self._probe_clips, name="ck-clip-lengths", daemon=True).start()
        self.setAcceptDrops(True)
        self.model = EditorModel(self)
        self.autosaver = Autosaver() if autosave else None
        self.settings = QSettings()
        self.jobs = JobQueue(self)
        self.export_dialog: ExportDialog | None = None
        self._autosave_lock = threading.Lock()

        # -- centre: welcome screen or the player with its transport bar ---------------------
        self.player = PlayerWidget()
        self.player.setToolTip(tr("Main", "The frame as it will be exported; drag the selected "
                                          "layer to move it"))
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.player, 1)
        cl.addLayout(self._transport())
        self.welcome = Welcome(self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(centre)
        self.setCentralWidget(self.stack)

        # -- docks: library (leading side), inspector (trailing side), timeline, jobs ----------
        self.library = LibraryPanel()
        self.inspector = InspectorPanel()
        self.timeline = TimelineWidget()
        self.jobs_panel = JobsPanel(self.jobs)
        # Dock areas are physical sides: the library goes on the leading side (the right in
        # Arabic) and the inspector on the trailing side, so the window mirrors as a whole.
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        leading, trailing = Qt.DockWidgetArea.LeftDockWidgetArea, \
            Qt.DockWidgetArea.RightDockWidgetArea
        if rtl:
            leading, trailing = trailing, leading
        self.library_dock = self._dock(tr("Main", "Library"), self.library, leading, "library")
        self.inspector_dock = self._dock(tr("Main", "Inspector"), self.inspector, trailing,
                                         "inspector")
        # The timeline scrolls up and down when a project has more layers than fit.
        self.timeline_scroll = QScrollArea()
        self.timeline_scroll.setWidgetResizable(True)
        self.timeline_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline_scroll.setWidget(self.timeline)
        self.timeline_scroll.setMinimumHeight(RULER_H + 3 * ROW_H + 10)
        self.timeline_dock = self._dock(tr("Main", "Timeline"), self.timeline_scroll,
                                        Qt.DockWidgetArea.BottomDockWidgetArea, "timeline")
        jobs_dock = self._dock(tr("Main", "Exports"), self.jobs_panel,
                               Qt.DockWidgetArea.BottomDockWidgetArea, "jobs")
        self.tabifyDockWidget(self.timeline_dock, jobs_dock)
        self.timeline_dock.raise_()
        self.resizeDocks([self.library_dock, self.inspector_dock], [380, 380],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.timeline_dock], [230], Qt.Orientation.Vertical)

        # -- status line ---------------------------------------------------------------------
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        self.faces_bar = QProgressBar()
        self.faces_bar.setRange(0, 100)
        self.faces_bar.setMinimumWidth(220)
        self.faces_bar.setFormat(tr("Main", "Analysing faces %p%"))
        self.faces_bar.setVisible(False)
        self.statusBar().addPermanentWidget(self.faces_bar)

        self._actions()
        self._wire()
        self._update_title()
        self.resize(1600, 1000)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(int(AUTOSAVE_INTERVAL_S * 1000))
        self.autosave_timer.timeout.connect(self.autosave)
        if self.autosaver is not None:
            self.autosave_timer.start()
        self.apply_settings(app_settings())
        from PySide6.QtCore import QCoreApplication

        notes = QCoreApplication.instance().property("ck_notes")  # type: ignore[union-attr]
        if notes:  # a settings file moved aside, a missing translation: say it here too
            self.show_message(" · ".join(str(n) for n in notes))
        self.recoveries = []
        if recovery:
            from creator_kit.core.autosave import recoverable

            self.recoveries = recoverable()
            self.welcome.recover.setVisible(bool(self.recoveries))

    # ------------------------------------------------------------------------------ building
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _transport(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 2)
        self.play_btn = QPushButton(icon("play"), "")
        self.play_btn.setToolTip(tr("Main", "Play or pause (Space)"))
        self.play_btn.setFixedWidth(44)
        self.play_btn.clicked.connect(lambda: self.player.toggle_play())
        self.back_btn = QPushButton(icon("step-back"), "")
        self.back_btn.setToolTip(tr("Main", "Previous frame"))
        self.back_btn.clicked.connect(lambda: self.player.step(-1))
        self.next_btn = QPushButton(icon("step-forward"), "")
        self.next_btn.setToolTip(tr("Main", "Next frame"))
        self.next_btn.clicked.connect(lambda: self.player.step(1))
        self.time_label = QLabel(_fmt_time(0.0))
        self.time_label.setToolTip(tr("Main", "Current time"))
        self.safe_btn = QPushButton(tr("Main", "Safe zone"))
        self.safe_btn.setCheckable(True)
        self.safe_btn.setToolTip(tr("Main", "Show the platform's interface bands"))
        self.faces_btn = QPushButton(tr("Main", "Faces"))
        self.faces_btn.setCheckable(True)
        self.faces_btn.setToolTip(tr("Main", "Show face boxes with their track ids"))
        self.grid_btn = QPushButton(tr("Main", "Grid"))
        self.grid_btn.setCheckable(True)
        self.grid_btn.setToolTip(tr("Main", "Show a title-safe grid"))
        for b in (self.safe_btn, self.faces_btn, self.grid_btn):
            b.toggled.connect(self._overlays_changed)
        # Playback controls follow the timeline: in Arabic time runs right to left, so they
        # mirror with the window and their icons point left (gui/icons.py).
        holder = QWidget()
        hl = QHBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.back_btn)
        hl.addWidget(self.play_btn)
        hl.addWidget(self.next_btn)
        hl.addWidget(self.time_label)
        row.addWidget(holder)
        row.addStretch(1)
        for b in (self.safe_btn, self.faces_btn, self.grid_btn):
            row.addWidget(b)
        return row

    def _action(self, menu: object, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.setToolTip(tip or text)
        a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        menu.addAction(a)  # type: ignore[attr-defined]
        self.addAction(a)
        return a

    def _actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu(tr("Main", "&File"))
        self._action(f, tr("Main", "Open clip…"), self.open_clips_dialog,
                     QKeySequence.StandardKey.New)
        self._action(f, tr("Main", "Open project…"), self.open_project_dialog,
                     QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu(tr("Main", "Open recent"))
        self._action(f, tr("Main", "Add media…"), self.add_media_dialog, "Ctrl+I",
                     tr("Main", "Add clips, images, music or subtitles"))
        self._action(f, tr("Main", "Relink missing media…"), self.relink_current, None,
                     tr("Main", "Find files that were moved, renamed or unplugged"))
        f.addSeparator()
        self.save_action = self._action(f, tr("Main", "Save"), self.save,
                                        QKeySequence.StandardKey.Save)
        self._action(f, tr("Main", "Save as…"), self.save_as, "Ctrl+Shift+S")
        f.addSeparator()
        self.export_action = self._action(f, tr("Main", "Export…"), self.export, "Ctrl+E",
                                          tr("Main", "Render an upload-ready MP4"))
        self._action(f, tr("Main", "Batch…"), self.open_batch, None,
                     tr("Main", "One video per spreadsheet row"))
        f.addSeparator()
        self._action(f, tr("Main", "Quit"), self.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu(tr("Main", "&Edit"))
        undo = self.model.undo_stack.createUndoAction(self, tr("Main", "Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.model.undo_stack.createRedoAction(self, tr("Main", "Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addAction(undo)
        e.addAction(redo)
        self.addAction(undo)
        self.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        undo.setIcon(icon("undo"))
        redo.setIcon(icon("redo"))
        e.addSeparator()
        self._action(e, tr("Main", "Delete"), self.delete_selected,
                     QKeySequence.StandardKey.Delete, tr("Main", "Remove the selected layer"))
        self._action(e, tr("Main", "Add caption"), self.add_caption, "Ctrl+T")
        e.addSeparator()
        self.settings_action = self._action(e, tr("Main", "Settings…"), self.open_settings,
                                            "Ctrl+,")

        pl = mb.addMenu(tr("Main", "&Playback"))
        self._action(pl, tr("Main", "Play / pause"), lambda: self.player.toggle_play(), "Space")
        # The arrow keys step the way the timeline runs: in Arabic, Left is the next frame.
        later, earlier = ("Left", "Right") if self.isRightToLeft() else ("Right", "Left")
        self._action(pl, tr("Main", "Next frame"), lambda: self.player.step(1), later)
        self._action(pl, tr("Main", "Previous frame"), lambda: self.player.step(-1), earlier)
        self._action(pl, tr("Main", "Go to start"), lambda: self.player.seek(0.0), "Home")
        self._action(pl, tr("Main", "Go to end"),
                     lambda: self.player.seek(max(0.0, self.player.duration() - 1e-3)), "End")
        self._action(pl, tr("Main", "Zoom timeline in"), lambda: self.timeline.zoom(1.25),
                     "Ctrl+=")
        self._action(pl, tr("Main", "Zoom timeline out"), lambda: self.timeline.zoom(0.8),
                     "Ctrl+-")

        t = mb.addMenu(tr("Main", "&Templates"))
        self._action(t, tr("Main", "Apply template…"), self.choose_template)
        self._action(t, tr("Main", "Save look as template…"), self.save_as_template)
        self._action(t, tr("Main", "Import template pack…"), self.import_pack_dialog)
        self._action(t, tr("Main", "Export template pack…"), self.export_pack_dialog)
        self._refresh_recent()

    def _wire(self) -> None:
        m = self.model
        m.project_changed.connect(self._project_changed)
        m.selection_changed.connect(self._selection_changed)
        m.modified_changed.connect(lambda _m: self._update_title())
        m.path_changed.connect(lambda _p: self._update_title())
        m.edit_refused.connect(self.show_message)
        self.inspector.edit_requested.connect(m.apply)
        self.timeline.edit_requested.connect(m.apply)
        self.timeline.selection_requested.connect(m.select)
        self.timeline.seek_requested.connect(self.player.seek)
        self.library.activated.connect(self.add_from_library)
        self.player.library_dropped.connect(
            lambda kind, name, x, y: self.add_from_library(kind, name, (x, y)))
        self.library.add_media_requested.connect(self.add_media_dialog)
        self.library.clip_selected.connect(lambda i: m.select(f"clip:{i}"))
        self.player.position_changed.connect(self._position_changed)
        self.player.playing_changed.connect(
            lambda playing: self.play_btn.setIcon(icon("pause" if playing else "play")))
        self.player.warnings_changed.connect(self._warnings_changed)
        self.player.placement_edited.connect(self._placement_edited)
        self.player.fill_offsets_edited.connect(
            lambda x, y: m.apply(tr("Main", "Fill offset"), lambda p: edits.set_reframe(
                p, offset_x=max(-1.0, min(1.0, x)), offset_y=max(-1.0, min(1.0, y)))))
        self.player.faces_progress.connect(self._faces_progress)
        self.jobs.warning.connect(self.show_message)

    # ------------------------------------------------------------------------------- model
    @property
    def project(self) -> Project | None:
        return self.model.project

    def _project_changed(self, project: Project | None) -> None:
        self.stack.setCurrentIndex(0 if project is None else 1)
        self.inspector.set_project(project)
        self._set_timeline(project)
        self.library.set_project(project)
        if project is not None and self._painted:
            # Last: its worker thread starts on the project at once (loading the engine the
            # first time), and this thread has the panels to fill first.
            self.player.set_project(project)
        for a in (self.save_action, self.export_action):
            a.setEnabled(project is not None)

    def _set_timeline(self, project: Project | None) -> None:
        if project is None or durations_known(project):
            self.timeline.set_project(project)
        elif self._painted:
            # The clips' lengths come from probing the files (PyAV, a few hundred ms for a
            # new project): on the window's prober thread; the timeline fills in after.
            self._probe_queue.put([c.source for c in project.clips])

    def _probe_clips(self) -> None:
        while True:
            clips = self._probe_queue.get()
            if clips is None:
                return
            for source in clips:
                source_duration(source)
            try:
                self._durations_probed.emit()
            except RuntimeError:  # the window is gone
                return

    def _durations_arrived(self) -> None:
        if self.project is not None and durations_known(self.project):
            self.timeline.set_project(self.project)
            self.library.set_project(self.project)  # the clips' lengths in the media list

    def _after_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        if self.project is not None:
            self._set_timeline(self.project)
            self.player.set_project(self.project)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            QTimer.singleShot(0, self, self._after_first_paint)  # cancelled with the window

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # A platform that never paints a hidden-but-shown window still gets its preview.
        QTimer.singleShot(1000, self, self._after_first_paint)

    def _selection_changed(self, selection: str | None) -> None:
        self.inspector.set_selection(selection)
        self.timeline.set_selection(selection)
        is_layer = selection is not None and not selection.startswith(("clip:", "card",
                                                                       "project"))
        self.player.set_selected_layer(selection if is_layer else None)
        if is_layer:
            # A layer just added (a drop, a template) may be below the timeline's fold: show
            # its bar once the timeline has grown to hold it.
            QTimer.singleShot(0, lambda: self._show_timeline_row(selection))

    def _show_timeline_row(self, selection: str | None) -> None:
        row = next((b.row for b in self.timeline.blocks if b.key == selection), None)
        if row is not None and selection == self.model.selection:
            self.timeline.resize(self.timeline.width(),
                                 max(self.timeline.height(), self.timeline.content_height()))
            y = RULER_H + row * ROW_H + ROW_H // 2
            self.timeline_scroll.ensureVisible(0, y, 0, ROW_H)

    def _position_changed(self, t: float) -> None:
        self.time_label.setText(_fmt_time(t))
        self.timeline.set_playhead(t)

    def _warnings_changed(self, warnings: list[str]) -> None:
        self.status_label.setText("⚠ " + " · ".join(warnings) if warnings else "")
        self.status_label.setToolTip("\n".join(warnings))

    def _faces_progress(self, fraction: float) -> None:
        # The player redraws its frame with the faces by itself when they arrive.
        self.faces_bar.setVisible(fraction < 1.0)
        self.faces_bar.setValue(int(fraction * 100))

    def _overlays_changed(self) -> None:
        safe = self.project.output.preset if self.project and self.safe_btn.isChecked() else None
        self.player.set_overlays(safe_zone=safe, faces=self.faces_btn.isChecked(),
                                 grid=self.grid_btn.isChecked())

    def _placement_edited(self, layer_id: str, placement: Placement) -> None:
        self.model.apply(tr("Main", "Move layer"),
                         lambda p: edits.set_placement(p, layer_id, placement),
                         f"placement:{layer_id}")

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def error(self, text: str, title: str | None = None) -> None:
        """A message box naming the file and the problem (tests replace this)."""
        QMessageBox.warning(self, title or tr("Main", "creator-kit"), text)

    def _update_title(self) -> None:
        doc = self.model.document
        if doc is None:
            self.setWindowTitle("creator-kit")
            return
        mark = "*" if self.model.modified else ""
        self.setWindowTitle(f"{mark}{doc.name} — creator-kit")

    # ------------------------------------------------------------------------- open / new
    def open_paths(self, paths: Sequence[str | Path],
                   at: tuple[float, float] | None = None) -> None:
        """Open whatever was dropped or named: projects, packs, clips, images, subtitles.

        ``at``: where on the frame they were dropped (fractions); images are put there.
        """
        files = [Path(p) for p in paths]
        projects = [p for p in files if p.suffix.lower() == ".ckproj"]
        packs = [p for p in files if p.suffix.lower() == ".ckpack"]
        clips = [p for p in files if p.suffix.lower() in VIDEO]
        others = [p for p in files if p not in projects and p not in packs and p not in clips]
        if projects:
            self.open_project(projects[0])
        for pack in packs:
            self.import_pack(pack)
        if clips:
            if self.project is None:
                self.new_project(clips)
            else:
                self.add_clips(clips)
        for p in others:
            self.add_file(p, at)

    def _check_clips(self, clips: Sequence[Path]) -> list[Path]:
        from creator_kit.media.probe import probe

        good = []
        for clip in clips:
            try:
                probe(clip)
                good.append(clip.absolute())
            except CreatorKitError as exc:
                self.error(user_message(exc))
        return good

    def new_project(self, clips: Sequence[str | Path], *, use_default_template: bool = True
                    ) -> bool:
        if not self.maybe_save():
            return False
        good = self._check_clips([Path(c) for c in clips])
        if not good:
            return False
        project = Project(clips=tuple(ClipRef(str(c)) for c in good))
        # A new project starts on the platform and template chosen in the settings.
        settings = app_settings()
        project = edits.set_profile(project, settings.default_preset)  # type: ignore[arg-type]
        self._set_document(Document(project))
        if use_default_template and settings.default_template:
            self.apply_template(settings.default_template, preset=settings.default_preset)
        return True

    # ----------------------------------------------------------------------------- settings
    def open_settings(self) -> QDialog:
        """Show the settings dialog (modeless; tests drive it)."""
        from creator_kit.gui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self)
        dlg.saved.connect(self._settings_saved)
        dlg.show()
        self.settings_dialog = dlg
        return dlg

    def _settings_saved(self, settings: object) -> None:
        self.apply_settings(settings)
        dlg = getattr(self, "settings_dialog", None)
        if dlg is not None and dlg.needs_restart(settings):
            self.show_message(tr("Main", "Settings saved; the language and digits change "
                                         "when creator-kit starts again"))
        else:
            self.show_message(tr("Main", "Settings saved"))

    def apply_settings(self, settings: object) -> None:
        """Use ``settings`` (a :class:`core.settings.Settings`) from now on: autosave interval."""
        seconds = getattr(settings, "autosave_seconds", 60)
        if seconds:
            self.autosave_timer.setInterval(int(seconds * 1000))
            if self.autosaver is not None and not self.autosave_timer.isActive():
                self.autosave_timer.start()
        else:
            self.autosave_timer.stop()

    def open_project(self, path: str | Path) -> bool:
        if not self.maybe_save():
            return False
        try:
            doc = Document.open(path)
        except CreatorKitError as exc:
            self.error(user_message(exc))
            return False
        if missing_files(doc.project):
            relinked = self.relink(doc.project)
            if relinked is None:
                return False
            if relinked != doc.project:
                doc.project = relinked  # a change to save: the title shows it
        self._set_document(doc)
        self._add_recent(Path(path))
        return True

    def _set_document(self, doc: Document) -> None:
        if self.autosaver is not None:
            self.autosaver.discard()
            self.autosaver.set_original(doc.path)
        self.model.set_document(doc)
        self.player.seek(0.0)

    def relink(self, project: Project) -> Project | None:
        """Ask for the missing media; the relinked project, or None when the user gives up."""
        from creator_kit.gui.relink_dialog import RelinkDialog

        dlg = RelinkDialog(project, self)
        return dlg.run()

    def relink_current(self) -> bool:
        """Relink the open project's missing files (one undoable step); False if none."""
        if self.project is None:
            return False
        if not missing_files(self.project):
            self.show_message(tr("Main", "No media is missing"))
            return False
        relinked = self.relink(self.project)
        if relinked is None or relinked == self.project:
            return False
        self.model.replace_project(tr("Main", "Relink media"), relinked)
        return True

    def add_clips(self, clips: Sequence[Path]) -> None:
        good = self._check_clips(clips)

        def add(p: Project) -> Project:
            for c in good:
                p = edits.add_clip(p, ClipRef(str(c)))
            return p

        if good:
            self.model.apply(tr("Main", "Add clips"), add)

    def add_file(self, path: Path, at: tuple[float, float] | None = None) -> None:
        """Add an image, subtitle file or music bed to the open project."""
        if self.project is None:
            self.error(tr("Main", "{0}: open a clip first").format(path))
            return
        suffix = path.suffix.lower()
        if suffix in IMAGES:
            try:
                from creator_kit.graphics.stills import load_still

                load_still(path, 64)
            except CreatorKitError as exc:
                self.error(user_message(exc))
                return
            x, y = at or (0.5, 0.3)
            layer = ImageLayer(path=str(path.absolute()),
                               placement=Placement(x=x, y=y, width=0.35))
            self._add_layer(tr("Main", "Add image"), layer)
        elif suffix in SUBTITLES:
            from creator_kit.text.subs import fix_with_notes, load_subs

            try:
                subs = load_subs(path)
            except CreatorKitError as exc:
                self.error(user_message(exc))
                return
            cues, notes = fix_with_notes(subs.cues)
            for note in (*subs.notes, *notes):
                self.show_message(f"{path.name}: {note}")
            self._add_layer(tr("Main", "Import subtitles"), CaptionLayer(cues=tuple(cues)))
        elif suffix in AUDIO:
            self.model.apply(tr("Main", "Music"),
                             lambda p: edits.update_audio(p, music=str(path.absolute())))
        else:
            self.error(tr("Main", "{0}: not a clip, image, subtitle, audio, project or "
                                  "template pack file").format(path))

    def _add_layer(self, text: str, layer: object) -> str | None:
        box: dict[str, str] = {}

        def add(p: Project) -> Project:
            p2, lid = edits.add_layer(p, layer)  # type: ignore[arg-type]
            box["id"] = lid
            return p2

        if self.model.apply(text, add) and "id" in box:
            self.model.select(box["id"])
            return box["id"]
        return None

    def add_from_library(self, kind: str, name: str,
                         at: tuple[float, float] | None = None) -> None:
        """Add a library item; ``at`` is where it was dropped (fractions of the frame)."""
        if kind == "template":
            self.apply_template(name)
            return
        if self.project is None:
            self.show_message(tr("Main", "Open a clip first"))
            return
        lang = "ar" if language() == "ar" else "en"
        t = self.player.position()
        if kind == "sticker":
            sticker = StickerLayer(name=name, language=lang)  # type: ignore[arg-type]
            self._add_layer(tr("Main", "Add sticker"), dataclasses.replace(
                sticker, placement=_dropped_at(at, sticker.width),
                start=_shown_by(t, sticker.enter.duration)))
        elif kind == "tip-card":
            tip = TipCardLayer(tip=name, language=lang)  # type: ignore[arg-type]
            self._add_layer(tr("Main", "Add tip card"), dataclasses.replace(
                tip, placement=_dropped_at(at, tip.width), start=_shown_by(t, tip.enter.duration)))
        elif kind == "mask":
            existing = [la for la in self.project.layers if isinstance(la, FaceMaskLayer)]
            if existing:
                lid = existing[0].id
                self.model.apply(tr("Main", "Mask style"),
                                 lambda p: edits.update_face_mask(p, lid, style=name))
                self.model.select(lid)
            else:
                from creator_kit.core.face_settings import FaceMaskSettings

                self._add_layer(tr("Main", "Add face mask"),
                                FaceMaskLayer(settings=FaceMaskSettings(style=name)))  # type: ignore[arg-type]

    def add_caption(self) -> None:
        if self.project is not None:
            self._add_layer(tr("Main", "Add caption"), CaptionLayer(text=""))
            self.focus_caption()

    def focus_caption(self) -> None:
        page = self.inspector.current_page()
        text = getattr(page, "text", None)
        if text is not None:
            text.setFocus()

    def delete_selected(self) -> None:
        sel = self.model.selection
        if self.project is None or sel is None or sel == "project":
            return
        if sel.startswith("clip:"):
            i = int(sel.split(":")[1])
            self.model.apply(tr("Main", "Remove clip"), lambda p: edits.remove_clip(p, i))
        elif sel == "card":
            self.model.apply(tr("Main", "Remove closing card"), lambda p: edits.set_card(p, None))
        else:
            self.model.apply(tr("Main", "Remove layer"), lambda p: edits.remove_layer(p, sel))
        self.model.select("project")

    # ------------------------------------------------------------------------------ dialogs
    def _media_filter(self) -> str:
        return tr("Main", "Media (*.mp4 *.mov *.m4v *.mkv *.webm *.png *.jpg *.jpeg *.webp "
                          "*.svg *.srt *.vtt *.ass *.mp3 *.m4a *.wav);;All files (*)")

    def open_clips_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, tr("Main", "Open clips"), "",
            tr("Main", "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)"))
        if paths:
            self.new_project(paths)

    def add_media_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Main", "Add media"), "",
                                                self._media_filter())
        if paths:
            self.open_paths(paths)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Main", "Open project"), "",
                                              tr("Main", "Projects (*.ckproj)"))
        if path:
            self.open_project(path)

    # --------------------------------------------------------------------------------- save
    def save(self) -> bool:
        doc = self.model.document
        if doc is None:
            return True
        if doc.path is None:
            return self.save_as()
        return self._save_to(doc.path)

    def save_as(self) -> bool:
        doc = self.model.document
        if doc is None:
            return True
        start = str(doc.path or Path(doc.project.clips[0].source).with_suffix(".ckproj"))
        path, _ = QFileDialog.getSaveFileName(self, tr("Main", "Save project"), start,
                                              tr("Main", "Projects (*.ckproj)"))
        if not path:
            return False
        if not path.lower().endswith(".ckproj"):
            path += ".ckproj"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.model.save(path)
        except CreatorKitError as exc:
            self.error(user_message(exc))
            return False
        if self.autosaver is not None:
            self.autosaver.set_original(path)
            self.autosaver.discard()
        self._add_recent(path)
        self.show_message(tr("Main", "Saved {0}").format(path))
        return True

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes; False when the user cancels."""
        if not self.model.modified:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """The close prompt (tests replace this)."""
        doc = self.model.document
        return QMessageBox.question(
            self, tr("Main", "Unsaved changes"),
            tr("Main", "Save the changes to {0}?").format(doc.name if doc else ""),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)

    def _add_recent(self, path: Path) -> None:
        recent = [str(path.absolute())] + [p for p in self.recent_files()
                                           if p != str(path.absolute())]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._refresh_recent()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in (value or [])]  # type: ignore[attr-defined]

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_files():
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _c=False, path=p: self.open_project(path))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    # ----------------------------------------------------------------------------- autosave
    def autosave(self) -> None:
        """Write the autosave on a helper thread (the project is immutable: safe to share)."""
        if self.autosaver is None or self.project is None or not self.model.modified:
            return
        project, saver = self.project, self.autosaver

        def run() -> None:
            with self._autosave_lock:
                try:
                    saver.save(project)
                except (CreatorKitError, OSError):
                    pass  # a full disk must not interrupt editing; the next tick tries again

        threading.Thread(target=run, name="autosave", daemon=True).start()

    def autosave_now(self) -> None:
        """Autosave synchronously (before an export, and in tests)."""
        if self.autosaver is None or self.project is None:
            return
        with self._autosave_lock:
            try:
                self.autosaver.save(self.project)
            except (CreatorKitError, OSError) as exc:
                self.show_message(user_message(exc))

    def offer_recovery(self) -> bool:
        """Offer the newest autosave left by an editor that did not close; True if restored."""
        from creator_kit.core.autosave import first_readable, recoverable

        pick = first_readable(self.recoveries or recoverable())
        if pick is None:
            self.welcome.recover.setVisible(False)
            return False
        rec, project = pick
        if not self.confirm_recovery(rec.original):
            rec.discard()
            self.recoveries = [r for r in self.recoveries if r != rec]
            self.welcome.recover.setVisible(bool(self.recoveries))
            return False
        doc = Document(project, rec.original)
        doc._saved = None  # restored work is unsaved until the user saves it
        self._set_document(doc)
        rec.discard()
        self.recoveries = [r for r in self.recoveries if r != rec]
        self.welcome.recover.setVisible(bool(self.recoveries))
        self._update_title()
        return True

    def confirm_recovery(self, original: str | None) -> bool:
        """Ask whether to restore (tests replace this)."""
        name = Path(original).name if original else tr("Main", "an unsaved project")
        return QMessageBox.question(
            self, tr("Main", "Restore unsaved work?"),
            tr("Main", "creator-kit did not close properly. Restore the changes to {0}?")
            .format(name)) == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------------------- export
    def default_output(self) -> Path:
        assert self.project is not None
        doc = self.model.document
        base = doc.path if doc is not None and doc.path else Path(self.project.clips[0].source)
        return base.with_name(base.stem + f"-{self.project.output.preset}.mp4")

    def export(self) -> ExportDialog | None:
        if self.project is None:
            return None
        self.autosave_now()
        self.export_dialog = ExportDialog(self.project, self.jobs, self.default_output(), self)
        self.export_dialog.show()
        return self.export_dialog

    def open_batch(self) -> None:
        from creator_kit.gui.batch_panel import BatchPanel

        dlg = QDialog(self)
        dlg.setWindowTitle(tr("Main", "Batch"))
        layout = QVBoxLayout(dlg)
        layout.addWidget(BatchPanel())
        dlg.resize(800, 560)
        dlg.show()

    # ---------------------------------------------------------------------------- templates
    def choose_template(self) -> None:
        from creator_kit.gui.templates_dialog import TemplateDialog

        self.library.show_tab("template")  # starts drawing the thumbnails if not done yet
        dlg = TemplateDialog(self, self.library.template_images)
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.choice is not None:
            self.apply_template(dlg.choice, dlg.values(), dlg.language())

    def start_from_template(self) -> None:
        """Pick a template (with its variables), then the clips it is applied to."""
        from creator_kit.gui.templates_dialog import TemplateDialog

        dlg = TemplateDialog(self, self.library.template_images)
        if dlg.exec() != QDialog.DialogCode.Accepted or dlg.choice is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, tr("Main", "Clips for the template"), "",
            tr("Main", "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)"))
        if paths and self.new_project(paths, use_default_template=False):
            self.apply_template(dlg.choice, dlg.values(), dlg.language())

    def apply_template(self, name: str, variables: dict[str, str] | None = None,
                       lang: str | None = None, preset: str | None = None) -> bool:
        """Apply template ``name`` to the current clips as one undoable step.

        ``preset`` (the settings' platform for a new project) wins over the template's.
        """
        if self.project is None:
            self.show_message(tr("Main", "Open a clip first, then pick a template"))
            return False
        current = self.project
        captions = [la for la in current.layers if isinstance(la, CaptionLayer)]
        # The creator's caption is the last one typed (a template's own texts come first).
        typed = [la.text for la in captions if not la.cues and la.text.strip()]
        lang = lang or ("ar" if language() == "ar" else "en")
        try:
            project = template_project(current, name, variables, lang,
                                       typed[-1] if typed else None, preset)
        except CreatorKitError as exc:
            self.error(user_message(exc))
            return False
        for la in (la for la in captions if la.cues):  # imported subtitles are kept
            project = edits.add_layer(project, dataclasses.replace(la, id=""))[0]
        self.model.replace_project(tr("Main", "Apply template {0}").format(name), project)
        assert self.project is not None
        mine = [la for la in self.project.layers if isinstance(la, CaptionLayer) and not la.cues]
        if mine:
            self.model.select(mine[-1].id)
            self.focus_caption()
        return True

    def save_as_template(self) -> None:
        if self.project is None:
            return
        from creator_kit.gui.templates_dialog import SaveTemplateDialog
        from creator_kit.templates.from_project import save_project_as_template

        dlg = SaveTemplateDialog(self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            save_project_as_template(self.project, dlg.name.text().strip(),
                                     dlg.title_ar.text().strip(), dlg.title_en.text().strip())
        except CreatorKitError as exc:
            self.error(user_message(exc))
            return
        self.library.populate()
        self.show_message(tr("Main", "Template saved"))

    def import_pack_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Main", "Import template pack"), "",
                                              tr("Main", "Template packs (*.ckpack)"))
        if path:
            self.import_pack(Path(path))

    def import_pack(self, path: Path) -> bool:
        from creator_kit.templates.manage import import_pack

        try:
            loaded = import_pack(path)
        except CreatorKitError as exc:
            self.error(user_message(exc))
            return False
        self.library.populate()
        self.show_message(tr("Main", "Template {0} imported").format(loaded.name))
        return True

    def export_pack_dialog(self) -> None:
        from creator_kit.templates import available_names
        from creator_kit.templates.manage import export_pack

        names = available_names()
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getItem(self, tr("Main", "Export template pack"),
                                        tr("Main", "Template"), names, 0, False)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Main", "Save pack"), f"{name}.ckpack",
                                              tr("Main", "Template packs (*.ckpack)"))
        if not path:
            return
        try:
            export_pack(name, path, overwrite=True)  # the file dialog asked already
        except CreatorKitError as exc:
            self.error(user_message(exc))

    # ---------------------------------------------------------------------------- drag/drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        md = event.mimeData()
        if md.hasUrls() or md.hasFormat(MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        md = event.mimeData()
        if md.hasFormat(MIME):
            kind, _, name = bytes(md.data(MIME).data()).decode().partition(":")
            self.add_from_library(kind, name)
            event.acceptProposedAction()
            return
        paths = [u.toLocalFile() for u in md.urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths, self._frame_point(event.position()))

    def _frame_point(self, pos: QPointF) -> tuple[float, float] | None:
        """``pos`` (window coordinates) as fractions of the preview frame; None off the frame."""
        if self.stack.currentIndex() != 1:
            return None
        r = self.player.frame_rect()
        p = self.player.mapFrom(self, pos)
        if not r.contains(p):
            return None
        return (p.x() - r.x()) / r.width(), (p.y() - r.y()) / r.height()

    # -------------------------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        running = [q for q in self.jobs.jobs if q.status in ("queued", "running")]
        if running:
            self.jobs.cancel_all()
            self.jobs.wait_all()
        if self.autosaver is not None:
            self.autosaver.discard()
        self.autosave_timer.stop()
        self.player.shutdown()
        self.library.shutdown()
        self._probe_queue.put(None)
        event.accept()


def open_editor(paths: Sequence[str], lang: str | None = None) -> MainWindow:
    """Create the application (if needed) and a window with ``paths`` opened."""
    from creator_kit.gui.app import make_app

    make_app(lang)
    w = MainWindow()
    if paths:
        w.open_paths(paths)
    return w
