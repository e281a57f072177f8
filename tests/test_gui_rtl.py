"""The Arabic interface laid out right to left: the timeline, bidi text, digits and icons."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

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
