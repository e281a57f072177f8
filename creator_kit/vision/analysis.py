"""Face analysis of a whole clip: detect, track, smooth, and remember the result on disk.

:func:`analyse` decodes the clip upright, downscaled and at a reduced rate, runs the detector
on each analysed frame, links the detections into tracks and smooths them. Frames are analysed
``rate`` times a second, and every frame (up to 30 a second) wherever the faces change between
two of those: a quick move, a cut or a face leaving is followed frame by frame. The result, a
:class:`FaceAnalysis`, answers :meth:`FaceAnalysis.faces_at` for any time by interpolating
between analysed frames, in the source's displayed pixels. It is cached as JSON per source
file and settings, so a preview and every later render reuse it; the cache is trimmed to the
user's limit (``core.settings``), least recently used first (``core.cache``).
"""

from __future__ import annotations

import hashlib
import json
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from creator_kit.core.atomic import atomic_write
from creator_kit.core.cache import cache_root, touch, trim_cache
from creator_kit.core.cancel import CancelToken, Progress
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import check_file, open_file, read_file
from creator_kit.core.settings import load_settings
from creator_kit.vision.decode import VideoInfo, analysis_size, iter_lazy_frames, video_info
from creator_kit.vision.detect import Detection, FaceDetector
from creator_kit.vision.track import TrackerSettings, densify, link, smooth

F64 = npt.NDArray[np.float64]

# Bump when detection, tracking or smoothing changes what an analysis contains: old cache
# files then stop matching and are rebuilt.
ANALYSIS_VERSION = 4
DETECT_THRESHOLD = 0.3
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@dataclass(frozen=True, eq=False)
class Face:
    """One face at one moment: its track, box ``(x1, y1, x2, y2)``, landmarks (5, 2), score.

    Coordinates are the source video's displayed pixels (upright). ``score`` is the
    detector's confidence, interpolated; 0 where the face was bridged across a miss.
    """

    track_id: int
    box: tuple[float, float, float, float]
    landmarks: F64
    score: float

    @property
    def width(self) -> float:
        """Box width in pixels."""
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        """Box height in pixels."""
        return self.box[3] - self.box[1]

    @property
    def centre(self) -> tuple[float, float]:
        """Box centre ``(x, y)``."""
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True, eq=False)
class FaceTrack:
    """One face followed through time, sampled at the analysis rate (smoothed).

    ``times`` (N,), ``boxes`` (N, 4), ``landmarks`` (N, 5, 2), ``scores`` (N,) and
    ``detected`` (N,) share one index; coordinates are displayed source pixels.
    """

    id: int
    times: F64
    boxes: F64
    landmarks: F64
    scores: F64
    detected: npt.NDArray[np.bool_]

    @property
    def start(self) -> float:
        """Time of the first analysed frame with this face."""
        return float(self.times[0])

    @property
    def end(self) -> float:
        """Time of the last analysed frame with this face."""
        return float(self.times[-1])

    @property
    def frame_count(self) -> int:
        """Number of analysed frames where the detector found this face."""
        return int(self.detected.sum())

    @property
    def mean_width(self) -> float:
        """Average face width in pixels."""
        return float(np.mean(self.boxes[:, 2] - self.boxes[:, 0]))

    @property
    def mean_score(self) -> float:
        """Average detector score over the frames where the face was detected."""
        det = self.scores[self.detected]
        return float(det.mean()) if det.size else 0.0

    def at(self, t: float, *, hold: float = 0.0) -> Face | None:
        """The face at time ``t``, interpolated; ``None`` outside the track.

        ``hold`` extends the track by that many seconds at both ends, holding the first or
        last position (used for fading a mask in and out).
        """
        if t < self.start - hold - 1e-9 or t > self.end + hold + 1e-9:
            return None
        n = len(self.times)
        i = int(np.searchsorted(self.times, t, side="right")) if n > 1 else 0
        if i <= 0:
            return self._face(0, 0, 0.0)
        if i >= n:
            return self._face(n - 1, n - 1, 0.0)
        t0, t1 = float(self.times[i - 1]), float(self.times[i])
        frac = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
        return self._face(i - 1, i, frac)

    def _face(self, a: int, b: int, frac: float) -> Face:
        box = self.boxes[a] + (self.boxes[b] - self.boxes[a]) * frac
        lms = self.landmarks[a] + (self.landmarks[b] - self.landmarks[a]) * frac
        score = float(self.scores[a] + (self.scores[b] - self.scores[a]) * frac)
        x1, y1, x2, y2 = (float(v) for v in box)
        return Face(self.id, (x1, y1, x2, y2), lms, score)


