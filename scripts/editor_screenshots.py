"""Screenshots of every editor panel, in English and Arabic, for review and the README.

    python scripts/editor_screenshots.py OUT_DIR [--lang ar|en]

Run it under a real display (Xvfb works: ``Xvfb :99 & DISPLAY=:99 python ...``). Writes
``<lang>-window.png`` (the sample project with its caption selected), ``<lang>-export.png``,
``<lang>-batch.png`` (a sheet with problems), ``<lang>-templates.png`` and
``<lang>-relink.png``. Each language runs in its own process (the layout direction is set
when the application starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def shoot(out: Path, lang: str) -> None:
    from PySide6.QtWidgets import QWidget

    from creator_kit.core.model import CaptionLayer, ClipRef, Project
    from creator_kit.gui.app import make_app
    from creator_kit.gui.launch import settle
    from creator_kit.gui.main_window import MainWindow
    from scripts.make_gui_sample import sample_project

    make_app(lang)
    project = sample_project()

    def grab(widget: QWidget, name: str) -> None:
        widget.show()
        settle(1.0)
        widget.grab().save(str(out / f"{lang}-{name}.png"))

    w = MainWindow(autosave=False, recovery=False)
    w.resize(1600, 1000)
    w.show()
    w.open_project(project)

    def ready() -> bool:
        s = w.player.session()
        return s is not None and bool(s.faces_ready)

    settle(300.0, ready)
    caption = next(la for la in w.project.layers if isinstance(la, CaptionLayer))
    w.model.select(caption.id)
    w.player.seek(2.0)
    settle(3.0)
    grab(w, "window")

    dlg = w.export()
    assert dlg is not None
    grab(dlg, "export")
    dlg.close()

    from creator_kit.gui.batch_panel import BatchPanel

    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "sheet.csv"
        sheet.write_text("input,output,caption\nmissing.mp4,a.mp4,مرحبا\n,b.mp4,\n",
                         encoding="utf-8")
        panel = BatchPanel()
        panel.resize(900, 500)
        panel.sheet.setText(str(sheet))
        panel.out_dir.setText(str(Path(tmp) / "out"))
        panel.check()
        settle(10.0, lambda: panel.check_btn.isEnabled())
        grab(panel, "batch")

    from creator_kit.gui.templates_dialog import TemplateDialog

    w.library.show_tab("template")
    settle(120.0, lambda: len(w.library.template_images) >= 4)
    tdlg = TemplateDialog(w, w.library.template_images)
    grab(tdlg, "templates")
    tdlg.close()

    from creator_kit.gui.relink_dialog import RelinkDialog

    moved = Project(clips=(ClipRef("/media/usb-drive/holiday/selfie.mp4"),
                           ClipRef(str(project.parent / "sample-selfie.mp4"))))
    rdlg = RelinkDialog(moved, w)
    grab(rdlg, "relink")
    rdlg.close()
    w.model.document = None
    w.close()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots").absolute()
    out.mkdir(parents=True, exist_ok=True)
    if "--lang" in sys.argv:
        shoot(out, sys.argv[sys.argv.index("--lang") + 1])
        sys.stdout.flush()
        os._exit(0)  # see creator_kit.gui.launch._exit_now
    for lang in ("en", "ar"):
        code = subprocess.call([sys.executable, __file__, str(out), "--lang", lang], cwd=ROOT)
        if code:
            return code
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
