"""Project files: versioned, validated, migrated, never executed; hostile JSON fails cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creator_kit.cli.main import main
from creator_kit.core.captions import STYLES
from creator_kit.core.errors import InputError
from creator_kit.core.model import (
    SCHEMA_VERSION,
    CaptionLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    ImageLayer,
    Placement,
    Project,
)
from creator_kit.core.project_io import load_project, save_project


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_keeps_everything_and_stores_relative_paths(tmp_path):
    (tmp_path / "media").mkdir()
    project = Project(
        clips=(ClipRef(str(tmp_path / "media" / "a.mp4"), 1.0, 4.5, "freeze"),),
        layers=(
            ImageLayer(
                str(tmp_path / "media" / "s.png"), 0.5, 3.0, Placement(0.2, 0.3, "top-left", 0.25)
            ),
            CaptionLayer(text="لا تنسوا الكمامة #MaskUp", style=STYLES["bold-box"]),
            FaceMaskLayer(),
        ),
        card=ClosingCard(duration=2.5),
    )
    path = tmp_path / "p.ckproj"
    save_project(project, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["clips"][0]["source"] == "media/a.mp4"  # portable
    assert "لا تنسوا الكمامة" in path.read_text(encoding="utf-8")  # readable UTF-8, not escapes
    assert load_project(path) == project
    # Moving the folder keeps the project working.
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    tmp_path.rename(moved)
    again = load_project(moved / "p.ckproj")
    assert again.clips[0].source == str(moved / "media" / "a.mp4")


def test_old_version_is_migrated(tmp_path):
    p = write(
        tmp_path / "old.ckproj",
        json.dumps({"schema_version": 0, "clips": [{"source": "a.mp4"}], "reframe": "fill"}),
    )
    assert load_project(p).reframe.mode == "fill"


def test_every_layer_gets_a_stable_unique_id(tmp_path):
    # A version-1 file has no ids: they are filled in document order, the same on every load,
    # unique across the clip layers and the closing card's layers, and kept once saved.
    doc = {
        "schema_version": 1,
        "clips": [{"source": "a.mp4"}],
        "layers": [{"kind": "caption", "text": "a"}, {"kind": "caption", "text": "b"},
                   {"kind": "face-mask"}],
        "card": {"layers": [{"kind": "caption", "text": "c"}]},
    }
    p = write(tmp_path / "v1.ckproj", json.dumps(doc))
    first, second = load_project(p), load_project(p)
    ids = [layer.id for layer in first.layers]
    assert ids == ["caption-1", "caption-2", "face-mask-1"]
    assert first.card is not None and first.card.layers[0].id == "caption-3"
    assert [layer.id for layer in second.layers] == ids
    save_project(first, tmp_path / "v2.ckproj")
    saved = json.loads((tmp_path / "v2.ckproj").read_text(encoding="utf-8"))
    assert saved["schema_version"] == 2
    assert [layer["id"] for layer in saved["layers"]] == ids
    # Ids chosen by hand survive; a duplicate id is renamed rather than shared.
    doc["schema_version"] = 2
    doc["layers"] = [{"kind": "caption", "text": "a", "id": "title"},
                     {"kind": "caption", "text": "b", "id": "title"}]
    dup = load_project(write(tmp_path / "dup.ckproj", json.dumps(doc)))
    assert [layer.id for layer in dup.layers] == ["title", "caption-1"]


@pytest.mark.parametrize(
    ("doc", "expect"),
    [
        ({"schema_version": 99, "clips": [{"source": "a"}]}, "newer than this creator_kit"),
        ({"schema_version": -3, "clips": [{"source": "a"}]}, "unknown schema version"),
        ({"schema_version": "1", "clips": [{"source": "a"}]}, "invalid schema_version"),
        ({"schema_version": 1, "clips": []}, "at least one clip"),
        ({"schema_version": 1, "clips": [{"source": 5}]}, "clips[0].source: must be text"),
        ({"schema_version": 1, "clips": [{"source": "a", "start": 3, "end": 1}]}, "must be after"),
        (
            {"schema_version": 1, "clips": [{"source": "a"}], "layers": [{"kind": "bomb"}]},
            "layers[0].kind: must be one of",
        ),
        ({"schema_version": 1, "clips": [{"source": "a"}], "oops": 1}, "oops: is not a known"),
        (
            {
                "schema_version": 1,
                "clips": [{"source": "a"}],
                "layers": [{"kind": "image", "path": "x", "opacity": 7}],
            },
            "at most 1.0",
        ),
        (
            {"schema_version": 1, "clips": [{"source": "a"}], "reframe": {"mode": "zoom"}},
            "reframe.mode: must be one of",
        ),
        (
            {"schema_version": 1, "clips": [{"source": "a"}], "output": {"preset": "myspace"}},
            "output.preset",
        ),
        ([1, 2, 3], "must contain a JSON object"),
    ],
)
def test_invalid_documents_name_the_problem(tmp_path, doc, expect):
    p = write(tmp_path / "bad.ckproj", json.dumps(doc))
    with pytest.raises(InputError) as info:
        load_project(p)
    assert expect in info.value.message and str(p) in info.value.message
    assert "\n" not in info.value.message


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"schema_version": 1, "clips": [{"source": "a", "start": NaN}]}', "not allowed"),
        ('{"schema_version": 1, "clips": [{"source": "a", "end": Infinity}]}', "not allowed"),
        ('{"schema_version": 1, "clips": [', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("", "not valid JSON"),
    ],
)
def test_hostile_json_fails_cleanly(tmp_path, content, expect):
    p = write(tmp_path / "h.ckproj", content)
    with pytest.raises(InputError, match=expect):
        load_project(p)


def test_huge_project_file_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.ckproj"
    with open(p, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse 100 MB
    # Refused by its size ("too large"), before any parsing; how fast is not a unit test.
    with pytest.raises(InputError, match="too large"):
        load_project(p)


def test_json_is_data_not_code(tmp_path):
    marker = tmp_path / "ran"
    p = write(
        tmp_path / "evil.ckproj",
        json.dumps(
            {
                "schema_version": 1,
                "clips": [{"source": f"__import__('os').system('touch {marker}')"}],
                "__class__": "os.system",
            }
        ),
    )
    with pytest.raises(InputError):
        load_project(p)
    assert not marker.exists()


def test_cli_reports_bad_project_in_one_line(tmp_path, capsys):
    p = write(tmp_path / "bad.ckproj", "[" * 5000)
    assert main(["render", str(p), "-o", str(tmp_path / "o.mp4")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {p}") and err.count("\n") == 1


def test_kill_during_save_keeps_previous_project(tmp_path):
    """Row 29: SIGKILL mid-save leaves the previous file intact (atomic replace)."""
    path = tmp_path / "p.ckproj"
    save_project(Project(clips=(ClipRef("first.mp4"),)), path)
    before = path.read_bytes()
    # A child saves a very large project in a loop; we kill it at a random moment.
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from creator_kit.core.model import Project, ClipRef
from creator_kit.core.project_io import save_project
big = Project(clips=tuple(ClipRef(f"clip{{i}}.mp4") for i in range(9000)))
print("ready", flush=True)
while True:
    save_project(big, {str(path)!r})
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.15)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    text = path.read_bytes()
    # Either the old or a complete new project: never a torn file.
    project = load_project(path)
    assert text == before or len(project.clips) == 9000
