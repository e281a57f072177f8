"""The editor's translations: complete, in step with the code, loaded, and used for errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from creator_kit.core.atomic import atomic_write
from creator_kit.core.errors import Cancelled, CreatorKitError, InputError
from creator_kit.core.settings import Settings, validate
from creator_kit.media.probe import probe
from tests.guiapp import editor_app

editor_app("en")

from creator_kit.gui import app as gui_app  # noqa: E402
from creator_kit.gui.main_window import MainWindow  # noqa: E402
from creator_kit.gui.messages import user_message  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402

TS = translations.ts_path("ar")
PLACEHOLDER = re.compile(r"\{\w*\}|%\w+%|%\d")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> <translation> of every live message in ``ts``."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            if tr.get("type") in ("vanished", "obsolete"):
                continue
            out[(name, msg.findtext("source") or "")] = tr
    return out


def test_ts_file_is_in_step_with_the_code(tmp_path):
    # lupdate over today's gui/ into a copy: a string added, changed or removed in the code
    # changes the copy's message set, and then the committed .ts is out of date.
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    translations.update(copy, "ar")
    committed, fresh = set(messages(TS)), set(messages(copy))
    assert fresh - committed == set(), "new strings: run `make translations` and translate them"
    assert committed - fresh == set(), "strings no longer in the code: run `make translations`"
    # A string read without its context means a translate helper lupdate does not know.
    assert all(ctx for ctx, _ in fresh), [m for m in fresh if not m[0]]
    assert len(fresh) > 250  # the extraction saw the editor (menus, panels, dialogs)


def test_arabic_translation_is_complete_and_keeps_placeholders():
    found = messages(TS)
    for (ctx, source), tr in found.items():
        text = tr.text or ""
        assert text.strip() and tr.get("type") is None, f"{ctx}: {source!r} is not translated"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
            ctx, source, text)
        assert ("&" in source) == ("&" in text), (ctx, source, text)
        if re.search(r"[A-Za-z]{3}", source) and not re.search(r"\*\.|creator-kit|://", source):
            # Translated, not copied: Arabic letters in every message with English words.
            assert re.search(r"[\u0600-\u06ff]", text), (ctx, source, text)
    # A string in a table, read through QT_TRANSLATE_NOOP (lupdate cannot read a variable).
    assert found[("Inspector", "fade")].text == "تلاشٍ"


def test_qm_is_built_from_the_ts_and_translates(tmp_path):
    qm, = translations.build(tmp_path)
    from PySide6.QtCore import QTranslator

    t = QTranslator()
    assert t.load(str(qm))
    assert t.translate("Main", "&File") == "&ملف"
    assert t.translate("Messages", "file not found") == "الملف غير موجود"
    # The installed copy the editor loads is the same build (make rebuilds it from the .ts).
    assert (gui_app.translations_dir() / qm.name).read_bytes() == qm.read_bytes()


def test_qt_ships_arabic_for_the_standard_dialogs():
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (folder / "qtbase_ar.qm").is_file()


@pytest.fixture
def arabic():
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert gui_app.set_language(app, "ar") == []
    yield app
    gui_app.set_language(app, "en")


def test_main_window_in_arabic(qtbot, arabic, tmp_path, monkeypatch):
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    w = MainWindow(autosave=False, recovery=False)
    qtbot.addWidget(w)
    w.show()
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[:2] == ["&ملف", "&تحرير"], titles
    assert w.isRightToLeft() and arabic.layoutDirection() == Qt.LayoutDirection.RightToLeft
    texts = {a.text() for m in w.menuBar().actions() if m.menu() for a in m.menu().actions()}
    assert {"فتح مقطع…", "حفظ", "تصدير…", "تراجع"} <= texts
    # Qt's own words in a standard dialog come from qtbase_ar.
    box = QMessageBox(QMessageBox.Icon.Question, "x", "y",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    buttons = box.findChild(QDialogButtonBox)
    assert buttons is not None
    words = {b.text().replace("&", "") for b in buttons.buttons()}
    assert words == {"نعم", "ألغِ"}, words  # Qt's own wording
    w.close()


def test_missing_or_broken_qm_and_unknown_language_fall_back_to_english(tmp_path, monkeypatch):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setattr(gui_app, "translations_dir", lambda: tmp_path)
    try:
        notes = gui_app.set_language(app, "ar")
        assert len(notes) == 1 and "no translation" in notes[0] and "English" in notes[0]
        assert gui_app.language() == "en" and not app.isRightToLeft()
        assert QCoreApplication.translate("Main", "&File") == "&File"
        (tmp_path / "creator_kit_ar.qm").write_bytes(b"\x3c\xb8\x64\x18" + b"garbage" * 50)
        notes = gui_app.set_language(app, "ar")
        assert len(notes) == 1 and "cannot be loaded" in notes[0]
        assert gui_app.language() == "en" and not app.isRightToLeft()
        notes = gui_app.set_language(app, "xx")
        assert notes and gui_app.language() == "en"
        assert gui_app.shipped_languages() == ["en", "ar"]  # the broken file is still there
    finally:
        monkeypatch.undo()
        gui_app.set_language(app, "en")


def _errors(tmp_path: Path) -> dict[str, CreatorKitError]:
    """Real errors raised by the engine for the common problems, by key."""
    found: dict[str, CreatorKitError] = {}

    def catch(fn, *args, **kw):
        with pytest.raises(CreatorKitError) as info:
            fn(*args, **kw)
        assert info.value.key, info.value.message
        found[info.value.key] = info.value

    catch(probe, tmp_path / "gone.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("hello, not a video\n", encoding="utf-8")
    catch(probe, text)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(4000))
    catch(probe, cut)
    out = tmp_path / "out.mp4"
    out.write_bytes(b"x")
    catch(atomic_write, out, b"y", overwrite=False)
    catch(validate, {**Settings().to_data(), "autosave_seconds": -5})
    found["cancelled"] = Cancelled()
    return found


def test_engine_errors_keep_the_cli_english_and_translate_in_the_gui(tmp_path, arabic):
    errors = _errors(tmp_path)
    assert set(errors) == {"not-found", "not-a-video", "incomplete-file", "output-exists",
                           "bad-value", "cancelled"}
    # The CLI's line is unchanged English...
    assert errors["not-found"].message == f"{tmp_path / 'gone.mp4'}: file not found"
    assert errors["output-exists"].message.endswith("use --overwrite to replace it")
    # ...the editor says it in Arabic, with the Latin path kept whole (isolated).
    shown = user_message(errors["not-found"])
    assert shown == f"\u2068{tmp_path / 'gone.mp4'}\u2069: الملف غير موجود"
    assert "يوجد ملف بهذا الاسم" in user_message(errors["output-exists"])
    assert "غير مكتمل" in user_message(errors["incomplete-file"])
    assert "ليس فيديو" in user_message(errors["not-a-video"])
    assert user_message(errors["cancelled"]) == "أُلغيت العملية؛ لم يُحفظ أي ملف"
    bad = user_message(errors["bad-value"])
    assert "قيمة غير مقبولة في «autosave_seconds»" in bad and "must be between" in bad
    # An error without a key, and any other exception, show their English text.
    assert user_message(InputError("something rare", "a.mp4")) == "a.mp4: something rare"
    assert user_message(ValueError("boom")) == "boom"


def test_english_interface_shows_the_engines_own_words(tmp_path):
    for err in _errors(tmp_path).values():
        assert user_message(err) == err.message


def test_disk_full_and_permission_denied_have_keys():
    from creator_kit.core.files import os_key, os_problem

    full, denied = OSError(28, "No space left on device"), OSError(13, "Permission denied")
    assert (os_key(full), os_problem(full)) == ("disk-full", "disk full")
    assert (os_key(denied), os_problem(denied)) == ("permission-denied", "permission denied")
    assert os_key(OSError(5, "Input/output error")) is None
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    gui_app.set_language(app, "ar")
    try:
        err = InputError("cannot read clip (permission denied)", "/x/a.mp4", key=os_key(denied))
        assert user_message(err).endswith(": تم رفض الإذن: لا تملك صلاحية القراءة أو الكتابة "
                                          "في هذا الملف أو المجلد")
    finally:
        gui_app.set_language(app, "en")


def test_render_protocol_error_carries_the_key_for_the_export_dialog(tmp_path, arabic):
    from creator_kit.gui.messages import event_message
    from creator_kit.render.job import parse_event

    gone = tmp_path / "gone.ckproj"
    res = subprocess.run([sys.executable, "-m", "creator_kit.cli.main", "render", str(gone),
                          "-o", str(tmp_path / "o.mp4"), "--progress", "json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines()[-1] == f"error: {gone}: project file not found"
    event = parse_event(res.stdout.strip().splitlines()[-1])
    assert event is not None and event.name == "error"
    assert event.data["message"] == f"{gone}: project file not found"
    assert event_message(event.data) == f"\u2068{gone}\u2069: الملف غير موجود"
    # An older or foreign error event (message only) is shown as it is.
    assert event_message({"message": "x.mp4: odd"}) == "x.mp4: odd"


# Widget calls whose first argument is text the user reads.
SHOWS_TEXT = {"setText", "setToolTip", "setStatusTip", "setWhatsThis", "setPlaceholderText",
              "setWindowTitle", "setTitle", "addItem", "addMenu", "addAction", "addTab",
              "showMessage", "setSpecialValueText", "setSuffix", "setPrefix", "QLabel",
              "QPushButton", "QToolButton", "QCheckBox", "QRadioButton", "QGroupBox",
              "QAction", "QDockWidget", "QMenu", "setHorizontalHeaderLabels"}
# Text that is the same in every language: names, examples of what to type, symbols.
NOT_WORDS = {"creator-kit", "English", "my-campaign", "#لاتنسواالكمامة #MaskUp", " LUFS",
             " s", " dB"}


def untranslated_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of English words handed straight to a widget, not through tr()."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SHOWS_TEXT:
            continue
        first = node.args[0]
        parts = ([first] if isinstance(first, ast.Constant) else
                 [v for v in first.values if isinstance(v, ast.Constant)]
                 if isinstance(first, ast.JoinedStr) else [])
        for part in parts:
            text = part.value
            if (isinstance(text, str) and re.search(r"[A-Za-z]{2}", text)
                    and text.strip(" —-") not in NOT_WORDS and text not in NOT_WORDS):
                found.append((node.lineno, text))
    return found


def test_every_user_visible_literal_in_gui_goes_through_tr():
    bad = {}
    for path in translations.sources():
        hits = untranslated_literals(path.read_text(encoding="utf-8"))
        if hits:
            bad[path.name] = hits
    assert bad == {}, f"wrap these in tr(context, text): {bad}"
    # The check itself sees a raw English label, and lets a translated one through.
    assert untranslated_literals('QPushButton("Save")\nb.setText(f"{n} files")') == [
        (1, "Save"), (2, " files")]
    assert untranslated_literals('QPushButton(tr("Main", "Save"))') == []
