"""An independent judge of face masks in rendered video (tests and benchmarks only).

creator_kit finds faces with CenterFace through OpenCV's DNN module. To check its masks
without trusting that detector, this judge uses dlib's HOG face detector and the 68-point
landmark model shipped by the ``face_recognition_models`` package (both from the ``dev``
extras; nothing is downloaded at run time): a different method, trained on different data.

The judge compares two renders of the same project, one with the mask and one without: the
pixels that differ are the mask. On every judged frame where dlib finds a face in the plain
render, the mask is *right* when it covers the mouth, leaves the eyes clear and its centre
lies in the lower half of the face.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]

# dlib's 68-point scheme: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.
EYES = slice(36, 48)
MOUTH = slice(48, 68)


def available() -> str | None:
    """None when dlib and its landmark model are installed, else the reason they are not."""
    try:
        import dlib  # noqa: F401
        import face_recognition_models  # noqa: F401
    except ImportError as exc:
        return f"the independent face judge needs the dev extras ({exc.name} is missing)"
    return None


@functools.cache
def _models() -> tuple[Any, Any]:
    import dlib
    import face_recognition_models

    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(face_recognition_models.pose_predictor_model_location())
    return detector, predictor


@dataclass(frozen=True)
class JudgedFace:
    """One face dlib found: its 68 landmarks (x, y) in frame pixels."""

    landmarks: npt.NDArray[np.float64]

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Brows to chin, cheek to cheek."""
        x1, y1 = self.landmarks.min(axis=0)
        x2, y2 = self.landmarks.max(axis=0)
        return float(x1), float(y1), float(x2), float(y2)


def find_faces(rgb: Image, scale: float = 0.5, min_width: float = 0.0) -> list[JudgedFace]:
    """Faces dlib finds in ``rgb`` (detected on a copy scaled by ``scale``), in ``rgb`` pixels."""
    detector, predictor = _models()
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    out = []
    for rect in detector(grey, 1):
        shape = predictor(grey, rect)
        pts = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64) / scale
        face = JudgedFace(pts)
        if face.box[2] - face.box[0] >= min_width:
            out.append(face)
    return out


def mask_pixels(plain: Image, masked: Image, threshold: int = 40) -> npt.NDArray[np.bool_]:
    """Where the masked render differs from the plain one: the mask (coding noise removed)."""
    diff = np.abs(plain.astype(np.int16) - masked.astype(np.int16)).max(axis=2)
    on = (diff > threshold).astype(np.uint8)
    kernel = np.ones((5, 5), np.uint8)
    on = cv2.morphologyEx(on, cv2.MORPH_OPEN, kernel)
    on = cv2.morphologyEx(on, cv2.MORPH_CLOSE, kernel)
    return on.astype(bool)


@dataclass(frozen=True)
class Verdict:
    """How the mask sits on one judged face."""

    mouth_covered: float  # fraction of mouth landmarks under the mask
    eyes_covered: float  # fraction of eye landmarks under the mask
    centre_low: bool  # mask centre (over the face) in the lower half of the face box

    @property
    def right(self) -> bool:
        """Mouth covered, eyes clear, centre low."""
        return self.mouth_covered >= 0.8 and self.eyes_covered <= 0.1 and self.centre_low

    @property
    def why(self) -> str:
        """A short reason, for failure reports."""
        if self.mouth_covered == 0:
            return "no mask"
        parts = []
        if self.mouth_covered < 0.8:
            parts.append(f"mouth {self.mouth_covered:.0%} covered")
        if self.eyes_covered > 0.1:
            parts.append(f"eyes {self.eyes_covered:.0%} covered")
        if not self.centre_low:
            parts.append("centre not in lower half")
        return ", ".join(parts) or "right"


def judge(face: JudgedFace, mask: npt.NDArray[np.bool_]) -> Verdict:
    """Where ``mask`` sits on ``face`` (see :class:`Verdict`)."""
    h, w = mask.shape
    pts = np.round(face.landmarks).astype(int)
    pts[:, 0] = np.clip(pts[:, 0], 0, w - 1)
    pts[:, 1] = np.clip(pts[:, 1], 0, h - 1)
    under = mask[pts[:, 1], pts[:, 0]]
    mouth = float(under[MOUTH].mean())
    eyes = float(under[EYES].mean())
    x1, y1, x2, y2 = face.box
    fw, fh = x2 - x1, y2 - y1
    # Only the mask pixels over and around this face (another face may wear its own mask).
    ax1, ay1 = int(max(0, x1 - 0.25 * fw)), int(max(0, y1 - 0.25 * fh))
    ax2, ay2 = int(min(w, x2 + 0.25 * fw)), int(min(h, y2 + 0.35 * fh))
    ys, _xs = np.nonzero(mask[ay1:ay2, ax1:ax2])
    centre_low = bool(ys.size) and float(ys.mean()) + ay1 > (y1 + y2) / 2
    return Verdict(mouth, eyes, centre_low)


@dataclass(frozen=True)
class FrameResult:
    """The verdicts of one output frame (one per face dlib found)."""

    index: int
    verdicts: tuple[Verdict, ...]


def decode(path: Path, every: int = 1) -> Iterator[tuple[int, Image]]:
    """RGB frames ``0, every, 2 * every, ...`` of ``path``."""
    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i % every == 0:
                yield i, frame.to_ndarray(format="rgb24")


def judge_renders(
    plain: Path, masked: Path, every: int = 3, min_width: float = 0.0
) -> list[FrameResult]:
    """Judge every ``every``-th frame of two renders that differ only by the mask."""
    out = []
    for (i, a), (_j, b) in zip(decode(plain, every), decode(masked, every), strict=False):
        faces = find_faces(a, min_width=min_width)
        if not faces:
            continue
        mask = mask_pixels(a, b)
        out.append(FrameResult(i, tuple(judge(f, mask) for f in faces)))
    return out


def right_rate(results: list[FrameResult]) -> float:
    """Fraction of judged faces (over frames with a face) whose mask is right."""
    verdicts = [v for r in results for v in r.verdicts]
    return sum(v.right for v in verdicts) / len(verdicts) if verdicts else 0.0
