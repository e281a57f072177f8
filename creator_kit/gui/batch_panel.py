"""The batch panel: a spreadsheet in, its validation report as a table, a run with progress.

The sheet is checked in the editor (:func:`creator_kit.batch.plan_batch`, on a helper
thread); the run is a ``creator-kit batch`` child process read line by line (overall progress
from protocol events, one status line per row), cancelled through its standard input.
Run alone: ``python -m creator_kit.gui.batch_panel``.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from creator_kit.graphics import catalogue
from creator_kit.gui.app import tr
from creator_kit.gui.bidi import isolate, ltr, path_field
from creator_kit.gui.messages import problem_message, user_message
from creator_kit.gui.numbers import num, percent_format
from creator_kit.render.job import cli_command, parse_event


class BatchPanel(QWidget):
    """Pick a sheet, check it, run it, open the summary."""

    plan_ready = Signal(object)  # BatchPlan or an error message (str), from the check thread

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.sheet = path_field(QLineEdit())
        # The field runs left to right (a path); the hint keeps its own direction inside it.
        self.sheet.setPlaceholderText(isolate(tr("Batch", "A CSV or XLSX sheet")))
        pick = QPushButton(tr("Batch", "Choose…"))
        pick.clicked.connect(self._pick_sheet)
        row = QHBoxLayout()
        row.addWidget(self.sheet, 1)
        row.addWidget(pick)
        form.addRow(tr("Batch", "Sheet"), row)
        self.out_dir = path_field(QLineEdit())
        out_pick = QPushButton(tr("Batch", "Choose…"))
        out_pick.clicked.connect(self._pick_out)
        row2 = QHBoxLayout()
        row2.addWidget(self.out_dir, 1)
        row2.addWidget(out_pick)
        form.addRow(tr("Batch", "Output folder"), row2)
        self.template = QComboBox()
        self.template.addItem(tr("Batch", "(from the sheet)"), None)
        for e in catalogue.templates():
            self.template.addItem(e.name, e.name)
        form.addRow(tr("Batch", "Template"), self.template)
        self.cluster = QLineEdit()  # its direction follows what is typed (an address: LTR)
        self.cluster.setPlaceholderText(tr("Batch", "This computer (or tcp://HOST:PORT, local:N)"))
        self.cluster.setToolTip(tr("Batch", "Run the rows on a Dask cluster: a scheduler's "
                                   "address, a local cluster of N workers, or a scheduler file"))
        form.addRow(tr("Batch", "Cluster"), self.cluster)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.check_btn = QPushButton(tr("Batch", "Check sheet"))
        self.run_btn = QPushButton(tr("Batch", "Run"))
        self.cancel_btn = QPushButton(tr("Batch", "Cancel"))
        self.summary_btn = QPushButton(tr("Batch", "Open summary"))
        for b in (self.check_btn, self.run_btn, self.cancel_btn, self.summary_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.run_btn.setEnabled(False)
        self.cancel_btn.setEnabled(False)
        self.summary_btn.setEnabled(False)
        self.check_btn.clicked.connect(self.check)
        self.run_btn.clicked.connect(self.run)
        self.cancel_btn.clicked.connect(self.cancel)
        self.summary_btn.clicked.connect(self._open_summary)
        layout.addLayout(buttons)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().setVisible(False)  # the Row column numbers them
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat(percent_format())
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.plan_ready.connect(self._show_plan)
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)
        self._rows: dict[int, int] = {}
        self.plan: object = None

    def _pick_sheet(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Batch", "Batch sheet"), "",
                                              tr("Batch", "Sheets (*.csv *.xlsx)"))
        if path:
            self.sheet.setText(path)
            if not self.out_dir.text():
                self.out_dir.setText(str(Path(path).with_name("out")))

    def _pick_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Batch", "Output folder"))
        if folder:
            self.out_dir.setText(folder)

    def check(self) -> None:
        sheet, out, template = self.sheet.text(), self.out_dir.text(), self.template.currentData()
        if not sheet or not out:
            self.status.setText(tr("Batch", "Choose a sheet and an output folder"))
            return
        self.status.setText(tr("Batch", "Checking…"))
        self.check_btn.setEnabled(False)

        def work() -> None:
            from creator_kit.batch import plan_batch
            from creator_kit.core.errors import CreatorKitError

            try:
                self.plan_ready.emit(plan_batch(sheet, out, default_template=template))
            except CreatorKitError as exc:
                self.plan_ready.emit(user_message(exc))

        threading.Thread(target=work, name="batch-check", daemon=True).start()

    def _show_plan(self, plan: object) -> None:
        self.check_btn.setEnabled(True)
        if isinstance(plan, str):
            self.status.setText(plan)
            self.run_btn.setEnabled(False)
            return
        self.plan = plan
        problems = plan.problems  # type: ignore[attr-defined]
        self.table.setHorizontalHeaderLabels([tr("Batch", "Row"), tr("Batch", "Column"),
                                              tr("Batch", "Problem") if problems
                                              else tr("Batch", "Output")])
        if problems:
            self.table.setRowCount(len(problems))
            for i, p in enumerate(problems):
                for c, v in enumerate(("" if p.row is None else num(str(p.row)),
                                       p.column or "", problem_message(p))):
                    item = QTableWidgetItem(v)
                    item.setToolTip(p.message)  # the engine's own words, as the CLI says them
                    self.table.setItem(i, c, item)
            self.status.setText(tr("Batch", "{0} problem(s) to fix; nothing will be rendered")
                                .format(num(str(len(problems)))))
            self.run_btn.setEnabled(False)
        else:
            jobs = plan.jobs  # type: ignore[attr-defined]
            self.table.setRowCount(len(jobs))
            self._rows = {}
            for i, job in enumerate(jobs):
                self._rows[job.row] = i
                for c, v in enumerate((num(str(job.row)), tr("Batch", "waiting"),
                                       ltr(str(job.output)))):
                    self.table.setItem(i, c, QTableWidgetItem(v))
            self.status.setText(tr("Batch", "{0} row(s) ready").format(num(str(len(jobs)))))
            self.run_btn.setEnabled(bool(jobs))

    def run(self) -> None:
        cmd = [*cli_command(), "batch", self.sheet.text(), "--out-dir", self.out_dir.text(),
               "--progress", "json", "--control", "stdin"]
        if self.template.currentData():
            cmd += ["--template", self.template.currentData()]
        if self.cluster.text().strip():
            cmd += ["--cluster", self.cluster.text().strip()]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                      errors="replace", bufsize=1)
        self._stderr: list[str] = []

        def read_out() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for line in self._proc.stdout:
                self._lines.put(line)
            self._lines.put(None)

        def read_err() -> None:
            assert self._proc is not None and self._proc.stderr is not None
            for line in self._proc.stderr:
                self._stderr.append(line.rstrip())

        threading.Thread(target=read_out, daemon=True).start()
        threading.Thread(target=read_err, daemon=True).start()
        self.run_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(tr("Batch", "Running…"))
        self._timer.start()

    def cancel(self) -> None:
        if self._proc is not None and self._proc.stdin is not None and self._proc.poll() is None:
            try:
                self._proc.stdin.write("cancel\n")
                self._proc.stdin.flush()
            except OSError:
                pass
            self.status.setText(tr("Batch", "Cancelling…"))

    def _poll(self) -> None:
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                return
            if line is None:
                self._finished()
                return
            event = parse_event(line)
            if event is not None and event.name == "progress":
                self.progress.setValue(int(float(event.data.get("fraction", 0)) * 1000))
                self._show_counts(event.data)
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and "row" in row and row["row"] in self._rows:
                i = self._rows[row["row"]]
                status = str(row.get("status", ""))
                reason = row.get("reason") or ""
                self.table.setItem(i, 1, QTableWidgetItem(status))
                item = self.table.item(i, 2)
                if reason and item is not None:
                    item.setToolTip(str(reason))

    def _show_counts(self, data: dict[str, object]) -> None:
        """Rows done, the estimate and, on a cluster, what each worker has done."""
        if "rows_total" not in data:
            return
        text = tr("Batch", "Rows {0}/{1}").format(num(str(data.get("rows_done"))),
                                                  num(str(data.get("rows_total"))))
        eta = data.get("eta_s")
        if isinstance(eta, (int, float)):
            text += " · " + tr("Batch", "about {0} s left").format(num(str(int(round(eta)))))
        workers = data.get("workers")
        if isinstance(workers, dict) and (len(workers) > 1 or any(
                not str(w).startswith("local:") for w in workers)):
            for name, counts in sorted(workers.items()):
                if isinstance(counts, dict):
                    text += " · " + tr("Batch", "{0}: {1} done, {2} running").format(
                        str(name).split("://", 1)[-1], counts.get("done", 0),
                        counts.get("running", 0))
        self.status.setText(text)

    def _finished(self) -> None:
        self._timer.stop()
        assert self._proc is not None
        code = self._proc.wait()
        self.cancel_btn.setEnabled(False)
        self.run_btn.setEnabled(True)
        tail = self._stderr[-1] if self._stderr else ""
        self.status.setText({0: tr("Batch", "Done: {0}"), 1: tr("Batch", "Some rows failed: {0}"),
                             130: tr("Batch", "Cancelled: {0}")}.get(
                                 code, tr("Batch", "Stopped: {0}")).format(tail))
        self.summary_btn.setEnabled(self.summary_path().is_file())
        if code == 0:
            self.progress.setValue(1000)

    def summary_path(self) -> Path:
        return Path(self.out_dir.text()) / "batch-summary.csv"

    def _open_summary(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary_path())))


if __name__ == "__main__":
    from creator_kit.gui.app import make_app

    app = make_app()
    panel = BatchPanel()
    panel.resize(800, 560)
    panel.show()
    app.exec()
