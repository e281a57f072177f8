"""The editor's translations: extract strings with lupdate, build ``.qm`` files with lrelease.

    python scripts/translations.py update      # re-read gui/ into translations/*.ts (maintainers)
    python scripts/translations.py build       # translations/*.ts -> assets/translations/*.qm

The ``.ts`` files in ``translations/`` are the sources (English text, Arabic translation); the
``.qm`` files are built from them at install time into ``assets/translations/`` (git-ignored),
where ``creator_kit.gui.app.translations_dir()`` finds them.

The editor translates through two helpers: ``tr(context, text)`` (``gui/app.py``, the
QCoreApplication.translate signature) and ``QT_TRANSLATE_NOOP(context, text)`` for strings kept
in tables. lupdate's Python parser reads a bare ``tr("Ctx", "text")`` as ``tr(source, comment)``
with no context, so it is told that ``tr`` is a spelling of ``translate``
(``-tr-function-alias translate+=tr``); the translation test checks that no message comes out
without a context, which is what a helper spelt differently would produce.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "translations"
QM_DIR = ROOT / "assets" / "translations"
LANGUAGES = ("ar",)
LUPDATE_FLAGS = ("-tr-function-alias", "translate+=tr", "-locations", "none",
                 "-source-language", "en")


def tool(name: str) -> str:
    """The PySide6 tool ``name`` from this interpreter's environment (or PATH)."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else name


def sources() -> list[Path]:
    """Every Python file of the editor, sorted (the strings lupdate reads)."""
    return sorted((ROOT / "creator_kit" / "gui").glob("*.py"))


def ts_path(lang: str, folder: Path = TS_DIR) -> Path:
    """The ``.ts`` file of ``lang`` in ``folder``."""
    return folder / f"creator_kit_{lang}.ts"


def update(ts: Path, lang: str, *, obsolete: bool = False) -> None:
    """Run lupdate over the editor's sources into ``ts`` (kept translations stay)."""
    cmd = [tool("pyside6-lupdate"), *LUPDATE_FLAGS, "-target-language", lang,
           *([] if obsolete else ["-no-obsolete"]), *map(str, sources()), "-ts", str(ts)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def build(out: Path = QM_DIR) -> list[Path]:
    """Compile every ``.ts`` into ``out`` with lrelease; returns the ``.qm`` files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in LANGUAGES:
        qm = out / f"creator_kit_{lang}.qm"
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts_path(lang)), "-qm", str(qm)],
                       check=True)
        written.append(qm)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``update`` or ``build``."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("action", choices=["update", "build"])
    args = p.parse_args(argv)
    if args.action == "update":
        for lang in LANGUAGES:
            update(ts_path(lang), lang)
            print(f"updated {ts_path(lang).relative_to(ROOT)}")
    else:
        for qm in build():
            print(f"built {qm.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
