"""creator_kit.vision: face detection, tracking and smoothing; the face-following window.

Typical use by the render engine::

    analysis = analyse(source)                         # cached per file and settings
    path = reframe_path(analysis, out_aspect=9 / 16)   # per-frame crop windows

The mask drawn over tracked faces is a picture, so it lives in :mod:`creator_kit.graphics`
(:mod:`creator_kit.graphics.face_masks`).
"""

from creator_kit.vision.analysis import (
    Face,
    FaceAnalysis,
    FaceTrack,
    analyse,
    analyse_frames,
    cache_dir,
)
from creator_kit.vision.detect import Detection, FaceDetector
from creator_kit.vision.face_follow import ReframePath, reframe_path, window_size

__all__ = [
    "Detection",
    "Face",
    "FaceAnalysis",
    "FaceDetector",
    "FaceTrack",
    "ReframePath",
    "analyse",
    "analyse_frames",
    "cache_dir",
    "reframe_path",
    "window_size",
]
