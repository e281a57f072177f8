"""creator_kit.vision: face detection, tracking and smoothing; the mask overlay; reframe paths.

Typical use by the render engine::

    analysis = analyse(source)                         # cached per file and settings
    masks = FaceMaskSource(analysis, FaceMaskSettings(style="surgical"),
                           src_to_canvas=fill_mapping(w, h, 1080, 1920), time_map=...)
    path = reframe_path(analysis, out_aspect=9 / 16)   # per-frame crop windows
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
from creator_kit.vision.masks import mask_image
from creator_kit.vision.overlay import (
    FaceMaskSource,
    MaskPose,
    SourceToCanvas,
    affine_mapping,
    fill_mapping,
    fit_mapping,
    identity_time,
    mask_pose,
    path_mapping,
)
from creator_kit.vision.reframe import ReframePath, reframe_path, window_size

__all__ = [
    "Detection",
    "Face",
    "FaceAnalysis",
    "FaceDetector",
    "FaceMaskSource",
    "FaceTrack",
    "MaskPose",
    "ReframePath",
    "SourceToCanvas",
    "affine_mapping",
    "analyse",
    "analyse_frames",
    "cache_dir",
    "fill_mapping",
    "fit_mapping",
    "identity_time",
    "mask_image",
    "mask_pose",
    "path_mapping",
    "reframe_path",
    "window_size",
]
