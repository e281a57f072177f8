"""The inspector: every setting of whatever is selected (project, clip, layer, closing card).

Each page binds widgets to the project with small getter/setter pairs. Widgets write the
model only through ``edit_requested(text, edit, merge_key)`` (the window pushes it on the undo
stack); when the project comes back the page reloads with signals blocked and leaves alone a
widget that already shows the value, so typing is never interrupted (no echo loop).
Run alone: ``python -m creator_kit.gui.inspector clip.mp4``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from creator_kit.core import edits
from creator_kit.core.captions import STYLES, Cue
from creator_kit.core.model import (
    CaptionLayer,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    Placement,
    Project,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.graphics import catalogue
from creator_kit.gui.app import language, tr
from creator_kit.gui.bidi import CaptionEdit
from creator_kit.gui.messages import user_message
from creator_kit.gui.numbers import num, parse_number

Getter = Callable[[Project, Any], Any]
# What a getter returns for a value none of a combo's options stands for (see Page.combo).
OTHER = "\x00other"
Setter = Callable[[Project, Any, Any], Project]

ANIMATIONS = ("none", "fade", "slide", "pop")
SLOTS = ("top-start", "top", "top-end", "center", "bottom-start", "bottom", "bottom-end")
# The combos above show these values through tr("Inspector", value); lupdate cannot read a
# variable, so the words are marked here (and the caption styles of core.captions.STYLES).
_VALUE_WORDS = (
    QT_TRANSLATE_NOOP("Inspector", "none"), QT_TRANSLATE_NOOP("Inspector", "fade"),
    QT_TRANSLATE_NOOP("Inspector", "slide"), QT_TRANSLATE_NOOP("Inspector", "pop"),
    QT_TRANSLATE_NOOP("Inspector", "top-start"), QT_TRANSLATE_NOOP("Inspector", "top"),
    QT_TRANSLATE_NOOP("Inspector", "top-end"), QT_TRANSLATE_NOOP("Inspector", "center"),
    QT_TRANSLATE_NOOP("Inspector", "bottom-start"), QT_TRANSLATE_NOOP("Inspector", "bottom"),
    QT_TRANSLATE_NOOP("Inspector", "bottom-end"), QT_TRANSLATE_NOOP("Inspector", "clean"),
    QT_TRANSLATE_NOOP("Inspector", "bold-box"), QT_TRANSLATE_NOOP("Inspector", "outline"),
    QT_TRANSLATE_NOOP("Inspector", "karaoke"),
    # Units after a number (seconds, pixels), translated where a spin box shows them.
    QT_TRANSLATE_NOOP("Inspector", " s"), QT_TRANSLATE_NOOP("Inspector", " px"),
)


def _layer(p: Project, sel: str | None) -> Any:
    assert sel is not None
    return edits.find_layer(p, sel)


class Page(QWidget):
    """A form of bound widgets for one kind of selection."""

    edit_requested = Signal(str, object, object)  # undo text, Callable[[Project], Project], key

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.selection: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel(f"<b>{title}</b>")
        outer.addWidget(self.title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.form)
        self.extra = QVBoxLayout()
        outer.addLayout(self.extra)
        outer.addStretch(1)
        self._loaders: list[Callable[[], None]] = []
        self._widgets: list[QWidget] = []

    # -- loading ------------------------------------------------------------------------------
    def load(self, project: Project, selection: str | None) -> None:
        self.project, self.selection = project, selection
        blockers = [QSignalBlocker(w) for w in self._widgets]
        try:
            for loader in self._loaders:
                loader()
        finally:
            del blockers

    def _push(self, text: str, setter: Setter, value: Any, merge: bool) -> None:
        sel = self.selection
        key = f"{text}:{sel}" if merge else None
        self.edit_requested.emit(text, lambda p: setter(p, sel, value), key)

    # -- bindings -----------------------------------------------------------------------------
    def combo(self, label: str, options: Sequence[tuple[Any, str]], get: Getter, set_: Setter,
              tip: str = "", other: tuple[str, str] | None = None) -> QComboBox:
        """A combo box of ``options``; ``other`` (text, tooltip) is the entry shown when ``get``
        returns ``OTHER``: a value that is none of the options (the template's own caption
        style, a position dragged on the preview). Picking an option replaces it; the entry
        is there only while it is in use, so the combo never claims an option that is not.
        """
        w = QComboBox()
        for value, text in options:
            w.addItem(text, value)
        w.setToolTip(tip)

        def changed(_i: int) -> None:
            if w.currentData() != OTHER:
                self._push(label, set_, w.currentData(), False)

        w.currentIndexChanged.connect(changed)

        def load() -> None:
            assert self.project is not None
            value = get(self.project, self.selection)
            i_other = w.findData(OTHER)
            if other is not None and value == OTHER:
                if i_other < 0:
                    w.addItem(other[0], OTHER)
                    i_other = w.count() - 1
                    w.setItemData(i_other, other[1], Qt.ItemDataRole.ToolTipRole)
                w.setCurrentIndex(i_other)
                w.setToolTip(other[1])
                return
            i = w.findData(value)
            if i >= 0 and i != w.currentIndex():
                w.setCurrentIndex(i)
            if i_other >= 0 and w.currentIndex() != i_other:
                w.removeItem(i_other)  # the last entry, never the current one here
                w.setToolTip(tip)

        self._add(label, w, load)
        return w

    def number(self, label: str, lo: float, hi: float, step: float, get: Getter, set_: Setter,
               suffix: str = "", decimals: int = 2, tip: str = "") -> QDoubleSpinBox:
        w = QDoubleSpinBox()
        w.setRange(lo, hi)
        w.setSingleStep(step)
        w.setDecimals(decimals)
        w.setSuffix(tr("Inspector", suffix) if suffix else "")
        w.setToolTip(tip)
        w.setKeyboardTracking(False)
        w.valueChanged.connect(lambda v: self._push(label, set_, float(v), True))

        def load() -> None:
            assert self.project is not None
            v = get(self.project, self.selection)
            if v is not None and abs(w.value() - float(v)) > 10 ** -decimals / 2:
                w.setValue(float(v))

        self._add(label, w, load)
        return w

    def check(self, label: str, get: Getter, set_: Setter, tip: str = "") -> QCheckBox:
        w = QCheckBox()
        w.setToolTip(tip)
        w.toggled.connect(lambda on: self._push(label, set_, bool(on), False))

        def load() -> None:
            assert self.project is not None
            w.setChecked(bool(get(self.project, self.selection)))

        self._add(label, w, load)
        return w

    def line(self, label: str, get: Getter, set_: Setter, tip: str = "") -> QLineEdit:
        w = QLineEdit()
        w.setToolTip(tip)
        w.textEdited.connect(lambda text: self._push(label, set_, text, True))

        def load() -> None:
            assert self.project is not None
            v = get(self.project, self.selection) or ""
            if w.text() != v:
                w.setText(v)

        self._add(label, w, load)
        return w

    def colour(self, label: str, get: Getter, set_: Setter) -> QPushButton:
        w = QPushButton()
        w.setToolTip(tr("Inspector", "Pick a colour"))

        def pick() -> None:
            assert self.project is not None
            start = QColor(get(self.project, self.selection))
            c = QColorDialog.getColor(start, self, label)
            if c.isValid():
                self._push(label, set_, c.name(), False)

        w.clicked.connect(pick)

        def load() -> None:
            assert self.project is not None
            v = str(get(self.project, self.selection))
            w.setText("\u200e" + v)  # "#rrggbb" reads left to right in Arabic too
            w.setStyleSheet(f"background:{v[:7]}; color:{_contrast(v)}")

        self._add(label, w, load)
        return w

    def _add(self, label: str, w: QWidget, load: Callable[[], None]) -> None:
        self.form.addRow(label, w)
        self._loaders.append(load)
        self._widgets.append(w)

    def add_loader(self, load: Callable[[], None], *widgets: QWidget) -> None:
        self._loaders.append(load)
        self._widgets.extend(widgets)

    # -- shared rows --------------------------------------------------------------------------
    def slot_row(self) -> QComboBox:
        """The slot of a sticker or tip card; "Custom position" while a placement overrides it."""
        return self.combo(
            tr("Inspector", "Slot"), [(v, tr("Inspector", v)) for v in SLOTS],
            lambda p, s: _layer(p, s).slot if _layer(p, s).placement is None else OTHER,
            lambda p, s, v: edits.update_layer(p, s, slot=v, placement=None),
            other=(tr("Inspector", "Custom position"),
                   tr("Inspector", "Placed by hand (dragged on the preview or typed in "
                                   "Position X and Y); pick a slot to put it back in one")))

    def timing_rows(self) -> None:
        self.number(tr("Inspector", "Start"), 0, 86_400, 0.1,
                    lambda p, s: _layer(p, s).start,
                    lambda p, s, v: edits.set_layer_time(p, s, v, _layer(p, s).end), " s")
        self.number(tr("Inspector", "End (0 = to the end)"), 0, 86_400, 0.1,
                    lambda p, s: _layer(p, s).end or 0.0,
                    lambda p, s, v: edits.set_layer_time(p, s, _layer(p, s).start, v or None),
                    " s")

    def look_rows(self, placement: bool = True) -> None:
        self.number(tr("Inspector", "Opacity"), 0, 1, 0.05, lambda p, s: _layer(p, s).opacity,
                    lambda p, s, v: edits.update_layer(p, s, opacity=v))
        if placement:
            self.number(tr("Inspector", "Position X"), -1, 2, 0.01,
                        lambda p, s: _placement(p, s).x,
                        lambda p, s, v: edits.set_placement(
                            p, s, dataclasses.replace(_placement(p, s), x=v)),
                        tip=tr("Inspector", "Fraction of the frame width; drag on the preview"))
            self.number(tr("Inspector", "Position Y"), -1, 2, 0.01,
                        lambda p, s: _placement(p, s).y,
                        lambda p, s, v: edits.set_placement(
                            p, s, dataclasses.replace(_placement(p, s), y=v)))
        self.animation_rows()

    def animation_rows(self) -> None:
        """Kind, length and (for a slide) direction of the entrance and the exit."""
        self.animation: dict[str, tuple[QComboBox, QDoubleSpinBox, QComboBox]] = {}
        for which, label, length, way, words in (
                ("enter", tr("Inspector", "Entrance"), tr("Inspector", "Entrance length"),
                 tr("Inspector", "Slides in"), _ENTER_WAYS),
                ("exit", tr("Inspector", "Exit"), tr("Inspector", "Exit length"),
                 tr("Inspector", "Slides out"), _EXIT_WAYS)):
            kind = self.combo(label, [(a, tr("Inspector", a)) for a in ANIMATIONS],
                              _anim_getter(which, "kind"), _anim_setter(which, "kind"))
            seconds = self.number(length, 0, 10, 0.05, _anim_getter(which, "duration"),
                                  _anim_setter(which, "duration"), " s",
                                  tip=tr("Inspector", "How long the animation takes"))
            direction = self.combo(way, [(d, tr("Inspector", str(w))) for d, w in words],
                                   _anim_getter(which, "direction"),
                                   _anim_setter(which, "direction"))
            self.animation[which] = (kind, seconds, direction)
            self.add_loader(functools.partial(_enable_animation, kind, seconds, direction))


# What each slide direction of the format looks like (graphics.animation): "up" and "down"
# name the way the layer moves, coming in and going out alike; "left" and "right" the side
# it comes in from, so on the way out it keeps moving across and leaves by the other side.
_ENTER_WAYS = (("up", QT_TRANSLATE_NOOP("Inspector", "from below")),
               ("down", QT_TRANSLATE_NOOP("Inspector", "from above")),
               ("left", QT_TRANSLATE_NOOP("Inspector", "from the left")),
               ("right", QT_TRANSLATE_NOOP("Inspector", "from the right")))
_EXIT_WAYS = (("up", QT_TRANSLATE_NOOP("Inspector", "upwards")),
              ("down", QT_TRANSLATE_NOOP("Inspector", "downwards")),
              ("right", QT_TRANSLATE_NOOP("Inspector", "to the left")),
              ("left", QT_TRANSLATE_NOOP("Inspector", "to the right")))


def _enable_animation(kind: QComboBox, seconds: QDoubleSpinBox, direction: QComboBox) -> None:
    seconds.setEnabled(kind.currentData() != "none")
    direction.setEnabled(kind.currentData() == "slide")


def _anim_getter(which: str, name: str) -> Getter:
    return lambda p, s: getattr(getattr(_layer(p, s), which), name)


def _anim_setter(which: str, name: str) -> Setter:
    return lambda p, s, v: edits.set_animation(p, s, which, **{name: v})  # type: ignore[arg-type]


def _placement(p: Project, s: str | None) -> Placement:
    layer = _layer(p, s)
    return layer.placement or Placement()


def _contrast(colour: str) -> str:
    c = QColor(colour[:7])
    return "#000000" if c.lightness() > 140 else "#ffffff"


# ------------------------------------------------------------------------------------ pages


class ProjectPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Project"))
        self.combo(tr("Inspector", "Platform"),
                   [("tiktok", "TikTok"), ("reels", "Instagram Reels"),
                    ("shorts", "YouTube Shorts")],
                   lambda p, s: p.output.preset, lambda p, s, v: edits.set_profile(p, v))
        self.reframe_mode = self.combo(
            tr("Inspector", "Reframe"),
            [("fill", tr("Inspector", "Fill (crop)")), ("fit", tr("Inspector", "Fit (bars)")),
             ("fit-blur", tr("Inspector", "Fit over blur")),
             ("face", tr("Inspector", "Follow faces"))],
            lambda p, s: p.reframe.mode, lambda p, s, v: edits.set_reframe(p, mode=v),
            tip=tr("Inspector", "How a landscape clip fills the vertical frame"))
        self.number(tr("Inspector", "Fill offset"), -1, 1, 0.05,
                    lambda p, s: p.reframe.offset_x,
                    lambda p, s, v: edits.set_reframe(p, offset_x=v),
                    tip=tr("Inspector", "With Fill: moves the crop window; drag the picture "
                                        "on the preview"))
        self.colour(tr("Inspector", "Bar colour"), lambda p, s: p.reframe.bar_colour,
                    lambda p, s, v: edits.set_reframe(p, bar_colour=v))
        self.check(tr("Inspector", "Keep clip sound"), lambda p, s: p.audio.keep_source,
                   lambda p, s, v: edits.update_audio(p, keep_source=v))
        self.number(tr("Inspector", "Clip volume"), 0, 4, 0.05,
                    lambda p, s: p.audio.source_volume,
                    lambda p, s, v: edits.update_audio(p, source_volume=v))
        self.music = QPushButton()
        self.music.setToolTip(tr("Inspector", "A music bed mixed under the clips' sound"))
        self.music.clicked.connect(self._pick_music)
        self.form.addRow(tr("Inspector", "Music"), self.music)
        self.add_loader(self._load_music, self.music)
        self.number(tr("Inspector", "Music volume"), 0, 4, 0.05,
                    lambda p, s: p.audio.music_volume,
                    lambda p, s, v: edits.update_audio(p, music_volume=v))
        self.check(tr("Inspector", "Normalise loudness"), lambda p, s: p.audio.normalise,
                   lambda p, s, v: edits.update_audio(p, normalise=v))
        self.number(tr("Inspector", "Loudness target"), -36, -6, 0.5,
                    lambda p, s: p.audio.loudness_lufs,
                    lambda p, s, v: edits.update_audio(p, loudness_lufs=v), " LUFS", 1)
        self.check(tr("Inspector", "Closing card"), lambda p, s: p.card is not None,
                   lambda p, s, v: edits.set_card(p, (p.card or ClosingCard()) if v else None))

    def _load_music(self) -> None:
        assert self.project is not None
        from pathlib import Path

        m = self.project.audio.music
        self.music.setText(Path(m).name if m else tr("Inspector", "None (choose…)"))

    def _pick_music(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Inspector", "Music bed"), "",
            tr("Inspector", "Audio (*.mp3 *.m4a *.aac *.wav *.ogg *.flac);;All files (*)"))
        if path:
            self._push(tr("Inspector", "Music"), lambda p, s, v: edits.update_audio(p, music=v),
                       path, False)


class CaptionPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Caption"))
        self.text = CaptionEdit()  # hashtags and mixed directions shown as the video shows them
        self.text.setPlaceholderText(tr("Inspector", "Type the caption (Arabic, English, "
                                                     "#hashtags, emoji)"))
        self.text.setToolTip(tr("Inspector", "Each paragraph takes its direction from its "
                                             "first letters"))
        self.text.setMaximumHeight(110)
        self.text.textChanged.connect(self._text_changed)
        self.form.addRow(tr("Inspector", "Text"), self.text)
        self.add_loader(self._load_text, self.text)
        self.style_box = self.combo(
            tr("Inspector", "Style"), [(n, tr("Inspector", n)) for n in STYLES],
            lambda p, s: _style_name(_layer(p, s)) or OTHER,
            lambda p, s, v: edits.set_caption_style(p, s, STYLES[v]),
            other=(tr("Inspector", "Template style"),
                   tr("Inspector", "The caption's own style, from its template or project "
                                   "file; pick a style to replace it")))
        self.combo(tr("Inspector", "Font"), [(e.name, e.name) for e in catalogue.fonts()],
                   lambda p, s: _layer(p, s).style.font_family,
                   lambda p, s, v: edits.update_caption_style(p, s, font_family=v))
        self.number(tr("Inspector", "Size"), 6, 400, 2, lambda p, s: _layer(p, s).style.size_px,
                    lambda p, s, v: edits.update_caption_style(p, s, size_px=v), " px", 0)
        self.colour(tr("Inspector", "Colour"), lambda p, s: _layer(p, s).style.fill,
                    lambda p, s, v: edits.update_caption_style(p, s, fill=v))
        self.combo(tr("Inspector", "Highlight"),
                   [("none", tr("Inspector", "None")),
                    ("words", tr("Inspector", "Word by word"))],
                   lambda p, s: _layer(p, s).highlight,
                   lambda p, s, v: edits.set_highlight(p, s, v))
        self.check(tr("Inspector", "Automatic position"),
                   lambda p, s: _layer(p, s).placement is None,
                   lambda p, s, v: edits.set_placement(
                       p, s, None if v else Placement(x=0.5, y=0.75, anchor="center",
                                                      width=0.85)))
        self.timing_rows()
        self.look_rows(placement=False)
        # Timed cues (from a subtitle file or typed here).
        self.cues = QTableWidget(0, 3)
        self.cues.setHorizontalHeaderLabels([tr("Inspector", "Start"), tr("Inspector", "End"),
                                             tr("Inspector", "Text")])
        self.cues.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.cues.setMinimumHeight(140)
        self.cues.itemChanged.connect(self._cue_changed)
        self.extra.addWidget(QLabel(tr("Inspector", "Timed cues")))
        self.extra.addWidget(self.cues)
        row = QHBoxLayout()
        self.import_btn = QPushButton(tr("Inspector", "Import subtitles…"))
        self.import_btn.setToolTip(tr("Inspector", "SRT, VTT or ASS, any common encoding"))
        self.export_btn = QPushButton(tr("Inspector", "Export subtitles…"))
        self.import_btn.clicked.connect(self._import)
        self.export_btn.clicked.connect(self._export)
        row.addWidget(self.import_btn)
        row.addWidget(self.export_btn)
        row.addStretch(1)
        self.extra.addLayout(row)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.extra.addWidget(self.notes)
        self.add_loader(self._load_cues, self.cues)

    def _load_text(self) -> None:
        assert self.project is not None
        text = _layer(self.project, self.selection).text
        if self.text.toPlainText() != text:
            self.text.set_caption(text)

    def _text_changed(self) -> None:
        self._push(tr("Inspector", "Caption text"),
                   lambda p, s, v: edits.set_caption_text(p, s, v),
                   self.text.toPlainText(), True)

    def _load_cues(self) -> None:
        assert self.project is not None
        cues = _layer(self.project, self.selection).cues
        self.cues.setRowCount(len(cues))
        for i, cue in enumerate(cues[:2000]):  # a long file is edited in a subtitle editor
            for col, value in enumerate((num(f"{cue.start:.2f}"), num(f"{cue.end:.2f}"),
                                         cue.text)):
                item = self.cues.item(i, col)
                if item is None:
                    self.cues.setItem(i, col, QTableWidgetItem(value))
                elif item.text() != value:
                    item.setText(value)

    def _cue_changed(self, item: QTableWidgetItem) -> None:
        row, col = item.row(), item.column()
        key = ("start", "end", "text")[col]
        value: Any = item.text()
        if key != "text":
            try:
                value = parse_number(value)  # Western or Eastern Arabic digits
            except ValueError:
                self._load_cues()
                return
        self._push(tr("Inspector", "Cue"),
                   lambda p, s, v: edits.update_cue(p, s, row, **{key: v}), value, False)

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Inspector", "Import subtitles"), "",
            tr("Inspector", "Subtitles (*.srt *.vtt *.ass *.ssa);;All files (*)"))
        if path:
            self.import_subtitles(path)

    def import_subtitles(self, path: str) -> None:
        from creator_kit.core.errors import InputError
        from creator_kit.text.subs import fix_with_notes, load_subs

        try:
            subs = load_subs(path)
        except InputError as exc:
            self.notes.setText(user_message(exc))
            return
        cues, notes = fix_with_notes(subs.cues)
        self.notes.setText("\n".join((*subs.notes, *notes)))
        self._push(tr("Inspector", "Import subtitles"),
                   lambda p, s, v: edits.set_cues(p, s, v), tuple(cues), False)

    def _export(self) -> None:
        assert self.project is not None
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Inspector", "Export subtitles"), "captions.srt",
            tr("Inspector", "SubRip (*.srt);;WebVTT (*.vtt);;ASS (*.ass)"))
        if not path:
            return
        from creator_kit.core.errors import CreatorKitError
        from creator_kit.text.subs import save_subs

        layer = _layer(self.project, self.selection)
        cues = layer.cues or (Cue(layer.start, layer.end or layer.start + 5.0, layer.text),)
        try:
            save_subs(cues, path, overwrite=True)  # the file dialog asked already
        except CreatorKitError as exc:
            self.notes.setText(user_message(exc))


def _style_name(layer: CaptionLayer) -> str | None:
    for name, style in STYLES.items():
        if dataclasses.replace(layer.style, font_family=style.font_family,
                               size_px=style.size_px, fill=style.fill) == style:
            return name
    return None


class StickerPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Sticker"))
        lang = language()
        self.combo(tr("Inspector", "Sticker"),
                   [(e.name, e.title(lang)) for e in catalogue.stickers()],
                   lambda p, s: _layer(p, s).name,
                   lambda p, s, v: edits.update_layer(p, s, name=v))
        self.combo(tr("Inspector", "Language"), [("ar", "العربية"), ("en", "English")],
                   lambda p, s: _layer(p, s).language,
                   lambda p, s, v: edits.update_layer(p, s, language=v))
        self.line(tr("Inspector", "Label"), lambda p, s: _layer(p, s).text,
                  lambda p, s, v: edits.update_layer(p, s, text=v or None),
                  tip=tr("Inspector", "Empty: the sticker's own words"))
        self.colour(tr("Inspector", "Colour"), lambda p, s: _layer(p, s).colour,
                    lambda p, s, v: edits.update_layer(p, s, colour=v))
        self.number(tr("Inspector", "Width"), 0.03, 1.0, 0.01, lambda p, s: _sticker_width(p, s),
                    lambda p, s, v: _set_sticker_width(p, s, v),
                    tip=tr("Inspector", "Fraction of the frame width; resize on the preview"))
        self.slot_box = self.slot_row()
        self.timing_rows()
        self.look_rows()


def _sticker_width(p: Project, s: str | None) -> float:
    layer = _layer(p, s)
    if layer.placement is not None and layer.placement.width is not None:
        return float(layer.placement.width)
    return float(layer.width)


def _set_sticker_width(p: Project, s: str | None, v: float) -> Project:
    assert s is not None
    layer = _layer(p, s)
    if layer.placement is not None:
        return edits.set_placement(p, s, dataclasses.replace(layer.placement, width=v))
    return edits.update_layer(p, s, width=v)


class TipPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Tip card"))
        lang = language()
        self.combo(tr("Inspector", "Tip"), [(e.name, e.title(lang)) for e in catalogue.tip_cards()],
                   lambda p, s: _layer(p, s).tip,
                   lambda p, s, v: edits.update_layer(p, s, tip=v))
        self.combo(tr("Inspector", "Language"), [("ar", "العربية"), ("en", "English")],
                   lambda p, s: _layer(p, s).language,
                   lambda p, s, v: edits.update_layer(p, s, language=v))
        self.colour(tr("Inspector", "Colour"), lambda p, s: _layer(p, s).colour,
                    lambda p, s, v: edits.update_layer(p, s, colour=v))
        self.slot_box = self.slot_row()
        self.timing_rows()
        self.look_rows()


class MaskPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Face mask"))
        lang = language()
        self.combo(tr("Inspector", "Style"), [(e.name, e.title(lang)) for e in catalogue.masks()],
                   lambda p, s: _layer(p, s).settings.style,
                   lambda p, s, v: edits.update_face_mask(p, s, style=v))
        self.line(tr("Inspector", "Faces (track ids)"),
                  lambda p, s: ",".join(map(str, _layer(p, s).settings.tracks or ())),
                  lambda p, s, v: edits.update_face_mask(p, s, tracks=_tracks(v)),
                  tip=tr("Inspector", "Empty: every face; else ids like 1,3 (shown with the "
                                      "face boxes overlay)"))
        self.number(tr("Inspector", "Size"), 0.5, 2, 0.05, lambda p, s: _layer(p, s).settings.scale,
                    lambda p, s, v: edits.update_face_mask(p, s, scale=v))
        self.number(tr("Inspector", "Fade"), 0, 3, 0.05, lambda p, s: _layer(p, s).settings.fade,
                    lambda p, s, v: edits.update_face_mask(p, s, fade=v), " s")
        self.number(tr("Inspector", "Opacity"), 0, 1, 0.05,
                    lambda p, s: _layer(p, s).settings.opacity,
                    lambda p, s, v: edits.update_face_mask(p, s, opacity=v))
        self.timing_rows()


def _tracks(text: str) -> tuple[int, ...] | None:
    ids = []
    for part in text.replace("،", ",").split(","):
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
        elif part:
            raise edits.EditError(f"{part!r} is not a face track id")
    return tuple(ids) or None


class ImagePage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Image"))
        self.number(tr("Inspector", "Width"), 0.01, 4, 0.01,
                    lambda p, s: _placement(p, s).width or 0.3,
                    lambda p, s, v: edits.set_placement(
                        p, s, dataclasses.replace(_placement(p, s), width=v)))
        self.timing_rows()
        self.look_rows()


class ClipPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Clip"))
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(tr("Inspector", "File"), self.source)
        self.add_loader(lambda: self.source.setText(self._clip().source), self.source)
        self.number(tr("Inspector", "In"), 0, 86_400, 0.1, lambda p, s: self._clip(p).start,
                    lambda p, s, v: edits.trim_clip(p, _clip_index(s), v, self._clip(p).end),
                    " s")
        self.number(tr("Inspector", "Out (0 = to the end)"), 0, 86_400, 0.1,
                    lambda p, s: self._clip(p).end or 0.0,
                    lambda p, s, v: edits.trim_clip(p, _clip_index(s), self._clip(p).start,
                                                    v or None), " s")
        self.combo(tr("Inspector", "When the sound is longer"),
                   [("cut", tr("Inspector", "Cut the sound")),
                    ("freeze", tr("Inspector", "Hold the last frame"))],
                   lambda p, s: self._clip(p).tail,
                   lambda p, s, v: _set_tail(p, _clip_index(s), v))

    def _clip(self, p: Project | None = None) -> Any:
        p = p or self.project
        assert p is not None
        return p.clips[min(_clip_index(self.selection), len(p.clips) - 1)]


def _clip_index(sel: str | None) -> int:
    return int((sel or "clip:0").split(":", 1)[1])


def _set_tail(p: Project, i: int, tail: str) -> Project:
    clips = list(p.clips)
    clips[i] = dataclasses.replace(clips[i], tail=tail)  # type: ignore[arg-type]
    return p.replace(clips=tuple(clips))


class CardPage(Page):
    def __init__(self) -> None:
        super().__init__(tr("Inspector", "Closing card"))
        self.number(tr("Inspector", "Duration"), 0.5, 30, 0.5,
                    lambda p, s: (p.card or ClosingCard()).duration,
                    lambda p, s, v: edits.update_card(p, duration=v), " s", 1)
        self.combo(tr("Inspector", "Background"),
                   [("colour", tr("Inspector", "Colour")),
                    ("gradient", tr("Inspector", "Gradient")),
                    ("last-frame", tr("Inspector", "Last frame, blurred")),
                    ("image", tr("Inspector", "Image"))],
                   lambda p, s: (p.card or ClosingCard()).background.kind,
                   lambda p, s, v: edits.update_card_background(p, kind=v))
        self.colour(tr("Inspector", "Colour"),
                    lambda p, s: (p.card or ClosingCard()).background.colour,
                    lambda p, s, v: edits.update_card_background(p, colour=v))
        self.colour(tr("Inspector", "Second colour"),
                    lambda p, s: (p.card or ClosingCard()).background.colour2,
                    lambda p, s, v: edits.update_card_background(p, colour2=v))
        # One field per text on the card, labelled by what it is (core.edits.card_texts).
        self.texts: dict[str, CaptionEdit] = {}
        self._roles: dict[str, str] = {}  # role -> caption id, kept while the user types
        self._role_ids: frozenset[str] = frozenset()
        self._labels: dict[str, str] = {}
        rows: tuple[tuple[edits.CardRole, str, str, str], ...] = (
                ("headline", tr("Inspector", "Headline"),
                 tr("Inspector", "The big line on the card (the campaign's slogan)"),
                 "لا تنسوا الكمامة"),
                ("hashtags", tr("Inspector", "Hashtags"),
                 tr("Inspector", "The campaign hashtags on the card"),
                 "#لاتنسواالكمامة #MaskUp"),
                ("cta", tr("Inspector", "Call to action"),
                 tr("Inspector", "What the viewer should do, on a box like a button"),
                 "ارتدِ الكمامة واحمِ غيرك"),
                ("handle", tr("Inspector", "Your handle"),
                 tr("Inspector", "Your account name, shown small at the bottom of the card"),
                 "@salma"))
        for role, label, tip, example in rows:
            edit = CaptionEdit()  # right-to-left aware, hashtags shown as the video shows them
            edit.setToolTip(tip)
            edit.setPlaceholderText(example)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(64)
            edit.textChanged.connect(functools.partial(self._text_changed, role))
            self.form.addRow(label, edit)
            self.texts[role] = edit
            self._labels[role] = label
        self.add_loader(self._load_texts, *self.texts.values())
        self.logos = QListWidget()
        self.logos.setToolTip(tr("Inspector", "The logos on the card, from left to right"))
        self.logos.setMaximumHeight(100)
        self.form.addRow(tr("Inspector", "Logos"), self.logos)
        self.add_logo = QPushButton(tr("Inspector", "Add logo…"))
        self.add_logo.clicked.connect(self._add_logo)
        self.remove_logo = QPushButton(tr("Inspector", "Remove"))
        self.remove_logo.setToolTip(tr("Inspector", "Take the selected logo off the card"))
        self.remove_logo.clicked.connect(self._remove_logo)
        self.logo_left = QPushButton(tr("Inspector", "Move left"))
        self.logo_left.clicked.connect(lambda: self._move_logo(-1))
        self.logo_right = QPushButton(tr("Inspector", "Move right"))
        self.logo_right.clicked.connect(lambda: self._move_logo(1))
        # Two rows of two: four buttons side by side would widen every page of the inspector.
        buttons = QGridLayout()
        for i, b in enumerate((self.add_logo, self.remove_logo, self.logo_left, self.logo_right)):
            buttons.addWidget(b, i // 2, i % 2)
        self.form.addRow("", buttons)
        self.logos.currentRowChanged.connect(lambda _r: self._enable_logo_buttons())
        self.add_loader(self._load_logos, self.logos)

    def _load_texts(self) -> None:
        assert self.project is not None
        card = self.project.card
        ids = frozenset(la.id for la in card.layers if isinstance(la, CaptionLayer)) \
            if card else frozenset()
        # The roles found before hold while the card has the same texts (one being retyped
        # keeps its field); another card (a template applied, a project opened) starts afresh.
        keep = self._roles if ids == self._role_ids else None
        self._roles, self._role_ids = edits.card_texts(self.project, keep), ids
        for role, edit in self.texts.items():
            layer_id = self._roles.get(role)
            text = _layer(self.project, layer_id).text if layer_id else ""
            if edit.toPlainText() != text:
                edit.set_caption(text)

    def _text_changed(self, role: edits.CardRole) -> None:
        roles = dict(self._roles)  # the edit (and its redo) finds the same caption
        # Typing in one field is one undo step (merged), apart from the other fields.
        self._push(self._labels[role],
                   lambda p, _s, v: edits.set_card_text(p, role, v, roles),
                   self.texts[role].toPlainText(), True)

    def logo_ids(self, p: Project | None = None) -> list[str]:
        """The card's image layers, left to right as they show."""
        p = p or self.project
        card = p.card if p is not None else None
        if card is None:
            return []
        images = [la for la in card.layers if isinstance(la, ImageLayer)]
        images.sort(key=lambda la: (la.placement.x, la.placement.y))
        return [la.id for la in images]

    def _load_logos(self) -> None:
        assert self.project is not None
        from pathlib import Path

        ids = self.logo_ids()
        names = [Path(_layer(self.project, i).path).name for i in ids]
        current = self.logos.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        shown = [(self.logos.item(r).data(Qt.ItemDataRole.UserRole), self.logos.item(r).text())
                 for r in range(self.logos.count())]
        if shown != [(i, "\u200e" + n) for i, n in zip(ids, names, strict=True)]:
            self.logos.clear()
            for i, n in zip(ids, names, strict=True):
                item = QListWidgetItem("\u200e" + n)  # a file name reads left to right
                item.setData(Qt.ItemDataRole.UserRole, i)
                item.setToolTip(_layer(self.project, i).path)
                self.logos.addItem(item)
            if keep in ids:
                self.logos.setCurrentRow(ids.index(keep))
        self._enable_logo_buttons()

    def _enable_logo_buttons(self) -> None:
        row, n = self.logos.currentRow(), self.logos.count()
        self.remove_logo.setEnabled(row >= 0)
        self.logo_left.setEnabled(row > 0)
        self.logo_right.setEnabled(0 <= row < n - 1)

    def _logo_paths(self, p: Project) -> list[str]:
        return [_layer(p, i).path for i in self.logo_ids(p)]

    def _set_logos(self, text: str, change: Callable[[list[str]], list[str]]) -> None:
        from creator_kit.templates.apply import set_card_logos

        self._push(text, lambda p, _s, v: set_card_logos(p, v(self._logo_paths(p))),
                   change, False)

    def _remove_logo(self) -> None:
        row = self.logos.currentRow()
        if row >= 0:
            self._set_logos(tr("Inspector", "Remove logo"),
                            lambda paths: paths[:row] + paths[row + 1:])

    def _move_logo(self, step: int) -> None:
        row = self.logos.currentRow()
        if not 0 <= row + step < self.logos.count() or row < 0:
            return

        def swap(paths: list[str]) -> list[str]:
            paths = list(paths)
            paths[row], paths[row + step] = paths[row + step], paths[row]
            return paths

        self._set_logos(tr("Inspector", "Move logo"), swap)
        self.logos.setCurrentRow(row + step)  # the moved logo stays selected
        self._enable_logo_buttons()

    def _add_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Inspector", "Logo"), "",
            tr("Inspector", "Images (*.png *.jpg *.jpeg *.webp *.svg)"))
        if path:
            self.add_logo_file(path)

    def add_logo_file(self, path: str) -> None:
        """Put the image ``path`` on the card after the logos it has (one undo step)."""
        self._set_logos(tr("Inspector", "Add logo"), lambda paths: [*paths, path])


