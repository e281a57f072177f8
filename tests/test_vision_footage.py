"""Generated footage with faces at known places, and checks that the detector sees them.

The footage helpers (:func:`tests.helpers.make_face_clip`) draw the synthetic face of
:mod:`creator_kit.vision.synthetic` over a moving backdrop along a path given as a function of
time, pipe the frames to the bundled ffmpeg, and return the true landmarks and boxes per
frame. Nothing binary is committed; every clip is built in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creator_kit.vision.detect import FaceDetector
from creator_kit.vision.synthetic import SKIN_TONES, backdrop, draw_face, paste
from tests.helpers import iou, make_face_clip, still

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
