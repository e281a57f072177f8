"""glibc heap settings for a render: this process (limit_heap) and the ffmpeg children."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from creator_kit.core import memory
from creator_kit.media import ffmpeg

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc settings")


@linux
def test_child_env_fixes_arenas_and_mmap_threshold_unless_set():
    env = memory.child_env({"PATH": "/bin"})
    assert env == {"PATH": "/bin", "MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "262144"}
    # A user's own setting wins.
    assert memory.child_env({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"  # type: ignore[index]


@linux
def test_limit_heap_applies_in_a_fresh_process():
    code = "from creator_kit.core.memory import limit_heap; print(limit_heap(), limit_heap())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.split() == ["True", "True"]


@linux
def test_ffmpeg_children_run_with_the_heap_settings(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    proc = ffmpeg.spawn(["-re", "-f", "lavfi", "-i", "anullsrc", "-t", "20", "-f", "null", "-"])
    try:
        environ = Path(f"/proc/{proc.pid}/environ")
        deadline = time.monotonic() + 10
        seen: list[bytes] = []
        while time.monotonic() < deadline:
            # The process (setpriv, which execs ffmpeg in place with the same environment)
            # has started once its command line names ffmpeg.
            if "ffmpeg" in Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace"):
                seen = environ.read_bytes().split(b"\0")
                break
            time.sleep(0.05)
        assert b"MALLOC_ARENA_MAX=2" in seen
        assert b"MALLOC_MMAP_THRESHOLD_=262144" in seen
    finally:
        ffmpeg.kill(proc)
        ffmpeg.close_pipes(proc)
