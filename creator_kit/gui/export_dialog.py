"""Export: a dialog for the settings, and a queue of render jobs running in child processes.

A render never runs in the editor's process: each job is a ``creator-kit render`` child
speaking the JSON event protocol (:class:`creator_kit.render.job.RenderJob`), polled by a
timer, so a crash or a cancel cannot take the editor down and the player never stalls.
The dialog shows progress, time left, the pre-flight check result in words and a
"Show in folder" button; the jobs panel lists every queued, running and finished job.
Run alone: ``python -m creator_kit.gui.export_dialog project.ckproj``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core import edits
from creator_kit.core.model import Project
from creator_kit.core.project_io import save_project
from creator_kit.gui.app import tr
from creator_kit.gui.bidi import ltr, path_field
from creator_kit.gui.messages import FSI, PDI, event_message, user_message
from creator_kit.gui.numbers import clock, num, percent_format
from creator_kit.render.job import RenderJob

# Exports run below the editor's priority: the event loop and the player get the CPU when
# they need it, the export takes the rest (measured on 2 cores: event-loop gaps of 100-170 ms
# during an export at the same priority).
EXPORT_NICENESS = 10
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")


@dataclass
class QueuedJob:
    """One export: its project snapshot, target, and the child job once started."""

    project: Project
    output: Path
    overwrite: bool
    job: RenderJob | None = None
    status: str = "queued"  # queued, running, done, failed, cancelled
    message: str = ""
    check_lines: list[str] = field(default_factory=list)
    started: float = 0.0
    workdir: tempfile.TemporaryDirectory[str] | None = None
    launcher: threading.Thread | None = None  # writes the snapshot and starts the child
    launch_error: Exception | None = None
    cancel_asked: bool = False


class JobQueue(QObject):
    """Runs exports one after another in child processes; ``changed`` on any news."""

    changed = Signal(object)  # the QueuedJob that changed
    warning = Signal(str)

    def __init__(self, parent: QObject | None = None, extra_args: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.jobs: list[QueuedJob] = []
        self.extra_args = extra_args
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    def add(self, project: Project, output: Path, overwrite: bool) -> QueuedJob:
        q = QueuedJob(project, output, overwrite)
        self.jobs.append(q)
        self.changed.emit(q)
        self._start_next()
        return q

    @property
    def running(self) -> QueuedJob | None:
        return next((q for q in self.jobs if q.status == "running"), None)

    def _start_next(self) -> None:
        if self.running is not None:
            return
        q = next((q for q in self.jobs if q.status == "queued"), None)
        if q is None:
            self._timer.stop()
            return
        # The child reads a snapshot of the project: later edits do not change this export.
        q.workdir = tempfile.TemporaryDirectory(prefix="ck-export-")
        project_file = Path(q.workdir.name) / "export.ckproj"
        # Writing the snapshot (an fsync) and starting the child happen on a helper thread:
        # on a busy disk the fsync alone held the event loop for a tenth of a second.
        job = RenderJob(project_file, q.output, overwrite=q.overwrite,
                        extra_args=self.extra_args, nice=EXPORT_NICENESS)

        def launch() -> None:
            try:
                save_project(q.project, project_file)
                job.start()
            except Exception as exc:  # no process could be started: _poll says so
                q.launch_error = exc
                return
            q.job = job

        q.status, q.started = "running", time.monotonic()
        q.launcher = threading.Thread(target=launch, name="ck-export-start", daemon=True)
        q.launcher.start()
        self.changed.emit(q)
        self._timer.start()

    def _launched(self, q: QueuedJob) -> bool:
        """True once ``q``'s child runs; a launch that failed ends the job."""
        if q.job is not None:
            return True
        if q.launcher is not None and q.launcher.is_alive():
            return False
        q.status = "failed"
        q.message = user_message(q.launch_error) if q.launch_error is not None else \
            tr("Export", "The export failed")
        if q.workdir is not None:
            q.workdir.cleanup()
            q.workdir = None
        self.changed.emit(q)
        self._start_next()
        return False

    def _poll(self) -> None:
        q = self.running
        if q is None:
            self._start_next()
            return
        if not self._launched(q):
            return
        assert q.job is not None
        if q.cancel_asked:
            q.job.cancel()  # asked while the child was being started
        events = q.job.poll()
        for e in events:
            if e.name == "warning":
                self.warning.emit(e.message)
        if q.job.done:
            state = q.job.state
            if state.result is not None:
                q.status = "done"
                check = state.result.get("check") or {}
                q.check_lines = list(check.get("lines", []))
                q.message = tr("Export", "Written: {0}").format(
                    ltr(str(state.result.get("path", ""))))  # a path reads left to right
            elif q.job.cancelled:
                q.status, q.message = "cancelled", tr("Export", "Cancelled; nothing was written")
            else:
                q.status = "failed"
                q.message = (event_message(state.error) if state.error
                             else tr("Export", "The export failed"))
            if q.workdir is not None:
                q.workdir.cleanup()
                q.workdir = None
            self.changed.emit(q)
            self._start_next()
        elif events:
            self.changed.emit(q)

    def cancel(self, q: QueuedJob) -> None:
        if q.status == "queued":
            q.status, q.message = "cancelled", tr("Export", "Cancelled before it started")
            self.changed.emit(q)
        elif q.status == "running":
            q.cancel_asked = True
            if q.job is not None:
                q.job.cancel()

    def cancel_all(self) -> None:
        for q in self.jobs:
            self.cancel(q)

    def wait_all(self, timeout: float = 60.0) -> None:
        """Block until every job has ended (used on close, after cancel_all)."""
        deadline = time.monotonic() + timeout
        while self.running is not None and time.monotonic() < deadline:
            self._poll()
            time.sleep(0.05)


