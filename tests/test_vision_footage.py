"""Generated footage with faces at known places, and checks that the detector sees them.

The helpers here (imported by the other ``test_vision_*`` modules) draw the synthetic face of
:mod:`creator_kit.vision.synthetic` over a moving backdrop along a path given as a function of
time, pipe the frames to the bundled ffmpeg, and return the true landmarks and boxes per
frame. Nothing binary is committed; every clip is built in ``tmp_path``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from creator_kit.media.ffmpeg import spawn
from creator_kit.vision.detect import FaceDetector
from creator_kit.vision.synthetic import SKIN_TONES, SyntheticFace, backdrop, draw_face, paste
from tests.mediagen import ffmpeg

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


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("skin", SKIN_TONES)
@pytest.mark.parametrize("height", [24, 60, 200])
@pytest.mark.parametrize("roll", [0.0, 20.0, -30.0])
def test_detector_finds_the_drawn_face_with_landmarks(
    skin: tuple[int, int, int], height: int, roll: float
) -> None:
    face = draw_face(height, skin=skin, roll=roll)
    frame = backdrop(480, 360)
    paste(frame, face, 120, 40)
    lms, box = face.moved(120, 40)
    found = FaceDetector().detect(frame)
    assert len(found) == 1, found
    det = found[0]
    assert iou(det.box, box) > (0.35 if height < 40 else 0.45), (det.box, box)
    width = box[2] - box[0]
    # Landmarks within a fifth of the face width (tiny faces) or a tenth (normal ones).
    tolerance = 0.2 if height < 40 else 0.1
    assert np.abs(det.landmarks - lms).max() < tolerance * width


def test_nothing_is_found_on_a_backdrop_without_faces() -> None:
    assert FaceDetector().detect(backdrop(640, 360, 1.0)) == []


def test_more_than_ten_faces_are_all_found() -> None:
    frame = backdrop(640, 360)
    boxes = []
    for k in range(12):
        face = draw_face(70, skin=SKIN_TONES[k % 3])
        x, y = 10 + (k % 6) * 105, 10 + (k // 6) * 170
        paste(frame, face, x, y)
        boxes.append(face.moved(x, y)[1])
    found = FaceDetector().detect(frame)
    assert len(found) == 12
    for box in boxes:
        assert max(iou(d.box, box) for d in found) > 0.45


def test_a_face_half_outside_the_frame_is_still_found() -> None:
    frame = backdrop(480, 270)
    face = draw_face(160)
    paste(frame, face, -45, 40)  # the left third of the head is cut off
    found = FaceDetector().detect(frame)
    assert len(found) == 1
    assert found[0].box[0] == pytest.approx(0.0, abs=2.0)


def test_generated_rotated_clip_is_stored_sideways(tmp_path: Path) -> None:
    import av

    make_face_clip(tmp_path / "r.mp4", [(draw_face(80), still(50, 40))], size=(320, 240),
                   duration=0.3, rotate=90)
    with av.open(str(tmp_path / "r.mp4")) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (240, 320)
        frame = next(c.decode(s))
        assert frame.rotation == 90