@dataclass(frozen=True, eq=False)
class FaceAnalysis:
    """Every face track found in one source video, in its displayed pixel space."""

    source: str
    width: int
    height: int
    duration: float
    rate: float
    max_side: int
    sample_times: F64
    tracks: tuple[FaceTrack, ...]
    cuts: tuple[float, ...] = ()  # times of the first analysed frame after each abrupt change

    def faces_at(self, t: float) -> list[Face]:
        """The faces visible at source time ``t`` seconds (interpolated between samples)."""
        out = []
        for tr in self.tracks:
            face = tr.at(t)
            if face is not None:
                out.append(face)
        return out

    def track(self, track_id: int) -> FaceTrack | None:
        """The track with id ``track_id``, if there is one."""
        return next((tr for tr in self.tracks if tr.id == track_id), None)

    @property
    def notice(self) -> str | None:
        """A line for the user when the analysis found nothing to work with, else ``None``."""
        if not self.tracks:
            return f"{self.source}: no faces found; face effects do nothing for this clip"
        return None

    def coverage(self) -> float:
        """Fraction of analysed frames in which at least one track has a detection."""
        if len(self.sample_times) == 0:
            return 0.0
        hit = np.zeros(len(self.sample_times), dtype=bool)
        index = {round(float(t), 6): i for i, t in enumerate(self.sample_times)}
        for tr in self.tracks:
            for t, d in zip(tr.times, tr.detected, strict=True):
                if d:
                    hit[index.get(round(float(t), 6), 0)] = True
        return float(hit.mean())

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data (used for the cache and ``creator-kit faces --json``)."""
        return {
            "version": ANALYSIS_VERSION,
            "source": self.source,
            "width": self.width,
            "height": self.height,
            "duration": round(self.duration, 4),
            "rate": self.rate,
            "max_side": self.max_side,
            "sample_times": [round(float(t), 4) for t in self.sample_times],
            "cuts": [round(float(t), 4) for t in self.cuts],
            "landmark_names": list(LANDMARK_NAMES),
            "tracks": [
                {
                    "id": tr.id,
                    "start": round(tr.start, 4),
                    "end": round(tr.end, 4),
                    "frames": tr.frame_count,
                    "score": round(tr.mean_score, 4),
                    "times": [round(float(t), 4) for t in tr.times],
                    "boxes": np.round(tr.boxes, 2).tolist(),
                    "landmarks": np.round(tr.landmarks, 2).tolist(),
                    "scores": np.round(tr.scores, 4).tolist(),
                    "detected": [bool(d) for d in tr.detected],
                }
                for tr in self.tracks
            ],
        }

    @classmethod
    def from_data(cls, data: Any) -> FaceAnalysis:
        """Rebuild an analysis from :meth:`to_data` output; ``ValueError`` when it does not fit."""
        if not isinstance(data, dict) or data.get("version") != ANALYSIS_VERSION:
            raise ValueError("not a face analysis of this version")
        try:
            tracks = []
            for t in data["tracks"]:
                times = np.asarray(t["times"], dtype=np.float64)
                n = len(times)
                boxes = np.asarray(t["boxes"], dtype=np.float64).reshape(n, 4)
                lms = np.asarray(t["landmarks"], dtype=np.float64).reshape(n, 5, 2)
                scores = np.asarray(t["scores"], dtype=np.float64).reshape(n)
                detected = np.asarray(t["detected"], dtype=bool).reshape(n)
                if n == 0 or not np.all(np.isfinite(boxes)) or not np.all(np.isfinite(lms)):
                    raise ValueError("bad track")
                tracks.append(FaceTrack(int(t["id"]), times, boxes, lms, scores, detected))
            return cls(
                source=str(data["source"]),
                width=int(data["width"]),
                height=int(data["height"]),
                duration=float(data["duration"]),
                rate=float(data["rate"]),
                max_side=int(data["max_side"]),
                sample_times=np.asarray(data["sample_times"], dtype=np.float64),
                tracks=tuple(tracks),
                cuts=tuple(float(t) for t in data.get("cuts", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed face analysis ({exc})") from None


# --------------------------------------------------------------------------- analysis


ProgressFn = Callable[[Progress], None]


def analyse(
    path: str | Path,
    *,
    rate: float = 10.0,
    max_side: int = 640,
    cancel: CancelToken | None = None,
    on_progress: ProgressFn | None = None,
    use_cache: bool = True,
    info: VideoInfo | None = None,
) -> FaceAnalysis:
    """Find and track the faces in the video at ``path`` (cached; see module docstring).

    ``rate`` is how many frames a second are analysed at least (all frames, up to
    :data:`FINE_RATE_LIMIT` a second, where faces change quickly), ``max_side`` the long side
    (pixels) frames are scaled down to first. ``info``, when the caller has already probed the file
    (the render engine has), saves probing it again; otherwise the file is probed only when
    the cache has no fresh result. Raises :class:`InputError` for a file that is missing or
    has no readable video, ``Cancelled`` when ``cancel`` is set.
    """
    p = Path(path)
    if not 0.5 <= rate <= 60:
        raise InputError(f"analysis rate must be between 0.5 and 60 frames a second, not {rate}")
    if not 64 <= max_side <= 4096:
        raise InputError(f"analysis size must be between 64 and 4096 pixels, not {max_side}")
    # The name as given (a protocol is refused as such), then a regular file: before the
    # cache key reads the file's head and tail.
    check_file(path, "file")
    key = _cache_key(p, rate, max_side)
    cache_file = cache_dir() / f"{key.name}.json"
    if use_cache:
        cached = _load_cache(cache_file, key.identity)
        if cached is not None:
            touch(cache_file)  # recently used: trimmed last
            if on_progress:
                on_progress(Progress("faces", 1.0, 0.0))
            return cached
    if info is None:
        info = video_info(p)
    result = _run(p, info, rate, max_side, cancel, on_progress)
    if use_cache:
        _save_cache(cache_file, key.identity, result)
        # The cache is capped by the user's setting; the entry just written is the newest, so
        # it is the last to go. move_corrupt=False: a bad settings file is reported by the app.
        limit = load_settings(move_corrupt=False).settings.cache_limit_mb
        trim_cache(limit * 1024**2)
    return result


def cached_analysis(
    path: str | Path, *, rate: float = 10.0, max_side: int = 640
) -> FaceAnalysis | None:
    """The fresh cached analysis of ``path`` made with these settings, or None.

    Nothing is analysed: a program that runs the analysis elsewhere (the editor starts
    ``creator-kit faces`` in a child process) asks here first. Unreadable files give None;
    :func:`analyse` reports them.
    """
    p = Path(path)
    try:
        check_file(path, "file")
        key = _cache_key(p, rate, max_side)
    except (InputError, OSError):
        return None
    cache_file = cache_dir() / f"{key.name}.json"
    cached = _load_cache(cache_file, key.identity)
    if cached is not None:
        touch(cache_file)  # recently used: trimmed last
    return cached


def _run(
    p: Path,
    info: VideoInfo,
    rate: float,
    max_side: int,
    cancel: CancelToken | None,
    on_progress: ProgressFn | None,
) -> FaceAnalysis:
    aw, ah = analysis_size(info, max_side)
    fine, every = fine_rate(rate, info.fps)
    stream = _prefetch(
        iter_lazy_frames(p, rate=fine, max_side=max_side, every=every, cancel=cancel, info=info)
    )
    return _analyse_stream(
        stream, str(p), info.width, info.height, (aw, ah), info.duration, rate, max_side,
        cancel, on_progress, every=every,
    )


# Frames between two analysed samples are decoded anyway (an H.264 decoder cannot skip
# them); they are kept until the next sample and run through the detector only when the
# faces changed in between. Up to this many a second are looked at then.
FINE_RATE_LIMIT = 30.0


def fine_rate(rate: float, fps: float) -> tuple[float, int]:
    """The rate frames are decoded at for refinement, and how many of them make one sample."""
    fine = min(max(fps, rate), FINE_RATE_LIMIT)
    every = max(1, int(round(fine / rate)))
    return rate * every, every


def analyse_frames(
    frame_at: Callable[[float], npt.NDArray[np.uint8]],
    *,
    width: int,
    height: int,
    duration: float,
    source: str = "clip",
    rate: float = 10.0,
    max_side: int = 640,
    cancel: CancelToken | None = None,
    on_progress: ProgressFn | None = None,
    cache_id: str | None = None,
) -> FaceAnalysis:
    """Find and track the faces in pictures made by other code.

    ``frame_at(t)`` returns the (h, w, 3) RGB picture at ``t`` seconds for ``0 <= t <
    duration``; it is sampled ``rate`` times a second and scaled down like :func:`analyse`'s
    frames, and the same detector, tracker and smoothing run on it. Boxes are in the
    pictures' own ``width`` x ``height`` pixels; ``source`` names them in notices.
    ``cache_id``, when given, names the pictures (the caller vouches that the same id means
    the same pictures, a content hash say): the result is kept in the same cache folder as
    :func:`analyse`'s and reused next time.
    """
    cache_file: Path | None = None
    identity = ""
    if cache_id is not None:
        settings = f"v{ANALYSIS_VERSION}|{rate:g}|{max_side}|{DETECT_THRESHOLD:g}"
        identity = f"frames|{cache_id}|{width}x{height}|{duration:.6f}|{settings}"
        name = hashlib.sha256(identity.encode()).hexdigest()[:32]
        cache_file = cache_dir() / f"frames-{name}.json"
        cached = _load_cache(cache_file, identity)
        if cached is not None:
            return cached
    scale = min(1.0, max_side / max(width, height))
    aw = max(2, round(width * scale / 2) * 2)
    ah = max(2, round(height * scale / 2) * 2)
    count = max(1, int(math.ceil(duration * rate - 1e-9)))

    def frames() -> Iterator[tuple[float, npt.NDArray[np.uint8]]]:
        for k in range(count):
            t = k / rate
            rgb = np.ascontiguousarray(np.asarray(frame_at(t))[..., :3], dtype=np.uint8)
            if rgb.shape[:2] != (ah, aw):
                rgb = np.asarray(cv2.resize(rgb, (aw, ah), interpolation=cv2.INTER_AREA))
            yield t, rgb

    result = _analyse_stream(
        frames(), source, width, height, (aw, ah), duration, rate, max_side, cancel, on_progress
    )
    if cache_file is not None:
        _save_cache(cache_file, identity, result)
    return result


def _analyse_stream(
    stream: Iterator[tuple[float, Any]],
    source: str,
    width: int,
    height: int,
    analysed: tuple[int, int],
    total: float,
    rate: float,
    max_side: int,
    cancel: CancelToken | None,
    on_progress: ProgressFn | None,
    every: int = 1,
) -> FaceAnalysis:
    detector = FaceDetector(threshold=DETECT_THRESHOLD)
    aw, ah = analysed
    sx, sy = width / aw, height / ah
    frames: list[tuple[float, list[Detection]]] = []
    cuts: list[int] = []
    started = time.monotonic()
    last_report = 0.0
    # Adaptive sampling: every ``every``-th decoded frame is a sample. When the faces of two
    # successive samples differ (one appeared or left, one moved or grew fast, the picture
    # cut), the frames between them are analysed too, so a whip pan, a cut or a face leaving
    # is followed frame by frame instead of being interpolated across a tenth of a second.
    prev_sig: _Signature | None = None
    prev_dets: list[Detection] = []
    for t, rgb, between in _samples(stream, every):
        if cancel is not None:
            cancel.raise_if_cancelled()
        rgb = _picture(rgb)
        sig = _signature(rgb)
        dets = detector.detect(rgb)
        if prev_sig is not None:
            if between and (_is_cut(prev_sig, sig) or _unsettled(prev_dets, dets)):
                for bt, picture in between:
                    brgb = _picture(picture)
                    bsig = _signature(brgb)
                    if _is_cut(prev_sig, bsig):
                        cuts.append(len(frames))
                    prev_sig = bsig
                    frames.append((bt, detector.detect(brgb)))
            if _is_cut(prev_sig, sig):
                cuts.append(len(frames))
        prev_sig, prev_dets = sig, dets
        frames.append((t, dets))
        if on_progress and total > 0:
            now = time.monotonic()
            if now - last_report > 0.25:
                last_report = now
                frac = min(1.0, t / total)
                eta = (now - started) * (1 - frac) / frac if frac > 0.02 else None
                on_progress(Progress("faces", frac, eta))
    sample_times = [t for t, _ in frames]
    tracks = []
    for number, raw in enumerate(link(frames, TrackerSettings(), cuts=set(cuts)), start=1):
        dense = smooth(densify(raw, sample_times))
        scale = np.asarray([sx, sy, sx, sy])
        tracks.append(
            FaceTrack(
                id=number,
                times=dense.times,
                boxes=dense.boxes * scale,
                landmarks=dense.landmarks * np.asarray([sx, sy]),
                scores=dense.scores,
                detected=dense.detected,
            )
        )
    if on_progress:
        on_progress(Progress("faces", 1.0, 0.0))
    duration = total or (sample_times[-1] if sample_times else 0.0)
    return FaceAnalysis(
        source=source,
        width=width,
        height=height,
        duration=duration,
        rate=rate,
        max_side=max_side,
        sample_times=np.asarray(sample_times, dtype=np.float64),
        tracks=tuple(tracks),
        cuts=tuple(sample_times[i] for i in cuts),
    )


def _picture(picture: Any) -> Any:
    """The RGB array of a frame that may still be waiting to be converted (decode.LazyPicture)."""
    return picture() if callable(picture) else picture


def _samples(
    stream: Iterator[tuple[float, Any]], every: int
) -> Iterator[tuple[float, Any, list[tuple[float, Any]]]]:
    """``(t, picture, frames since the previous sample)`` for every ``every``-th frame.

    The stream's last frame is always a sample, so the analysis knows what the clip ends on.
    """
    between: list[tuple[float, Any]] = []
    for count, (t, rgb) in enumerate(stream):
        if count % every:
            between.append((t, rgb))
            continue
        yield t, rgb, between
        between = []
    if between:
        t, rgb = between.pop()
        yield t, rgb, between


# How far (face widths) and how much (size ratio) a face may change between two samples and
# still be interpolated between them; beyond, the frames in between are analysed too. Two
# widths a second is a brisk move; linear interpolation is off by a fraction of that only.
_SETTLED_MOVE = 0.2
_SETTLED_GROWTH = 1.25
_SURE = 0.5


def _unsettled(before: list[Detection], after: list[Detection]) -> bool:
    """True when the sure faces of two successive samples do not simply continue.

    A sure face (score >= 0.5) in either sample must have a counterpart of any score in the
    other, close by and of about its size; a face hovering around the threshold does not
    count as coming and going.
    """
    return _unmatched(after, before) or _unmatched(before, after)


def _unmatched(sure_in: list[Detection], others: list[Detection]) -> bool:
    for d in sure_in:
        if d.score < _SURE:
            continue
        cx, cy = (d.box[0] + d.box[2]) / 2, (d.box[1] + d.box[3]) / 2
        best = math.inf
        for e in others:
            ratio = max(d.width, 1.0) / max(e.width, 1.0)
            if max(ratio, 1 / ratio) > _SETTLED_GROWTH:
                continue
            ex, ey = (e.box[0] + e.box[2]) / 2, (e.box[1] + e.box[3]) / 2
            best = min(best, math.hypot(cx - ex, cy - ey) / max(d.width, e.width, 1.0))
        if best > _SETTLED_MOVE:
            return True
    return False


@dataclass(frozen=True, eq=False)
class _Signature:
    hist: npt.NDArray[np.float32]
    thumb: npt.NDArray[np.float32]


def _signature(rgb: npt.NDArray[np.uint8]) -> _Signature:
    """A colour histogram and a tiny grey thumbnail: enough to tell a cut from motion."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    counts = np.asarray(cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256]), np.float32)
    hist = counts.ravel() / max(float(counts.sum()), 1.0)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    thumb = cv2.resize(grey, (32, 18), interpolation=cv2.INTER_AREA).astype(np.float32)
    return _Signature(hist, thumb)


