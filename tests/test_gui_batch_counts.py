"""The batch panel shows rows done, the estimate and each cluster worker's counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from creator_kit.render.job import event_line

pytest.importorskip("pytestqt")


def test_batch_panel_shows_rows_and_worker_counts(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from creator_kit.gui.batch_panel import BatchPanel

    panel = BatchPanel()
    qtbot.addWidget(panel)
    panel.cluster.setText("tcp://10.0.0.5:8786")
    panel._lines.put(event_line(
        "progress", stage="batch", fraction=0.5, eta_s=75.0, rows_done=3, rows_total=8,
        workers={"tcp://10.0.0.5:40001": {"done": 2, "running": 1},
                 "tcp://10.0.0.6:40002": {"done": 1, "running": 1}}))
    panel._poll()
    assert panel.progress.value() == 500
    text = panel.status.text()
    assert "3/8" in text and "75" in text
    assert "10.0.0.5:40001: 2 done, 1 running" in text
    assert "10.0.0.6:40002: 1 done, 1 running" in text
    panel.resize(720, 420)
    panel.show()
    qtbot.waitExposed(panel)
    panel.grab().save(str(tmp_path / "batch-panel.png"))
    assert (tmp_path / "batch-panel.png").stat().st_size > 0


def test_local_batch_progress_names_no_workers(qtbot) -> None:  # type: ignore[no-untyped-def]
    from creator_kit.gui.batch_panel import BatchPanel

    panel = BatchPanel()
    qtbot.addWidget(panel)
    panel._lines.put(event_line("progress", stage="batch", fraction=0.25, eta_s=None,
                                rows_done=1, rows_total=4,
                                workers={"local:123": {"done": 1, "running": 1}}))
    panel._poll()
    assert panel.status.text() == "Rows 1/4"
