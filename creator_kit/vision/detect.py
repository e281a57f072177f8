"""Face detection with the CenterFace network run through OpenCV's DNN module.

The model (``assets/models/centerface.onnx``, MIT, see the README beside it) ships with
creator_kit, so nothing is fetched at run time. CenterFace predicts a face-centre heat map at a
quarter of the input resolution plus box size, sub-pixel offset and five landmarks (eyes, nose
tip, mouth corners) for every cell, which is what the mask overlay needs to follow head roll.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from creator_kit.core.assets import asset_path
from creator_kit.core.errors import InputError

# The four outputs of the bnmerged CenterFace graph: heat map, log box size, offset, landmarks.
_OUTPUTS = ("537", "538", "539", "540")

FloatArray = npt.NDArray[np.float32]
Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Detection:
    """One face found in one image: box ``(x1, y1, x2, y2)``, score 0..1, 5 landmarks.

    ``landmarks`` is a (5, 2) array of (x, y): left eye, right eye (as seen in the image),
    nose tip, left and right mouth corner, in the same pixel space as the box.
    """

    box: tuple[float, float, float, float]
    score: float
    landmarks: FloatArray

    @property
    def width(self) -> float:
        """Box width in pixels."""
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        """Box height in pixels."""
        return self.box[3] - self.box[1]


def model_path() -> Path:
    """Path of the CenterFace ONNX model file."""
    return asset_path("models", "centerface.onnx")


class FaceDetector:
    """CenterFace through ``cv2.dnn``: ``detect(image)`` returns the faces in an RGB image.

    One instance holds one network; calls are serialised with a lock because an OpenCV net is
    not safe to run from two threads at once.
    """

    def __init__(self, threshold: float = 0.35, nms_iou: float = 0.3) -> None:
        self.threshold = threshold
        self.nms_iou = nms_iou
        self._net = _load_net(str(model_path()))
        self._lock = threading.Lock()

    def detect(self, image: Image, *, upscale: float = 1.0) -> list[Detection]:
        """Faces in ``image`` (H, W, 3 uint8, RGB), best first, in ``image`` pixel coordinates.

        ``upscale`` > 1 enlarges the image before inference so smaller faces are found.
        """
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"expected an (H, W, 3) RGB image, got shape {image.shape}")
        h, w = image.shape[:2]
        work: npt.NDArray[np.uint8] = image
        if upscale != 1.0:
            work = np.asarray(
                cv2.resize(image, (round(w * upscale), round(h * upscale)),
                           interpolation=cv2.INTER_LINEAR),
                dtype=np.uint8,
            )
        # The network downsamples by 32: pad right/bottom instead of stretching, so boxes keep
        # the image's own scale and no aspect distortion reaches the detector.
        ih, iw = work.shape[:2]
        ph, pw = -(-ih // 32) * 32, -(-iw // 32) * 32
        if (ph, pw) != (ih, iw):
            padded = np.zeros((ph, pw, 3), np.uint8)
            padded[:ih, :iw] = work
            work = padded
        blob = np.ascontiguousarray(work.transpose(2, 0, 1)[None], dtype=np.float32)
        with self._lock:
            self._net.setInput(blob)
            outs = self._net.forward(list(_OUTPUTS))
        heat, scale, offset, lms = (np.asarray(o, dtype=np.float32) for o in outs)
        boxes, scores, marks = _decode(heat, scale, offset, lms, self.threshold)
        if len(scores) == 0:
            return []
        keep = nms(boxes, scores, self.nms_iou)
        boxes, marks = _fuse(boxes, scores, marks, keep)
        scores = scores[keep]
        keep = list(range(len(keep)))
        out: list[Detection] = []
        inv = 1.0 / upscale
        for i in keep:
            x1, y1, x2, y2 = (boxes[i] * inv).tolist()
            x1, y1 = max(0.0, x1), max(0.0, y1)
            x2, y2 = min(float(w), x2), min(float(h), y2)
            if x2 - x1 < 2 or y2 - y1 < 2:
                continue
            out.append(
                Detection((x1, y1, x2, y2), float(scores[i]), (marks[i] * inv).astype(np.float32))
            )
        return out


@functools.cache
def _load_net(path: str) -> cv2.dnn.Net:
    if not Path(path).is_file():
        raise InputError("face detection model is missing (reinstall creator_kit)", path)
    try:
        net = cv2.dnn.readNetFromONNX(path)
    except cv2.error:
        raise InputError("face detection model cannot be loaded", path) from None
    return net


def _decode(
    heat: FloatArray, scale: FloatArray, offset: FloatArray, lms: FloatArray, threshold: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Turn the network's dense maps into boxes (N, 4), scores (N,) and landmarks (N, 5, 2)."""
    hm = heat[0, 0]
    rows, cols = np.nonzero(hm > threshold)
    if rows.size == 0:
        empty = np.zeros((0,), np.float32)
        return empty.reshape(0, 4), empty, empty.reshape(0, 5, 2)
    # Each heat-map cell is 4x4 input pixels; sizes are predicted as log(size / 4).
    bh = np.exp(scale[0, 0, rows, cols]) * 4.0
    bw = np.exp(scale[0, 1, rows, cols]) * 4.0
    cy = (rows + offset[0, 0, rows, cols] + 0.5) * 4.0
    cx = (cols + offset[0, 1, rows, cols] + 0.5) * 4.0
    x1, y1 = cx - bw / 2, cy - bh / 2
    boxes = np.stack([x1, y1, x1 + bw, y1 + bh], axis=1).astype(np.float32)
    # Landmarks are stored as (y, x) pairs relative to the box's top-left, in box units.
    lm = lms[0][:, rows, cols].T.reshape(-1, 5, 2)
    marks = np.empty_like(lm)
    marks[:, :, 0] = lm[:, :, 1] * bw[:, None] + x1[:, None]
    marks[:, :, 1] = lm[:, :, 0] * bh[:, None] + y1[:, None]
    return boxes, hm[rows, cols].astype(np.float32), marks.astype(np.float32)


def _fuse(
    boxes: FloatArray, scores: FloatArray, marks: FloatArray, keep: list[int]
) -> tuple[FloatArray, FloatArray]:
    """Average each kept box and its landmarks with the neighbouring cells that found it.

    The heat map has one cell per 4 input pixels, so the single best cell moves the box in
    4-pixel jumps as a face drifts; a score-weighted mean over the cells that overlap it
    gives sub-cell positions and removes most of that jitter at the source.
    """
    out_b = np.empty((len(keep), 4), np.float32)
    out_m = np.empty((len(keep), 5, 2), np.float32)
    for k, i in enumerate(keep):
        xx1 = np.maximum(boxes[i, 0], boxes[:, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[:, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[:, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[:, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        iou = inter / np.maximum(area[i] + area - inter, 1e-6)
        near = (iou > 0.6) & (scores > 0.5 * scores[i])
        wts = scores[near] ** 2
        wts /= wts.sum()
        out_b[k] = (boxes[near] * wts[:, None]).sum(axis=0)
        out_m[k] = (marks[near] * wts[:, None, None]).sum(axis=0)
    return out_b, out_m


def nms(boxes: FloatArray, scores: FloatArray, iou: float) -> list[int]:
    """Indices of ``boxes`` (N, 4) kept by greedy non-maximum suppression, best first."""
    order = np.argsort(-scores)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        overlap = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-6)
        order = rest[overlap < iou]
    return keep
