"""Helpers shared by the test modules: generated footage with known faces, probe fixtures,
process checks. Test modules import from here (and from mediagen, videoread, ocr), never from
one another.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil

from creator_kit.media.ffmpeg import spawn
from creator_kit.vision.synthetic import SyntheticFace, backdrop, paste
from tests.mediagen import ffmpeg

# ---------------------------------------------------------------- footage with known faces

# time -> (x, y) of the face image's top-left corner
PathFn = Callable[[float], tuple[float, float]]


@dataclass
class Truth:
    """Where each face really was in each frame (frame times, boxes, landmarks)."""

    times: list[float]
    boxes: list[list[tuple[float, float, float, float]]]  # per frame, per face
    landmarks: list[list[np.ndarray]]

    def at(self, t: float, face: int = 0) -> tuple[tuple[float, float, float, float], np.ndarray]:
        """Box and landmarks of ``face`` in the frame nearest ``t``."""
        i = int(np.argmin(np.abs(np.asarray(self.times) - t)))
        return self.boxes[i][face], self.landmarks[i][face]


def make_face_clip(
    path: Path,
    faces: Sequence[tuple[SyntheticFace, PathFn]],
    *,
    size: tuple[int, int] = (480, 270),
    duration: float = 2.0,
    fps: float = 30.0,
    rotate: int = 0,
) -> Truth:
    """Write an H.264 clip with ``faces`` moving along their paths; return the truth.

    ``rotate`` (0/90/180/270) stores the picture turned clockwise by that much with display
    rotation metadata that turns it back, as a phone does: players, and our analysis, must
    see it upright at ``size``.
    """
    w, h = size
    n = int(round(duration * fps))
    truth = Truth([], [], [])
    coded = path.with_name(path.stem + ".coded.mp4") if rotate else path
    cw, ch = (h, w) if rotate in (90, 270) else (w, h)
    proc = spawn(
        ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{cw}x{ch}", "-r", f"{fps:g}",
         "-i", "pipe:", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
         "-pix_fmt", "yuv420p", "-y", str(coded)],
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    for i in range(n):
        t = i / fps
        frame = backdrop(w, h, t)
        boxes, lms = [], []
        for face, where in faces:
            x, y = where(t)
            paste(frame, face, x, y)
            lm, box = face.moved(x, y)
            boxes.append(box)
            lms.append(lm)
        truth.times.append(t)
        truth.boxes.append(boxes)
        truth.landmarks.append(lms)
        if rotate:
            frame = np.ascontiguousarray(np.rot90(frame, -rotate // 90))
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert proc.wait() == 0, err.decode()
    if rotate:
        # Display rotation is counter-clockwise: undo the clockwise turn of the stored picture.
        ffmpeg("-display_rotation:v:0", str(rotate), "-i", str(coded), "-c", "copy", str(path))
        coded.unlink()
    return truth


def still(x: float, y: float) -> PathFn:
    """A path that stays at (x, y)."""
    return lambda t: (x, y)


def linear(x0: float, y0: float, vx: float, vy: float) -> PathFn:
    """A path moving at (vx, vy) pixels a second from (x0, y0)."""
    return lambda t: (x0 + vx * t, y0 + vy * t)


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


# ------------------------------------------------- probe and ingest inputs (lavfi-built)

# An upright portrait picture whose four quadrants have different colours, so any turn or
# mirror shows: red top-left, green top-right, blue bottom-left, white bottom-right.
UPRIGHT_W, UPRIGHT_H = 120, 160
QUADRANTS = {"top-left": "red", "top-right": "green", "bottom-left": "blue",
             "bottom-right": "white"}


def quadrant_source(duration: float = 0.5) -> str:
    """lavfi graph of the upright four-colour picture."""
    w, h = UPRIGHT_W // 2, UPRIGHT_H // 2
    return (
        f"color=black:s={UPRIGHT_W}x{UPRIGHT_H}:r=30:d={duration},"
        f"drawbox=x=0:y=0:w={w}:h={h}:c=red:t=fill,"
        f"drawbox=x={w}:y=0:w={w}:h={h}:c=lime:t=fill,"
        f"drawbox=x=0:y={h}:w={w}:h={h}:c=blue:t=fill,"
        f"drawbox=x={w}:y={h}:w={w}:h={h}:c=white:t=fill"
    )


# The coded picture a camera would store for each clockwise display rotation.
_UNDO = {90: "transpose=cclock", 180: "hflip,vflip", 270: "transpose=clock"}


def make_rotated(folder: Path, method: str, angle: int) -> Path:
    """A clip whose coded picture is the upright one turned back by ``angle``, tagged to show
    upright: ``display-matrix`` remuxes with ``-display_rotation`` (MP4), ``rotate-tag`` with
    the old ``-metadata:s:v:0 rotate=`` (which ffmpeg 9 keeps only in Matroska, as a plain tag).
    """
    coded = folder / f"coded-{angle}.mp4"
    if not coded.exists():
        ffmpeg("-f", "lavfi", "-i", quadrant_source(), "-vf", _UNDO[angle], "-c:v", "libx264",
               "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(coded))
    if method == "display-matrix":
        out = folder / f"matrix-{angle}.mp4"
        # -display_rotation is counter-clockwise; the display turn here is clockwise.
        ffmpeg("-display_rotation", str(-angle), "-i", str(coded), "-c", "copy", str(out))
    else:
        out = folder / f"tag-{angle}.mkv"
        ffmpeg("-i", str(coded), "-c", "copy", "-metadata:s:v:0", f"rotate={angle}", str(out))
    return out


def make_numbered(path: Path, *, duration: float = 3.0, vfr: bool = False) -> Path:
    """160x32 clip at 30 fps whose frame n shows n in binary (8 blocks of 20 px, white = 1).

    With ``vfr`` the first 30 frames are kept and then every third (bad-inputs row 2), with
    their original timestamps, so frame n is still shown at n/30 s.
    """
    src = (f"color=black:s=160x32:r=30:d={duration},format=gray,"
           "geq=lum='if(mod(floor(N/pow(2,floor(X/20))),2),235,16)',format=yuv420p")
    args = ["-f", "lavfi", "-i", src]
    if vfr:
        args += ["-vf", "select='lt(n,30)+not(mod(n,3))'", "-fps_mode", "vfr"]
    ffmpeg(*args, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", str(path))
    return path


# Four 80x60 patches (BT.709 limited range 8-bit): 75 % red, 75 % green, mid grey, light grey.
PATCHES = {"red": (40, 0xBF1010), "green": (120, 0x10BF10), "grey": (40, 0x808080),
           "light": (120, 0xE0E0E0)}


def _patch_graph() -> str:
    colours = [f"color=c=0x{c:06X}:s=80x60:r=30:d=0.5[{n}]" for n, (_x, c) in PATCHES.items()]
    return (";".join(colours) + ";[red][green]hstack[top];[grey][light]hstack[bottom];"
            "[top][bottom]vstack,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
            "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv")


def make_sdr_patches(path: Path) -> Path:
    """The patch picture as 8-bit BT.709 SDR H.264 (the reference for tone-mapping tests)."""
    ffmpeg("-filter_complex", _patch_graph(), "-c:v", "libx264", "-preset", "ultrafast",
           "-qp", "0", "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace",
           "bt709", str(path))
    return path


def make_hdr_patches(path: Path, kind: str = "hlg") -> Path:
    """The patch picture converted to 10-bit HEVC BT.2020 HLG (or PQ), as an iPhone records.

    SDR white is placed at 203 cd/m2, BT.2408's HDR reference white, as a real HDR grade does.
    """
    trc = "arib-std-b67" if kind == "hlg" else "smpte2084"
    graph = (_patch_graph() + ",zscale=t=linear:npl=203,format=gbrpf32le,"
             f"zscale=p=bt2020:t={trc}:m=bt2020nc:r=tv:npl=203,format=yuv420p10le")
    ffmpeg("-filter_complex", graph, "-c:v", "libx265", "-preset", "ultrafast",
           "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le",
           "-color_primaries", "bt2020", "-color_trc", trc, "-colorspace", "bt2020nc",
           "-color_range", "tv", str(path))
    return path


def make_odd(path: Path) -> Path:
    """641x361 yuv444p H.264 (bad-inputs row 4)."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=0.5", "-vf", "scale=641:361",
           "-pix_fmt", "yuv444p", "-c:v", "libx264", "-preset", "ultrafast", str(path))
    return path


