"""``make gui``: build the sample media and a sample project, then open the editor on it.

The sample project is what the shortest path makes: the built-in ``maskup`` template applied
to the sample selfie (face reframe, a tracked mask, the template's sticker, tip card and end
card) with an Arabic caption. ``--project-only`` writes ``out/sample/sample.ckproj`` and
prints its path without opening the editor (the benchmarks use it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.make_sample import make_badge, make_selfie  # noqa: E402


def sample_project() -> Path:
    """Make (once) the sample media and ``out/sample/sample.ckproj``; returns its path."""
    from creator_kit.core.document import Document
    from creator_kit.templates import apply_template, find_template

    sample = ROOT / "out" / "sample"
    sample.mkdir(parents=True, exist_ok=True)
    selfie = sample / "sample-selfie.mp4"
    if not selfie.exists():
        make_selfie(selfie)
    badge = sample / "badge.png"
    if not badge.exists():
        make_badge(badge)
    path = sample / "sample.ckproj"
    if not path.exists():
        project = apply_template(find_template("maskup"), [selfie], {"creator": "@salma"},
                                 language="ar", reframe="face", face_mask=True,
                                 caption="لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp",
                                 logos=[badge])
        Document(project).save(path)
    return path


def main() -> int:
    """Make the sample project and open the editor on it (or only print its path)."""
    path = sample_project()
    if "--project-only" in sys.argv:
        print(path)
        return 0
    return subprocess.call([sys.executable, "-m", "creator_kit.cli", "gui", str(path)], cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
