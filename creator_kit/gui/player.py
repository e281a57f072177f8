"""The player: the project's 9:16 frame as export will draw it, played, scrubbed and edited.

Frames come from :class:`~creator_kit.render.preview_session.PreviewSession` (the export's
decoder graph and compositor at 540x960) made on a worker thread
(:mod:`creator_kit.gui.player_worker`); this widget only paints them. Playback follows the
sound (:mod:`creator_kit.gui.player_audio`); frames that would be late are dropped. The
widget never edits the project: drags on the picture are emitted as signals with the new
values, and the editor turns them into undoable commands.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from creator_kit.core.model import CaptionLayer, Placement, Project
from creator_kit.core.presets import PROFILES, SafeZone
from creator_kit.gui.app import tr
from creator_kit.gui.library import MIME as LIBRARY_MIME
from creator_kit.gui.player_audio import PlaybackClock, no_audio_message, stalled_message
from creator_kit.gui.player_worker import FrameWorker, Shown, to_qimage

if TYPE_CHECKING:  # the engine is imported by the worker thread, off the start-up path
    from creator_kit.render.preview_session import PreviewFrame, PreviewSession

_HANDLE = 7.0  # handle half-size in logical pixels
_TICK_MS = 4
STALE_AFTER = 0.1  # seconds without a new picture after which a superseded one may show


def layer_id(project: Project, index: int) -> str:
    """The stable id of layer ``index`` of the project."""
    return project.layers[index].id


class PlayerWidget(QWidget):
    """Shows, plays and scrubs the preview; lets the user drag layers and the picture."""

    position_changed = Signal(float)
    playing_changed = Signal(bool)
    warnings_changed = Signal(list)
    placement_edited = Signal(str, object)
    fill_offset_edited = Signal(float)
    fill_offsets_edited = Signal(float, float)  # both axes (x, y) of the same drag
    faces_progress = Signal(float)
    frame_shown = Signal(int)  # timeline index of each frame painted (tests, benchmarks)
    # A library item (kind, name) dropped at (x, y), fractions of the frame's width and height.
    library_dropped = Signal(str, str, float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(180, 320)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)  # library items; files go on to the window
        self.setToolTip(tr("Player",
                           "Preview: drag a selected layer to move it, its corners to resize"))
        self._clock = PlaybackClock(self)
        self._clock_t = 0.0
        self._clock_mono = 0.0
        # The worker's signals are a child of this widget, so Qt deletes them with it on
        # the GUI thread; the worker holds this widget only weakly (player_worker docs).
        self._worker = FrameWorker(self._worker_clock, self)
        sig = self._worker.signals
        sig.ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        sig.session_ready.connect(self._on_session, Qt.ConnectionType.QueuedConnection)
        sig.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        sig.warnings.connect(self._on_warnings, Qt.ConnectionType.QueuedConnection)
        sig.faces.connect(self._on_faces, Qt.ConnectionType.QueuedConnection)
        sig.sound.connect(self._on_sound, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._project: Project | None = None
        self._session: PreviewSession | None = None
        self._session_gen = -1
        self._image: QImage | None = None
        self._frame: PreviewFrame | None = None
        self._position = 0.0
        self._playing = False
        self._loop: tuple[float, float] | None = None
        self._safe_zone: str | None = None
        self._faces = False
        self._grid = False
        self._selected: str | None = None
        self._engine_warnings: list[str] = []
        self._failure: str | None = None
        self._notes: list[str] = []
        self._drag: dict[str, Any] | None = None
        # A finished drag still drawn until the edited project's frame arrives (no snap back).
        self._held: dict[str, Any] | None = None
        self._lifted_image: tuple[int, QImage] | None = None  # (id of the Lifted, its image)
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(2000)
        self._hold_timer.timeout.connect(self._release_hold)
        self._stats = {"shown": 0, "dropped": 0, "late": 0}
        self._shut = False
        self._resume_after_open = False
        self._last_emitted = -1
        self._last_paint = 0.0
        self._shown_gen = -1
        self._burst_gen: int | None = None

    # ------------------------------------------------------------------ public API

    def set_project(self, project: Project) -> None:
        """Show ``project`` at the current time (its session opens on the worker)."""
        if self._project is not None and project == self._project and self._failure is None:
            self._project = project  # the same drawing (ids aside): keep the open session
            return
        was_playing = self._playing
        if was_playing:
            # Resume where the sound was once the new session is open (the play button
            # stays down: no playing_changed for the gap).
            self._position = self._clock.now()
            self._playing = False
        self._stop_playback()
        self._project = project
        self._failure = None
        self._worker.set_project(project)
        self._resume_after_open = was_playing

    def seek(self, t: float) -> None:
        """Show the frame at ``t`` seconds (playback continues from there if playing)."""
        t = max(0.0, t)
        if self._session is not None:
            t = min(t, max(0.0, self._session.duration - 1 / self._session.fps))
        self._position = t
        if self._playing:
            self._start_playback(t)
        elif self._session is not None:
            gen = self._worker.request_still(self._session.index_at(t))
            # Seeks made in one go (one event-loop turn) are one request: only the last
            # may ever show. Seeks from separate events (a drag) may show while superseded.
            if self._burst_gen is not None:
                self._worker.mark_unseen(self._burst_gen)
            else:
                QTimer.singleShot(0, self._end_burst)
            self._burst_gen = gen
        self.position_changed.emit(t)

    def _end_burst(self) -> None:
        self._burst_gen = None

    def play(self) -> None:
        """Play from the current position, with sound when there is an audio device."""
        if self._playing or self._shut:
            return
        self._playing = True
        t = self._position
        if self._session is not None:
            last = self._session.duration - 1 / self._session.fps
            if self._loop is None and t >= last - 1e-6:
                t = 0.0  # at the end: start over, as players do
            if self._loop is not None and not (self._loop[0] <= t < self._loop[1]):
                t = self._loop[0]
            self._start_playback(t)
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop playing; the exact frame at the position is shown."""
        if not self._playing:
            return
        t = self._clock.now() if self._clock.running else self._position
        self._stop_playback()
        self._playing = False
        self.playing_changed.emit(False)
        self.seek(t)

    def toggle_play(self) -> None:
        """Play when paused, pause when playing."""
        if self._playing:
            self.pause()
        else:
            self.play()

    def step(self, frames: int) -> None:
        """Pause and move by ``frames`` frames (negative: back)."""
        self.pause()
        if self._session is None:
            return
        index = self._session.index_at(self._position) + frames
        index = min(max(index, 0), self._session.total_frames - 1)
        self.seek(index / self._session.fps + 1e-6)

    def set_loop(self, start: float | None, end: float | None) -> None:
        """Play ``start``..``end`` over and over (None: no loop)."""
        if start is None or end is None or end <= start:
            self._loop = None
        else:
            self._loop = (max(0.0, start), end)
        if self._playing:
            self._start_playback(self._loop[0] if self._loop else self._position)

    def position(self) -> float:
        """Seconds shown (or playing) now."""
        return self._position

    def duration(self) -> float:
        """Length of the project in seconds (0 until its preview is ready)."""
        return self._session.duration if self._session is not None else 0.0

    def is_playing(self) -> bool:
        """True while playing."""
        return self._playing

    def set_overlays(
        self, *, safe_zone: str | None = None, faces: bool = False, grid: bool = False
    ) -> None:
        """Overlays: a platform's safe zone (``tiktok``/``reels``/``shorts``), faces, a grid."""
        if safe_zone is not None and safe_zone not in PROFILES:
            raise ValueError(f"unknown platform {safe_zone!r}")
        self._safe_zone, self._faces, self._grid = safe_zone, faces, grid
        self.update()

    def set_selected_layer(self, layer_id: str | None) -> None:
        """Show handles on the layer with this id (None: no selection)."""
        self._selected = layer_id
        self._drag = None
        self.update()

    def current_image(self) -> QImage:
        """The frame shown now at the engine's size (540x960), without overlays.

        An empty image before the first frame.
        """
        if self._frame is None:
            return QImage()
        return to_qimage(self._frame.rgb)

    def showing_exact(self, t: float | None = None) -> bool:
        """True when the whole frame at ``t`` (default: the position) shows.

        For a screenshot or a test that must wait for the picture after a seek (not one
        still on its way, nor one with a layer lifted out for dragging).
        """
        if self._frame is None or self._session is None:
            return False
        if self._frame.lifted is not None:
            return False
        index = self._session.index_at(self._position if t is None else t)
        return self._frame.index == index

    def current_frame(self) -> PreviewFrame | None:
        """The engine frame shown now (layer and face boxes included)."""
        return self._frame

    def session(self) -> PreviewSession | None:
        """The preview session shown (None until it is open)."""
        return self._session

    def stats(self) -> dict[str, int]:
        """Playback counters since the last play: frames shown, dropped, late."""
        return {**self._stats, "dropped": self._stats["dropped"] + self._worker.skipped}

    def warnings(self) -> list[str]:
        """The lines for the status line: the engine's warnings and the player's notes."""
        out = list(self._engine_warnings)
        if self._failure:
            out.insert(0, self._failure)
        return out + self._notes

    def shutdown(self) -> None:
        """Stop playback, sound and the worker (its session and every ffmpeg it started)."""
        if self._shut:
            return
        self._shut = True
        self._timer.stop()
        self._clock.stop()
        self._playing = False
        self._worker.stop()
        self._session = None

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ worker events

    def _on_session(self, session: PreviewSession | None, gen: int) -> None:
        if self._shut:
            return
        self._held = None  # the edited project is what shows from now on
        self._hold_timer.stop()
        self._session = session
        self._session_gen = gen
        self._engine_warnings = list(session.warnings) if session is not None else []
        self._emit_warnings()
        if session is None:
            self._image, self._frame = None, None
            if self._resume_after_open or self._playing:  # it was playing: now it cannot
                self._resume_after_open = self._playing = False
                self._stop_playback()
                self.playing_changed.emit(False)
            self.update()
            return
        self._clock.set_pcm(None)
        self._position = min(self._position, max(0.0, session.duration - 1 / session.fps))
        if self._resume_after_open or self._playing:  # play() asked before it was open
            self._resume_after_open = False
            self._playing = False
            self.play()
        else:
            self._worker.request_still(session.index_at(self._position))

    def _on_faces(self, fraction: float) -> None:
        if (fraction >= 1.0 and self._session is not None and not self._playing
                and self._drag is None):
            # The faces are in the session now (1.0 comes once they are): the frame on
            # screen was made without them (no mask, no face reframe), so it is made again.
            # Playing, or dragging, needs nothing: the next frames carry them.
            self._worker.request_still(self._session.index_at(self._position))
        self.faces_progress.emit(fraction)

    def _on_sound(self, session: PreviewSession, pcm: bytes) -> None:
        if session is not self._session:
            return
        self._clock.set_pcm(pcm)
        if self._playing and self._clock.device and not self._clock.uses_audio:
            # Playback began before the sound was ready: go on with it, now as the clock.
            self._start_playback(self._clock.now())

    def _on_failed(self, message: str) -> None:
        self._failure = message
        if self._playing:  # no more frames will come: stop rather than run a silent clock
            self._stop_playback()
            self._playing = False
            self.playing_changed.emit(False)
        self._emit_warnings()

    def _on_warnings(self, warnings: list[str]) -> None:
        self._engine_warnings = list(warnings)
        self._emit_warnings()

    def _emit_warnings(self) -> None:
        self.warnings_changed.emit(self.warnings())

    # ------------------------------------------------------------------ playback

    def _worker_clock(self) -> float:
        """The clock as the worker sees it (any thread): last GUI reading, extrapolated."""

        if not self._clock.running:
            return -1.0
        return self._clock_t + (time.monotonic() - self._clock_mono)

    def _read_clock(self) -> float:
        """The position now (round a loop: within it); notes the straight-on time too."""

        t = self._clock.now()
        self._clock_t, self._clock_mono = self._clock.unwrapped(), time.monotonic()
        return t

    def _start_playback(self, t: float) -> None:
        session = self._session
        if session is None:
            return
        self._stats = {"shown": 0, "dropped": 0, "late": 0}
        self._worker.skipped = 0
        self._clock.start(t, self._loop)
        self._read_clock()
        if not self._clock.uses_audio and not self._clock.device:
            note = no_audio_message()
            if note not in self._notes:
                self._notes.append(note)
                self._emit_warnings()
        until = loop_start = None
        if self._loop is not None:
            until = session.index_at(self._loop[1] - 1e-6) + 1
            loop_start = session.index_at(self._loop[0])
        self._worker.request_play(session.index_at(t), until, loop_start)
        self._timer.start()

    def _stop_playback(self) -> None:
        self._timer.stop()
        self._clock.stop()

    def _tick(self) -> None:
        session = self._session
        if not self._playing or session is None:
            return
        t = self._read_clock()
        if self._clock.stalled:
            self._clock.stalled = False
            note = stalled_message()
            if note not in self._notes:
                self._notes.append(note)
                self._emit_warnings()
        end = self._loop[1] if self._loop is not None else session.duration
        if t >= end and self._loop is None:
            self._stop_playback()
            self._playing = False
            self.playing_changed.emit(False)
            self.seek(session.duration)
            return
        self._position = t
        self._drain()
        # Once per frame period, not per tick: listeners (a timeline) repaint on it.
        index = session.index_at(t)
        if index != self._last_emitted:
            self._last_emitted = index
            self.position_changed.emit(t)

    def _drain(self) -> None:
        items = self._worker.take()
        if not items:
            return
        if not self._playing:
            current = [s for s in items if not s.stale]
            if current:
                self._show(current[-1])
            elif time.monotonic() - self._last_paint > STALE_AFTER:
                # Mid-drag and nothing painted for a while: the newest finished frame, though
                # the mouse has moved on, beats a frozen picture. The exact one follows.
                newest = max(items, key=lambda s: s.generation)
                if self._frame is None or newest.generation > self._shown_gen:
                    self._show(newest)
            return
        session = self._session
        if session is None:
            return
        self._read_clock()
        # Compared in straight-on frame numbers, so going round a loop needs no restart.
        due = int(self._clock_t * session.fps + 1e-6)
        ready = [s for s in items if s.playing and s.virtual <= due]
        later = [s for s in items if s.playing and s.virtual > due]
        if later:
            self._worker.put_back(later)
        if ready:
            # Only the newest due frame is worth painting; older ones are dropped, not queued.
            self._stats["dropped"] += len(ready) - 1
            newest = ready[-1]
            if newest.virtual < due:
                self._stats["late"] += 1
            self._show(newest)

    def _show(self, shown: Shown) -> None:
        self._last_paint = time.monotonic()
        self._shown_gen = shown.generation
        stale = shown.frame.lifted is not None and self._drag is None and self._held is None
        if stale and self._session is not None:
            # Made for a drag that is over: show the whole frame instead.
            self._worker.request_still(shown.frame.index)
        self._image = shown.image
        self._frame = shown.frame
        self._stats["shown"] += 1
        self.update()
        self.frame_shown.emit(shown.frame.index)

    # ------------------------------------------------------------------ geometry

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_display_size()

    def _update_display_size(self) -> None:
        r = self.frame_rect()
        dpr = self.devicePixelRatioF()
        size = (int(round(r.width() * dpr)), int(round(r.height() * dpr)))
        if size != self._worker.display_size:
            self._worker.display_size = size
            if self._session is not None and not self._playing:
                self._worker.request_still(self._session.index_at(self._position))

    def _canvas_size(self) -> tuple[int, int]:
        if self._session is not None:
            return self._session.size
        return 540, 960

    def frame_rect(self) -> QRectF:
        """Where the 9:16 frame is painted, in widget coordinates."""
        cw, ch = self._canvas_size()
        w, h = self.width(), self.height()
        scale = min(w / cw, h / ch)
        fw, fh = cw * scale, ch * scale
        return QRectF((w - fw) / 2, (h - fh) / 2, fw, fh)

    def _to_widget(self, x: float, y: float) -> QPointF:
        r = self.frame_rect()
        cw, ch = self._canvas_size()
        return QPointF(r.x() + x * r.width() / cw, r.y() + y * r.height() / ch)

    def _to_canvas(self, p: QPointF) -> tuple[float, float]:
        r = self.frame_rect()
        cw, ch = self._canvas_size()
        return (p.x() - r.x()) * cw / r.width(), (p.y() - r.y()) * ch / r.height()

    def _canvas_rect(self, box: tuple[float, float, float, float]) -> QRectF:
        x, y, w, h = box
        a = self._to_widget(x, y)
        b = self._to_widget(x + w, y + h)
        return QRectF(a, b)

    def _selected_index(self) -> int | None:
        if self._selected is None or self._project is None:
            return None
        for i in range(len(self._project.layers)):
            if layer_id(self._project, i) == self._selected:
                return i
        return None

    def _selected_box(self) -> tuple[int, int, int, int] | None:
        i = self._selected_index()
        if i is None or self._frame is None:
            return None
        return self._frame.layer_boxes.get(i)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(24, 24, 28))
        r = self.frame_rect()
        if self._image is not None and not self._image.isNull():
            target = QRectF(r)
            drag = self._drag or self._held
            if drag is not None and drag["kind"] == "pan":
                dx, dy = drag["delta"]
                target.translate(dx * r.width() / self._canvas_size()[0], 0.0)
                target.translate(0.0, dy * r.height() / self._canvas_size()[1])
                p.save()
                p.setClipRect(r)
                p.drawImage(target, self._image)
                p.restore()
            elif (self._image.width(), self._image.height()) == self._worker.display_size:
                # Already scaled by the worker to these device pixels: a plain copy.
                self._image.setDevicePixelRatio(self.devicePixelRatioF())
                p.drawImage(target.topLeft(), self._image)
            else:
                p.drawImage(target, self._image)
        else:
            p.fillRect(r, QColor(0, 0, 0))
            p.setPen(QColor(200, 200, 200))
            text = self._failure or tr("Player", "Loading preview…")
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        if self._grid:
            self._paint_grid(p, r)
        if self._safe_zone is not None:
            self._paint_safe_zone(p, r)
        self._paint_lifted(p)
        if self._faces and self._frame is not None:
            self._paint_faces(p)
        self._paint_selection(p)
        p.end()

    def _paint_grid(self, p: QPainter, r: QRectF) -> None:
        p.save()
        pen = QPen(QColor(255, 255, 255, 150), 1.0)
        pen.setCosmetic(True)
        p.setPen(pen)
        for k in (1, 2):
            x = r.x() + r.width() * k / 3
            y = r.y() + r.height() * k / 3
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
        # Title-safe (80 %) and action-safe (90 %) rectangles, as broadcast guides draw them.
        for frac, style in ((0.8, Qt.PenStyle.SolidLine), (0.9, Qt.PenStyle.DashLine)):
            pen.setStyle(style)
            p.setPen(pen)
            mx, my = r.width() * (1 - frac) / 2, r.height() * (1 - frac) / 2
            p.drawRect(r.adjusted(mx, my, -mx, -my))
        p.restore()

    def safe_zone(self) -> SafeZone | None:
        """The safe zone drawn now (mirrored for a right-to-left interface), if any."""
        if self._safe_zone is None:
            return None
        zone = PROFILES[self._safe_zone].safe_zone
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            zone = zone.mirrored()
        return zone

    def _paint_safe_zone(self, p: QPainter, r: QRectF) -> None:
        zone = self.safe_zone()
        assert zone is not None and self._safe_zone is not None
        ref_w, ref_h = PROFILES[self._safe_zone].width, PROFILES[self._safe_zone].height
        sx, sy = r.width() / ref_w, r.height() / ref_h
        shade = QColor(220, 40, 60, 90)
        top, bottom = zone.top * sy, zone.bottom * sy
        p.fillRect(QRectF(r.left(), r.top(), r.width(), top), shade)
        p.fillRect(QRectF(r.left(), r.bottom() - bottom, r.width(), bottom), shade)
        mid = QRectF(r.left(), r.top() + top, r.width(), r.height() - top - bottom)
        p.fillRect(QRectF(mid.left(), mid.top(), zone.left * sx, mid.height()), shade)
        p.fillRect(
            QRectF(mid.right() - zone.right * sx, mid.top(), zone.right * sx, mid.height()), shade
        )
        pen = QPen(QColor(255, 80, 90, 220), 1.0)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.drawRect(
            QRectF(
                mid.left() + zone.left * sx,
                mid.top(),
                mid.width() - (zone.left + zone.right) * sx,
                mid.height(),
            )
        )

    def _paint_faces(self, p: QPainter) -> None:
        assert self._frame is not None
        p.save()
        pen = QPen(QColor(60, 220, 120), 2.0)
        pen.setCosmetic(True)
        p.setPen(pen)
        font = QFont(p.font())
        font.setBold(True)
        p.setFont(font)
        for face in self._frame.faces:
            rect = self._canvas_rect(face.box)
            p.drawRect(rect)
            label = tr("Player", "face {id}").replace("{id}", str(face.track))
            p.drawText(rect.topLeft() + QPointF(3, -4), label)
        p.restore()

    def _paint_lifted(self, p: QPainter) -> None:
        """The dragged layer, drawn where the drag has it (scaled while resizing)."""
        drag = self._drag or self._held
        lifted = self._frame.lifted if self._frame is not None else None
        if drag is None or lifted is None or drag["kind"] not in ("move", "resize"):
            return
        if lifted.layer != drag["index"]:
            return
        if self._lifted_image is None or self._lifted_image[0] != id(lifted):
            import numpy as np

            h, w = lifted.rgba.shape[:2]
            data = np.ascontiguousarray(lifted.rgba)
            image = QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
            self._lifted_image = (id(lifted), image)
        p.save()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setClipRect(self.frame_rect())
        p.drawImage(self._canvas_rect(drag["box"]), self._lifted_image[1])
        p.restore()

    def _paint_selection(self, p: QPainter) -> None:
        box = self._selected_box()
        if box is None:
            return
        rect = self._canvas_rect(box)
        drag = self._drag or self._held
        if drag is not None and drag["kind"] in ("move", "resize"):
            rect = self._canvas_rect(drag["box"])
        p.save()
        pen = QPen(QColor(255, 255, 255), 1.5)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.drawRect(rect)
        pen2 = QPen(QColor(30, 140, 255), 1.5, Qt.PenStyle.DashLine)
        pen2.setCosmetic(True)
        p.setPen(pen2)
        p.drawRect(rect)
        p.setPen(QPen(QColor(30, 140, 255), 1.0))
        p.setBrush(QColor(255, 255, 255))
        for corner in self._corners(rect).values():
            p.drawRect(QRectF(corner.x() - _HANDLE / 2, corner.y() - _HANDLE / 2,
                              _HANDLE, _HANDLE))
        p.restore()

    @staticmethod
    def _corners(rect: QRectF) -> dict[str, QPointF]:
        return {
            "tl": rect.topLeft(),
            "tr": rect.topRight(),
            "bl": rect.bottomLeft(),
            "br": rect.bottomRight(),
        }

    # ------------------------------------------------------------------ direct manipulation

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._session is None:
            return super().mousePressEvent(event)
        pos = event.position()
        box = self._selected_box()
        if box is not None:
            rect = self._canvas_rect(box)
            for name, corner in self._corners(rect).items():
                if abs(pos.x() - corner.x()) <= _HANDLE and abs(pos.y() - corner.y()) <= _HANDLE:
                    self._begin("resize", pos, box, corner=name)
                    return
            if rect.contains(pos):
                self._begin("move", pos, box)
                return
        project = self._project
        if (
            project is not None
            and project.reframe.mode == "fill"
            and self.frame_rect().contains(pos)
            and self._frame is not None
            and self._frame.index < self._session.plan.clip_frames
        ):
            self._begin("pan", pos, None)
            return
        super().mousePressEvent(event)

    def _begin(self, kind: str, pos: QPointF, box: Any, corner: str | None = None) -> None:
        self.pause()
        self._held = None
        index = self._selected_index()
        self._drag = {
            "kind": kind,
            "start": self._to_canvas(pos),
            "box0": box,
            "box": box,
            "corner": corner,
            "delta": (0.0, 0.0),
            "index": index,
        }
        if kind in ("move", "resize") and index is not None and self._session is not None:
            # The frame without the layer, and the layer on its own, to move it live.
            self._worker.request_still(self._session.index_at(self._position), lift=index)

    def _release_hold(self) -> None:
        """Stop drawing a finished drag and show the frame as the project has it."""
        self._hold_timer.stop()
        if self._held is None:
            return
        self._held = None
        if self._session is not None and not self._playing:
            self._worker.request_still(self._session.index_at(self._position))
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        drag = self._drag
        if drag is None:
            box = self._selected_box()
            cursor = Qt.CursorShape.ArrowCursor
            if box is not None:
                rect = self._canvas_rect(box)
                pos = event.position()
                near = any(
                    abs(pos.x() - c.x()) <= _HANDLE and abs(pos.y() - c.y()) <= _HANDLE
                    for c in self._corners(rect).values()
                )
                if near:
                    cursor = Qt.CursorShape.SizeFDiagCursor
                elif rect.contains(pos):
                    cursor = Qt.CursorShape.SizeAllCursor
            self.setCursor(cursor)
            return super().mouseMoveEvent(event)
        x, y = self._to_canvas(event.position())
        dx, dy = x - drag["start"][0], y - drag["start"][1]
        drag["delta"] = (dx, dy)
        if drag["kind"] == "move":
            bx, by, bw, bh = drag["box0"]
            drag["box"] = (bx + dx, by + dy, bw, bh)
        elif drag["kind"] == "resize":
            drag["box"], drag["scale"], drag["fixed"] = _resized_box(
                drag["box0"], drag["corner"], (x, y)
            )
        self.update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(LIBRARY_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()  # files: the window takes them

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        md = event.mimeData()
        if not md.hasFormat(LIBRARY_MIME):
            event.ignore()
            return
        kind, _, name = bytes(md.data(LIBRARY_MIME).data()).decode().partition(":")
        x, y = self._to_canvas(event.position())
        cw, ch = self._canvas_size()
        event.acceptProposedAction()
        self.library_dropped.emit(kind, name, _clamp(x / cw, 0.0, 1.0), _clamp(y / ch, 0.0, 1.0))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        x, y = self._to_canvas(event.position())
        dx, dy = x - drag["start"][0], y - drag["start"][1]
        session = self._session
        self.update()
        if session is None or (abs(dx) < 0.5 and abs(dy) < 0.5):
            self._held = drag
            self._release_hold()
            return
        # Keep drawing the result until the editor's new project shows it (or 2 s pass).
        drag["delta"] = (dx, dy)
        if drag["kind"] == "move":
            bx, by, bw, bh = drag["box0"]
            drag["box"] = (bx + dx, by + dy, bw, bh)
        elif drag["kind"] == "resize":
            drag["box"] = _resized_box(drag["box0"], drag["corner"], (x, y))[0]
        self._held = drag
        self._hold_timer.start()
        if drag["kind"] == "pan":
            index = self._frame.index if self._frame is not None else 0
            ox, oy = session.fill_offset_after_drag(index, dx, dy)
            can_x, _can_y = session.fill_slack(index)
            self.fill_offsets_edited.emit(ox, oy)
            self.fill_offset_edited.emit(ox if can_x else oy)
            return
        index = drag["index"]
        if index is None:
            return
        placement = session.resolved_placement(index, drag["box0"])
        if placement is None:
            return
        cw, ch = session.size
        if drag["kind"] == "move":
            new = dataclasses.replace(
                placement,
                x=_clamp(placement.x + dx / cw, -1.0, 2.0),
                y=_clamp(placement.y + dy / ch, -1.0, 2.0),
            )
        else:
            _box, scale, (fx, fy) = _resized_box(drag["box0"], drag["corner"], (x, y))
            new = _scaled_placement(
                placement, scale, (fx, fy), drag["box0"], (cw, ch),
                caption=isinstance(self._project.layers[index], CaptionLayer)
                if self._project is not None else False,
            )
        assert self._project is not None
        self.placement_edited.emit(layer_id(self._project, index), new)

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key == Qt.Key.Key_Right:
            self.step(1)
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Home:
            self.seek(0.0)
        elif key == Qt.Key.Key_End:
            self.seek(self.duration())
        else:
            super().keyPressEvent(event)


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, v))


