"""Generate the built-in sample media for the demo and benchmarks (no downloads).

``python scripts/make_sample.py OUT_DIR`` writes:

- ``sample-landscape.mp4``: 1920x1080, 30 fps, 8 s, AAC 48 kHz: a moving colour gradient with
  a bouncing ball and a progress sweep, plus a soft two-note melody, so reframing, motion
  and audio sync are all visible (also the benchmark input);
- ``sample-selfie.mp4``: the same size and sound with a drawn face (no real person) talking
  to the camera from the right third of a landscape frame: what face reframe and the
  tracked mask are for;
- ``badge.png``: a round "mask up" badge drawn with Pillow (transparent background).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from creator_kit.media.ffmpeg import ffmpeg_exe  # noqa: E402
from creator_kit.vision.synthetic import draw_face, paste  # noqa: E402


def make_clip(
    path: Path, *, size: str = "1920x1080", duration: float = 8.0, fps: int = 30, crf: int = 18
) -> Path:
    """The landscape sample clip (see module docstring)."""
    w, h = (int(v) for v in size.split("x"))
    r = h // 9
    video = (
        f"gradients=s={size}:r={fps}:d={duration}:c0=0x0b3d91:c1=0x1fa2a6:c2=0x6a3093:"
        f"x0=0:y0=0:x1={w}:y1={h}:speed=0.02,"
        f"drawbox=x='{w // 2 - r}+{w // 3}*sin(t*1.3)':y='{h // 2 - r}+{h // 4}*abs(sin(t*2.1))':"
        f"w={2 * r}:h={2 * r}:color=0xffd166@0.95:t=fill,"
        f"drawbox=x='{w // 2 - r // 3}+{w // 3}*sin(t*1.3)':"
        f"y='{h // 2 - r // 3}+{h // 4}*abs(sin(t*2.1))':"
        f"w={2 * r // 3}:h={2 * r // 3}:color=0xef476f:t=fill,"
        f"drawbox=x=0:y={h - h // 30}:w='{w}*t/{duration}':h={h // 30}:color=white@0.8:t=fill"
    )
    # Two alternating notes with a soft envelope: easy to hear drift against the picture.
    audio = (
        "aevalsrc='0.25*sin(2*PI*(if(lt(mod(t,1),0.5),440,554))*t)*"
        "(1-exp(-8*mod(t,0.5)))*exp(-2*mod(t,0.5))|"
        "0.25*sin(2*PI*(if(lt(mod(t,1),0.5),440,554))*t)*(1-exp(-8*mod(t,0.5)))*"
        f"exp(-2*mod(t,0.5))':s=48000:d={duration}"
    )
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        video,
        "-f",
        "lavfi",
        "-i",
        audio,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-shortest",
        str(path),
    ]
    subprocess.run(cmd, check=True)
    return path


def _melody(duration: float) -> str:
    chan = (
        "0.25*sin(2*PI*(if(lt(mod(t,1),0.5),440,554))*t)*(1-exp(-8*mod(t,0.5)))*exp(-2*mod(t,0.5))"
    )
    return f"aevalsrc='{chan}|{chan}':s=48000:d={duration}"


def make_selfie(
    path: Path, *, size: tuple[int, int] = (1920, 1080), duration: float = 8.0, fps: int = 30
) -> Path:
    """A landscape 'selfie': a drawn face off-centre, swaying and nodding as people do."""
    w, h = size
    face = draw_face(int(h * 0.40))
    fh, fw = face.rgba.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    # A soft room-like backdrop: warm wall to cool window light, with a shelf line.
    base = (
        np.dstack(
            [
                150 + 50 * (xs / w) - 20 * (ys / h),
                140 + 30 * np.cos(xs / w * 2.0) - 10 * (ys / h),
                120 + 70 * (1 - xs / w),
            ]
        )
        .clip(0, 255)
        .astype(np.uint8)
    )
    base[int(h * 0.90) : int(h * 0.92)] = (90, 70, 60)
    # The body continues below the drawn shoulders to the bottom of the frame.
    row = face.rgba[-1]
    cols = np.nonzero(row[:, 3] > 128)[0]
    body = tuple(int(v) for v in row[cols, :3].mean(axis=0)) if len(cols) else (40, 50, 90)
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{w}x{h}",
        "-r",
        str(fps),
        "-i",
        "-",
        "-f",
        "lavfi",
        "-i",
        _melody(duration),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "18",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-shortest",
        str(path),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for i in range(int(duration * fps)):
        t = i / fps
        frame = base.copy()
        x = w * 0.66 - fw / 2 + w * 0.05 * np.sin(t * 0.9)
        y = h * 0.12 + h * 0.02 * np.sin(t * 2.3)
        paste(frame, face, x, y)
        if len(cols):
            top = int(round(y)) + fh
            left, right = int(round(x)) + int(cols[0]), int(round(x)) + int(cols[-1]) + 1
            frame[max(top, 0) :, max(left, 0) : min(right, w)] = body
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("ffmpeg failed to write the sample selfie")
    return path


def make_badge(path: Path, size: int = 512) -> Path:
    """A round badge with a stylised mask (transparent PNG)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse(
        (8, 8, size - 8, size - 8),
        fill=(255, 255, 255, 245),
        outline=(11, 61, 145, 255),
        width=size // 24,
    )
    mx0, my0, mx1, my1 = size * 0.24, size * 0.36, size * 0.76, size * 0.68
    # Ear loops: the outer halves of two ellipses hooked onto the mask's sides.
    loop_w, lw = size * 0.16, size // 48
    d.arc(
        (mx0 - loop_w, my0 + size * 0.03, mx0 + loop_w, my1 - size * 0.03),
        start=90,
        end=270,
        fill=(11, 61, 145, 255),
        width=lw,
    )
    d.arc(
        (mx1 - loop_w, my0 + size * 0.03, mx1 + loop_w, my1 - size * 0.03),
        start=270,
        end=90,
        fill=(11, 61, 145, 255),
        width=lw,
    )
    # The mask: a rounded band with pleats.
    d.rounded_rectangle(
        (mx0, my0, mx1, my1),
        radius=size // 10,
        fill=(120, 190, 230, 255),
        outline=(11, 61, 145, 255),
        width=size // 64,
    )
    for k in range(1, 4):
        yy = my0 + (my1 - my0) * k / 4
        d.line(
            (mx0 + size * 0.03, yy, mx1 - size * 0.03, yy),
            fill=(70, 140, 190, 255),
            width=size // 80,
        )
    img.save(path)
    return path


def main() -> None:
    """Write the sample files into the folder given on the command line (default out/sample)."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
    out.mkdir(parents=True, exist_ok=True)
    clip = out / "sample-landscape.mp4"
    if not clip.exists():
        make_clip(clip)
    selfie = out / "sample-selfie.mp4"
    if not selfie.exists():
        make_selfie(selfie)
    badge = out / "badge.png"
    if not badge.exists():
        make_badge(badge)
    print(clip)


if __name__ == "__main__":
    main()
