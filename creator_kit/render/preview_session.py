"""A preview session: what the editor's player shows, made by the export engine at preview size.

One :class:`PreviewSession` per project shown. It runs the same decoder graph
(:func:`~creator_kit.render.decode.segment_filters`) and the same compositor and layer sources
(:class:`~creator_kit.render.engine.Renderer`) as export, on a plan whose canvas is the preview
size (540x960 for a 1080x1920 export): decoding, scaling and blending at a quarter of the
pixels is what makes playback at the project's frame rate possible on a small machine, and
every layer is placed in fractions of the canvas, so the picture is the export's, smaller.

What the session adds for a player:

* frames by timeline index from each segment's preview proxy once it is built
  (:mod:`~creator_kit.render.preview_proxy`: the decoder graph's output at preview size,
  lossless and all intra, built in the background and kept in the cache folder), so a jump
  anywhere decodes one picture, bit for bit the one decoding the source gives;
* until then, and whenever a proxy cannot be used, frames read on from the running decoder
  while playing (no ffmpeg restart between consecutive or slightly skipped frames), and for a
  jump a restart only when it is cheaper than reading on, judged from the source's keyframe
  index (a restart decodes from the keyframe before the target; reading on decodes
  everything up to it);
* a small cache of decoded pictures (before layers), so scrubbing back over what was just
  shown costs no decoding at all;
* face analysis in a child process (``creator-kit faces --progress json``, watched from a
  background thread) with a progress callback; until it finishes the frames show the
  project without face effects, then the renderer is swapped;
* the engine's warnings as a list, reported whenever it changes;
* the mixed soundtrack as 16-bit stereo PCM, rendered by the export's own audio graph on a
  background thread;
* the on-canvas box of every layer in each frame and the face boxes with their track ids,
  for the player's handles and overlays;
* :meth:`close` cancels everything: no ffmpeg outlives a closed session.

Frame methods may be called from any one thread at a time (a lock serialises them); the
callbacks run on the session's background threads.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import cv2
import numpy as np
import numpy.typing as npt

from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import Cancelled, CreatorKitError
from creator_kit.core.frames import Sprite
from creator_kit.core.model import (
    CaptionLayer,
    ImageLayer,
    Placement,
    Project,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.media import ffmpeg
from creator_kit.media.ingest import output_size
from creator_kit.render.audio import RATE, build_audio, normalise_gain
from creator_kit.render.canvas_filters import fill_crop
from creator_kit.render.compositor import Compositor, Frame
from creator_kit.render.decode import SegmentDecoder
from creator_kit.render.engine import Renderer
from creator_kit.render.preview_proxy import (
    ProxyReader,
    build_proxy,
    proxy_path,
    source_version,
)
from creator_kit.render.timeline import RenderPlan, Segment, build_plan, needs_faces
from creator_kit.render.yuv import KB, KG, KR

if TYPE_CHECKING:
    from creator_kit.vision import FaceAnalysis

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 540
# Starting ffmpeg and its filter graph costs about as much as decoding this many frames.
_RESTART_FRAMES = 12
# Without a keyframe index, reading on beats a restart for up to about this many frames.
_READ_AHEAD = 45
# A seek to one of the very last frames can land past the end of the stream: start earlier.
_TAIL = 8
_CACHE_BYTES = 32 * 1024 * 1024
_SPRITE_CACHE_BYTES = 12 * 1024 * 1024
# Proxy files kept open at once (one per segment recently shown).
_OPEN_PROXIES = 3

Box = tuple[int, int, int, int]  # x, y, w, h in preview canvas pixels
F64 = npt.NDArray[np.float64]


def _yuv_matrix() -> npt.NDArray[np.float64]:
    """(Y, U, V, 1) -> (R, G, B) of :func:`~creator_kit.render.yuv.yuv420_to_rgb`."""
    ky, kc = 255.0 / 219.0, 255.0 / 224.0
    rv = 2.0 * (1.0 - KR) * kc
    bu = 2.0 * (1.0 - KB) * kc
    gu, gv = -KB * bu / KG, -KR * rv / KG
    m = np.array([[ky, 0.0, rv], [ky, gu, gv], [ky, bu, 0.0]])
    offset = -(m @ np.array([16.0, 128.0, 128.0]))
    return np.hstack([m, offset[:, None]])


_YUV_TO_RGB = _yuv_matrix()


def rgb_of(frame: Frame) -> npt.NDArray[np.uint8]:
    """``frame`` as (h, w, 3) RGB: the BT.709 conversion of ``Frame.to_rgb`` done by OpenCV.

    About ten times faster than the numpy version (which goes through float planes), which
    a 30 fps preview needs; results agree within one level of rounding.
    """
    h, w = frame.height, frame.width
    u = cv2.resize(frame.u, (w, h), interpolation=cv2.INTER_NEAREST)
    v = cv2.resize(frame.v, (w, h), interpolation=cv2.INTER_NEAREST)
    yuv = cv2.merge([frame.y, u, v])
    return np.asarray(cv2.transform(yuv, _YUV_TO_RGB), np.uint8)


@dataclass(frozen=True)
class FaceBox:
    """A face shown in a preview frame: its track id and box in canvas pixels."""

    track: int
    box: Box


@dataclass(frozen=True)
class PreviewFrame:
    """One composited preview frame with what the player draws over it."""

    index: int
    time: float
    rgb: npt.NDArray[np.uint8]  # (h, w, 3)
    layer_boxes: dict[int, Box]  # project layer index -> box of what it drew (clips only)
    faces: tuple[FaceBox, ...]
    lifted: Lifted | None = None  # the layer left out of ``rgb`` (being dragged), if any


@dataclass(frozen=True)
class Lifted:
    """A layer drawn on its own: straight-alpha RGBA at its canvas box, for dragging it live."""

    layer: int
    rgba: npt.NDArray[np.uint8]  # (h, w, 4), the box's size
    box: Box


def preview_size(plan: RenderPlan, width: int = PREVIEW_WIDTH) -> tuple[int, int]:
    """The even preview canvas size ``width`` wide with the plan's aspect ratio."""
    width = max(2, width // 2 * 2)
    height = max(2, int(round(plan.height * width / plan.width)) // 2 * 2)
    return width, height


def preview_plan(plan: RenderPlan, width: int = PREVIEW_WIDTH) -> RenderPlan:
    """``plan`` with a canvas ``width`` pixels wide; timing and inputs unchanged."""
    w, h = preview_size(plan, width)
    return dataclasses.replace(plan, width=w, height=h)


_KEYFRAMES: OrderedDict[tuple[str, int, int], tuple[float, ...]] = OrderedDict()
_KEYFRAMES_LOCK = threading.Lock()


def keyframe_times(path: str | Path, cancel: CancelToken | None = None) -> tuple[float, ...]:
    """Times (seconds from the stream's start) of the video keyframes of ``path``.

    Read from the container's packets without decoding anything; cached per file version.
    An unreadable file gives an empty tuple (the caller then guesses). ``cancel`` stops a
    long file's scan (raising ``Cancelled``).
    """
    p = str(path)
    try:
        st = os.stat(p)
    except OSError:
        return ()
    key = (p, st.st_mtime_ns, st.st_size)
    with _KEYFRAMES_LOCK:
        hit = _KEYFRAMES.get(key)
    if hit is not None:
        return hit
    import av

    times: list[float] = []
    try:
        with av.open(p) as container:
            stream = container.streams.video[0]
            base = float(stream.time_base or 0)
            start = stream.start_time or 0
            for n, packet in enumerate(container.demux(stream)):
                if cancel is not None and n % 256 == 0:
                    cancel.raise_if_cancelled()
                if packet.is_keyframe and packet.pts is not None:
                    times.append((packet.pts - start) * base)
    except (av.error.FFmpegError, IndexError):
        return ()
    result = tuple(sorted(times))
    with _KEYFRAMES_LOCK:
        _KEYFRAMES[key] = result
        while len(_KEYFRAMES) > 64:
            _KEYFRAMES.popitem(last=False)
    return result


class _PictureCache:
    """Decoded pictures (before layers) by (segment signature, local frame), bounded by bytes.

    Shared by every session: the signature names the source file version and the whole decode
    graph, so a session opened after an edit that changed only layers (moving a sticker)
    finds the pictures its predecessor decoded.
    """

    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[tuple[str, int], Frame] = OrderedDict()
        self._limit = limit
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> Frame | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: tuple[str, int], frame: Frame) -> None:
        with self._lock:
            if key in self._items or frame.buf.nbytes > self._limit:
                return
            self._items[key] = frame.copy()
            self._held += frame.buf.nbytes
            while self._held > self._limit:
                self._held -= self._items.popitem(last=False)[1].buf.nbytes


_PICTURES = _PictureCache(_CACHE_BYTES)
# The last few soundtracks by what makes them: an edit that leaves the sound alone (a layer
# moved) reuses the PCM instead of measuring loudness and mixing again.
_SOUNDTRACKS: OrderedDict[str, bytes] = OrderedDict()
_SOUND_LOCK = threading.Lock()


def clear_caches() -> None:
    """Forget the decoded pictures and soundtracks every session shares (in memory).

    Proxy files on disk stay: they are named by what they hold, and the cache limit trims
    them (``creator-kit cache clear`` removes them).
    """
    global _PICTURES
    _PICTURES = _PictureCache(_CACHE_BYTES)
    with _SOUND_LOCK:
        _SOUNDTRACKS.clear()


class PreviewSession:
    """Preview frames, face analysis, warnings and sound of one project (see module docs).

    ``on_warnings`` receives the whole list of warnings each time it changes;
    ``on_faces`` receives the face-analysis progress 0..1 (1.0 when done, at once when the
    project needs no faces). ``proxies`` builds the preview proxies
    (:mod:`~creator_kit.render.preview_proxy`) in the background; a session uses any proxy
    already on disk either way. Raises
    :class:`~creator_kit.core.errors.InputError` for an unusable project, as export would,
    before any thread starts.
    """

    def __init__(
        self,
        project: Project,
        *,
        width: int = PREVIEW_WIDTH,
        on_warnings: Callable[[list[str]], None] | None = None,
        on_faces: Callable[[float], None] | None = None,
        analyse_faces: bool = True,
        faces: dict[str, FaceAnalysis] | None = None,
        proxies: bool = True,
    ) -> None:
        self.project = project
        self.full_plan = build_plan(project)
        self.plan = preview_plan(self.full_plan, width)
        self._on_warnings = on_warnings or (lambda _w: None)
        self._on_faces = on_faces or (lambda _f: None)
        self._cancel = CancelToken()
        self._lock = threading.RLock()
        self._threads: list[threading.Thread] = []
        self._decoder: SegmentDecoder | None = None
        self._decoded = Frame(self.plan.width, self.plan.height)
        self._decoded_at: tuple[int, int] | None = None
        self._signatures: dict[int, str] = {}
        self._last_plain: Frame | None = None
        self._keyframes: dict[int, tuple[float, ...]] = {}
        self._faces: dict[str, FaceAnalysis] = dict(faces or {})
        self._faces_done = not needs_faces(project) or faces is not None
        self._plan_warnings = list(self.full_plan.warnings)
        self._render_warnings: list[str] = []
        self._closed = False
        # Built here, on the caller's thread: bad layers fail now, like export's set-up.
        self._building = True
        self.renderer = self._make_renderer()
        self._building = False
        self._report_warnings()
        if self._faces_done:
            self._on_faces(1.0)
        elif analyse_faces:
            self._start(self._analyse_faces, "ck-preview-faces")
        self._start(self._index_keyframes, "ck-preview-keyframes")
        self._busy = threading.Event()  # set while playing: proxies wait, playback has the CPU
        self._versions: dict[int, str] = {}  # the source version each signature was made for
        self._proxy_files: dict[int, Path] = {}  # segment -> its finished proxy
        self._proxy_looked: set[str] = set()  # signatures whose proxy was looked for on disk
        self._proxy_tried: set[str] = set()  # signatures a build was started for
        self._readers: OrderedDict[int, ProxyReader] = OrderedDict()
        self._build_proxies_enabled = proxies
        self._proxies_dirty = False
        self._proxy_builder: threading.Thread | None = None
        with self._lock:
            self._want_proxies()

    # ------------------------------------------------------------------ properties

    @property
    def fps(self) -> float:
        """Frames per second of the output."""
        return self.plan.fps

    @property
    def duration(self) -> float:
        """Output duration in seconds."""
        return self.plan.duration

    @property
    def total_frames(self) -> int:
        """Frames in the output."""
        return self.plan.total_frames

    @property
    def size(self) -> tuple[int, int]:
        """Preview canvas (width, height)."""
        return self.plan.width, self.plan.height

    @property
    def warnings(self) -> list[str]:
        """The engine's warnings so far (plan, layers and face analysis)."""
        return list(dict.fromkeys([*self._plan_warnings, *self._render_warnings]))

    @property
    def faces_ready(self) -> bool:
        """True once face analysis is done (or was never needed)."""
        return self._faces_done

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed

    def index_at(self, t: float) -> int:
        """The timeline frame shown at ``t`` seconds (clamped to the output)."""
        return min(max(int(t * self.plan.fps + 1e-6), 0), self.plan.total_frames - 1)

    # ------------------------------------------------------------------ background work

    def _start(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=self._guard(target), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _guard(self, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except Cancelled:
                pass
            except CreatorKitError as exc:
                if not self._cancel.cancelled:
                    self._render_warnings.append(str(exc))
                    self._report_warnings()
            except Exception as exc:  # a helper pass must never take the preview down
                if not self._cancel.cancelled:
                    log.warning("preview %s failed", target.__name__, exc_info=True)
                    self._render_warnings.append(f"preview: {target.__name__.strip('_')} "
                                                 f"failed ({exc})")
                    self._report_warnings()

        return run

    def _make_renderer(self) -> Renderer:
        self._render_warnings = []
        self._mappings: dict[int, Callable[[F64, float], F64]] = {}
        renderer = Renderer(self.plan, self._note_warning, self._faces)
        # Sprites are a quarter of export's size here, and a face mask makes a new one every
        # frame: a smaller conversion cache holds the same captions and stickers.
        renderer.compositor = Compositor(cache_bytes=_SPRITE_CACHE_BYTES)
        return renderer

    def _note_warning(self, message: str) -> None:
        # Called while layers are prepared and whenever drawing meets a new problem (a cue
        # entering an interface band): the status line hears of it as the frame is shown.
        if message not in self._render_warnings:
            self._render_warnings.append(message)
            if not self._building:
                self._report_warnings()

    def _report_warnings(self) -> None:
        if not self._cancel.cancelled:
            self._on_warnings(self.warnings)

    def _analyse_faces(self) -> None:
        from creator_kit.render.face_timeline import analyse_plan_apart

        self._on_faces(0.0)
        # 1.0 means "frames now carry the faces", so the analysis's own end is reported just
        # below it: the final 1.0 comes only once the new renderer is in place. The analysis
        # runs in a child process (a player's frames must never wait for its GIL).
        faces = analyse_plan_apart(
            self.full_plan, self._cancel, lambda f: self._on_faces(min(f, 0.99))
        )
        self._cancel.raise_if_cancelled()
        notices = [a.notice for a in faces.values() if a.notice]
        with self._lock:
            if self._closed:
                return
            self._faces = faces
            self._building = True
            # Every layer is drawn anew: the face mask, and the layers placed by slot, which
            # keep clear of the faces (graphics.slots).
            self.renderer = self._make_renderer()
            self._building = False
            self._render_warnings = list(dict.fromkeys([*self._render_warnings, *notices]))
            # Face reframe changes the decoded picture itself: nothing decoded before is valid.
            if self.plan.project.reframe.mode == "face":
                self._reset_decoding()
            self._faces_done = True
        self._report_warnings()
        self._on_faces(1.0)

    def wait_for_faces(self, timeout: float | None = None) -> bool:
        """Block until face analysis is done; returns :attr:`faces_ready`."""
        for thread in list(self._threads):
            if thread.name == "ck-preview-faces":
                thread.join(timeout)
        return self._faces_done

    def set_busy(self, busy: bool) -> None:
        """Say that playback runs (background passes then wait, leaving it the CPU)."""
        if busy:
            self._busy.set()
        else:
            self._busy.clear()

    def _signature(self, seg: Segment) -> str:
        """What decides the pictures of ``seg``: source version, timing, size, decode graph."""
        key = self._signatures.get(seg.index)
        if key is None:
            from creator_kit.render.decode import segment_filters

            version = source_version(seg.clip.source)
            graph = segment_filters(self.plan, seg, 0, self.renderer.face_paths.get(seg.index))
            key = (
                f"{seg.clip.source}|{version}|{seg.src_start}|{seg.src_frames}|"
                f"{self.plan.fps}|{self.plan.width}x{self.plan.height}|{graph}"
            )
            self._signatures[seg.index] = key
            self._versions[seg.index] = version
        return key

    # ------------------------------------------------------------------ preview proxies

    def _build_proxies(self) -> None:
        """Build the proxy of every segment that has none (the proxies thread)."""
        from creator_kit.core.settings import load_settings

        if self.plan.project.reframe.mode == "face":
            # The crop follows the faces: the pictures are known once they are. (A face
            # mask alone is a layer: the pictures, and so the proxies, do not wait for it.)
            self.wait_for_faces()
        limit = load_settings(move_corrupt=False).settings.cache_limit_mb * 1024**2
        while True:
            pending = list(self.plan.segments)
            while pending:
                while self._busy.is_set():  # playing: the next build waits
                    if self._cancel.wait(0.05):
                        break
                self._cancel.raise_if_cancelled()
                with self._lock:
                    if self._closed:
                        return
                    # The clip being looked at first, then the ones after it, then before.
                    shown = self._decoded_at[0] if self._decoded_at is not None else 0
                    seg = min(pending, key=lambda s: (s.index < shown, s.index))
                    pending.remove(seg)
                    key = self._signature(seg)
                    path = proxy_path(key)
                    if self._versions[seg.index] == "missing" or key in self._proxy_tried:
                        continue
                    if path.is_file():
                        self._proxy_files[seg.index] = path
                        continue
                    self._proxy_tried.add(key)
                    face = self.renderer.face_paths.get(seg.index)
                if build_proxy(self.plan, seg, path, face=face, cancel=self._cancel,
                               limit_bytes=limit):
                    with self._lock:
                        if self._signatures.get(seg.index) == key:  # nothing changed meanwhile
                            self._proxy_files[seg.index] = path
            with self._lock:
                # A source that changed meanwhile asked for another round (see _forget).
                if not self._proxies_dirty:
                    self._proxy_builder = None
                    return
                self._proxies_dirty = False

    def _want_proxies(self) -> None:
        """Have the proxies thread (re)check every segment; call with the lock held."""
        if not self._build_proxies_enabled or self._closed:
            return
        if self._proxy_builder is None or not self._proxy_builder.is_alive():
            self._proxy_builder = self._start(self._build_proxies, "ck-preview-proxies")
        else:
            self._proxies_dirty = True  # it goes round once more when done

    def wait_for_proxies(self, timeout: float | None = None) -> bool:
        """Block until the proxies are built; True when every segment has one.

        (False when a proxy could not be made: too big for the cache limit, the cache
        folder not writable, a source missing; frames then come from the sources.)
        """
        for thread in list(self._threads):
            if thread.name == "ck-preview-proxies":
                thread.join(timeout)
        with self._lock:
            return all(self._find_proxy(seg) is not None for seg in self.plan.segments)

    @property
    def proxies_ready(self) -> bool:
        """True when every segment's frames come from its preview proxy.

        Takes no lock (a GUI thread may ask while a frame is being decoded): it reports the
        proxies this session has built or already read from.
        """
        files = self._proxy_files
        return all(seg.index in files for seg in self.plan.segments)

    def _find_proxy(self, seg: Segment) -> Path | None:
        """The finished proxy of ``seg``, if any (one made by an earlier session counts)."""
        path = self._proxy_files.get(seg.index)
        if path is not None:
            return path
        key = self._signature(seg)
        if key not in self._proxy_looked:  # looked for once; the builder records its own
            self._proxy_looked.add(key)
            candidate = proxy_path(key)
            if self._versions[seg.index] != "missing" and candidate.is_file():
                self._proxy_files[seg.index] = candidate
                return candidate
        return None

    def _reader(self, seg: Segment) -> ProxyReader | None:
        """An open reader of ``seg``'s proxy, or None when it has none (yet)."""
        reader = self._readers.get(seg.index)
        if reader is not None:
            self._readers.move_to_end(seg.index)
            return reader
        path = self._find_proxy(seg)
        if path is None:
            return None
        try:
            reader = ProxyReader(path, self.plan.fps, self.size, seg.src_frames)
        except (av.error.FFmpegError, ValueError, OSError) as exc:
            self._drop_proxy(seg.index, f"cannot open it ({exc})")
            return None
        self._readers[seg.index] = reader
        while len(self._readers) > _OPEN_PROXIES:
            self._readers.popitem(last=False)[1].close()
        return reader

    def _drop_proxy(self, index: int, why: str) -> None:
        """Stop using a broken proxy and remove its file (the next session rebuilds it)."""
        path = self._proxy_files.pop(index, None)
        reader = self._readers.pop(index, None)
        if reader is not None:
            reader.close()
        if path is not None:
            log.warning("preview proxy %s dropped: %s", path.name, why)
            path.unlink(missing_ok=True)

    def _forget(self, index: int) -> None:
        """Segment ``index``'s source changed on disk: nothing made from it is valid."""
        self._signatures.pop(index, None)
        self._versions.pop(index, None)
        self._proxy_files.pop(index, None)
        reader = self._readers.pop(index, None)
        if reader is not None:
            reader.close()
        if self._decoded_at is not None and self._decoded_at[0] == index:
            self._decoded_at = None
        if self._decoder is not None and self._decoder.seg.index == index:
            self._close_decoder()
        self._want_proxies()

    def _check_source(self, seg: Segment) -> None:
        """Forget what was made from ``seg``'s source if the file changed since (a stat)."""
        self._signature(seg)
        if source_version(seg.clip.source) != self._versions[seg.index]:
            self._forget(seg.index)

    def _index_keyframes(self) -> None:
        for seg in self.plan.segments:
            self._cancel.raise_if_cancelled()
            self._keyframes[seg.index] = keyframe_times(seg.clip.source, self._cancel)

    # ------------------------------------------------------------------ frames

    def _reset_decoding(self) -> None:
        self._close_decoder()
        self._signatures.clear()
        self._versions.clear()
        self._proxy_files.clear()
        while self._readers:
            self._readers.popitem()[1].close()
        self._decoded_at = None
        self._last_plain = None

    def _close_decoder(self) -> None:
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None

    def _restart_cost(self, seg: Segment, local: int) -> int:
        """Frames a fresh decoder must decode to reach ``local`` (plus its start-up)."""
        kf = self._keyframes.get(seg.index)
        if not kf:
            return _READ_AHEAD
        t = seg.src_start + local / self.plan.fps
        i = int(np.searchsorted(np.asarray(kf), t + 1e-6, side="right")) - 1
        before = kf[max(i, 0)]
        return _RESTART_FRAMES + max(0, int((t - before) * self.plan.fps))

    def _picture(self, seg: Segment, local: int) -> Frame:
        """The decoded picture (before layers) of ``seg`` at ``local`` frames in.

        From the segment's preview proxy when it has one (every frame a keyframe), else from
        the running decoder, reading on or restarting it, whichever decodes less.
        """
        local = min(local, seg.src_frames - 1)  # a frozen tail repeats the last picture
        self._check_source(seg)
        key = (seg.index, local)
        if self._decoded_at == key:
            return self._decoded
        signature = self._signature(seg)
        hit = _PICTURES.get((signature, local))
        if hit is not None:
            return hit
        reader = self._reader(seg)
        if reader is not None:
            try:
                reader.read_into(local, self._decoded)
            except (av.error.FFmpegError, ValueError, OSError) as exc:
                self._drop_proxy(seg.index, str(exc))
            else:
                # The proxy has every picture from here on: the source decoder can go.
                self._close_decoder()
                self._decoded_at = key
                _PICTURES.put((signature, local), self._decoded)
                return self._decoded
        dec = self._decoder
        restart = self._restart_cost(seg, local)
        read_on = (
            local - dec.position
            if dec is not None and dec.seg.index == seg.index and dec.position <= local
            else None
        )
        if dec is None or read_on is None or read_on > restart:
            self._close_decoder()
            self._cancel.raise_if_cancelled()
            start = min(local, max(0, seg.src_frames - _TAIL))
            dec = self._decoder = SegmentDecoder(
                self.plan, seg, skip=start, face=self.renderer.face_paths.get(seg.index)
            )
        while dec.position <= local:
            at = dec.position
            dec.read_into(self._decoded)
            self._decoded_at = (seg.index, at)
            _PICTURES.put((signature, at), self._decoded)
        return self._decoded

    def frame(self, index: int, lift: int | None = None) -> PreviewFrame:
        """The composited frame at timeline ``index`` with its layer and face boxes.

        ``lift`` leaves that layer out of the picture and hands it over separately
        (``PreviewFrame.lifted``), so a player can move it live while dragging.
        """
        with self._lock:
            if self._closed:
                raise Cancelled()
            plan = self.plan
            index = min(max(index, 0), plan.total_frames - 1)
            seg = plan.segment_at(index)
            if seg is not None:
                local = index - seg.first_frame
                out = self._picture(seg, local).copy()
            else:
                last = None
                card = plan.project.card
                if card is not None and card.background.kind == "last-frame":
                    final = plan.segments[-1]
                    last = self._picture(final, final.src_frames - 1).copy()
                out = self.renderer.card_background(last).copy()
            boxes, lifted = self._compose(out, index, lift)
            faces = self._face_boxes(seg, index) if seg is not None else ()
        return PreviewFrame(index, index / plan.fps, rgb_of(out), boxes, faces, lifted)

    def rgb(self, t: float) -> npt.NDArray[np.uint8]:
        """The RGB preview frame at ``t`` seconds."""
        return self.frame(self.index_at(t)).rgb

    def _compose(
        self, frame: Frame, index: int, lift: int | None = None
    ) -> tuple[dict[int, Box], Lifted | None]:
        """Renderer.compose, noting the box each clip layer drew; layer ``lift`` left out."""
        renderer = self.renderer
        t = index / self.plan.fps
        size = (self.plan.width, self.plan.height)
        boxes: dict[int, Box] = {}
        lifted = None
        if index < self.plan.clip_frames:
            for i, source in enumerate(renderer.clip_sources):
                sprites = source.sprites_at(t, size)
                box = _union(sprites)
                if i == lift:
                    if box is not None:
                        lifted = Lifted(i, _flatten(sprites, box), box)
                else:
                    renderer.compositor.blend(frame, sprites)
                if box is not None:
                    boxes[i] = box
        else:
            for source in renderer.card_sources:
                renderer.compositor.blend(frame, source.sprites_at(t, size))
        return boxes, lifted

    def _face_boxes(self, seg: Segment, index: int) -> tuple[FaceBox, ...]:
        analysis = self._faces.get(seg.clip.source)
        if analysis is None:
            return ()
        from creator_kit.render.face_timeline import _mapping

        local = min(index - seg.first_frame, seg.src_frames - 1)
        t_src = seg.src_start + local / self.plan.fps
        mapping = self._mappings.get(seg.index)
        if mapping is None:  # building it follows the whole face path: once per renderer
            mapping = self._mappings[seg.index] = _mapping(self.plan, seg, analysis)
        out: list[FaceBox] = []
        for face in analysis.faces_at(t_src):
            x1, y1, x2, y2 = face.box
            pts = mapping(np.array([[x1, y1], [x2, y2]], np.float64), t_src)
            (a, b), (c, d) = pts
            out.append(
                FaceBox(face.track_id, (int(round(a)), int(round(b)), int(round(c - a)),
                                     int(round(d - b))))
            )
        return tuple(out)

    # ------------------------------------------------------------------ editing helpers

    def resolved_placement(self, layer_index: int, box: Box | None = None) -> Placement | None:
        """Where layer ``layer_index`` sits as an explicit :class:`Placement` (None if it has none).

        Stickers and tip cards in a slot and captions in their default area get the
        placement that reproduces where they are drawn, so a drag starts from what is seen.
        ``box`` (the layer's box in the current frame) is needed for a default caption; for a
        slotted layer it is used when given (the layer may have moved aside for a face).
        """
        layer = self.project.layers[layer_index]
        w, h = self.plan.width, self.plan.height
        if isinstance(layer, ImageLayer):
            return layer.placement
        if isinstance(layer, StickerLayer | TipCardLayer):
            if layer.placement is not None:
                if layer.placement.width is None:
                    return dataclasses.replace(layer.placement, width=layer.width)
                return layer.placement
            if box is not None:
                # Where it is drawn: a slotted layer may have moved aside for a face.
                x, y, bw, bh = box
                return Placement(x=(x + bw / 2) / w, y=(y + bh / 2) / h, anchor="center",
                                 width=layer.width)
            from creator_kit.graphics.slots import slot_placement

            zone = self.plan.profile.safe_zone
            slot = slot_placement(layer.slot, layer.language, (w, h), zone)
            return dataclasses.replace(slot, width=layer.width)
        if isinstance(layer, CaptionLayer):
            if layer.placement is not None:
                return layer.placement
            if box is None:
                return None
            x, y, bw, bh = box
            return Placement(x=(x + bw / 2) / w, y=(y + bh / 2) / h, anchor="center",
                             width=min(4.0, max(0.001, bw / w)))
        return None  # a face mask follows the faces

    def fill_offset_after_drag(self, index: int, dx: float, dy: float) -> tuple[float, float]:
        """The ``fill`` reframe offsets after dragging the picture by (dx, dy) canvas pixels.

        Dragging the picture right shows more of the source's left: the crop window moves the
        other way. Offsets stay in -1..1; an axis with nothing to crop keeps its offset.
        """
        reframe = self.project.reframe
        seg = self.plan.segment_at(min(max(index, 0), self.plan.total_frames - 1))
        seg = seg or self.plan.segments[-1]
        sw, sh = output_size(seg.info)
        _cx, _cy, cw, ch = fill_crop(reframe, sw, sh, self.plan.width, self.plan.height)
        ox, oy = reframe.offset_x, reframe.offset_y
        if sw > cw:
            ox -= dx * (cw / self.plan.width) / ((sw - cw) / 2)
        if sh > ch:
            oy -= dy * (ch / self.plan.height) / ((sh - ch) / 2)
        return min(1.0, max(-1.0, ox)), min(1.0, max(-1.0, oy))

    def fill_slack(self, index: int) -> tuple[bool, bool]:
        """Whether the ``fill`` crop can move horizontally and vertically at ``index``."""
        seg = self.plan.segment_at(min(max(index, 0), self.plan.total_frames - 1))
        seg = seg or self.plan.segments[-1]
        sw, sh = output_size(seg.info)
        _cx, _cy, cw, ch = fill_crop(self.project.reframe, sw, sh, self.plan.width,
                                     self.plan.height)
        return sw > cw, sh > ch

    # ------------------------------------------------------------------ sound

    def soundtrack(self) -> bytes:
        """The mixed soundtrack as interleaved 16-bit stereo PCM at :data:`RATE` Hz.

        The export's audio graph, loudness gain included, so what plays is what exports.
        Blocking (seconds for a long project): call it off the GUI thread.
        """
        plain = build_audio(self.full_plan, 0, None)
        versions = []
        files = {c.source for c in self.project.clips} | {self.project.audio.music or ""}
        for path in sorted(files - {""}):
            try:
                st = os.stat(path)
                versions.append(f"{path}:{st.st_mtime_ns}:{st.st_size}")
            except OSError:
                versions.append(f"{path}:missing")
        audio = self.project.audio
        key = "|".join([*plain.inputs, plain.graph, *sorted(versions), str(audio.normalise),
                        str(audio.loudness_lufs), str(audio.true_peak_db)])
        with _SOUND_LOCK:
            hit = _SOUNDTRACKS.get(key)
        if hit is not None:
            return hit
        gain = None
        if audio.normalise:
            gain = normalise_gain(self.full_plan, self._cancel)
        graph = build_audio(self.full_plan, 0, gain)
        args = [*graph.inputs, "-filter_complex", graph.graph, "-map", "[aout]",
                "-f", "s16le", "-acodec", "pcm_s16le", "-ar", str(RATE), "-ac", "2", "pipe:1"]
        data, _log = ffmpeg.run(args, cancel=self._cancel, what="preview sound")
        with _SOUND_LOCK:
            _SOUNDTRACKS[key] = data
            while len(_SOUNDTRACKS) > 3:
                _SOUNDTRACKS.popitem(last=False)
        return data

    def request_soundtrack(self, on_ready: Callable[[bytes], None]) -> None:
        """Render :meth:`soundtrack` on a background thread and hand it to ``on_ready``."""

        def work() -> None:
            data = self.soundtrack()
            if not self._cancel.cancelled:
                on_ready(data)

        self._start(work, "ck-preview-sound")

    # ------------------------------------------------------------------ life

    def release_decoder(self) -> None:
        """Stop the running decoder's ffmpeg now; the next frame starts another if needed."""
        with self._lock:
            self._close_decoder()

    def close(self) -> None:
        """Cancel background work, stop every ffmpeg and wait for the threads (idempotent)."""
        self._cancel.cancel()
        if self._decoder is not None:
            self._decoder.close()  # unblocks a thread reading its pipe
        with self._lock:
            self._closed = True
            self._close_decoder()
            while self._readers:
                self._readers.popitem()[1].close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()

    def __enter__(self) -> PreviewSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _flatten(sprites: Sequence[Sprite], box: Box) -> npt.NDArray[np.uint8]:
    """The sprites (back to front, opacity applied) as one straight-alpha RGBA image of ``box``."""
    x0, y0, w, h = box
    rgb = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w, 1), np.float32)
    for s in sprites:
        if s.rgba.size == 0 or s.opacity <= 0:
            continue
        sh, sw = s.rgba.shape[:2]
        ox, oy = s.x - x0, s.y - y0
        a = s.rgba[..., 3:4].astype(np.float32) / 255.0 * min(1.0, s.opacity)
        region = (slice(oy, oy + sh), slice(ox, ox + sw))
        # Premultiplied "over": what the compositor does, kept in RGBA instead of YUV.
        rgb[region] = s.rgba[..., :3].astype(np.float32) * a + rgb[region] * (1.0 - a)
        alpha[region] = a + alpha[region] * (1.0 - a)
    safe = np.where(alpha > 0, alpha, 1.0)
    out = np.concatenate([rgb / safe, alpha * 255.0], axis=2)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _union(sprites: Sequence[Sprite]) -> Box | None:
    box: list[int] | None = None
    for s in sprites:
        if s.rgba.size == 0 or s.opacity <= 0:
            continue
        x, y = s.x, s.y
        h, w = s.rgba.shape[:2]
        if box is None:
            box = [x, y, x + w, y + h]
        else:
            box = [min(box[0], x), min(box[1], y), max(box[2], x + w), max(box[3], y + h)]
    if box is None:
        return None
    return box[0], box[1], box[2] - box[0], box[3] - box[1]
