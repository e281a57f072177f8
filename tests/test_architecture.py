"""The one-way dependency rule, as far as import-linter cannot express it."""

from __future__ import annotations

import ast
import re
import tomllib
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


# ------------------------------------------------------------ docs/architecture.md is true

ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def _doc_rooms() -> dict[str, set[str]]:
    """Room -> modules, from the table of docs/architecture.md."""
    rooms: dict[str, set[str]] = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0] != "`room`":
            rooms[cells[0].strip("`")] = set(re.findall(r"`([a-z0-9_]+)`", cells[2]))
    return rooms


def _tree_rooms() -> dict[str, set[str]]:
    return {
        d.name: {p.stem for p in d.glob("*.py") if p.name != "__init__.py"}
        for d in sorted(PACKAGE.iterdir())
        if (d / "__init__.py").is_file()
    }


def test_architecture_doc_names_every_room_and_module() -> None:
    doc, tree = _doc_rooms(), _tree_rooms()
    assert set(doc) == set(tree), "rooms in docs/architecture.md differ from creator_kit/"
    for room, modules in tree.items():
        if room == "gui":
            # The editor is being built: its row may lag behind, but names no module that
            # is not there.
            assert doc[room] <= modules, f"gui: no longer in the tree {sorted(doc[room] - modules)}"
            continue
        assert doc[room] == modules, (
            f"{room}: missing from the doc {sorted(modules - doc[room])}, "
            f"no longer in the tree {sorted(doc[room] - modules)}"
        )


def test_architecture_doc_arrows_are_the_layer_contract() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    arrows = re.search(r"```\n(gui[^\n]*)\n```", text)
    assert arrows is not None
    doc_layers = [part.strip() for part in arrows.group(1).split("->")]
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]["layers"]
    assert doc_layers == [layer.replace("creator_kit.", "") for layer in contract]


def test_test_modules_do_not_import_each_other() -> None:
    """Shared test code lives in tests/helpers.py (and mediagen, videoread, ocr...)."""
    tests = Path(__file__).resolve().parent
    offenders = [
        p.name
        for p in sorted(tests.glob("*.py"))
        if any(n.startswith("tests.test_") for n in _imports(p))
    ]
    assert offenders == []
