"""Captions render the same pixels whatever fonts the machine has (issue: hermetic fonts).

Each render runs in a fresh process, because fontconfig reads its configuration once per
process: one process sees a machine with no fonts at all, the other a machine with extra
fonts (one that has the glyphs the bundled chain lacks, and copies under the user's own font
folder). The two captions must be byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from creator_kit.text.fonts import BUNDLED_FILES, SYSTEM_FONT_DIRS, _family_names, fonts_dir
from creator_kit.text.qtapp import uses_fontconfig

ROOT = Path(__file__).resolve().parents[1]
# Arabic, Latin, an emoji from the bundled subset, and an Egyptian hieroglyph no bundled font has.
TEXT = "حافظ على مسافة 2 m \U0001f637 \U00013000 #MaskUp"

_RENDER = """
import hashlib, json, sys
from PySide6.QtGui import QFontDatabase
from creator_kit.core.captions import CaptionStyle
from creator_kit.text.engine import render_caption
family = sys.argv[2] if len(sys.argv) > 2 else "Noto Sans Arabic"
img = render_caption(sys.argv[1], CaptionStyle(font_family=family), 900)
print(json.dumps({
    "shape": list(img.rgba.shape),
    "sha": hashlib.sha256(img.rgba.tobytes()).hexdigest(),
    "warnings": list(img.warnings),
    "families": sorted(QFontDatabase.families()),
}))
"""

pytestmark = pytest.mark.skipif(not uses_fontconfig(), reason="fontconfig set-ups are Linux/BSD")


def _conf(path: Path, dirs: list[Path]) -> Path:
    body = "".join(f"<dir>{d}</dir>" for d in dirs)
    path.write_text(f'<?xml version="1.0"?><fontconfig>{body}</fontconfig>\n')
    return path


def _render(tmp: Path, name: str, conf: Path, home: Path, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FONTCONFIG"))}
    env.update(
        FONTCONFIG_FILE=str(conf),  # the machine's own configuration, as a desktop sets it
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        CREATOR_KIT_CACHE_DIR=str(tmp / f"cache-{name}"),
        QT_QPA_PLATFORM="offscreen",
    )
    out = subprocess.run(
        [sys.executable, "-c", _RENDER, TEXT, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr[-800:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _extra_fonts(folder: Path) -> Path:
    """A folder of fonts the bundled chain does not have (the machine's if any, else ours)."""
    folder.mkdir(parents=True)
    system = Path("/usr/share/fonts/truetype/noto/NotoSansEgyptianHieroglyphs-Regular.ttf")
    if system.is_file():
        shutil.copy(system, folder)  # has U+13000: would fill the gap if Qt could see it
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.is_file():
        shutil.copy(dejavu, folder)
    # Another version of a bundled family under the same name must not shadow ours either.
    shutil.copy(fonts_dir() / "Lemonada-Bold.otf", folder / "NotoSansArabic-Other.otf")
    return folder


def test_same_caption_bytes_with_no_fonts_and_with_extra_fonts(tmp_path: Path) -> None:
    empty_home, busy_home = tmp_path / "home-empty", tmp_path / "home-busy"
    empty_home.mkdir()
    extra = _extra_fonts(tmp_path / "extra")
    shutil.copytree(extra, busy_home / ".fonts")  # the user's own font folder too
    bare = _render(tmp_path, "bare", _conf(tmp_path / "empty.conf", []), empty_home)
    busy = _render(
        tmp_path, "busy", _conf(tmp_path / "busy.conf", [extra, busy_home / ".fonts"]), busy_home
    )
    assert bare["shape"] == busy["shape"]
    assert bare["sha"] == busy["sha"]
    assert bare["warnings"] == busy["warnings"]
    # The hieroglyph is reported and left blank on both, not drawn from the extra font.
    assert any("U+13000" in w and "left blank" in w for w in busy["warnings"])  # type: ignore[union-attr]
    assert busy["families"] == bare["families"]
    assert "DejaVu Sans" not in busy["families"]  # type: ignore[operator]


def _a_system_family() -> tuple[str, Path] | None:
    bundled = {n for f in BUNDLED_FILES for n in _family_names(fonts_dir() / f)}
    for folder in SYSTEM_FONT_DIRS:
        root = Path(folder).expanduser()
        for path in sorted(root.rglob("*.ttf")) if root.is_dir() else []:
            names = _family_names(path) - bundled
            if names and "regular" in path.stem.lower() or path.stem == "DejaVuSans":
                return sorted(names)[0], path
    return None


def test_a_named_installed_font_is_still_used(tmp_path: Path) -> None:
    found = _a_system_family()
    if found is None:
        pytest.skip("this machine has no installed font outside the bundled families")
    family, _path = found
    home = tmp_path / "home"
    home.mkdir()
    conf = _conf(tmp_path / "empty.conf", [])
    named = _render(tmp_path, "named", conf, home, family)
    default = _render(tmp_path, "default", conf, home)
    assert not any("is not available" in w for w in named["warnings"])  # type: ignore[union-attr]
    assert named["sha"] != default["sha"]  # drawn with that font, not the default
