"""Render the app icon (``creator-kit.svg``) at the standard sizes, plus ``.ico`` and ``.icns``.

One vector source, drawn by us; Qt's SVG renderer rasterises it (the same QtSvg creator_kit
uses for stickers), Pillow packs the Windows and macOS icon files.

Usage: ``python packaging/icons/draw_icons.py OUT_DIR`` writes ``OUT_DIR/<n>x<n>/apps/ID.png``
for every size in :data:`SIZES` (the freedesktop hicolor layout), ``OUT_DIR/ID.svg``,
``OUT_DIR/creator-kit.ico`` and ``OUT_DIR/creator-kit.icns``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

APP_ID = "app.creatorkit.CreatorKit"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SVG = Path(__file__).with_name("creator-kit.svg")


def render_png(size: int, out: Path) -> None:
    """Rasterise the SVG into a ``size`` x ``size`` PNG with transparency."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs one
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"error: {SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"error: {out}: cannot write")


def draw_all(out_dir: Path) -> list[Path]:
    """Write every size, the SVG, the ``.ico`` and the ``.icns``; returns the PNGs."""
    from PIL import Image

    pngs = []
    for n in SIZES:
        p = out_dir / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
        render_png(n, p)
        pngs.append(p)
    (out_dir / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, out_dir / "scalable" / "apps" / f"{APP_ID}.svg")
    big = Image.open(pngs[-1])
    big.save(out_dir / "creator-kit.ico", sizes=[(n, n) for n in (16, 24, 32, 48, 64, 128, 256)])
    big.save(out_dir / "creator-kit.icns")
    return pngs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: draw_icons.py OUT_DIR")
    for path in draw_all(Path(sys.argv[1])):
        print(path)
