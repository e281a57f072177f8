"""Awkward sources through the whole render: rows 1, 4, 6, 8 and 9 of the bad-inputs table."""

from __future__ import annotations

import numpy as np
import pytest

from creator_kit.cli.main import main
from tests.mediagen import ffmpeg, make_clip
from tests.videoread import frame_count, frames_rgb, stream_facts

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow


def quadrants(path, size="320x240", duration=1.0):
    """Red top-left, green top-right, blue bottom-left, white bottom-right."""
    w, h = (int(v) for v in size.split("x"))
    q = f"{w // 2}x{h // 2}"
    ffmpeg("-f", "lavfi", "-i", f"color=red:s={q}:d={duration}:r=30",
           "-f", "lavfi", "-i", f"color=lime:s={q}:d={duration}:r=30",
           "-f", "lavfi", "-i", f"color=blue:s={q}:d={duration}:r=30",
           "-f", "lavfi", "-i", f"color=white:s={q}:d={duration}:r=30",
           "-filter_complex", "[0][1]hstack[t];[2][3]hstack[b];[t][b]vstack",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path))
    return path


def render(*args: str) -> int:
    return main(["render", *args, "--progress", "none", "--x264-preset", "ultrafast"])


@pytest.mark.parametrize("rotation", [90, 270])
def test_rotated_phone_clip_renders_upright_not_stretched(tmp_path, rotation):
    stored = quadrants(tmp_path / "stored.mp4", "480x270")
    phone = tmp_path / "phone.mp4"
    # A portrait phone clip: pixels stored landscape, display matrix says turn them.
    ffmpeg("-display_rotation:v:0", str(rotation), "-i", str(stored), "-c", "copy", str(phone))
    out = tmp_path / "out.mp4"
    assert render("-i", str(phone), "--reframe", "fit", "--bar-colour", "#000000",
                  "-o", str(out)) == 0
    f = frames_rgb(out, [10])[0].astype(int)
    # Displayed 270x480 (9:16): it fills the canvas exactly, no bars, no stretch.
    assert f[5, 540].max() > 200 and f[1915, 540].max() > 200
    # display_rotation counts counter-clockwise: +90 puts the stored top-left (red) at the
    # bottom-left, 270 (i.e. -90) at the top-right.
    red_at = (1600, 200) if rotation == 90 else (300, 880)
    r, g, b = f[red_at]
    assert r > 200 and g < 60 and b < 60


def test_odd_size_444_source_gives_an_upload_ready_file(tmp_path):
    src = make_clip(tmp_path / "odd.mp4", size="641x361", pix_fmt="yuv444p", duration=1.0)
    out = tmp_path / "out.mp4"
    assert render("-i", str(src), "-o", str(out)) == 0
    facts = stream_facts(out)
    assert (facts["width"], facts["height"], facts["pix_fmt"], facts["profile"]) == (
        1080, 1920, "yuv420p", "High")


def test_audio_only_file_is_refused(tmp_path, capsys):
    song = tmp_path / "song.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "aac", str(song))
    assert render("-i", str(song), "-o", str(tmp_path / "o.mp4")) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {song}") and "no video stream" in err
    assert not (tmp_path / "o.mp4").exists()


def test_truncated_files_are_refused_before_rendering(tmp_path, capsys):
    whole = make_clip(tmp_path / "whole.mp4", duration=2.0)
    fast = tmp_path / "fast.mp4"
    ffmpeg("-i", str(whole), "-c", "copy", "-movflags", "+faststart", str(fast))
    for src, name in ((whole, "cut_end_index.mp4"), (fast, "cut_faststart.mp4")):
        data = src.read_bytes()
        cut = tmp_path / name
        cut.write_bytes(data[: len(data) // 2])
        out = tmp_path / f"{name}.out.mp4"
        assert render("-i", str(cut), "-o", str(out)) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {cut}") and "incomplete" in err, err
        assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".ck-" in p.name]


def test_no_audio_clip_and_music_only(tmp_path):
    mute = make_clip(tmp_path / "mute.mp4", audio=False, duration=1.0)
    out = tmp_path / "o.mp4"
    assert render("-i", str(mute), "-o", str(out)) == 0
    assert frame_count(out) == 30
    assert stream_facts(out)["arate"] == 48000
    assert np.isfinite(frames_rgb(out, [0])[0]).all()
