"""A minimal stand-in for the player (``creator_kit.gui.player``) until it lands.

It follows the agreed PlayerWidget interface: the frame at the current time comes from the
engine's preview (the same compositor as export), drawn synchronously; no sound, no
background work. The main window uses the real player whenever it is importable.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from creator_kit.core.model import Placement, Project
from creator_kit.gui.app import tr


class PlayerWidget(QWidget):
    position_changed = Signal(float)
    playing_changed = Signal(bool)
    warnings_changed = Signal(list)
    placement_edited = Signal(str, object)
    fill_offset_edited = Signal(float)
    faces_progress = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 300)
        self._project: Project | None = None
        self._t = 0.0
        self._image = QImage()
        self._error = ""
        self._selected: str | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._drag: tuple[QPointF, Placement] | None = None

    # -- contract ---------------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        self._project = project
        self._t = min(self._t, max(0.0, self.duration() - 1e-3))
        self._render()

    def seek(self, t: float) -> None:
        self._t = max(0.0, min(t, max(0.0, self.duration() - 1e-3)))
        self._render()
        self.position_changed.emit(self._t)

    def play(self) -> None:
        if self._project is not None and not self._timer.isActive():
            self._timer.start(100)
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self._timer.isActive() else self.play()

    def step(self, frames: int) -> None:
        self.seek(self._t + frames / self._fps())

    def set_loop(self, start: float | None, end: float | None) -> None:
        pass

    def position(self) -> float:
        return self._t

    def duration(self) -> float:
        if self._project is None:
            return 0.0
        try:
            from creator_kit.render.plan import build_plan

            plan = build_plan(self._project)
            return plan.total_frames / plan.fps
        except Exception:
            return 0.0

    def set_overlays(self, *, safe_zone: str | None = None, faces: bool = False,
                     grid: bool = False) -> None:
        pass

    def set_selected_layer(self, layer_id: str | None) -> None:
        self._selected = layer_id

    def current_image(self) -> QImage:
        return self._image

    def shutdown(self) -> None:
        self._timer.stop()

    # -- internals --------------------------------------------------------------------------
    def _fps(self) -> float:
        return float(self._project.output.fps or 30.0) if self._project else 30.0

    def _tick(self) -> None:
        t = self._t + 0.1
        if t >= self.duration():
            self.pause()
            return
        self.seek(t)

    def _render(self) -> None:
        self._error = ""
        if self._project is None:
            self._image = QImage()
        else:
            try:
                from creator_kit.render.preview import preview_frame

                rgb = np.ascontiguousarray(preview_frame(self._project, self._t, 360))
                h, w = rgb.shape[:2]
                self._image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
            except Exception as exc:  # shown in the preview, never a traceback
                self._image = QImage()
                self._error = getattr(exc, "message", str(exc))
                self.warnings_changed.emit([self._error])
        self.update()

    def _frame_rect(self) -> QRectF:
        w, h = self.width(), self.height()
        fw = min(w, h * 9 / 16)
        fh = fw * 16 / 9
        return QRectF((w - fw) / 2, (h - fh) / 2, fw, fh)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1e1f22"))
        r = self._frame_rect()
        if not self._image.isNull():
            p.drawImage(r, self._image)
        else:
            p.fillRect(r, QColor("#000000"))
            p.setPen(QColor("#cccccc"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self._error or tr("Player", "No project"))
        p.setPen(QPen(QColor("#555555")))
        p.drawRect(r)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        placement = getattr(self._selected_layer(), "placement", None)
        if isinstance(placement, Placement):
            self._drag = (event.position(), placement)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or self._selected is None:
            return
        start, placement = self._drag
        self._drag = None
        r = self._frame_rect()
        dx = (event.position().x() - start.x()) / r.width()
        dy = (event.position().y() - start.y()) / r.height()
        if abs(dx) + abs(dy) > 1e-4:
            moved = Placement(x=placement.x + dx, y=placement.y + dy, anchor=placement.anchor,
                              width=placement.width)
            self.placement_edited.emit(self._selected, moved)

    def _selected_layer(self) -> object | None:
        if self._project is None or self._selected is None:
            return None
        from creator_kit.core.edits import EditError, find_layer

        try:
            return find_layer(self._project, self._selected)
        except EditError:
            return None
