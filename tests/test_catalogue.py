"""The library catalogue lists everything without loading the render engine or Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from creator_kit.core.face_settings import MASK_STYLES
from creator_kit.core.model import STICKER_NAMES, TIP_NAMES
from creator_kit.graphics import catalogue


def test_catalogue_lists_every_kind_in_both_languages():
    assert [e.name for e in catalogue.stickers()] == list(STICKER_NAMES)
    assert [e.name for e in catalogue.tip_cards()] == list(TIP_NAMES)
    assert [e.name for e in catalogue.masks()] == list(MASK_STYLES)
    assert all(e.preview is not None and e.preview.is_file() for e in catalogue.masks())
    names = [e.name for e in catalogue.templates()]
    assert "maskup" in names
    maskup = next(e for e in catalogue.templates() if e.name == "maskup")
    assert maskup.title("en") == "Mask Up" and maskup.title("ar") == "لا تنسوا الكمامة"
    assert {"Noto Sans Arabic", "Lemonada"} <= {e.name for e in catalogue.fonts()}


def test_listing_imports_no_engine():
    code = ("import json, sys\n"
            "from creator_kit.graphics import catalogue as c\n"
            "c.stickers(); c.tip_cards(); c.masks(); c.templates(); c.fonts()\n"
            "drawing = ('creator_kit.render', 'creator_kit.text', 'creator_kit.graphics.stickers', "
            "'creator_kit.graphics.tip_cards', 'creator_kit.graphics.drawing')\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('cv2', 'PySide6', 'av', 'PIL') or m.startswith(drawing))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert json.loads(out) == []


def test_a_broken_user_template_is_still_listed(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "template.json").write_text("{not json", encoding="utf-8")
    entry = [e for e in catalogue.templates(tmp_path) if e.name == "mine"]
    assert entry and entry[0].title("en") == "mine"
