"""creator_kit for moviepy users: correct Arabic text, face masks, projects and a safe exporter.

moviepy scripts get creator_kit's text engine (:class:`ArabicText`, :class:`CaptionsClip`),
its face tracker (:class:`FaceMask`, a moviepy ``Effect``), its projects as clips
(:func:`project_clip`) and its exporter (:func:`export`: temporary file, exit status check,
read-back, no-clobber move, loudness, platform encoder settings). A creator_kit project can in
turn show a moviepy clip (:class:`MoviepyLayer`). See ``docs/moviepy.md``.

moviepy is not one of creator_kit's dependencies (moviepy 2.2.1 pins an old Pillow); install
it with ``pip install --no-deps moviepy==2.2.1`` plus its small dependencies (README).
"""

from __future__ import annotations

import importlib
from typing import Any

from creator_kit.moviepy._require import require_moviepy

require_moviepy()

# Each name loads its module on first use: a script that only exports a project pays for
# neither the text engine nor the face detector at import time.
_HOME = {
    "ArabicText": "text",
    "CaptionsClip": "text",
    "FaceMask": "faces",
    "MoviepyLayer": "project",
    "ProjectClip": "project",
    "project_clip": "project",
    "export": "export",
}

__all__ = [
    "ArabicText",
    "CaptionsClip",
    "FaceMask",
    "MoviepyLayer",
    "ProjectClip",
    "export",
    "project_clip",
    "require_moviepy",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