def describe(q: QueuedJob) -> str:
    """One line for a job in the jobs panel."""
    name = q.output.name
    if q.status == "running" and q.job is not None:
        s = q.job.state
        return tr("Export", "{0}: {1}% ({2} left)").format(
            f"{FSI}{name}{PDI}", num(str(int(s.fraction * 100))), clock(s.eta_s))
    words = {"queued": tr("Export", "waiting"), "done": tr("Export", "done"),
             "failed": tr("Export", "failed"), "cancelled": tr("Export", "cancelled")}
    return f"{FSI}{name}{PDI}: {words.get(q.status, q.status)}"


class JobsPanel(QWidget):
    """Lists the export jobs with their progress; cancel the selected one."""

    def __init__(self, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget()
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.cancel_btn = QPushButton(tr("Export", "Cancel job"))
        self.cancel_btn.clicked.connect(self._cancel)
        self.folder_btn = QPushButton(tr("Export", "Show in folder"))
        self.folder_btn.clicked.connect(self._folder)
        row.addWidget(self.cancel_btn)
        row.addWidget(self.folder_btn)
        row.addStretch(1)
        layout.addLayout(row)
        queue.changed.connect(self.refresh)

    def refresh(self, _job: object = None) -> None:
        current = self.list.currentRow()
        self.list.clear()
        for q in self.queue.jobs:
            item = QListWidgetItem(describe(q))
            item.setToolTip("\n".join([q.message, *q.check_lines]).strip())
            self.list.addItem(item)
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)

    def _selected(self) -> QueuedJob | None:
        row = self.list.currentRow()
        return self.queue.jobs[row] if 0 <= row < len(self.queue.jobs) else None

    def _cancel(self) -> None:
        q = self._selected()
        if q is not None:
            self.queue.cancel(q)

    def _folder(self) -> None:
        q = self._selected()
        if q is not None:
            show_in_folder(q.output)


