"""Where the bundled assets are: the one function that finds ``assets/``.

Fonts, built-in templates, mask art and the face-detector model live in ``assets/`` at the
top of the checkout, beside the package, which is where a checkout or an editable install finds
them. A wheel carries the same folder inside the package as package data,
``creator_kit/assets`` (``setup.py`` maps the data-only package ``creator_kit.assets`` onto
``assets/``), and so does the one-folder app (``packaging/creator-kit.spec``); that place is
looked for first. ``$CREATOR_KIT_ASSETS`` overrides both. Every module asks
:func:`asset_path`, so moving the folder means changing this file only.
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
    # As package data (a wheel, the app bundle): creator_kit/assets. resources.files gives a
    # real folder for an ordinary installation and for PyInstaller's; a zipped one is not
    # supported by the fonts anyway.
    packaged = Path(str(resources.files("creator_kit"))) / "assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


def asset_path(*parts: str) -> Path:
    """A path inside the assets folder, e.g. ``asset_path("fonts", "NotoSans-Regular.ttf")``."""
    return assets_dir().joinpath(*parts)
