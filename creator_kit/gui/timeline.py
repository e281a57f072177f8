"""The timeline: clips with trim handles, layers as bars, caption cues, the closing card.

Drawn by hand on one widget. Time runs in the reading direction of the interface: left to
right in English, right to left in Arabic (time 0 at the right edge, the playhead moving
leftwards as it plays), as Arabic video editors and TikTok's Arabic interface lay out their
timelines. Everything below speaks of a bar's *start* and *end* (its leading and trailing edge
on screen), so the same code draws and drags both ways. Dragging a bar moves it, dragging its
ends stretches it, dragging a clip's ends trims it and dragging a clip's middle reorders it;
edges snap to clip, cue and layer edges and to the playhead. A drag is shown live and becomes
one edit on release. Ctrl+wheel zooms.
Run alone: ``python -m creator_kit.gui.timeline project.ckproj``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from creator_kit.core import edits
from creator_kit.core.model import CaptionLayer, Project
from creator_kit.gui.app import tr

RULER_H = 20
ROW_H = 26
HANDLE_PX = 6
SNAP_PX = 8

_COLOURS = {
    "clip": "#3d6e9e", "caption": "#b0773a", "sticker": "#3f8f5a", "tip-card": "#7a5aa6",
    "face-mask": "#a64a5a", "image": "#4b8a8a", "card": "#555a66",
}

_durations: dict[tuple[str, float], float | None] = {}


def _key(path: str) -> tuple[str, float] | None:
    """The cache key of ``path`` (path and modification time); None when it cannot be read."""
    try:
        return path, Path(path).stat().st_mtime
    except OSError:
        return None


def source_duration(path: str) -> float | None:
    """The source's duration (cached by path and modification time); None when unreadable."""
    key = _key(path)
    if key is None:
        return None
    if key not in _durations:
        try:
            from creator_kit.media.probe import probe

            _durations[key] = probe(path).duration
        except Exception:  # an unreadable clip is drawn with a nominal length
            _durations[key] = None
    return _durations[key]


def cached_duration(path: str) -> float | None:
    """The source's duration if :func:`source_duration` already probed it, else None (no
    probe: the GUI thread may ask)."""
    key = _key(path)
    return None if key is None else _durations.get(key)


def durations_known(project: Project) -> bool:
    """True when every clip's duration is cached: :func:`layout` then probes no file."""
    for clip in project.clips:
        key = _key(clip.source)
        # An unreadable clip is drawn with a nominal length: nothing to probe.
        if key is not None and key not in _durations:
            return False
    return True


@dataclass
class Block:
    """Something drawn on the timeline that can be clicked or dragged."""

    kind: str  # "clip", "layer", "cue", "card"
    key: str  # selection key: "clip:N", a layer id, "card"
    row: int
    start: float
    end: float
    label: str
    colour: str
    cue: int = -1
    on_card: bool = False


def layout(project: Project) -> tuple[list[Block], float, float]:
    """The blocks of ``project``, the time the clips end and the total duration."""
    blocks: list[Block] = []
    t = 0.0
    for i, clip in enumerate(project.clips):
        full = source_duration(clip.source)
        end = clip.end if clip.end is not None else (full if full is not None else clip.start + 5)
        length = max(0.1, end - clip.start)
        blocks.append(Block("clip", f"clip:{i}", 0, t, t + length, Path(clip.source).name,
                            _COLOURS["clip"]))
        t += length
    clips_end = t
    total = clips_end + (project.card.duration if project.card else 0.0)
    if project.card is not None:
        blocks.append(Block("card", "card", 0, clips_end, total, tr("Timeline", "Closing card"),
                            _COLOURS["card"]))
    row = 1
    for where, _i, layer in edits.iter_layers(project):
        base = clips_end if where == "card" else 0.0
        limit = total if where == "card" else clips_end
        start = base + layer.start
        end = base + layer.end if layer.end is not None else limit
        label = _label(layer)
        colour = _COLOURS.get(layer.KIND, "#777777")
        if isinstance(layer, CaptionLayer) and layer.cues:
            for ci, cue in enumerate(layer.cues[:5000]):
                blocks.append(Block("cue", layer.id, row, base + cue.start, base + cue.end,
                                    cue.text, colour, cue=ci, on_card=where == "card"))
        else:
            blocks.append(Block("layer", layer.id, row, start, max(end, start + 0.05), label,
                                colour, on_card=where == "card"))
        row += 1
    return blocks, clips_end, total


