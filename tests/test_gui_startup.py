"""The editor's start: the window is built and painted before the engine is loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from creator_kit.core.model import ClipRef, Project
from creator_kit.core.project_io import save_project

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "cv2", "av", "PIL.Image", "PySide6.QtMultimedia", "multiprocessing",
         "urllib.request", "creator_kit.render.preview_session")

PROBE = """
import json, sys
from creator_kit.gui.app import make_app
from creator_kit.gui.launch import settle
from creator_kit.gui.main_window import MainWindow

heavy = {heavy!r}
app = make_app("en")
w = MainWindow(autosave=False, recovery=False)
w.resize(1200, 800)
w.open_paths([sys.argv[1]])
w.show()
before_paint = [m for m in heavy if m in sys.modules]
settle(120.0, lambda: w.player.current_frame() is not None)
print(json.dumps({{"before_paint": before_paint, "title": w.windowTitle(),
                   "frame": w.player.current_frame() is not None,
                   "session": w.player.session() is not None,
                   "timeline": w.timeline.project is not None}}))
sys.stdout.flush()
w.model.document = None
w.close()
import os
os._exit(0)
"""


@pytest.mark.slow
def test_window_paints_before_the_engine_loads(tmp_path, landscape_clip):
    project = tmp_path / "start.ckproj"
    save_project(Project(clips=(ClipRef(str(landscape_clip)),)), project)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    res = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), str(project)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    report = json.loads(res.stdout.strip().splitlines()[-1])
    # Nothing of the engine (or of sound) was imported to build and show the window...
    assert report["before_paint"] == []
    assert report["title"].startswith("start.ckproj")
    # ...and once it was up the preview, its session and the timeline's clip lengths came.
    assert report["frame"] and report["session"] and report["timeline"]