def _resized_box(
    box: tuple[float, float, float, float], corner: str, to: tuple[float, float]
) -> tuple[tuple[float, float, float, float], float, tuple[float, float]]:
    """The box after dragging ``corner`` to ``to`` with the opposite corner fixed, aspect kept."""
    x, y, w, h = box
    fx = x + w if corner in ("tl", "bl") else x
    fy = y + h if corner in ("tl", "tr") else y
    sx = abs(to[0] - fx) / max(w, 1e-6)
    sy = abs(to[1] - fy) / max(h, 1e-6)
    scale = max(0.05, max(sx, sy))
    nw, nh = w * scale, h * scale
    nx = fx - nw if corner in ("tl", "bl") else fx
    ny = fy - nh if corner in ("tl", "tr") else fy
    return (nx, ny, nw, nh), scale, (fx, fy)


def _scaled_placement(
    placement: Placement,
    scale: float,
    fixed: tuple[float, float],
    box: tuple[float, float, float, float],
    size: tuple[int, int],
    caption: bool = False,
) -> Placement:
    """``placement`` after scaling its layer by ``scale`` about the canvas point ``fixed``."""
    cw, ch = size
    ax, ay = placement.x * cw, placement.y * ch
    nx = fixed[0] + (ax - fixed[0]) * scale
    ny = fixed[1] + (ay - fixed[1]) * scale
    width = placement.width if placement.width is not None else box[2] / cw
    new_width = _clamp(width * scale, 0.001, 4.0)
    if not caption and not math.isfinite(new_width):
        new_width = width
    return dataclasses.replace(
        placement, x=_clamp(nx / cw, -1.0, 2.0), y=_clamp(ny / ch, -1.0, 2.0), width=new_width
    )