class InspectorPanel(QScrollArea):
    """Shows the page for the current selection; ``edit_requested`` carries its edits."""

    edit_requested = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.stack = QStackedWidget()
        self.setWidget(self.stack)
        self.empty = QLabel(tr("Inspector", "Open a clip to start"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty)
        self.pages: dict[str, Page] = {
            "project": ProjectPage(), "caption": CaptionPage(), "sticker": StickerPage(),
            "tip-card": TipPage(), "face-mask": MaskPage(), "image": ImagePage(),
            "clip": ClipPage(), "card": CardPage(),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
            page.edit_requested.connect(self.edit_requested)
        self.project: Project | None = None
        self.selection: str | None = None

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self._show()

    def set_selection(self, selection: str | None) -> None:
        self.selection = selection
        self._show()

    def page_for(self, selection: str | None) -> str:
        if self.project is None:
            return ""
        if selection is None or selection == "project":
            return "project"
        if selection.startswith("clip:"):
            return "clip"
        if selection == "card":
            return "card"
        try:
            layer = edits.find_layer(self.project, selection)
        except edits.EditError:
            return "project"
        return {CaptionLayer: "caption", StickerLayer: "sticker", TipCardLayer: "tip-card",
                FaceMaskLayer: "face-mask", ImageLayer: "image"}[type(layer)]

    def current_page(self) -> Page | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, Page) else None

    def _show(self) -> None:
        key = self.page_for(self.selection)
        if not key or self.project is None:
            self.stack.setCurrentWidget(self.empty)
            return
        page = self.pages[key]
        sel = self.selection if key not in ("project",) else None
        page.load(self.project, sel)
        self.stack.setCurrentWidget(page)


if __name__ == "__main__":  # run alone: python -m creator_kit.gui.inspector clip.mp4
    import sys

    from creator_kit.core.model import ClipRef
    from creator_kit.gui.app import make_app

    app = make_app()
    panel = InspectorPanel()
    state = {"p": Project(clips=(ClipRef(sys.argv[1] if len(sys.argv) > 1 else "clip.mp4"),),
                          layers=(CaptionLayer(text="لا تنسوا الكمامة #MaskUp"),))}

    def on_edit(text: str, fn: Callable[[Project], Project], _key: object) -> None:
        state["p"] = fn(state["p"])
        panel.set_project(state["p"])
        print(text)

    panel.edit_requested.connect(on_edit)
    panel.set_project(state["p"])
    panel.set_selection("caption-1")
    panel.resize(380, 700)
    panel.show()
    app.exec()