# ---------------------------------------------------------------------------- processes


def ffmpeg_children(folder: Path | None = None) -> list[psutil.Process]:
    """Our ffmpeg children, only those working on files in ``folder`` when given.

    (A preview elsewhere in the session may rightly keep its decoder open.)
    """
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue  # finished; only waiting to be reaped
            if "ffmpeg" in p.name() and (folder is None or str(folder) in " ".join(p.cmdline())):
                found.append(p)
        except psutil.Error:
            pass
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporary export files (``.ck-`` names) left in ``folder``."""
    return [p.name for p in folder.iterdir() if ".ck-" in p.name]


# A quick template for batch tests: one caption naming the country, ultrafast x264, no
# loudness pass, so a row renders in a fraction of a second.
FAST_TEMPLATE = {
    "schema_version": 1, "name": "fast", "title_ar": "سريع", "title_en": "Fast",
    "variables": [{"name": "creator", "default": ""}, {"name": "country"}],
    "overlays": [{"kind": "caption", "text": "{country}", "start": 0.0}],
    "defaults": {"output": {"x264_preset": "ultrafast"}, "audio": {"normalise": False}},
}


def fast_template_data_dir(tmp_path: Path) -> Path:
    """A private user data folder under ``tmp_path`` holding the template ``fast``.

    Point ``CREATOR_KIT_DATA_DIR`` at it (in this process or a child's environment).
    """
    import json

    d = tmp_path / "userdata"
    folder = d / "templates" / "fast"
    folder.mkdir(parents=True)
    (folder / "template.json").write_text(json.dumps(FAST_TEMPLATE, ensure_ascii=False),
                                          encoding="utf-8")
    return d
