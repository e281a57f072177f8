"""Where the bundled assets are: the one function that finds ``assets/``.

Fonts, built-in templates, mask art and the face-detector model ship in ``assets/``. Today
that folder sits beside the package in the source tree; a packaged app may keep it elsewhere
(``$CREATOR_KIT_ASSETS``), and a wheel may later carry it inside the package as package data
(``creator_kit/assets``), which is looked for first. Every module asks :func:`asset_path`,
so moving the folder means changing this file only.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_VAR = "CREATOR_KIT_ASSETS"


def assets_dir() -> Path:
    """The bundled assets folder: ``$CREATOR_KIT_ASSETS``, package data, or the source tree's."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    # As package data (a future wheel): creator_kit/assets. resources.files gives a real
    # folder for an ordinary installation; a zipped one is not supported by the fonts anyway.
    packaged = Path(str(resources.files("creator_kit"))) / "assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


def asset_path(*parts: str) -> Path:
    """A path inside the assets folder, e.g. ``asset_path("fonts", "NotoSans-Regular.ttf")``."""
    return assets_dir().joinpath(*parts)
