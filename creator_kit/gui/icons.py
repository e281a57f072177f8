"""The editor's own icons, drawn with QPainter (no icon theme needed), mirrored where they point.

Icons that imply a direction (play, step back and forward, undo and redo) point the way time
and reading run in the interface: in Arabic the timeline runs right to left, so play points
left, "next frame" points left and "previous frame" right, and undo's arrow curls the other
way, as in Arabic phone apps. Symmetric icons (pause) are the same in both directions.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

SIZE = 32
DIRECTIONAL = frozenset({"play", "step-back", "step-forward", "undo", "redo"})
NAMES = ("play", "pause", "step-back", "step-forward", "undo", "redo")


def _triangle(p: QPainter, x0: float, x1: float) -> None:
    # A triangle pointing right from x0 to x1 (in a 32 px box).
    p.drawPolygon(QPolygonF([QPointF(x0, 7), QPointF(x1, 16), QPointF(x0, 25)]))


def _draw(p: QPainter, name: str) -> None:
    # The palette's button text colour: dark on a light theme, light on a dark one.
    colour = QColor(QGuiApplication.palette().buttonText().color())
    p.setBrush(colour)
    p.setPen(Qt.PenStyle.NoPen)
    if name == "play":
        _triangle(p, 9, 25)
    elif name == "pause":
        p.drawRect(QRectF(9, 7, 5, 18))
        p.drawRect(QRectF(18, 7, 5, 18))
    elif name == "step-forward":  # a triangle and a bar: one frame later
        _triangle(p, 8, 20)
        p.drawRect(QRectF(21, 7, 3, 18))
    elif name == "step-back":
        p.drawRect(QRectF(8, 7, 3, 18))
        p.drawPolygon(QPolygonF([QPointF(24, 7), QPointF(12, 16), QPointF(24, 25)]))
    elif name in ("undo", "redo"):
        # A curved arrow: undo bends back to the left (in a left-to-right interface).
        pen = QPen(colour, 3)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(QPointF(11, 13))
        path.cubicTo(QPointF(22, 8), QPointF(28, 17), QPointF(22, 25))
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(4, 13), QPointF(13, 6), QPointF(13, 20)]))
        if name == "redo":
            return  # mirrored by the caller
    else:
        raise KeyError(name)


def icon_image(name: str, rtl: bool | None = None, size: int = SIZE) -> QImage:
    """The icon ``name`` as an image, mirrored for a right-to-left interface when it points.

    ``rtl`` defaults to the application's layout direction.
    """
    if rtl is None:
        rtl = QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw(p, name)
    p.end()
    mirror = name == "redo"  # drawn as undo
    if rtl and name in DIRECTIONAL:
        mirror = not mirror
    if mirror:
        image = image.flipped(Qt.Orientation.Horizontal)
    if size != SIZE:
        image = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


def icon(name: str, rtl: bool | None = None) -> QIcon:
    """A QIcon of ``name`` (see :func:`icon_image`), sharp at 1x and 2x."""
    out = QIcon()
    for size in (16, 24, 32, 64):
        out.addPixmap(QPixmap.fromImage(icon_image(name, rtl, size)))
    return out
