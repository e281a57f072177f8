"""Runtime hook of the app bundle: creator_kit runs the bundle's own ffmpeg.

The app ships the ffmpeg that ``packaging/ffmpeg_build.py`` builds (``_internal/ffmpeg/``)
instead of imageio-ffmpeg's; ``CREATOR_KIT_FFMPEG`` is how creator_kit is told where an ffmpeg
is, so it is set here before any creator_kit code runs. A value the user set stays.
"""

import os
import sys

_exe = os.path.join(getattr(sys, "_MEIPASS", ""), "ffmpeg",
                    "ffmpeg.exe" if sys.platform == "win32" else "ffmpeg")
if os.path.isfile(_exe):
    os.environ.setdefault("CREATOR_KIT_FFMPEG", _exe)
