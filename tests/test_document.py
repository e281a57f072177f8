"""Documents, autosave and recovery, relinking moved media (plain Python, no Qt)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from creator_kit.core import edits
from creator_kit.core.autosave import Autosaver, first_readable, recoverable
from creator_kit.core.document import Document
from creator_kit.core.model import CaptionLayer, ClipRef, Project
from creator_kit.core.project_io import load_project
from creator_kit.core.relink import fingerprint, missing_files, search


def test_document_tracks_unsaved_changes_and_saves_fingerprints(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    doc = Document(Project(clips=(ClipRef(str(clip)),)))
    assert doc.modified and doc.name == "untitled.ckproj"
    doc.save(tmp_path / "p.ckproj")
    assert not doc.modified
    doc.project, _ = edits.add_layer(doc.project, CaptionLayer(text="مرحبا"))
    assert doc.modified
    doc.save()
    again = Document.open(tmp_path / "p.ckproj")
    assert not again.modified and again.project == doc.project
    assert again.project.clips[0].fingerprint == fingerprint(clip)
    assert again.project.clips[0].fingerprint.startswith(f"{3 * 1024 * 1024 + 17}:")


def test_autosave_is_offered_after_the_editor_is_killed(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    project = Project(clips=(ClipRef(str(tmp_path / "a.mp4")),),
                      layers=(CaptionLayer(text="لم يُحفظ بعد"),))
    # A child process autosaves and is killed before it can close cleanly.
    code = (
        "import os, signal, sys\n"
        "from creator_kit.core.autosave import Autosaver\n"
        "from creator_kit.core.project_io import load_project\n"
        "a = Autosaver(original=sys.argv[2])\n"
        "a.save(load_project(sys.argv[1]))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    src = tmp_path / "src.ckproj"
    Document(project).save(src)
    env = dict(os.environ, CREATOR_KIT_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "orig.ckproj")],
                          env=env, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode != 0
    found = recoverable()
    assert len(found) == 1 and found[0].original == str(tmp_path / "orig.ckproj")
    pick = first_readable(found)
    assert pick is not None and pick[1] == project
    pick[0].discard()
    assert recoverable() == []


def test_a_live_session_is_not_offered_and_a_clean_close_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    saver = Autosaver()
    saver.save(Project(clips=(ClipRef("a.mp4"),)))
    assert saver.path.is_file()
    assert recoverable() == []  # this very process owns it
    meta = json.loads(saver.meta_path.read_text())
    assert meta["pid"] == os.getpid()
    saver.discard()
    assert list((tmp_path / "data" / "autosave").iterdir()) == []


def test_relink_finds_a_moved_and_a_renamed_clip_by_fingerprint(tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(os.urandom(50_000))
    b.write_bytes(os.urandom(60_000))
    doc = Document(Project(clips=(ClipRef(str(a)), ClipRef(str(b)))))
    doc.save(tmp_path / "p.ckproj")
    drive = tmp_path / "drive" / "deep"
    drive.mkdir(parents=True)
    # a.mp4 moved; b.mp4 renamed; a decoy with b's old name but other content.
    a.rename(drive / "a.mp4")
    b.rename(drive / "holiday.mp4")
    (drive / "b.mp4").write_bytes(os.urandom(60_000))
    project = load_project(tmp_path / "p.ckproj")
    missing = missing_files(project)
    assert [m.name for m in missing] == ["a.mp4", "b.mp4"]
    found = search([tmp_path / "drive"], missing)
    assert found == {str(a): str(drive / "a.mp4"), str(b): str(drive / "holiday.mp4")}
    relinked = edits.relink(project, found)
    assert missing_files(relinked) == []
