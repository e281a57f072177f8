"""The library panel: the project's media, templates, stickers, tip cards and mask styles.

Items are listed at once from :mod:`creator_kit.graphics.catalogue`; thumbnails of stickers, tip
cards and templates are drawn by the engine on a background thread and filled in as they
arrive. Double-click (or Enter) adds an item; items can also be dragged onto the preview.
Run alone: ``python -m creator_kit.gui.library``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core.model import Project
from creator_kit.graphics import catalogue
from creator_kit.gui.app import language, tr
from creator_kit.gui.bidi import isolate, ltr
from creator_kit.gui.numbers import num
from creator_kit.gui.timeline import cached_duration

if TYPE_CHECKING:
    import numpy as np

MIME = "application/x-creator-kit-library"
_ROLE_KIND = Qt.ItemDataRole.UserRole
_ROLE_NAME = Qt.ItemDataRole.UserRole + 1
THUMB = QSize(96, 96)


def rgba_to_image(rgba: np.ndarray) -> QImage:
    """A QImage (own copy) of an RGBA uint8 array."""
    import numpy as np  # thumbnails are drawn after start-up: NumPy is not on its path

    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def _sticker_thumb(name: str, lang: str) -> QImage:
    from creator_kit.core.model import StickerLayer
    from creator_kit.graphics.stickers import draw_sticker

    return rgba_to_image(draw_sticker(StickerLayer(name=name, language=lang), 192))  # type: ignore[arg-type]


def _tip_thumb(name: str, lang: str) -> QImage:
    from creator_kit.core.model import TipCardLayer
    from creator_kit.graphics.tip_cards import compose_tip, draw_tip_parts

    parts = draw_tip_parts(TipCardLayer(tip=name, language=lang), 240)  # type: ignore[arg-type]
    return rgba_to_image(compose_tip(parts, [1.0] * 8))


def _template_thumb(name: str, clip: str | None, lang: str) -> QImage:
    """A real rendered frame of the template over ``clip`` (or a plain sample)."""
    import numpy as np

    from creator_kit.render.preview import preview_frame
    from creator_kit.templates import apply_template, find_template

    if clip is None:
        return QImage()
    # No face analysis for a thumbnail (seconds of work competing with the player): the
    # look of a template shows as well on a plain crop.
    project = apply_template(find_template(name), [clip], language=lang,  # type: ignore[arg-type]
                             face_mask=False, end_card=False, reframe="fill",
                             caption=tr("Library", "Your caption"))
    rgb = np.ascontiguousarray(preview_frame(project, 1.0, 216))  # shown at half: crisp
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class Thumbnailer(QObject):
    """Draws thumbnails on one background thread; ``ready`` arrives on the GUI thread."""

    ready = Signal(str, str, QImage)  # kind, name, image

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbs")
        self._stop = threading.Event()

    def request(self, kind: str, name: str, make: Callable[[], QImage]) -> None:
        def run() -> None:
            if self._stop.is_set():
                return
            try:
                image = make()
            except Exception:  # a thumbnail that cannot be drawn stays a plain entry
                return
            if not self._stop.is_set() and not image.isNull():
                self.ready.emit(kind, name, image)

        self._pool.submit(run)

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


class _DragList(QListWidget):
    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        if items:
            item = items[0]
            data.setData(MIME, f"{item.data(_ROLE_KIND)}:{item.data(_ROLE_NAME)}".encode())
        return data


class LibraryPanel(QWidget):
    """Lists what can be added; emits ``activated(kind, name)`` when the user picks an item."""

    activated = Signal(str, str)        # kind ("sticker", "tip-card", "mask", "template"), name
    add_media_requested = Signal()
    clip_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, thumbnails: bool = True) -> None:
        super().__init__(parent)
        self.thumbnails = Thumbnailer(self) if thumbnails else None
        if self.thumbnails is not None:
            self.thumbnails.ready.connect(self._set_thumb)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        media = QWidget()
        ml = QVBoxLayout(media)
        ml.setContentsMargins(4, 4, 4, 4)
        self.media_list = QListWidget()
        self.media_list.setToolTip(tr("Library", "The clips of the project, in play order"))
        self.media_list.currentRowChanged.connect(
            lambda row: self.clip_selected.emit(row) if row >= 0 else None)
        ml.addWidget(self.media_list)
        row = QHBoxLayout()
        self.add_media = QPushButton(tr("Library", "Add clips…"))
        self.add_media.setToolTip(tr("Library", "Add video clips, images, music or subtitles"))
        self.add_media.clicked.connect(self.add_media_requested)
        row.addWidget(self.add_media)
        row.addStretch(1)
        ml.addLayout(row)
        self.tabs.addTab(media, tr("Library", "Media"))

        self.lists: dict[str, QListWidget] = {}
        for kind, title in (("template", tr("Library", "Templates")),
                            ("sticker", tr("Library", "Stickers")),
                            ("tip-card", tr("Library", "Tip cards")),
                            ("mask", tr("Library", "Masks"))):
            lst = _DragList()
            lst.setViewMode(QListWidget.ViewMode.IconMode)
            lst.setIconSize(THUMB)
            lst.setGridSize(QSize(THUMB.width() + 28, THUMB.height() + 44))
            lst.setResizeMode(QListWidget.ResizeMode.Adjust)
            lst.setMovement(QListWidget.Movement.Static)
            lst.setWordWrap(True)
            lst.setDragEnabled(True)
            lst.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
            lst.itemActivated.connect(
                lambda item: self.activated.emit(item.data(_ROLE_KIND), item.data(_ROLE_NAME)))
            self.lists[kind] = lst
            self.tabs.addTab(lst, title)
        self._sample_clip: str | None = None
        self.template_images: dict[str, QImage] = {}  # rendered template thumbnails
        self._shown_kinds: set[str] = set()
        self._pending: list[tuple[str, str, str, bool]] = []
        self.tabs.currentChanged.connect(self._tab_shown)
        self.populate()

    def _tab_shown(self, _index: int) -> None:
        kind = next((k for k, lst in self.lists.items() if lst is self.tabs.currentWidget()),
                    None)
        if kind is None or kind in self._shown_kinds:
            return
        self._shown_kinds.add(kind)
        pending, self._pending = self._pending, []
        for item in pending:
            if item[0] == kind:
                self._request_thumb(*item)
            else:
                self._pending.append(item)

    def show_tab(self, kind: str) -> None:
        """Bring the tab of ``kind`` (``template``, ``sticker``...) to the front."""
        self.tabs.setCurrentWidget(self.lists[kind])

    def populate(self) -> None:
        lang = language()
        entries = {
            "template": catalogue.templates(_user_templates()),
            "sticker": catalogue.stickers(),
            "tip-card": catalogue.tip_cards(),
            "mask": catalogue.masks(),
        }
        for kind, items in entries.items():
            lst = self.lists[kind]
            lst.clear()
            for e in items:
                item = QListWidgetItem(e.title(lang))
                item.setData(_ROLE_KIND, kind)
                item.setData(_ROLE_NAME, e.name)
                item.setToolTip(e.description or e.title(lang))
                if e.preview is not None:
                    item.setIcon(QIcon(QPixmap(str(e.preview))))
                lst.addItem(item)
                self._request_thumb(kind, e.name, lang, has_preview=e.preview is not None)

    def _request_thumb(self, kind: str, name: str, lang: str, has_preview: bool) -> None:
        if self.thumbnails is None or has_preview:
            return
        if kind not in self._shown_kinds:
            # Drawn when the tab is first opened: at start-up the window, the first frame and
            # face analysis need the machine more than thumbnails nobody is looking at.
            self._pending.append((kind, name, lang, has_preview))
            return
        if kind == "sticker":
            self.thumbnails.request(kind, name, lambda: _sticker_thumb(name, lang))
        elif kind == "tip-card":
            self.thumbnails.request(kind, name, lambda: _tip_thumb(name, lang))
        elif kind == "template" and self._sample_clip is not None:
            clip = self._sample_clip
            self.thumbnails.request(kind, name, lambda: _template_thumb(name, clip, lang))

    def _set_thumb(self, kind: str, name: str, image: QImage) -> None:
        if kind == "template":
            self.template_images[name] = image
        lst = self.lists.get(kind)
        if lst is None:
            return
        for i in range(lst.count()):
            item = lst.item(i)
            if item.data(_ROLE_NAME) == name:
                pix = QPixmap.fromImage(image).scaled(
                    THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation)
                item.setIcon(QIcon(pix))

    def set_project(self, project: Project | None) -> None:
        """Show the project's clips; template thumbnails use its first clip."""
        self.media_list.blockSignals(True)
        self.media_list.clear()
        if project is not None:
            for i, clip in enumerate(project.clips):
                # The entry reads left to right in an Arabic interface too (an LRI isolate);
                # each number is an island of its own, so Eastern digits around a dash stay
                # in order, and an Arabic file name keeps its own order (FSI).
                # A whole clip shows its length once the window's prober knows it.
                end_s = clip.end if clip.end is not None else cached_duration(clip.source)
                end = "…" if end_s is None else ltr(num(f"{end_s:.1f}"))
                span = tr("Library", "{0}–{1} s").format(ltr(num(f"{clip.start:.1f}")), end)
                name = isolate(Path(clip.source).name)
                # The LRM keeps the closing bracket after an Arabic unit from being mirrored.
                item = QListWidgetItem(ltr(f"{ltr(num(str(i + 1)))}. {name}  ({span})\u200e"))
                item.setToolTip(clip.source)
                self.media_list.addItem(item)
        self.media_list.blockSignals(False)
        first = project.clips[0].source if project is not None else None
        if first is not None and first != self._sample_clip and Path(first).is_file():
            self._sample_clip = first
            self._pending = [p for p in self._pending if p[0] != "template"]
            for e in catalogue.templates(_user_templates()):
                self._request_thumb("template", e.name, language(), e.preview is not None)

    def shutdown(self) -> None:
        if self.thumbnails is not None:
            self.thumbnails.shutdown()


def _user_templates() -> Path | None:
    from creator_kit.core.autosave import data_dir

    return data_dir() / "templates"


if __name__ == "__main__":  # run alone to look at it
    import sys

    from creator_kit.gui.app import make_app

    app = make_app(sys.argv[1] if len(sys.argv) > 1 else None)
    panel = LibraryPanel()
    panel.activated.connect(lambda k, n: print("activated", k, n))
    panel.resize(360, 640)
    panel.show()
    app.exec()
    panel.shutdown()
