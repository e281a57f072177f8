"""creator_kit for moviepy users: correct Arabic text, face masks, projects and a safe exporter.

moviepy scripts get creator_kit's text engine (:class:`ArabicText`, :class:`CaptionsClip`),
its face tracker (:class:`FaceMask`, a moviepy ``Effect``), its projects as clips
(:func:`project_clip`) and its exporter (:func:`export`: temporary file, exit status check,
read-back, no-clobber move, loudness, platform encoder settings). A creator_kit project can in
turn show a moviepy clip (:class:`MoviepyLayer`). See ``docs/moviepy.md``.

moviepy is not one of creator_kit's dependencies (moviepy 2.2.1 pins an old Pillow); install
it with ``pip install --no-deps moviepy==2.2.1`` plus its small dependencies (README).
"""

from creator_kit.moviepy._require import require_moviepy

require_moviepy()

from creator_kit.moviepy.export import export  # noqa: E402
from creator_kit.moviepy.faces import FaceMask  # noqa: E402
from creator_kit.moviepy.project import MoviepyLayer, ProjectClip, project_clip  # noqa: E402
from creator_kit.moviepy.text import ArabicText, CaptionsClip  # noqa: E402

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
