"""The inspector: every setting of whatever is selected (project, clip, layer, closing card).

Each page binds widgets to the project with small getter/setter pairs. Widgets write the
model only through ``edit_requested(text, edit, merge_key)`` (the window pushes it on the undo
stack); when the project comes back the page reloads with signals blocked and leaves alone a
widget that already shows the value, so typing is never interrupted (no echo loop).
Run alone: ``python -m creator_kit.gui.inspector clip.mp4``.
"""

from __future__ import annotations

import dataclasses
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
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
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
              tip: str = "") -> QComboBox:
        w = QComboBox()
        for value, text in options:
            w.addItem(text, value)
        w.setToolTip(tip)
        w.currentIndexChanged.connect(lambda _i: self._push(label, set_, w.currentData(), False))

        def load() -> None:
            assert self.project is not None
            i = w.findData(get(self.project, self.selection))
            if i >= 0 and i != w.currentIndex():
                w.setCurrentIndex(i)

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
        for field, label in (("enter", tr("Inspector", "Entrance")),
                             ("exit", tr("Inspector", "Exit"))):
            self.combo(label, [(a, tr("Inspector", a)) for a in ANIMATIONS],
                       _anim_getter(field), _anim_setter(field))


def _anim_getter(field: str) -> Getter:
    return lambda p, s: getattr(_layer(p, s), field).kind


def _anim_setter(field: str) -> Setter:
    return lambda p, s, v: edits.update_layer(
        p, s, **{field: dataclasses.replace(getattr(_layer(p, s), field), kind=v)})


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
        self.combo(tr("Inspector", "Style"), [(n, tr("Inspector", n)) for n in STYLES],
                   lambda p, s: _style_name(_layer(p, s)),
                   lambda p, s, v: edits.set_caption_style(p, s, STYLES[v]))
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
        self.combo(tr("Inspector", "Slot"), [(v, tr("Inspector", v)) for v in SLOTS],
                   lambda p, s: _layer(p, s).slot,
                   lambda p, s, v: edits.update_layer(p, s, slot=v, placement=None))
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
        self.combo(tr("Inspector", "Slot"), [(v, tr("Inspector", v)) for v in SLOTS],
                   lambda p, s: _layer(p, s).slot,
                   lambda p, s, v: edits.update_layer(p, s, slot=v, placement=None))
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
        self.hashtags = QLineEdit()
        self.hashtags.setToolTip(tr("Inspector", "Hashtags and call to action on the card"))
        self.hashtags.setPlaceholderText("#لاتنسواالكمامة #MaskUp")
        self.hashtags.textEdited.connect(self._hashtags_edited)
        self.form.addRow(tr("Inspector", "Card text"), self.hashtags)
        self.add_loader(self._load_hashtags, self.hashtags)
        logo = QPushButton(tr("Inspector", "Add logo…"))
        logo.clicked.connect(self._add_logo)
        self.form.addRow(tr("Inspector", "Logos"), logo)

    def _card_caption(self, p: Project) -> CaptionLayer | None:
        card = p.card
        return next((la for la in card.layers if isinstance(la, CaptionLayer)), None) \
            if card else None

    def _load_hashtags(self) -> None:
        assert self.project is not None
        cap = self._card_caption(self.project)
        text = cap.text if cap else ""
        if self.hashtags.text() != text:
            self.hashtags.setText(text)

    def _hashtags_edited(self, text: str) -> None:
        def set_(p: Project, _s: str | None, v: str) -> Project:
            p = p if p.card is not None else edits.set_card(p, ClosingCard())
            cap = self._card_caption(p)
            if cap is None:
                return edits.add_layer(p, CaptionLayer(text=v, style=STYLES["bold-box"]),
                                       where="card")[0]
            return edits.set_caption_text(p, cap.id, v)

        self._push(tr("Inspector", "Card text"), set_, text, True)

    def _add_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Inspector", "Logo"), "",
            tr("Inspector", "Images (*.png *.jpg *.jpeg *.webp *.svg)"))
        if path:
            def set_(p: Project, _s: str | None, v: str) -> Project:
                p = p if p.card is not None else edits.set_card(p, ClosingCard())
                return edits.add_layer(p, ImageLayer(path=v, placement=Placement(
                    x=0.5, y=0.3, width=0.4)), where="card")[0]

            self._push(tr("Inspector", "Add logo"), set_, path, False)


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
