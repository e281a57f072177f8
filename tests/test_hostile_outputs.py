"""What ``render -o X --overwrite`` may replace: a regular file or a symlink, nothing else."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from creator_kit.core.errors import OutputError
from creator_kit.render.export import check_target
from tests.hostile import assert_one_error, files_in, processes_under, run_cli
from tests.mediagen import make_clip

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and device nodes are POSIX")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny valid clip."""
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", duration=0.5)


def _null_device(path: Path) -> Path:
    """A character device node like /dev/null at ``path`` (needs the right to mknod)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot create a device node here (not allowed to mknod)")
    return path


MAKERS = {
    "fifo": lambda p: (os.mkfifo(p), p)[1],
    "folder": lambda p: (p.mkdir(), p)[1],
    "device": _null_device,
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_overwrite_refuses_what_is_not_a_file_or_link(
    tmp_path: Path, clip: Path, kind: str
) -> None:
    target = MAKERS[kind](tmp_path / "out.mp4")
    mode = os.lstat(target).st_mode
    before = files_in(tmp_path)
    run = run_cli(["render", "-i", clip, "-o", target, "--overwrite"], cwd=tmp_path)
    line = assert_one_error(run, target)
    assert "folder" in line if kind == "folder" else "not a regular file" in line
    assert os.lstat(target).st_mode == mode  # still the same kind of node, not replaced
    assert files_in(tmp_path) == before
    assert not processes_under(tmp_path)


def test_check_target_allows_files_and_links_only(tmp_path: Path) -> None:
    regular = tmp_path / "a.mp4"
    regular.write_bytes(b"old")
    check_target(regular, overwrite=True)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link.mp4"
    link.symlink_to(pipe)
    check_target(link, overwrite=True)  # the link itself is what gets replaced
    with pytest.raises(OutputError, match="already exists"):
        check_target(link, overwrite=False)
    with pytest.raises(OutputError, match="FIFO"):
        check_target(pipe, overwrite=True)
    with pytest.raises(OutputError, match="too long"):
        check_target(tmp_path / ("x" * 300 + ".mp4"), overwrite=True)
