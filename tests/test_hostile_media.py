"""Files the libraries do not understand, and OS refusals: one error line, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.hostile import Run, assert_one_error, files_in, processes_under, run_cli
from tests.mediagen import ffmpeg, make_clip

LONG = "x" * 300  # longer than any file system allows for one name (255 bytes)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a valid MP4, MKV and WebM, and their broken variants."""
    d = tmp_path_factory.mktemp("media")
    mp4 = make_clip(d / "ok.mp4", duration=1.0)
    data = mp4.read_bytes()
    # The video sample entry's fourcc sits just after the 'stsd' box header; 'zzzz' is a
    # codec libav does not know (the 'avc1' in the ftyp brands is left alone).
    stsd = data.index(b"stsd")
    at = data.index(b"avc1", stsd)
    (d / "unknown-codec.mp4").write_bytes(data[:at] + b"zzzz" + data[at + 4 :])
    ffmpeg("-i", str(mp4), "-c", "copy", str(d / "ok.mkv"))
    mkv = (d / "ok.mkv").read_bytes()
    at = mkv.index(b"A_AAC")
    (d / "unknown-audio.mkv").write_bytes(mkv[:at] + b"A_ZZZ" + mkv[at + 5 :])
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15:duration=1", "-c:v", "libvpx",
           "-b:v", "100k", str(d / "ok.webm"))
    for name in ("ok.mkv", "ok.webm"):
        whole = (d / name).read_bytes()
        (d / f"half-{name}").write_bytes(whole[: len(whole) // 2])
    return d


def _contract(run: Run, *names: str | Path) -> str:
    line = assert_one_error(run, *names)
    return line


# ------------------------------------------------------------------------ unknown codecs


@pytest.mark.parametrize("command", [["probe"], ["check"], ["faces"], ["render", "-o", "o.mp4"]])
def test_unknown_video_codec(tmp_path: Path, media: Path, command: list[str]) -> None:
    clip = media / "unknown-codec.mp4"
    args = [command[0], clip, *command[1:]] if command[0] != "render" else \
        ["render", "-i", clip, *command[1:]]
    run = run_cli(args, cwd=tmp_path, env={"CREATOR_KIT_CACHE_DIR": str(tmp_path / "cache")})
    assert "codec libav does not know" in _contract(run, clip)
    assert not (tmp_path / "o.mp4").exists()
    assert not processes_under(tmp_path)


def test_unknown_audio_codec_is_silence_with_a_warning(tmp_path: Path, media: Path) -> None:
    run = run_cli(["probe", media / "unknown-audio.mkv", "--json"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["audio"] is None and doc["video"] is not None
    assert any("codec libav does not know" in w for w in doc["warnings"])


# ------------------------------------------------------------------------ cut-off Matroska


@pytest.mark.parametrize("name", ["ok.mkv", "ok.webm"])
def test_matroska_cut_in_half_is_incomplete(tmp_path: Path, media: Path, name: str) -> None:
    whole = run_cli(["probe", media / name], cwd=tmp_path)
    assert whole.code == 0, whole.stderr
    half = media / f"half-{name}"
    line = _contract(run_cli(["probe", half], cwd=tmp_path), half)
    assert "file is incomplete" in line


# ------------------------------------------------------------------------ names too long


@pytest.mark.parametrize("args", [
    ["check", f"{LONG}.mp4"],
    ["render", "-i", "{clip}", "-o", f"{LONG}.mp4"],
    ["render", "-i", "{clip}", "--sticker", f"{LONG}.png", "-o", "o.mp4"],
    ["render", "-i", "{clip}", "-o", "o.mp4", "--save-project", f"{LONG}.ckproj"],
    ["subs", "convert", f"{LONG}.srt", "o.srt"],
    ["subs", "convert", "{srt}", f"{LONG}.srt"],
    ["batch", f"{LONG}.csv", "--out-dir", "out"],
    ["batch", "{sheet}", "--out-dir", LONG, "--template", "maskup"],
    ["templates", "import", f"{LONG}.ckpack"],
    ["templates", "export", "maskup", f"{LONG}.ckpack"],
])
def test_name_too_long(tmp_path: Path, media: Path, args: list[str]) -> None:
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"input,output\n{media / 'ok.mp4'},a.mp4\n", encoding="utf-8")
    argv = [a.replace("{clip}", str(media / "ok.mp4")).replace("{srt}", str(srt))
            .replace("{sheet}", str(sheet)) for a in args]
    before = files_in(tmp_path)
    run = run_cli(argv, cwd=tmp_path, env={"CREATOR_KIT_DATA_DIR": str(tmp_path / "data")})
    line = _contract(run, LONG[:50])
    assert "too long" in line or "not found" in line
    assert {f for f in files_in(tmp_path) - before if not f.startswith("data")} == set()
    assert not processes_under(tmp_path)


# ------------------------------------------------------------------------ read-only folders


def _unshare_works() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(not _unshare_works(),
                                   reason="needs unshare -rm (a private mount namespace)")


@needs_unshare
@pytest.mark.parametrize("args", [
    ["render", "-i", "{clip}", "-o", "ro/o.mp4"],
    ["render", "-i", "{clip}", "-o", "o.mp4", "--save-project", "ro/p.ckproj"],
    ["subs", "convert", "{srt}", "ro/o.srt"],
    ["templates", "export", "maskup", "ro/o.ckpack"],
    ["batch", "{sheet}", "--out-dir", "ro/out", "--template", "maskup"],
    ["batch", "{sheet}", "--out-dir", "ro", "--template", "maskup"],
])
def test_read_only_folder(tmp_path: Path, media: Path, args: list[str]) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"input,output\n{media / 'ok.mp4'},a.mp4\n", encoding="utf-8")
    argv = [a.replace("{clip}", str(media / "ok.mp4")).replace("{srt}", str(srt))
            .replace("{sheet}", str(sheet)) for a in args]
    run = run_cli(argv, cwd=tmp_path, readonly=ro)
    line = _contract(run, "ro")
    assert re.search(r"read-only|not writable", line, re.I), line
    assert files_in(ro) == set()
    assert not processes_under(tmp_path)


@needs_unshare
def test_templates_import_into_a_read_only_user_folder(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "t.ckpack", {})
    ro = tmp_path / "ro"
    ro.mkdir()
    run = run_cli(["templates", "import", pack], cwd=tmp_path, readonly=ro,
                  env={"CREATOR_KIT_DATA_DIR": str(ro / "data")})
    assert "read-only" in _contract(run, "ro")


# ------------------------------------------------------------------------ pack assets


def _big_png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (the pixel data is a stub)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def _pack(path: Path, files: dict[str, bytes], layers: list[dict[str, object]] | None = None,
          **extra: object) -> Path:
    doc = {"schema_version": 1, "name": "hostile-test", "title_ar": "ق", "title_en": "T",
           "overlays": layers or [], **extra}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("template.json", json.dumps(doc, ensure_ascii=False))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("case", ["bomb", "svg-as-png", "garbage-sound"])
def test_pack_assets_are_opened_at_import(tmp_path: Path, case: str) -> None:
    name, data = {
        "bomb": ("big.png", _big_png_header(16_000, 16_000)),
        "svg-as-png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" '
                                   b'height="9"/>'),
        "garbage-sound": ("bed.m4a", b"\x00\x01not sound" * 50),
    }[case]
    if case == "garbage-sound":
        pack = _pack(tmp_path / "t.ckpack", {name: data},
                     defaults={"audio": {"music": name}})
    else:
        pack = _pack(tmp_path / "t.ckpack", {name: data}, [{"kind": "image", "path": name}])
    data_dir = tmp_path / "data"
    run = run_cli(["templates", "import", pack], cwd=tmp_path,
                  env={"CREATOR_KIT_DATA_DIR": str(data_dir)})
    _contract(run, pack, name)
    installed = data_dir / "templates"
    assert not installed.exists() or not [p for p in installed.iterdir()
                                          if not p.name.startswith(".")]


# ------------------------------------------------------------------------ stray stderr


def test_svg_and_ass_complaints_stay_off_stderr(tmp_path: Path) -> None:
    odd = tmp_path / "odd.svg"
    odd.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   '<rect width="10" height="10" fill="url(#nope)"/></svg>', encoding="utf-8")
    code = ("import sys; from creator_kit.graphics.svg import rasterise_svg; "
            f"print(rasterise_svg({str(odd)!r}).shape)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0 and out.stderr == "", out.stderr
    ass = tmp_path / "m.ass"
    ass.write_text("[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, "
                   "Style, Text\nDialogue: x,0:00:00.00,0:00:01.00,Default,hi\n",
                   encoding="utf-8")
    run = run_cli(["subs", "check", ass], cwd=tmp_path)
    assert run.stderr == "" and "Traceback" not in run.stdout
    bad = tmp_path / "bad.svg"
    bad.write_text("not svg <", encoding="utf-8")
    clip = make_clip(tmp_path / "c.mp4", duration=0.5)
    run = run_cli(["render", "-i", clip, "--sticker", bad, "-o", "o.mp4"], cwd=tmp_path)
    assert "not a readable SVG" in _contract(run, bad)


@pytest.mark.slow
def test_caption_warnings_once_each_with_the_prefix(tmp_path: Path, media: Path) -> None:
    # Too long (cut to 500 characters) and too many lines: two warnings, each printed once.
    text = "كلمة " * 300
    run = run_cli(["render", "-i", media / "ok.mp4", "--caption", text, "-o", "o.mp4",
                   "--x264-preset", "ultrafast", "--no-normalise", "--progress", "none"],
                  cwd=tmp_path)
    assert run.code == 0, run.stderr
    warnings = [line for line in run.lines if not line.startswith("wrote ")]
    assert any("cut to the first 500" in w for w in warnings), run.stderr
    assert all(w.startswith("warning: ") for w in warnings), run.stderr
    assert len(warnings) == len(set(warnings)), run.stderr