def show_in_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class ExportDialog(QDialog):
    """Export settings, then the job's progress, result and pre-flight check in words."""

    def __init__(self, project: Project, queue: JobQueue, default_output: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export", "Export video"))
        self.project = project
        self.queue = queue
        self.job: QueuedJob | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.preset = QComboBox()
        for value, text in (("tiktok", "TikTok"), ("reels", "Instagram Reels"),
                            ("shorts", "YouTube Shorts")):
            self.preset.addItem(text, value)
        self.preset.setCurrentIndex(max(0, self.preset.findData(project.output.preset)))
        form.addRow(tr("Export", "Platform"), self.preset)
        out_row = QHBoxLayout()
        self.output = path_field(QLineEdit(str(default_output)))
        self.output.setToolTip(tr("Export", "The MP4 file to write"))
        browse = QPushButton(tr("Export", "Browse…"))
        browse.clicked.connect(self._browse)
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form.addRow(tr("Export", "File"), out_row)
        self.quality = QSpinBox()
        self.quality.setRange(0, 51)
        self.quality.setSpecialValueText(tr("Export", "Platform default"))
        self.quality.setValue(project.output.crf or 0)
        self.quality.setToolTip(tr("Export", "x264 CRF: lower is better and larger; "
                                             "the platform default is 20"))
        form.addRow(tr("Export", "Quality (CRF)"), self.quality)
        self.speed = QComboBox()
        self.speed.addItem(tr("Export", "Platform default"), None)
        for name in X264_PRESETS:
            self.speed.addItem(name, name)
        self.speed.setCurrentIndex(max(0, self.speed.findData(project.output.x264_preset)))
        form.addRow(tr("Export", "Encoder speed"), self.speed)
        self.fps = QComboBox()
        rates: list[tuple[float | None, str]] = [
            (None, num(tr("Export", "Platform default (30)"))), (24.0, num("24")),
            (25.0, num("25")), (30.0, num("30")), (60.0, num("60"))]
        for rate, label in rates:
            self.fps.addItem(label, rate)
        self.fps.setCurrentIndex(max(0, self.fps.findData(project.output.fps)))
        form.addRow(tr("Export", "Frame rate"), self.fps)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat(percent_format())
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status = QLabel(tr("Export", "Ready"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.check = QLabel()
        self.check.setWordWrap(True)
        layout.addWidget(self.check)
        self.buttons = QDialogButtonBox()
        self.export_btn = self.buttons.addButton(tr("Export", "Export"),
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.addButton(tr("Export", "Cancel"),
                                                 QDialogButtonBox.ButtonRole.RejectRole)
        self.folder_btn = self.buttons.addButton(tr("Export", "Show in folder"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_btn.setEnabled(False)
        self.export_btn.clicked.connect(self.start)
        self.cancel_btn.clicked.connect(self._cancel)
        self.folder_btn.clicked.connect(lambda: show_in_folder(Path(self.output.text())))
        layout.addWidget(self.buttons)
        queue.changed.connect(self._job_changed)
        self.resize(520, 360)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export", "Export to"), self.output.text(),
                                              tr("Export", "MP4 video (*.mp4)"))
        if path:
            self.output.setText(path if path.lower().endswith(".mp4") else path + ".mp4")

    def confirm_replace(self, path: Path) -> bool:
        """Ask before replacing an existing file (tests replace this method)."""
        answer = QMessageBox.question(
            self, tr("Export", "Replace file?"),
            tr("Export", "{0} already exists. Replace it?").format(path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def settings_project(self) -> Project:
        return edits.update_output(
            self.project, preset=self.preset.currentData(),
            crf=self.quality.value() or None, x264_preset=self.speed.currentData(),
            fps=self.fps.currentData())

    def start(self) -> None:
        text = self.output.text().strip()
        if not text:
            self.status.setText(tr("Export", "Choose a file to write"))
            return
        out = Path(text).expanduser().absolute()
        if out.suffix.lower() != ".mp4":
            out = out.with_suffix(".mp4")
            self.output.setText(str(out))
        overwrite = False
        if out.exists():
            if not self.confirm_replace(out):
                self.status.setText(tr("Export", "Not exported: the existing file was kept"))
                return
            overwrite = True
        try:
            project = self.settings_project()
        except edits.EditError as exc:
            self.status.setText(str(exc))
            return
        self.export_btn.setEnabled(False)
        self.check.setText("")
        self.job = self.queue.add(project, out, overwrite)
        self._job_changed(self.job)

    def _cancel(self) -> None:
        if self.job is not None and self.job.status in ("queued", "running"):
            self.queue.cancel(self.job)
            self.status.setText(tr("Export", "Cancelling…"))
        else:
            self.reject()

    def _job_changed(self, q: object) -> None:
        if q is not self.job or self.job is None:
            return
        job = self.job
        if job.status == "queued":
            self.status.setText(tr("Export", "Waiting for the export before it"))
        elif job.status == "running":
            # Until its child has started (on a helper thread) a running job has no process
            # yet: it is starting, not finished, so Export stays off and Cancel stays Cancel.
            self.export_btn.setEnabled(False)
            self.cancel_btn.setText(tr("Export", "Cancel"))
            if job.job is None:
                self.status.setText(tr("Export", "Starting the export…"))
                return
            s = job.job.state
            self.progress.setValue(int(s.fraction * 1000))
            self.status.setText(tr("Export", "Exporting ({0}): {1}% — {2} left").format(
                stage_name(s.stage), num(str(int(s.fraction * 100))), clock(s.eta_s)))
        else:
            self.status.setText(job.message)
            if job.status == "done":
                self.progress.setValue(1000)
                self.folder_btn.setEnabled(True)
                self.check.setText(check_in_words(job.check_lines))
            else:
                self.progress.setValue(0)
            self.export_btn.setEnabled(True)
            self.cancel_btn.setText(tr("Export", "Close"))


def stage_name(stage: str) -> str:
    """The render protocol's stage word (``faces``, ``render``...) in the interface language."""
    names = {
        "faces": tr("Export", "finding faces"), "audio": tr("Export", "mixing the sound"),
        "render": tr("Export", "rendering"), "verify": tr("Export", "checking the file"),
        "done": tr("Export", "done"),
    }
    return names.get(stage, stage or "…")


def check_in_words(lines: list[str]) -> str:
    """The pre-flight check result for people: passes, or which rules the file breaks."""
    if not lines:
        return ""
    fails = [ln[5:] for ln in lines if ln.startswith("FAIL ")]
    notes = [ln[6:] for ln in lines if ln.startswith("note: ")]
    if fails:
        text = tr("Export", "The file breaks the platform's upload rules:") + "\n• " + \
            "\n• ".join(fails)
    else:
        text = tr("Export", "Ready to upload: the file meets the platform's rules.")
    if notes:
        text += "\n" + "\n".join(notes)
    return text


if __name__ == "__main__":  # python -m creator_kit.gui.export_dialog project.ckproj
    import sys

    from creator_kit.core.project_io import load_project
    from creator_kit.gui.app import make_app

    app = make_app()
    queue = JobQueue()
    dlg = ExportDialog(load_project(sys.argv[1]), queue, Path.cwd() / "export.mp4")
    dlg.show()
    app.exec()
