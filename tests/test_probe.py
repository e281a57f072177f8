"""probe(): stream properties, rotation, VFR, HDR, and the bad inputs of specs/bad-inputs.md.

Every input is built with lavfi (:mod:`tests.helpers`) or a few bytes of Python.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from creator_kit.cli.main import main
from creator_kit.core.errors import InputError
from creator_kit.media.probe import probe
from tests.helpers import (
    UPRIGHT_H,
    UPRIGHT_W,
    make_hdr_patches,
    make_numbered,
    make_odd,
    make_rotated,
    make_sdr_patches,
)
from tests.mediagen import ffmpeg, make_clip

# --- rotation (row 1) -------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [90, 180, 270])
@pytest.mark.parametrize("method", ["display-matrix", "rotate-tag"])
def test_rotation_and_displayed_size(tmp_path: Path, method: str, angle: int) -> None:
    info = probe(make_rotated(tmp_path, method, angle))
    v = info.video
    assert v is not None
    assert v.rotation == angle
    assert v.rotation_source == method
    coded = (UPRIGHT_H, UPRIGHT_W) if angle in (90, 270) else (UPRIGHT_W, UPRIGHT_H)
    assert (v.coded_width, v.coded_height) == coded
    assert (v.display_width, v.display_height) == (UPRIGHT_W, UPRIGHT_H)


def test_unrotated_clip(landscape_clip: Path) -> None:
    info = probe(landscape_clip)
    v = info.video
    assert v is not None and info.audio is not None
    assert (v.rotation, v.rotation_source) == (0, "none")
    assert (v.coded_width, v.coded_height, v.display_width, v.display_height) == (640, 360) * 2
    assert v.codec == "h264" and v.pix_fmt == "yuv420p" and v.bit_depth == 8
    assert v.fps == 30.0 and v.avg_fps == 30.0 and not v.variable_frame_rate
    assert v.frame_count == 60 and v.duration == pytest.approx(2.0)
    assert v.hdr is None and v.sample_aspect_ratio == (1, 1)
    assert info.audio.codec == "aac" and info.audio.sample_rate == 48000
    assert info.audio.channels == 1
    assert info.size_bytes == landscape_clip.stat().st_size
    assert info.format.startswith("mov,mp4") and info.warnings == ()


@pytest.mark.realmedia
def test_real_phone_clips(shared_media: Path) -> None:
    portrait = probe(shared_media / "portrait-phone-rot90.mp4").video
    assert portrait is not None
    assert (portrait.coded_width, portrait.coded_height) == (480, 360)
    assert (portrait.display_width, portrait.display_height) == (360, 480)
    assert (portrait.rotation, portrait.rotation_source) == (270, "display-matrix")
    selfie = probe(shared_media / "selfie-two-people-rot90.mp4").video
    assert selfie is not None
    assert (selfie.coded_width, selfie.coded_height) == (480, 640)
    assert (selfie.display_width, selfie.display_height) == (640, 480)
    assert (selfie.rotation, selfie.rotation_source) == (90, "display-matrix")
    assert selfie.fps == pytest.approx(29.97, abs=0.01)


# --- frame rate (row 2) -----------------------------------------------------------------------


def test_variable_frame_rate_detected(tmp_path: Path) -> None:
    v = probe(make_numbered(tmp_path / "vfr.mp4", vfr=True)).video
    assert v is not None
    assert v.variable_frame_rate
    assert v.fps == 30.0  # the nominal rate of the fast first second
    assert v.frame_count == 30 + 20
    assert v.avg_fps == pytest.approx(50 / 2.9333, rel=0.02)


@pytest.mark.parametrize("container", ["mp4", "mkv"])
def test_constant_ntsc_rate_is_not_variable(tmp_path: Path, container: str) -> None:
    # Matroska stores milliseconds: 29.97 fps gives 33/34 ms gaps, which is still constant.
    clip = make_clip(tmp_path / f"ntsc.{container}", size="160x120", duration=1.5,
                     fps=30000 / 1001, audio=False)
    v = probe(clip).video
    assert v is not None
    assert not v.variable_frame_rate
    assert v.fps == pytest.approx(29.97, abs=0.01)


# --- HDR, bit depth, odd size (rows 3, 4) -----------------------------------------------------


@pytest.mark.parametrize("kind", ["hlg", "pq"])
def test_hdr_ten_bit(tmp_path: Path, kind: str) -> None:
    v = probe(make_hdr_patches(tmp_path / f"{kind}.mp4", kind)).video
    assert v is not None
    assert v.codec == "hevc" and v.profile == "Main 10"
    assert v.hdr == kind
    assert v.bit_depth == 10 and v.pix_fmt == "yuv420p10le"
    assert v.color_primaries == "bt2020" and v.color_matrix == "bt2020nc"
    assert v.color_transfer == ("arib-std-b67" if kind == "hlg" else "smpte2084")
    assert v.color_range == "tv"


def test_sdr_clip_tags(tmp_path: Path) -> None:
    v = probe(make_sdr_patches(tmp_path / "sdr.mp4")).video
    assert v is not None
    assert v.hdr is None
    assert (v.color_primaries, v.color_transfer, v.color_matrix) == ("bt709",) * 3


def test_odd_size_yuv444(tmp_path: Path) -> None:
    v = probe(make_odd(tmp_path / "odd.mp4")).video
    assert v is not None
    assert (v.coded_width, v.coded_height) == (641, 361)
    assert (v.display_width, v.display_height) == (641, 361)
    assert v.pix_fmt == "yuv444p" and v.bit_depth == 8
    assert v.profile is not None and "4:4:4" in v.profile


# --- audio (rows 6, 7) ------------------------------------------------------------------------


def _audio_only(path: Path) -> Path:
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", str(path))
    return path


def test_audio_only_file_is_not_a_video(tmp_path: Path) -> None:
    m4a = _audio_only(tmp_path / "tone.m4a")
    with pytest.raises(InputError, match="no video stream") as err:
        probe(m4a)
    assert err.value.path == str(m4a)
    # A music bed may be audio only.
    info = probe(m4a, require_video=False)
    assert info.video is None and info.audio is not None
    assert info.audio.duration == pytest.approx(1.0, abs=0.05)


def test_audio_longer_than_video_is_reported(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "long-audio.mp4", size="160x120", duration=2.0,
                     audio_duration=5.0)
    info = probe(clip)
    assert info.warnings == ("audio (5.0 s) is longer than video (2.0 s)",)


# --- broken and wrong files (rows 8, 9, 10) ---------------------------------------------------


def _message(path: Path | str) -> str:
    with pytest.raises(InputError) as err:
        probe(path)
    message = err.value.message
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def test_truncated_file_with_index_at_end(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "whole.mp4", size="320x240", duration=2.0).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])
    assert _message(cut).startswith("file is incomplete (")


def test_truncated_faststart_file_reports_missing_frames(tmp_path: Path) -> None:
    fast = make_clip(tmp_path / "fast.mp4", size="320x240", duration=2.0,
                     extra_out=("-movflags", "+faststart"))
    assert probe(fast).video is not None  # whole, it is fine
    data = fast.read_bytes()
    cut = tmp_path / "fast-cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    message = _message(cut)
    prefix, _, count = message.partition(": ")
    assert prefix == "file is incomplete"
    missing, _, rest = count.partition(" of ")
    assert rest == "60 frames are missing"
    assert 10 < int(missing) < 50  # about half the frames are gone


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    assert _message(empty) == "file is empty"


def test_random_bytes(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(random.Random(7).randbytes(64_000))
    assert _message(junk) == "not a video file (unrecognised data)"


def test_png_renamed_mp4(tmp_path: Path) -> None:
    png = tmp_path / "frame.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1", str(png))
    renamed = tmp_path / "holiday.mp4"
    renamed.write_bytes(png.read_bytes())
    assert _message(renamed) == "not a video file (it is a PNG image)"


def test_playlist_renamed_mp4_is_never_opened(tmp_path: Path) -> None:
    # libavformat would follow an HLS playlist to whatever it names; text is refused unread.
    playlist = tmp_path / "clip.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n")
    assert _message(playlist) == "not a video file (it is a text file)"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _message(tmp_path / "nope.mp4") == "file not found"
    assert _message(tmp_path) == "not a file (it is a folder)"


# --- names and protocols (rows 12, 13) --------------------------------------------------------

AWKWARD_NAMES = [
    "-ñ 'x' ;rm.mp4",
    "clip ;touch pwned.mp4",
    "$(touch pwned).mp4",
    "`touch pwned` | cat.mp4",
    "🎬 مقطع فيديو 😀.mp4",
    "تحدي الكمامة.mp4",
    "  spaces  everywhere  .mp4",
    "concat:a|b.mp4",
]


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_awkward_names_work_and_run_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    source = make_clip(tmp_path / "src.mp4", size="160x120", duration=0.5, audio=False)
    work = tmp_path / "work"
    work.mkdir()
    target = work / name
    source.rename(target)
    monkeypatch.chdir(work)
    info = probe(target)
    assert info.video is not None and info.video.frame_count == 15
    assert info.path == str(target)
    # Relative to the working folder, as a user would type it; a name that reads as a
    # protocol is refused bare and works as ./name.
    if name.startswith("concat:"):
        with pytest.raises(InputError, match="not a local file"):
            probe(name)
        assert probe(f"./{name}").video is not None
    else:
        assert probe(name).video is not None
    assert sorted(p.name for p in work.iterdir()) == [name]  # no "pwned" appeared


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
def test_name_that_is_not_utf8(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "src.mp4", size="160x120", duration=0.5, audio=False)
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.mp4"  # Latin-1 bytes, as old cameras write
    os.rename(os.fsencode(source), raw)
    info = probe(os.fsdecode(raw))
    assert info.video is not None and info.video.frame_count == 15


def test_very_long_path(tmp_path: Path) -> None:
    folder = tmp_path
    for k in range(8):
        folder = folder / (f"{k}-" + "ف" * 60 + "x" * 60)
    folder.mkdir(parents=True)
    clip = make_clip(folder / ("clip " + "y" * 150 + ".mp4"), size="160x120", duration=0.5,
                     audio=False)
    assert len(str(clip)) > 1000
    assert probe(clip).video is not None


@pytest.mark.parametrize(
    "value", ["concat:a|b", "http://127.0.0.1:9/x", "pipe:0", "file:/etc/passwd"]
)
def test_protocol_strings_are_refused(value: str) -> None:
    with pytest.raises(InputError, match="not a local file"):
        probe(value)
    with pytest.raises(InputError, match="not a local file"):
        probe(Path(value))


def test_protocol_with_options_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ffmpeg's "proto,,opts,:target" form is refused like any other protocol string, even
    # though libavformat would only ever be given "file:/absolute/path".
    source = make_clip(tmp_path / "x.mp4", size="160x120", duration=0.5, audio=False)
    monkeypatch.chdir(tmp_path)
    value = f"subfile,,start,0,end,100,,:{source.name}"
    with pytest.raises(InputError, match="subfile: address, not a local file"):
        probe(value)


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_rotated(tmp_path, "display-matrix", 90)
    assert main(["probe", "--json", str(clip)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    doc = json.loads(out)
    assert doc["path"] == str(clip)
    assert doc["video"]["rotation"] == 90
    assert (doc["video"]["display_width"], doc["video"]["display_height"]) == (120, 160)
    assert doc["video"]["hdr"] is None and doc["audio"] is None
    assert doc["warnings"] == []
    assert "rotate 90° to upright 120x160" in doc["ingest"]
    assert doc["ingest_size"] == [120, 160]


def test_cli_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_numbered(tmp_path / "vfr.mp4", vfr=True)
    assert main(["probe", str(clip)]) == 0
    out = capsys.readouterr().out
    assert f"file:      {clip}" in out
    assert "variable" in out
    assert "  - convert variable frame rate (avg 17.0 fps) to constant 30 fps" in out.splitlines()


@pytest.mark.parametrize("kind", ["empty", "png", "missing", "protocol"])
def test_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    bad = tmp_path / "bad.mp4"
    if kind == "empty":
        bad.touch()
    elif kind == "png":
        bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    arg = "concat:a|b" if kind == "protocol" else str(bad)
    assert main(["probe", arg]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert arg in lines[0]


def test_cli_refuses_a_bad_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_clip(tmp_path / "clip.mp4", size="160x120", duration=0.5, audio=False)
    assert main(["probe", "--fps", "0", str(clip)]) == 2
    assert capsys.readouterr().err == "error: --fps 0 is outside 1-240\n"


def test_cli_as_a_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("creator-kit")
    clip = make_clip(tmp_path / "clip ;touch pwned.mp4", size="160x120", duration=0.5)
    ok = subprocess.run([str(exe), "probe", "--json", str(clip)], capture_output=True,
                        cwd=tmp_path, timeout=120)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["video"]["frame_count"] == 15 and doc["audio"]["codec"] == "aac"
    empty = tmp_path / "empty.mp4"
    empty.touch()
    bad = subprocess.run([str(exe), "probe", str(empty)], capture_output=True, cwd=tmp_path,
                         timeout=120)
    assert bad.returncode == 2
    assert bad.stdout == b""
    assert bad.stderr.decode().splitlines() == [f"error: {empty}: file is empty"]
    assert not (tmp_path / "pwned").exists()
