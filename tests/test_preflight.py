"""Pre-flight check: a compliant export passes; each broken upload rule is named with its value.

Every input is generated here with ffmpeg lavfi (1080x1920, 0.5-1.5 s, x264 ultrafast) or a
few bytes of Python; nothing binary is committed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import struct
import subprocess
import sys
from pathlib import Path

import av
import pytest
from PIL import Image

from creator_kit.cli import check_cmd
from creator_kit.core.errors import InputError
from creator_kit.core.presets import get_profile
from creator_kit.media.mp4boxes import read_layout
from creator_kit.media.preflight import CheckReport, check_file, evaluate, measure
from tests.mediagen import ffmpeg

TIKTOK = get_profile("tiktok")
REELS = get_profile("reels")
SHORTS = get_profile("shorts")
VENV_CLI = Path(sys.executable).parent / "creator-kit"
# In this ffmpeg build the -color_* output options alone leave primaries and transfer unset
# (the filter graph's frame properties win), so the tags are also set on the frames.
TAG_FILTER = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709"
TAG_OPTIONS = ("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709")


def build(
    path: Path,
    *,
    size: str = "1080x1920",
    duration: float = 1.0,
    fps: float = 30,
    vf: str | None = None,
    tags: bool = True,
    vcodec: str = "libx264",
    vprofile: str | None = "high",
    x264_params: str | None = "8x8dct=1",
    pix_fmt: str = "yuv420p",
    audio: str | None = "aac",
    audio_rate: int = 48000,
    faststart: bool = True,
    vfr: bool = False,
    extra: tuple[str, ...] = (),
) -> Path:
    """A testsrc2 clip that meets every rule unless a keyword says otherwise."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={duration}"]
    if audio:
        tone = f"sine=frequency=440:sample_rate={audio_rate}:duration={duration}"
        args += ["-f", "lavfi", "-i", tone]
    filters = [f for f in (vf, TAG_FILTER if tags else None) if f]
    if filters:
        args += ["-vf", ",".join(filters)]
    args += ["-c:v", vcodec, "-preset", "ultrafast", "-pix_fmt", pix_fmt]
    if vcodec == "libx264" and x264_params:
        # ultrafast alone switches off 8x8 transforms, and x264 then signals Constrained
        # Baseline whatever -profile:v asks for; 8x8dct makes the stream genuinely High.
        args += ["-x264-params", x264_params]
    elif vcodec == "libx265":
        args += ["-x265-params", "log-level=none"]
    if vprofile:
        args += ["-profile:v", vprofile]
    if tags:
        args += TAG_OPTIONS
    if audio:
        args += ["-c:a", audio]
    if faststart:
        args += ["-movflags", "+faststart"]
    args += ["-fps_mode", "vfr"] if vfr else ["-r", str(fps)]
    args += [*extra, str(path)]
    ffmpeg(*args)
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 s of compliant 1080x1920 H.264 High + AAC-LC 48 kHz, faststart, BT.709 tags."""
    return build(tmp_path_factory.mktemp("preflight") / "good.mp4")


def rules(report: CheckReport) -> set[str]:
    return set(report.rules_broken())


def message(report: CheckReport, rule: str) -> str:
    return next(v.message for v in report.violations if v.rule == rule)


# --- a compliant file -----------------------------------------------------------------------


@pytest.mark.parametrize("profile", [TIKTOK, SHORTS], ids=lambda p: p.name)
def test_compliant_file_passes(good: Path, profile: object) -> None:
    report = check_file(good, profile)  # type: ignore[arg-type]
    assert report.ok, report.violations
    f = report.facts
    assert (f.width, f.height, f.video_codec, f.video_profile, f.pix_fmt) == (
        1080, 1920, "h264", "High", "yuv420p")
    assert f.fps == pytest.approx(30.0)
    assert f.constant_frame_rate is True
    assert f.closed_gop is True
    assert f.interlaced is False
    assert (f.colour_primaries, f.colour_transfer, f.colour_matrix) == ("bt709",) * 3
    assert (f.audio_codec, f.audio_profile, f.audio_rate) == ("aac", "LC", 48000)
    assert f.moov_before_mdat is True
    assert f.edit_lists == ()  # the AAC priming edit is tolerated
    assert f.sar in (None, "1:1")
    assert f.duration == pytest.approx(1.0, abs=0.05)
    assert f.size_bytes == good.stat().st_size
    assert report.notes == ()


def test_reels_rejects_a_one_second_clip_only_for_its_duration(good: Path) -> None:
    report = check_file(good, REELS)
    assert report.rules_broken() == ("duration",)
    assert message(report, "duration") == "1.00 s, expected 3 to 180 s"


def test_the_box_walker_sees_faststart_and_the_priming_edit(good: Path) -> None:
    layout = read_layout(good)
    assert layout.moov_before_mdat is True
    assert [b.type for b in layout.top_level][:2] == ["ftyp", "moov"]
    audio = next(t for t in layout.edits if t.handler == "soun")
    assert audio.timescale == 48000
    assert len(audio.entries) == 1 and audio.entries[0].media_time == 1024  # AAC priming


# --- one file per broken rule ---------------------------------------------------------------

# Keeps frames 0-3, 5-8, ...: intervals of 1/30 s with a 2/30 s gap in every fifth.
DROP_EVERY_FIFTH = "select='not(eq(mod(n\\,5)\\,4))'"
# x264 open GOP: B-frames may reference across the recovery-point I frame every 10 frames.
OPEN_GOP = "8x8dct=1:bframes=2:open-gop=1:keyint=10:min-keyint=10:scenecut=0"

BROKEN = [
    # id, build keywords, preset, expected rules, the rule to read, text its message must hold
    ("landscape", {"size": "1920x1080"}, TIKTOK, {"resolution"}, "resolution",
     "1920x1080, expected 1080x1920"),
    ("yuv444p", {"pix_fmt": "yuv444p", "vprofile": None}, TIKTOK, {"pix-fmt", "profile"},
     "pix-fmt", "yuv444p, expected yuv420p"),
    ("baseline", {"vprofile": "baseline", "x264_params": None}, TIKTOK, {"profile"}, "profile",
     "h264 Constrained Baseline profile, expected High profile"),
    ("no-faststart", {"faststart": False}, TIKTOK, {"moov"}, "moov", "after the media data"),
    ("audio-96k", {"audio_rate": 96000}, TIKTOK, {"audio-rate"}, "audio-rate",
     "96000 Hz, expected 48000 Hz or less"),
    ("mp3-audio", {"audio": "libmp3lame"}, TIKTOK, {"audio-codec"}, "audio-codec",
     "mp3, expected AAC-LC"),
    ("10fps", {"fps": 10}, TIKTOK, {"fps"}, "fps", "10 fps, expected 23 to 60 fps"),
    ("vfr", {"vf": DROP_EVERY_FIFTH, "duration": 1.5, "vfr": True}, TIKTOK, {"vfr"}, "vfr",
     "frame intervals vary from 33.3 to 66.7 ms (8 of 35 irregular), expected a constant"),
    ("no-colour-tags", {"tags": False}, TIKTOK, {"colour-tags"}, "colour-tags",
     "primaries unset, transfer unset, matrix unset, expected bt709"),
    ("sar-2", {"vf": "setsar=2"}, TIKTOK, {"sar"}, "sar", "sample aspect ratio 2:1, expected 1:1"),
    ("open-gop", {"x264_params": OPEN_GOP}, SHORTS, {"gop"}, "gop",
     "keyframe is a recovery point, not an IDR picture"),
    ("interlaced", {"extra": ("-flags", "+ildct+ilme")}, TIKTOK, {"interlaced"}, "interlaced",
     "interlaced picture, expected progressive"),
    ("half-second-reels", {"duration": 0.5}, REELS, {"duration"}, "duration",
     "0.50 s, expected 3 to 180 s"),
]


@pytest.mark.parametrize(("kwargs", "profile", "expected", "rule", "text"),
                         [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_each_broken_rule_is_named_with_its_measured_value(
    tmp_path: Path, kwargs: dict[str, object], profile: object, expected: set[str], rule: str,
    text: str,
) -> None:
    clip = build(tmp_path / "clip.mp4", **kwargs)  # type: ignore[arg-type]
    report = check_file(clip, profile)  # type: ignore[arg-type]
    assert rules(report) == expected, report.violations
    assert text in message(report, rule)


def test_the_broken_facts_are_measured_not_guessed(tmp_path: Path) -> None:
    vfr = measure(build(tmp_path / "vfr.mp4", vf=DROP_EVERY_FIFTH, duration=1.5, vfr=True))
    assert vfr.constant_frame_rate is False
    # 36 of 45 frames kept, so the average rate is 24 fps: inside the range, yet not constant.
    with av.open(vfr.path) as c:
        assert c.streams.video[0].frames == 36
    assert vfr.fps == pytest.approx(35 / (43 / 30))
    ten = measure(build(tmp_path / "ten.mp4", fps=10))
    assert ten.fps == pytest.approx(10.0) and ten.constant_frame_rate is True


def test_hevc_is_allowed_for_reels_only(tmp_path: Path) -> None:
    clip = build(tmp_path / "hevc.mp4", vcodec="libx265", vprofile=None, duration=0.5)
    reels = check_file(clip, REELS)
    assert reels.facts.video_codec == "hevc" and reels.facts.video_profile == "Main"
    assert reels.facts.closed_gop is True
    assert rules(reels) == {"duration"}  # 0.5 s is short; codec and profile are fine
    tiktok = check_file(clip, TIKTOK)
    assert rules(tiktok) == {"video-codec", "duration"}
    assert message(tiktok, "video-codec") == "hevc, expected h264"


def test_hevc_open_gop_is_found_from_rasl_pictures(tmp_path: Path) -> None:
    clip = tmp_path / "hevc-open.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=30:duration=0.6", "-vf", TAG_FILTER,
           "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
           "log-level=none:keyint=8:min-keyint=8:open-gop=1:bframes=3:scenecut=0",
           "-pix_fmt", "yuv420p", *TAG_OPTIONS, "-movflags", "+faststart", str(clip))
    report = check_file(clip, dataclasses.replace(REELS, min_duration=0.5))
    assert report.rules_broken() == ("gop",)
    assert "RASL" in message(report, "gop")


def test_audio_at_44_1_khz_is_fine(tmp_path: Path) -> None:
    report = check_file(build(tmp_path / "a44.mp4", audio_rate=44100), TIKTOK)
    assert report.ok, report.violations
    assert report.facts.audio_rate == 44100


def test_missing_audio_is_a_note_not_a_violation(tmp_path: Path) -> None:
    report = check_file(build(tmp_path / "silent.mp4", audio=None), TIKTOK)
    assert report.ok and report.facts.audio_codec is None
    assert any("no audio track" in n for n in report.notes)


def test_non_lc_aac_is_a_violation(good: Path) -> None:
    # The bundled AAC encoder only makes LC, so the HE-AAC case edits the measured facts.
    facts = dataclasses.replace(measure(good), audio_profile="HE-AAC")
    report = evaluate(facts, TIKTOK)
    assert message(report, "audio-codec") == "AAC HE-AAC profile, expected AAC-LC"


def test_an_edit_list_that_cuts_the_start_is_reported(tmp_path: Path) -> None:
    source = build(tmp_path / "long.mp4", duration=1.5)
    cut = tmp_path / "cut.mp4"
    # Stream copy cannot start between keyframes, so ffmpeg keeps the GOP and adds an edit.
    ffmpeg("-ss", "0.5", "-i", str(source), "-c", "copy", "-movflags", "+faststart", str(cut))
    report = check_file(cut, TIKTOK)
    assert rules(report) == {"edit-list"}, report.violations
    assert "video track edit list skips the first 0.5 s" in message(report, "edit-list")
    assert report.facts.closed_gop is True


def test_display_rotation_is_reported(tmp_path: Path, good: Path) -> None:
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(good), "-c", "copy", "-movflags", "+faststart",
           str(rotated))
    report = check_file(rotated, TIKTOK)
    assert rules(report) == {"rotation"}
    assert report.facts.rotation in (90, 270)


def test_a_matroska_file_breaks_the_container_rule(tmp_path: Path, good: Path) -> None:
    mkv = tmp_path / "good.mkv"
    ffmpeg("-i", str(good), "-c", "copy", str(mkv))
    report = check_file(mkv, TIKTOK)
    assert rules(report) == {"container"}
    assert report.facts.moov_before_mdat is None
    assert report.facts.fps == pytest.approx(30.0, abs=0.05)  # millisecond timestamps


def test_size_cap(good: Path) -> None:
    tiny = dataclasses.replace(TIKTOK, max_bytes=1000)
    report = check_file(good, tiny)
    assert report.rules_broken() == ("size",)
    assert f"({good.stat().st_size} bytes), expected at most 0.0 MiB" in message(report, "size")


# --- bad and hostile inputs -----------------------------------------------------------------


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


FTYP = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")


def _hostile(name: str, good: Path) -> bytes:
    if name == "random-bytes":
        return random.Random(7).randbytes(64 * 1024)
    if name == "huge-box":
        # A 64-bit size of 2**63: a reader that trusts it seeks or allocates forever.
        return FTYP + struct.pack(">I4sQ", 1, b"mdat", 2**63) + b"\x00" * 64
    if name == "truncated-box":
        return FTYP + _box(b"moov", b"\x00" * 32)[:20]
    if name == "truncated-header":
        return FTYP + b"\x00\x00\x01"
    if name == "cut-in-half":
        data = good.read_bytes()
        return data[: len(data) // 2]
    if name == "lying-edit-list":
        elst = _box(b"elst", struct.pack(">II", 0, 0xFFFFFFFF) + b"\x00" * 12)
        moov = _box(b"moov", _box(b"trak", _box(b"edts", elst)))
        return FTYP + moov + _box(b"mdat", b"\x00" * 16)
    if name in ("png-renamed", "jpeg-renamed"):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 10, 10)).save(out, name.split("-")[0].upper())
        return out.getvalue()
    if name == "text":
        return b"not a video\n" * 100
    raise AssertionError(name)


HOSTILE = ["random-bytes", "huge-box", "truncated-box", "truncated-header", "cut-in-half",
           "lying-edit-list", "png-renamed", "jpeg-renamed", "text"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_raise_a_clean_input_error(tmp_path: Path, good: Path, name: str) -> None:
    bad = tmp_path / f"{name}.mp4"
    bad.write_bytes(_hostile(name, good))
    with pytest.raises(InputError) as info:
        check_file(bad, TIKTOK)
    assert str(bad) in info.value.message
    assert "\n" not in info.value.message


def test_hostile_messages_say_what_is_wrong(tmp_path: Path, good: Path) -> None:
    huge = tmp_path / "huge.mp4"
    huge.write_bytes(_hostile("huge-box", good))
    with pytest.raises(InputError, match=r"'mdat' at offset 32 claims 9223372036854775808 bytes"):
        check_file(huge, TIKTOK)
    liar = tmp_path / "liar.mp4"
    liar.write_bytes(_hostile("lying-edit-list", good))
    with pytest.raises(InputError, match="edit list claims 4294967295 entries but holds fewer"):
        check_file(liar, TIKTOK)
    half = tmp_path / "half.mp4"
    half.write_bytes(_hostile("cut-in-half", good))
    with pytest.raises(InputError, match="incomplete"):
        check_file(half, TIKTOK)
    png = tmp_path / "photo.mp4"
    png.write_bytes(_hostile("png-renamed", good))
    with pytest.raises(InputError, match="not a video: it is a PNG image"):
        check_file(png, TIKTOK)


@pytest.mark.parametrize("case", ["missing", "empty", "folder", "audio-only", "protocol"])
def test_unusable_paths_raise_input_error(tmp_path: Path, case: str) -> None:
    target: str | Path = tmp_path / "x.mp4"
    expected = {"missing": "file not found", "empty": "file is empty",
                "folder": "it is a folder", "audio-only": "no video stream",
                "protocol": "not a local file"}[case]
    if case == "empty":
        Path(target).touch()
    elif case == "folder":
        Path(target).mkdir()
    elif case == "audio-only":
        target = tmp_path / "tone.m4a"
        ffmpeg("-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac", str(target))
    elif case == "protocol":
        target = "concat:a.mp4|b.mp4"
    with pytest.raises(InputError, match=expected):
        check_file(target, TIKTOK)


# --- command line ---------------------------------------------------------------------------


def _main(argv: list[str]) -> int:
    from creator_kit.cli.main import main

    return main(argv)


def test_cli_passes_a_compliant_file(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["check", str(good)]) == 0
    assert capsys.readouterr().out == f"OK: {good} meets TikTok rules\n"
    assert _main(["check", str(good), "--preset", "shorts"]) == 0
    assert "meets YouTube Shorts rules" in capsys.readouterr().out


def test_cli_lists_violations_with_exit_1(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landscape = build(tmp_path / "landscape.mp4", size="1920x1080", faststart=False)
    assert _main(["check", str(landscape)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "FAIL resolution: 1920x1080, expected 1080x1920" in out
    assert any(line.startswith("FAIL moov: ") for line in out)
    assert not any(line.startswith("OK") for line in out)
    assert _main(["check", str(good), "--preset", "reels"]) == 1
    assert capsys.readouterr().out == "FAIL duration: 1.00 s, expected 3 to 180 s\n"


def test_cli_json(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["check", str(good), "--preset", "reels", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["preset"] == "reels"
    assert data["facts"]["width"] == 1080 and data["facts"]["audio_profile"] == "LC"
    assert [v["rule"] for v in data["violations"]] == ["duration"]


def test_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.mp4"
    assert _main(["check", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {missing}: file not found\n"
    with pytest.raises(SystemExit) as info:
        _main(["check", str(missing), "--preset", "vimeo"])
    assert info.value.code == 2


def test_check_command_registers_on_its_own(good: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    check_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["check", str(good)])
    assert args.preset == "tiktok" and args.json is False
    assert args.func(args) == 0


@pytest.mark.parametrize(("make", "code"), [("good", 0), ("huge-box", 2), ("random-bytes", 2)])
def test_installed_command(tmp_path: Path, good: Path, make: str, code: int) -> None:
    target = good
    if make != "good":
        target = tmp_path / f"{make}.mp4"
        target.write_bytes(_hostile(make, good))
    # The timeout turns a hang on a hostile file into a failure instead of a stuck suite.
    res = subprocess.run([str(VENV_CLI), "check", str(target)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == code, res.stderr
    if code == 2:
        assert res.stderr.startswith(f"error: {target}: ")
        assert res.stderr.count("\n") == 1
    else:
        assert res.stdout.startswith("OK: ")
