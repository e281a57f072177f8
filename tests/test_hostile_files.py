"""Special files and unbounded reads: FIFOs, devices and folders are refused, never read.

Each input is built on the fly (``os.mkfifo``, a symlink to ``/dev/zero``) and given to the CLI
as a child process under a memory limit: a read without bound would hit the limit and a
blocking open would hang until the guard fires, so either failure shows up here.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import pytest

from creator_kit.batch.jobs import MANIFEST_NAME
from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file, open_file, read_file
from tests.hostile import assert_one_error, files_in, processes_under, run_cli
from tests.mediagen import make_clip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX"),
]


def fifo(path: Path) -> Path:
    """A named pipe at ``path`` with no writer: opening it for reading blocks."""
    os.mkfifo(path)
    return path


def zero_link(path: Path) -> Path:
    """A symlink at ``path`` to ``/dev/zero``, which reports size 0 and never ends."""
    path.symlink_to("/dev/zero")
    return path


TEMPLATE = "maskup"
SPECIALS = {"fifo": fifo, "dev-zero": zero_link}


@pytest.fixture(params=sorted(SPECIALS))
def special(request: pytest.FixtureRequest) -> object:
    """Makes the special file under test at a given path."""
    return SPECIALS[request.param]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny valid clip."""
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", duration=0.5)


# --------------------------------------------------------------------------- the reader


def test_reader_refuses_special_files_without_opening_them(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "pipe.json")
    zero = zero_link(tmp_path / "zero.json")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    for path, what in ((pipe, "FIFO"), (zero, "character device"), (folder, "folder")):
        for call in (lambda p: check_file(p, "x file"), lambda p: open_file(p, "x file"),
                     lambda p: read_file(p, "x file", 100)):
            with pytest.raises(InputError, match=what) as info:
                call(path)
            assert info.value.path == str(path)


def test_reader_bounds_and_missing(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match=r"too large \(101 bytes; limit 100\)"):
        read_file(big, "x file", 100)
    assert read_file(big, "x file", 101) == b"x" * 101
    with pytest.raises(InputError, match="x file not found"):
        read_file(tmp_path / "nope", "x file", 100)
    assert check_file(tmp_path / "nope" / "deeper", "x", allow_missing=True) is None
    with pytest.raises(InputError, match="not a local file"):
        check_file("concat:a|b", "x")
    link = tmp_path / "link.txt"
    link.symlink_to(big)
    assert read_file(link, "x file", 200) == b"x" * 101  # a link to a regular file is fine


# --------------------------------------------------------------------------- the CLI


def _ckproj(path: Path, doc: dict[str, object]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_project_file_that_is_special(tmp_path: Path, special: object) -> None:
    project = special(tmp_path / "p.ckproj")  # type: ignore[operator]
    before = files_in(tmp_path)
    run = run_cli(["render", project, "-o", "out.mp4"], cwd=tmp_path)
    assert "project file" in assert_one_error(run, project)
    assert files_in(tmp_path) == before
    assert not processes_under(tmp_path)


def test_paths_inside_a_project_are_checked_at_load(tmp_path: Path, special: object) -> None:
    special(tmp_path / "odd")  # type: ignore[operator]
    for doc in (
        {"schema_version": 1, "clips": [{"source": "odd"}]},
        {"schema_version": 1, "clips": [{"source": "a.mp4"}], "audio": {"music": "odd"}},
        {"schema_version": 1, "clips": [{"source": "a.mp4"}],
         "layers": [{"kind": "caption", "text": "x",
                     "style": {"font_file": str(tmp_path / "odd")}}]},
    ):
        project = _ckproj(tmp_path / "p.ckproj", doc)
        run = run_cli(["render", project, "-o", "out.mp4"], cwd=tmp_path)
        line = assert_one_error(run, project, "odd")
        assert "not a regular file" in line
        assert not (tmp_path / "out.mp4").exists()


@pytest.mark.parametrize("command", [
    ["probe", "{x}"],
    ["check", "{x}"],
    ["faces", "{x}"],
    ["subs", "convert", "{x}", "out.srt"],
    ["subs", "check", "{x}"],
    ["render", "-i", "clip.mp4", "--captions", "{x}", "-o", "out.mp4"],
    ["render", "-i", "{clip}", "--sticker", "{x}", "-o", "out.mp4"],
    ["render", "-i", "{clip}", "--music", "{x}", "-o", "out.mp4"],
    ["batch", "{x}", "--out-dir", "outdir"],
    ["templates", "import", "{x}"],
])
def test_cli_inputs_that_are_special(
    tmp_path: Path, special: object, command: list[str], clip: Path
) -> None:
    name = {"batch": "sheet.csv", "templates": "pack.ckpack", "subs": "subs.srt",
            "render": "in.png"}.get(command[0], "in.mp4")
    if "--captions" in command:
        name = "subs.srt"
    if "--music" in command:
        name = "music.m4a"
    target = special(tmp_path / name)  # type: ignore[operator]
    args = [a.replace("{x}", str(target)).replace("{clip}", str(clip)) for a in command]
    before = files_in(tmp_path)
    run = run_cli(args, cwd=tmp_path, env={"CREATOR_KIT_DATA_DIR": str(tmp_path / "data"),
                                           "CREATOR_KIT_CACHE_DIR": str(tmp_path / "cache")})
    assert_one_error(run, target)
    assert {f for f in files_in(tmp_path) - before if not f.startswith(("data", "cache"))} \
        <= {"outdir"}
    assert not processes_under(tmp_path)


def _template(folder: Path, **extra: object) -> Path:
    folder.mkdir(parents=True)
    doc = {"schema_version": 1, "name": folder.name, "title_ar": "ق", "title_en": "T", **extra}
    (folder / "template.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder


def test_template_json_that_is_special(tmp_path: Path, special: object) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    doc = special(folder / "template.json")  # type: ignore[operator]
    run = run_cli(["templates", "show", folder], cwd=tmp_path)
    line = assert_one_error(run, "template.json")
    assert "not a regular file" in line or "symlink" in line
    del doc


def test_template_font_and_asset_that_are_special(tmp_path: Path, special: object) -> None:
    folder = _template(tmp_path / "tpl", fonts=[{"family": "Odd Sans", "file": "odd.ttf"}])
    special(folder / "odd.ttf")  # type: ignore[operator]
    run = run_cli(["templates", "show", folder], cwd=tmp_path)
    line = assert_one_error(run, "odd.ttf")
    assert "not a regular file" in line or "symlink" in line


def test_batch_manifest_that_is_special(tmp_path: Path, special: object, clip: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    special(out_dir / MANIFEST_NAME)  # type: ignore[operator]
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["input", "output"], [str(clip), "a.mp4"]])
    run = run_cli(["batch", sheet, "--out-dir", out_dir, "--template", TEMPLATE,
                   "--progress", "none"], cwd=tmp_path)
    line = assert_one_error(run, MANIFEST_NAME)
    assert "not a regular file" in line
    assert files_in(out_dir) == {MANIFEST_NAME}
    assert not processes_under(tmp_path)