def _is_cut(a: _Signature, b: _Signature) -> bool:
    """True when the picture changed abruptly: a scene cut or a whip pan.

    Thresholds measured on real footage: camera motion and walking people stay below a
    histogram distance of 0.35 and a thumbnail difference of 30 (of 255); cuts exceed both.
    """
    hist = float(np.abs(a.hist - b.hist).sum())
    thumb = float(np.abs(a.thumb - b.thumb).mean())
    return (hist > 0.9 and thumb > 30) or thumb > 45


def _prefetch(frames: Iterator[tuple[float, Any]], depth: int = 4) -> Iterator[tuple[float, Any]]:
    """Decode on a helper thread while the detector works on the previous frame.

    Both libav and OpenCV release the GIL, so on two cores decode and inference overlap.
    The helper is always joined (never abandoned) and its exceptions surface in the caller.
    """
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in frames:
                while not stop.is_set():
                    try:
                        q.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(("error", exc))

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        # Drain so a producer blocked on a full queue can see ``stop`` and finish.
        while worker.is_alive():
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()
        close = getattr(frames, "close", None)
        if close is not None:
            close()


# --------------------------------------------------------------------------- cache


def cache_dir() -> Path:
    """Where analyses are cached: ``faces/`` in the cache folder (:func:`core.cache.cache_root`)."""
    return cache_root() / "faces"


