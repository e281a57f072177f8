"""``creator-kit subs convert`` and ``subs check``: outputs on disk and exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from creator_kit.cli import subs_cmd
from creator_kit.core.errors import CreatorKitError

CLEAN = (
    "1\n00:00:01,000 --> 00:00:02,000\nلا تنسوا الكمامة\n\n"
    "2\n00:00:02,500 --> 00:00:04,000\n#MaskUp\n"
)
BROKEN = (
    "1\n00:00:03,000 --> 00:00:02,000\nمقلوب\n\n2\n00:00:01,000 --> 00:00:05,000\nمتداخل\n\n"
    "3\n00:00:04,000 --> 00:00:06,000\nثالث"
)


def run(argv: list[str]) -> int:
    """Run ``creator-kit <argv>`` through the real entry point when it loads, else our parser.

    The full parser imports every command module; while another command is being written it
    may not import, and these tests are about ``subs`` only.
    """
    try:
        from creator_kit.cli.main import main

        return main(argv)
    except ImportError:
        parser = argparse.ArgumentParser(prog="creator-kit")
        subs_cmd.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(argv)
        try:
            return int(args.func(args))
        except CreatorKitError as exc:
            import sys

            sys.stderr.write(f"error: {exc.message}\n")
            return 2


def test_check_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.srt"
    path.write_text(CLEAN, encoding="utf-8")
    assert run(["subs", "check", str(path)]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_check_lists_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.srt"
    path.write_text(BROKEN, encoding="utf-8")
    assert run(["subs", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "cue 1: ends (00:00:02.000) before it starts" in out
    assert "overlap" not in out or "starts at" in out
    assert "before cue 2 ends" in out


def test_check_json_and_legacy_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "win.srt"
    path.write_bytes(CLEAN.encode("cp1256"))
    assert run(["subs", "check", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["encoding"] == "cp1256" and report["format"] == "srt" and report["cues"] == 2
    assert [p["kind"] for p in report["problems"]] == ["encoding"]


def test_check_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\ncafé crème\n".encode("cp1252"))
    assert run(["subs", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "latin.srt" in err and "--encoding" in err
    # Readable once told, but a legacy encoding is itself reported.
    assert run(["subs", "check", str(path), "--encoding", "cp1252"]) == 1
    assert "encoded as cp1252" in capsys.readouterr().out
    assert run(["subs", "check", str(tmp_path / "missing.srt")]) == 2


def test_convert_fixes_and_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "talk.srt"
    src.write_bytes(BROKEN.encode("utf-16"))
    for ext in ("ass", "vtt", "srt"):
        out = tmp_path / f"out.{ext}"
        assert run(["subs", "convert", str(src), str(out)]) == 0
        assert out.exists()
        assert run(["subs", "check", str(out)]) == 0, ext
    captured = capsys.readouterr()
    assert "swapped" in captured.err and "wrote" in captured.out
    assert "Encoding" in (tmp_path / "out.ass").read_text(encoding="utf-8")


def test_convert_keeps_existing_output(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    src.write_text(CLEAN, encoding="utf-8")
    out = tmp_path / "b.srt"
    out.write_text("mine")
    assert run(["subs", "convert", str(src), str(out)]) == 2
    assert out.read_text() == "mine"
    assert run(["subs", "convert", str(src), str(out), "--overwrite"]) == 0
    assert "لا تنسوا الكمامة" in out.read_text(encoding="utf-8")
    assert run(["subs", "convert", str(src), str(tmp_path / "c.txt")]) == 2
    assert run(["subs", "convert", str(src), str(tmp_path / "d.ass"), "--style", "nope"]) == 2
