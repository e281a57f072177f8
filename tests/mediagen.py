"""Build test media on the fly with ffmpeg's lavfi sources (nothing binary is committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from creator_kit.media.ffmpeg import ffmpeg_exe

SHARED_MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


def ffmpeg(*args: str) -> None:
    """Run ffmpeg with ``args``; raise with its stderr on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    res = subprocess.run(cmd, capture_output=True)
    if res.returncode != 0:
        raise RuntimeError(f"ffmpeg {' '.join(args)} failed: {res.stderr.decode()[-800:]}")


def make_clip(
    path: Path,
    *,
    size: str = "320x240",
    duration: float = 2.0,
    fps: float = 30,
    source: str = "testsrc2",
    audio: bool = True,
    audio_duration: float | None = None,
    tone: int = 440,
    pix_fmt: str = "yuv420p",
    vcodec: str = "libx264",
    extra_out: tuple[str, ...] = (),
    vf: str | None = None,
) -> Path:
    """A small H.264 clip from a lavfi ``source`` with an optional sine tone."""
    sep = ":" if "=" in source else "="
    args = ["-f", "lavfi", "-i", f"{source}{sep}size={size}:rate={fps}:duration={duration}"]
    if audio:
        ad = duration if audio_duration is None else audio_duration
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000:duration={ad}"]
    if vf:
        args += ["-vf", vf]
    args += ["-c:v", vcodec, "-pix_fmt", pix_fmt]
    if vcodec == "libx264":
        args += ["-preset", "ultrafast"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += [*extra_out, str(path)]
    ffmpeg(*args)
    return path


def make_colour_clip(
    path: Path,
    colour: str,
    *,
    size: str = "320x240",
    duration: float = 1.0,
    fps: float = 30,
    audio: bool = True,
) -> Path:
    """A flat-colour clip, handy for exact pixel assertions."""
    return make_clip(
        path, size=size, duration=duration, fps=fps, source=f"color=c={colour}", audio=audio
    )