def text_direction(text: str) -> Qt.LayoutDirection:
    """Right to left when the first strong character of ``text`` is Arabic or Hebrew."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
    return Qt.LayoutDirection.LeftToRight


def ruler_label(t: float) -> str:
    """The ruler's label for ``t`` seconds (``m:ss.f``, in the interface's digits)."""
    from creator_kit.gui.numbers import timecode

    return timecode(t, 1)


def _label(layer: object) -> str:
    if isinstance(layer, CaptionLayer):
        return layer.text.replace("\n", " ") or tr("Timeline", "Caption")
    name = getattr(layer, "name", None) or getattr(layer, "tip", None)
    if name:
        from creator_kit.graphics import catalogue
        from creator_kit.gui.app import language

        entries = catalogue.stickers() if hasattr(layer, "name") else catalogue.tip_cards()
        entry = next((e for e in entries if e.name == name), None)
        return entry.title(language()) if entry is not None else str(name)
    path = getattr(layer, "path", None)
    if path:
        return Path(path).name
    return tr("Timeline", "Face mask")


@dataclass
class _Drag:
    block: Block
    mode: str  # "move", "start", "end"
    press_x: float
    dt: float = 0.0


class TimelineWidget(QWidget):
    """The timeline; emits selection, seek and edit requests, never changes the project itself."""

    seek_requested = Signal(float)
    selection_requested = Signal(object)
    edit_requested = Signal(str, object, object)  # undo text, edit, merge key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The layout direction is inherited (Arabic: right to left) and read at each use, so
        # time follows the interface's direction.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.project: Project | None = None
        self.blocks: list[Block] = []
        self.clips_end = 0.0
        self.total = 0.0
        self.playhead = 0.0
        self.selection: str | None = None
        self.px_per_s = 60.0
        self.offset_s = 0.0
        self.snapping = True
        self._drag: _Drag | None = None
        self._fit = True
        self.setToolTip(tr("Timeline", "Drag bars to move them, their ends to stretch them; "
                                       "Ctrl+wheel zooms"))

    def content_height(self) -> int:
        rows = 1 + max((b.row for b in self.blocks), default=0)
        return RULER_H + ROW_H * max(rows, 3) + 8

    def sizeHint(self) -> QSize:
        return QSize(800, self.content_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.content_height())

    # -- state --------------------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        self.project = project
        if project is None:
            self.blocks, self.clips_end, self.total = [], 0.0, 0.0
        else:
            self.blocks, self.clips_end, self.total = layout(project)
        if self._fit:
            self.fit()
        self.updateGeometry()
        self.update()

    def set_playhead(self, t: float) -> None:
        self.playhead = t
        self.update()

    def set_selection(self, selection: str | None) -> None:
        self.selection = selection
        self.update()

    def fit(self) -> None:
        if self.total > 0 and self.width() > 40:
            self.px_per_s = max(2.0, (self.width() - 20) / self.total)
            self.offset_s = 0.0

    def zoom(self, factor: float, at_x: float | None = None) -> None:
        self._fit = False
        at = self.x_to_t(at_x if at_x is not None else self.width() / 2)
        self.px_per_s = max(2.0, min(2000.0, self.px_per_s * factor))
        if at_x is not None:
            self.offset_s = max(0.0, at - self._from_origin(at_x) / self.px_per_s)
        self.update()

    def resizeEvent(self, event: object) -> None:
        if self._fit:
            self.fit()
        super().resizeEvent(event)  # type: ignore[arg-type]

    # -- geometry -----------------------------------------------------------------------------
    def rtl(self) -> bool:
        """True when time runs right to left (the Arabic interface)."""
        return self.layoutDirection() == Qt.LayoutDirection.RightToLeft

    def _from_origin(self, x: float) -> float:
        # Pixels from where time 0 is drawn (10 px in from the leading edge).
        return (self.width() - 10 - x) if self.rtl() else (x - 10)

    def forward(self) -> int:
        """+1 when later times are further right on screen, -1 when they are further left."""
        return -1 if self.rtl() else 1

    def t_to_x(self, t: float) -> float:
        d = (t - self.offset_s) * self.px_per_s
        return self.width() - 10 - d if self.rtl() else 10 + d

    def x_to_t(self, x: float) -> float:
        return max(0.0, self._from_origin(x) / self.px_per_s + self.offset_s)

    def block_rect(self, b: Block, dt_start: float = 0.0, dt_end: float = 0.0) -> QRectF:
        x0 = self.t_to_x(b.start + dt_start)
        x1 = self.t_to_x(b.end + dt_end)
        left, right = min(x0, x1), max(x0, x1)
        return QRectF(left, RULER_H + b.row * ROW_H + 2, max(3.0, right - left), ROW_H - 4)

    def block_at(self, pos: QPointF) -> tuple[Block | None, str]:
        for b in reversed(self.blocks):
            r = self.block_rect(b)
            if r.adjusted(-2, 0, 2, 0).contains(pos):
                if b.kind == "card":
                    return b, "select"
                # The start handle is the bar's leading edge: its right end in Arabic.
                start_x, end_x = (r.right(), r.left()) if self.rtl() else (r.left(), r.right())
                if abs(pos.x() - start_x) <= HANDLE_PX:
                    return b, "start"
                if abs(end_x - pos.x()) <= HANDLE_PX:
                    return b, "end"
                return b, "move"
        return None, ""

    def _snap_points(self, exclude: Block) -> list[float]:
        pts = [0.0, self.clips_end, self.total, self.playhead]
        for b in self.blocks:
            if b is not exclude:
                pts += [b.start, b.end]
        return pts

    def _snap(self, t: float, exclude: Block) -> float:
        if not self.snapping:
            return t
        best, dist = t, SNAP_PX / self.px_per_s
        for p in self._snap_points(exclude):
            if abs(p - t) < dist:
                best, dist = p, abs(p - t)
        return best

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#26282c"))
        self._paint_ruler(p)
        fm = QFontMetrics(self.font())
        for b in self.blocks:
            d0 = d1 = 0.0
            if self._drag is not None and self._drag.block is b:
                dt, mode = self._drag.dt, self._drag.mode
                d0 = dt if mode in ("move", "start") else 0.0
                d1 = dt if mode in ("move", "end") else 0.0
            r = self.block_rect(b, d0, d1)
            colour = QColor(b.colour)
            selected = b.key == self.selection
            p.setPen(QPen(QColor("#ffffff") if selected else colour.darker(150),
                          2 if selected else 1))
            p.setBrush(colour.lighter(120) if selected else colour)
            p.drawRoundedRect(r, 4, 4)
            if b.kind == "clip":  # trim handles
                p.fillRect(QRectF(r.left(), r.top(), 3, r.height()), QColor("#cfe3f7"))
                p.fillRect(QRectF(r.right() - 3, r.top(), 3, r.height()), QColor("#cfe3f7"))
            p.setPen(QColor("#ffffff"))
            text = fm.elidedText(b.label, Qt.TextElideMode.ElideRight, int(r.width()) - 8)
            # Each label takes its direction from its own first letters (an Arabic caption
            # reads right to left whatever the interface language), at the bar's start.
            side = Qt.AlignmentFlag.AlignRight if self.rtl() else Qt.AlignmentFlag.AlignLeft
            option = QTextOption(Qt.AlignmentFlag.AlignVCenter | side
                                 | Qt.AlignmentFlag.AlignAbsolute)
            option.setTextDirection(text_direction(b.label))
            option.setWrapMode(QTextOption.WrapMode.NoWrap)
            p.drawText(r.adjusted(4, 0, -4, 0), text, option)
        x = self.t_to_x(self.playhead)
        p.setPen(QPen(QColor("#ff4d4d"), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def _paint_ruler(self, p: QPainter) -> None:
        p.fillRect(QRectF(0, 0, self.width(), RULER_H), QColor("#1b1c1f"))
        p.setPen(QColor("#9aa0a6"))
        step = next(s for s in (0.5, 1, 2, 5, 10, 30, 60, 300, 600)
                    if s * self.px_per_s >= 50)
        fm = QFontMetrics(self.font())
        t = (self.offset_s // step) * step
        while 0 <= self.t_to_x(t) <= self.width():
            x = self.t_to_x(t)
            p.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H))
            label = ruler_label(t)
            # The label sits after its tick in reading order: to its left in Arabic.
            lx = x - 3 - fm.horizontalAdvance(label) if self.rtl() else x + 3
            p.drawText(QPointF(lx, RULER_H - 7), label)
            t += step

    # -- mouse --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if pos.y() < RULER_H:
            self.seek_requested.emit(self.x_to_t(pos.x()))
            return
        block, mode = self.block_at(pos)
        if block is None:
            self.seek_requested.emit(self.x_to_t(pos.x()))
            self.selection_requested.emit("project")
            return
        self.selection_requested.emit(block.key)
        if mode != "select":
            self._drag = _Drag(block, mode, pos.x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is None:
            _block, mode = self.block_at(pos)
            self.setCursor(Qt.CursorShape.SizeHorCursor if mode in ("start", "end")
                           else Qt.CursorShape.ArrowCursor)
            return
        d = self._drag
        dt = self.forward() * (pos.x() - d.press_x) / self.px_per_s
        b = d.block
        if d.mode in ("move", "start"):
            dt = self._snap(b.start + dt, b) - b.start
        elif d.mode == "end":
            dt = self._snap(b.end + dt, b) - b.end
        if d.mode == "move" and b.kind != "clip":
            dt = max(dt, -b.start + (self.clips_end if b.on_card else 0.0))
        d.dt = dt
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        d, self._drag = self._drag, None
        if d is None or abs(d.dt) * self.px_per_s < 2:
            self.update()
            return
        edit = self.drag_edit(d.block, d.mode, d.dt)
        if edit is not None:
            self.edit_requested.emit(*edit, None)
        self.update()

    def drag_edit(self, b: Block, mode: str, dt: float
                  ) -> tuple[str, Callable[[Project], Project]] | None:
        """The edit a drag of ``b`` by ``dt`` seconds in ``mode`` stands for."""
        base = self.clips_end if b.on_card else 0.0
        if b.kind == "clip":
            i = int(b.key.split(":")[1])
            if mode == "move":
                target_t = (b.start + b.end) / 2 + dt
                clips = [x for x in self.blocks if x.kind == "clip"]
                to = sum(1 for c in clips if (c.start + c.end) / 2 < target_t and c is not b)
                return tr("Timeline", "Reorder clips"), lambda p: edits.move_clip(p, i, to)

            def trim(p: Project) -> Project:
                clip = p.clips[i]
                if mode == "start":
                    return edits.trim_clip(p, i, max(0.0, clip.start + dt), clip.end)
                length = b.end - b.start
                return edits.trim_clip(p, i, clip.start, clip.start + max(0.1, length + dt))

            return tr("Timeline", "Trim clip"), trim
        if b.kind == "cue":
            ci, lid = b.cue, b.key

            def move_cue(p: Project) -> Project:
                cue = edits.find_layer(p, lid).cues[ci]  # type: ignore[union-attr]
                start = cue.start + (dt if mode in ("move", "start") else 0.0)
                end = cue.end + (dt if mode in ("move", "end") else 0.0)
                start = max(0.0, start)
                return edits.update_cue(p, lid, ci, start=start, end=max(end, start + 0.1))

            return tr("Timeline", "Move cue"), move_cue
        if b.kind == "layer":
            lid = b.key
            start = b.start - base + (dt if mode in ("move", "start") else 0.0)
            end = b.end - base + (dt if mode in ("move", "end") else 0.0)
            open_end = edits.find_layer(self.project, lid).end is None if self.project else False
            keep_open = open_end and mode == "move" and abs(b.end - (self.total if b.on_card
                                                                     else self.clips_end)) < 1e-6
            new_end = None if keep_open else end

            def retime(p: Project) -> Project:
                return edits.set_layer_time(p, lid, max(0.0, start), new_end)

            return (tr("Timeline", "Move layer") if mode == "move"
                    else tr("Timeline", "Stretch layer")), retime
        return None

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25 if delta > 0 else 0.8, event.position().x())
        else:
            self._fit = False
            self.offset_s = max(0.0, self.offset_s - delta / 120 * 40 / self.px_per_s)
            self.update()


if __name__ == "__main__":  # python -m creator_kit.gui.timeline project.ckproj
    import sys

    from creator_kit.core.project_io import load_project
    from creator_kit.gui.app import make_app

    app = make_app()
    w = TimelineWidget()
    w.set_project(load_project(sys.argv[1]) if len(sys.argv) > 1 else None)
    w.edit_requested.connect(lambda text, fn, key: print(text))
    w.resize(900, 160)
    w.show()
    app.exec()

