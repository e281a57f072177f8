"""The one-way dependency rule, as far as import-linter cannot express it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "creator_kit"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_only_gui_imports_qtwidgets() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "gui"
        and any(n.startswith("PySide6.QtWidgets") for n in _imports(p))
    ]
    assert offenders == []


def test_nothing_imports_gui() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "gui"
        and any(n.startswith("creator_kit.gui") for n in _imports(p))
    ]
    assert offenders == []


def test_the_checker_sees_real_imports(tmp_path: Path) -> None:
    probe = tmp_path / "m.py"
    probe.write_text("from PySide6.QtWidgets import QWidget\nimport creator_kit.gui.app\n")
    assert {"PySide6.QtWidgets", "creator_kit.gui.app"} <= _imports(probe)