@dataclass(frozen=True)
class _Key:
    name: str  # file name: one per source path and settings, so a changed file replaces it
    identity: str  # what the source looked like: size, mtime and a hash of its head and tail


def _cache_key(p: Path, rate: float, max_side: int) -> _Key:
    st = p.stat()
    settings = f"v{ANALYSIS_VERSION}|{rate:g}|{max_side}|{DETECT_THRESHOLD:g}"
    name = hashlib.sha256(f"{p.resolve()}|{settings}".encode()).hexdigest()[:32]
    h = hashlib.sha256(f"{st.st_size}|{st.st_mtime_ns}".encode())
    # Head and tail bytes catch an edit that kept size and mtime (a copy with -p, say).
    with open_file(p, "file") as fh:
        h.update(fh.read(65536))
        if st.st_size > 65536:
            fh.seek(max(65536, st.st_size - 65536))
            h.update(fh.read(65536))
    return _Key(name, h.hexdigest())


# A cached analysis is a few hundred kilobytes even for a long clip.
MAX_CACHE_BYTES = 64 * 1024 * 1024


def _load_cache(path: Path, identity: str) -> FaceAnalysis | None:
    """The cached analysis if the file is there, readable and matches; otherwise ``None``."""
    try:
        # The guarded reader: a FIFO or device planted in the cache folder is not read.
        data = json.loads(read_file(path, "face analysis cache", MAX_CACHE_BYTES).decode("utf-8"))
        if not isinstance(data, dict) or data.get("identity") != identity:
            return None
        return FaceAnalysis.from_data(data.get("analysis"))
    except (InputError, OSError, ValueError, UnicodeDecodeError, RecursionError):
        # A corrupt or foreign cache file is not an error: it is rebuilt.
        return None


def _save_cache(path: Path, identity: str, analysis: FaceAnalysis) -> None:
    """Write the cache file atomically; a cache that cannot be written is silently skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"identity": identity, "analysis": analysis.to_data()})
        atomic_write(path, payload, what="face cache")
    except (OSError, OutputError):
        pass
