"""Vector images (SVG logos and stickers) drawn at the exact pixel size they are shown at.

Qt's painter lives in this package (the one place outside the GUI that may use QtGui), so
SVG goes through the same QPainter as captions: a logo is rasterised at its final size on
the canvas and stays crisp at any size. QtSvg renders SVG Tiny 1.2 with no scripting and
fetches nothing from the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QByteArray, QLoggingCategory, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from creator_kit.core.errors import InputError
from creator_kit.core.files import read_file
from creator_kit.text.qtapp import ensure_qt

MAX_SVG_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096


@functools.cache
def _quiet_svg_messages() -> None:
    """Stop QtSvg printing parse complaints ("qt.svg: ... Could not resolve property").

    Qt writes them straight to stderr, around the one ``error:`` line the CLI prints (or
    after a successful render); an SVG that cannot be drawn is reported by ``isValid``.
    """
    QLoggingCategory.setFilterRules("qt.svg*=false")


def _renderer(path: Path) -> QSvgRenderer:
    data = read_file(path, "SVG file", MAX_SVG_BYTES)
    ensure_qt()
    _quiet_svg_messages()
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        raise InputError("not a readable SVG image", path)
    return renderer


def svg_size(path: str | Path) -> tuple[int, int]:
    """The SVG's own size (width, height) in pixels, from its size or viewBox."""
    renderer = _renderer(Path(path))
    size = renderer.defaultSize()
    if size.isEmpty():
        box = renderer.viewBoxF()
        size = QSize(max(1, round(box.width())), max(1, round(box.height())))
    if size.isEmpty():
        raise InputError("SVG image has no size (no width/height or viewBox)", path)
    return size.width(), size.height()


def rasterise_svg(path: str | Path, width: int | None = None) -> npt.NDArray[np.uint8]:
    """The SVG as straight-alpha RGBA, ``width`` pixels wide (its own size when None)."""
    p = Path(path)
    renderer = _renderer(p)
    w0, h0 = svg_size(p)
    w = w0 if width is None else max(1, int(width))
    h = max(1, round(h0 * w / w0))
    if max(w, h) > MAX_SIDE:
        k = MAX_SIDE / max(w, h)
        w, h = max(1, int(w * k)), max(1, int(h * k))
    image = QImage(w, h, QImage.Format.Format_RGBA8888_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, w, h))
    painter.end()
    straight = image.convertToFormat(QImage.Format.Format_RGBA8888)
    ptr = straight.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=straight.sizeInBytes())
    rows = arr.reshape(h, straight.bytesPerLine())[:, : w * 4]
    return rows.reshape(h, w, 4).copy()
