"""Export in one ffmpeg: the clip's frames never pass through Python.

Piping every 1080x1920 frame from a decoding ffmpeg through Python to an encoding ffmpeg costs
two copies of 3 MB per frame, a Python blend and a process hop, about a third more wall time
than bare ffmpeg. Here one ffmpeg decodes, reframes, blends and encodes; Python draws the
layers exactly as for the preview and sends each one's rectangle as a small yuva420p stream
(one ffmpeg input per layer sprite, sized to the area it ever covers) that ffmpeg's
``overlay`` blends in place. A rectangle that did not change since the previous frame is sent
again as the same bytes, without drawing. The closing card's background is one frame that
ffmpeg repeats.

The blend is bit-exact with :class:`~creator_kit.render.compositor.Compositor` (whose
arithmetic is ffmpeg's), so the preview still shows the export's pixels. A plan with several
clips goes the frame-by-frame way (:class:`~creator_kit.render.engine.Renderer`): one ffmpeg
would have to open every clip's decoder at once.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from creator_kit.core.cancel import CancelToken
from creator_kit.core.frames import Sprite
from creator_kit.core.memory import release_free_memory
from creator_kit.core.rates import fps_fraction
from creator_kit.media import ffmpeg
from creator_kit.render.audio import build_audio
from creator_kit.render.compositor import Compositor, Frame, scaled_alpha
from creator_kit.render.decode import SegmentDecoder, segment_filters, segment_input_args
from creator_kit.render.encode import COLOUR_TAGS, encode_failure
from creator_kit.render.engine import Renderer
from creator_kit.render.timeline import RenderPlan

U8 = npt.NDArray[np.uint8]

# A stream's last chroma row and column get a different alpha rule in ffmpeg's overlay; two
# transparent pixels right and below keep every drawn pixel away from them.
_MARGIN = 2
# Frames each layer stream may have queued ahead of ffmpeg (Python draws ahead this far).
_AHEAD = 2
# The YUV conversions of sprites kept for reuse while streaming (see DirectRender.run).
_CONVERTED_BYTES = 16 * 1024 * 1024


# Beyond this many layer streams (pipes, writer threads and ffmpeg inputs, each with its
# queued frames) the frame-by-frame path costs less memory than one stream per sprite.
MAX_SLOTS = 24


# FFmpeg 7.1's scheduler stops reading a layer's input pipe while the graph does not need its
# frames yet (a layer shown later, the closing card) and the render then waits forever on
# both sides; FFmpeg 9 reads every input as it comes (tested). Older or unknown versions take
# the frame-by-frame path.
MIN_FFMPEG = 9


def ffmpeg_ok() -> bool:
    """True when the ffmpeg in use is one the one-ffmpeg export is known to work with."""
    return (ffmpeg.major_version(ffmpeg.ffmpeg_exe()) or 0) >= MIN_FFMPEG


def usable(plan: RenderPlan) -> bool:
    """True when ``plan`` can be exported in one ffmpeg (one clip, a POSIX system, an ffmpeg
    of at least :data:`MIN_FFMPEG`).

    The layers must also fit in :data:`MAX_SLOTS` streams (see :func:`plan_streams`).
    """
    return os.name == "posix" and len(plan.segments) == 1 and ffmpeg_ok()


@dataclass
class Slot:
    """The ``k``-th sprite of layer ``source`` of a section (0 clips, 1 card) as a stream.

    ``x0, y0, x1, y1`` bound (even) the canvas area its sprites ever cover; ``first`` and
    ``last`` are the first and last timeline frames where it draws anything.
    """

    section: int
    source: int
    k: int
    x0: int
    y0: int
    x1: int
    y1: int
    first: int
    last: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the stream, margin included."""
        return self.x1 - self.x0 + _MARGIN, self.y1 - self.y0 + _MARGIN


def _placed(sprite: Sprite) -> tuple[int, int, int, int]:
    """The even-aligned rectangle (x0, y0, x1, y1) the compositor blends ``sprite`` over."""
    h, w = sprite.rgba.shape[:2]
    dx, dy = sprite.x & 1, sprite.y & 1
    pw, ph = w + dx + ((w + dx) & 1), h + dy + ((h + dy) & 1)
    return sprite.x - dx, sprite.y - dy, sprite.x - dx + pw, sprite.y - dy + ph


def _drawn(sprite: Sprite) -> bool:
    return sprite.opacity > 0.0 and sprite.rgba.size > 0


def _sprites(renderer: Renderer, index: int) -> Iterator[tuple[tuple[int, int, int], Sprite]]:
    """((section, source, k), sprite) for every sprite drawn on timeline frame ``index``."""
    plan = renderer.plan
    section = 0 if index < plan.clip_frames else 1
    t = index / plan.fps
    size = (plan.width, plan.height)
    for s, source in enumerate(renderer.sources_at(index)):
        for k, sprite in enumerate(source.sprites_at(t, size)):
            if _drawn(sprite):
                yield (section, s, k), sprite


def plan_slots(renderer: Renderer, cancel: CancelToken | None = None) -> list[Slot]:
    """One slot per layer sprite, in blending order, each bounding what it ever draws.

    Asks every layer for every frame once (the layers draw again while streaming: what they
    drew is not kept, a face mask per frame would hold hundreds of megabytes).
    """
    plan = renderer.plan
    w, h = plan.width, plan.height
    slots: dict[tuple[int, int, int], Slot] = {}
    for index in range(plan.total_frames):
        if index % 32 == 31:
            if cancel is not None:
                cancel.raise_if_cancelled()
            release_free_memory()  # the layers' temporaries (core.memory)
        for key, sprite in _sprites(renderer, index):
            x0, y0, x1, y1 = _placed(sprite)
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
            if x0 >= x1 or y0 >= y1:
                continue  # wholly off the canvas
            slot = slots.get(key)
            if slot is None:
                slots[key] = Slot(*key, x0, y0, x1, y1, index, index)
            else:
                slot.x0, slot.y0 = min(slot.x0, x0), min(slot.y0, y0)
                slot.x1, slot.y1 = max(slot.x1, x1), max(slot.y1, y1)
                slot.last = index
    return [slots[k] for k in sorted(slots)]


def _meet(a: Slot, b: Slot) -> bool:
    """True when ``a`` and ``b`` draw on a common frame over a common pixel."""
    return (
        a.first <= b.last
        and b.first <= a.last
        and a.x0 < b.x1
        and b.x0 < a.x1
        and a.y0 < b.y1
        and b.y0 < a.y1
    )


@dataclass
class Stream:
    """One layer stream (one pipe, one ffmpeg input, one ``overlay``) carrying ``slots``.

    The slots never draw on the same frame, so each frame shows at most one of them; the
    stream bounds them all (``x0, y0, x1, y1``, even) and runs from the first one's ``first``
    frame to the last one's ``last``. The template's tip cards, shown one after another at
    the same place, take one stream instead of two: ffmpeg queues a few frames of every
    stream, so the bytes of a frame of all streams are what its memory grows with.
    """

    slots: list[Slot]

    @property
    def x0(self) -> int:
        return min(s.x0 for s in self.slots)

    @property
    def y0(self) -> int:
        return min(s.y0 for s in self.slots)

    @property
    def x1(self) -> int:
        return max(s.x1 for s in self.slots)

    @property
    def y1(self) -> int:
        return max(s.y1 for s in self.slots)

    @property
    def first(self) -> int:
        return min(s.first for s in self.slots)

    @property
    def last(self) -> int:
        return max(s.last for s in self.slots)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the stream, margin included."""
        return self.x1 - self.x0 + _MARGIN, self.y1 - self.y0 + _MARGIN

    def enable(self) -> str:
        """ffmpeg's ``enable`` expression: the frames where one of the slots draws."""
        spans = sorted((s.first, s.last) for s in self.slots)
        return "+".join(f"between(n,{a},{b})" for a, b in spans)


def _area(x0: int, y0: int, x1: int, y1: int) -> int:
    return (x1 - x0 + _MARGIN) * (y1 - y0 + _MARGIN)


def plan_streams(slots: Sequence[Slot]) -> list[Stream]:
    """Group ``slots`` (in blending order) into streams, in the order ffmpeg blends them.

    A slot joins an earlier stream when none of the stream's slots draws on a frame it draws
    on, when the stream's picture grows by no more than the slot's own (a stream as wide as
    two far-apart sprites would cost more than two), and when the blending order stays right:
    a stream is blended at the place of its last slot, so two slots that meet (a common frame
    and a common pixel) must still be blended in their own order. Transparent pixels blend to
    nothing, so the frames are the same bytes as with one stream per slot.
    """
    streams: list[Stream] = []
    where: list[int] = []  # stream index of each placed slot
    for i, slot in enumerate(slots):
        chosen = None
        for k, stream in enumerate(streams):
            if any(m.first <= slot.last and slot.first <= m.last for m in stream.slots):
                continue
            x0, y0 = min(stream.x0, slot.x0), min(stream.y0, slot.y0)
            x1, y1 = max(stream.x1, slot.x1), max(stream.y1, slot.y1)
            grown = _area(x0, y0, x1, y1) - _area(stream.x0, stream.y0, stream.x1, stream.y1)
            if grown > _area(slot.x0, slot.y0, slot.x1, slot.y1):
                continue
            if _order_kept(slots[: i + 1], [*where, k], k):
                chosen = k
                break
        if chosen is None:
            streams.append(Stream([slot]))
            chosen = len(streams) - 1
        else:
            streams[chosen].slots.append(slot)
        where.append(chosen)
    # Each stream is blended where its last slot was.
    last_of = {k: max(i for i, w in enumerate(where) if w == k) for k in range(len(streams))}
    return [streams[k] for k in sorted(last_of, key=last_of.__getitem__)]


def _order_kept(slots: Sequence[Slot], where: Sequence[int], moved: int) -> bool:
    """True when every two slots that meet are blended in their order, ``where`` saying
    which stream each slot is in (a stream is blended at its last slot's place)."""
    position: dict[int, int] = {}
    for i, k in enumerate(where):
        position[k] = i
    for i, a in enumerate(slots):
        for j in range(i + 1, len(slots)):
            if where[i] == where[j] or moved not in (where[i], where[j]):
                continue
            if _meet(a, slots[j]) and position[where[i]] > position[where[j]]:
                return False
    return True


class _Patch:
    """A stream's current yuva420p picture, redrawn only when its sprite changed."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self._x0, self._y0, self._x1, self._y1 = stream.x0, stream.y0, stream.x1, stream.y1
        w, h = stream.size
        self._w, self._h = w, h
        self._state: object = ()
        self.data = bytes(w * h * 5 // 2)  # transparent
        self._empty = self.data

    def update(self, sprite: Sprite | None, compositor: Compositor, slot: int = 0) -> bytes:
        """The stream frame showing ``sprite`` of its ``slot``-th slot (None: nothing)."""
        if sprite is None:
            state: object = None
        elif sprite.key is None:
            state = object()  # unkeyed pixels may differ every frame: always redraw
        else:
            state = (slot, sprite.key, sprite.x, sprite.y, sprite.opacity, sprite.rgba.shape)
        if state == self._state:
            return self.data
        self._state = state
        self.data = self._empty if sprite is None else self._draw(sprite, compositor)
        return self.data

    def _draw(self, sprite: Sprite, compositor: Compositor) -> bytes:
        w, h = self._w, self._h
        buf = np.zeros(w * h * 5 // 2, np.uint8)
        cw, ch = w // 2, h // 2
        y = buf[: w * h].reshape(h, w)
        u = buf[w * h : w * h + cw * ch].reshape(ch, cw)
        v = buf[w * h + cw * ch : w * h * 3 // 2].reshape(ch, cw)
        a = buf[w * h * 3 // 2 :].reshape(h, w)
        ys = compositor.prepared(sprite)
        alpha, _ = scaled_alpha(ys, sprite.opacity)
        # Where the prepared sprite lands in the stream; only the visible area is copied, so
        # the margin stays transparent.
        px, py = sprite.x - ys.dx - self._x0, sprite.y - ys.dy - self._y0
        vw, vh = self._x1 - self._x0, self._y1 - self._y0
        sh, sw = ys.y.shape
        x0, y0, x1, y1 = max(px, 0), max(py, 0), min(px + sw, vw), min(py + sh, vh)
        if x0 < x1 and y0 < y1:
            src = np.s_[y0 - py : y1 - py, x0 - px : x1 - px]
            y[y0:y1, x0:x1] = ys.y[src]
            a[y0:y1, x0:x1] = alpha[src]
            c_src = np.s_[(y0 - py) // 2 : (y1 - py) // 2, (x0 - px) // 2 : (x1 - px) // 2]
            u[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = ys.u[c_src]
            v[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = ys.v[c_src]
        return buf.tobytes()


def last_clip_picture(renderer: Renderer) -> Frame:
    """The final decoded picture of the last clip, before layers (a ``last-frame`` card)."""
    plan = renderer.plan
    seg = plan.segments[-1]
    # Start a few frames early: a seek to the very end can land past the last packet.
    skip = max(0, seg.src_frames - 8)
    decoder = SegmentDecoder(plan, seg, skip=skip, face=renderer.face_paths.get(seg.index))
    frame = Frame(plan.width, plan.height)
    try:
        while decoder.position < seg.src_frames:
            decoder.read_into(frame)
    finally:
        decoder.close()
    return frame


def _video_graph(
    plan: RenderPlan, renderer: Renderer, streams: Sequence[Stream], first_slot_input: int
) -> str:
    """The filter graph from the clip (input 0), the card (input 1) and the streams to ``[vout]``.

    A stream that ends before the video (eof_action=pass) lets the picture through after it.
    """
    seg = plan.segments[0]
    num, _, den = fps_fraction(plan.fps).partition("/")
    tb = f"settb={den or 1}/{num},setpts=N"
    # A source a frame or three short repeats its last picture, as the frame-by-frame decoder
    # does; a frozen tail repeats it on purpose. Anything shorter fails the read-back check.
    chain = (
        f"[0:v]{segment_filters(plan, seg, 0, renderer.face_paths.get(seg.index))},"
        f"tpad=stop_mode=clone:stop={seg.freeze_frames + 3},trim=end_frame={seg.frames},{tb}"
    )
    parts: list[str] = []
    if plan.card_frames:
        parts.append(f"{chain}[ck_clip]")
        parts.append(
            f"[1:v]{COLOUR_TAGS},loop=loop=-1:size=1,trim=end_frame={plan.card_frames},{tb}"
            "[ck_card]"
        )
        chain = f"[ck_clip][ck_card]concat=n=2:v=1:a=0,{tb}"
    for j, stream in enumerate(streams):
        parts.append(f"{chain}[ck_m{j}]")
        # Raw streams carry no colour tags; untagged, ffmpeg would convert the whole picture
        # to "unknown" (BT.601) colours through RGB before blending.
        parts.append(f"[{first_slot_input + j}:v]{COLOUR_TAGS}[ck_s{j}]")
        chain = (
            f"[ck_m{j}][ck_s{j}]overlay=x={stream.x0}:y={stream.y0}:"
            f"format=yuv420:eof_action=pass:enable='{stream.enable()}'"
        )
    parts.append(f"{chain},{COLOUR_TAGS}[vout]")
    return ";".join(parts)


class _Feeder:
    """A thread writing one stream's frames to its pipe, so no stream waits on another."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd
        self.failure: BaseException | None = None
        self._ended = False
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_AHEAD)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                data = self._queue.get()
                if data is None:
                    break
                if self.failure is None:
                    self._write(data)
        finally:
            os.close(self.fd)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as exc:  # ffmpeg ended or was killed: the caller reports why
            self.failure = exc

    def put(self, data: bytes) -> None:
        """Queue ``data`` (blocks while the pipe is behind)."""
        self._queue.put(data)

    def end(self) -> None:
        """Send end-of-stream once everything queued is written (idempotent)."""
        if not self._ended:
            self._ended = True
            self._queue.put(None)

    def close(self, timeout: float | None = None) -> None:
        """Send end-of-stream and wait for the thread."""
        self.end()
        self._thread.join(timeout)

    def abandon(self) -> None:
        """Drop what is queued and stop (ffmpeg is dead; the pipe errors out)."""
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        if self._ended:  # the end mark may have been dropped above
            self._queue.put(None)
        self._ended = True
        self.close(timeout=10)


class DirectRender:
    """One ffmpeg rendering ``plan``: start it, :meth:`run` the layer streams, then :meth:`finish`.

    ``output`` is what follows the inputs and the graph (the encoder's settings and target),
    which map ``[vout]`` and the soundtrack ``[aout]`` (``gain`` from the loudness pass, as
    :func:`~creator_kit.render.audio.build_audio` takes it); ``target`` is named in errors
    (a full disk). With ``stdout`` set, ffmpeg's standard output is a pipe (tests read raw
    frames from it). ``streams`` are the layers' slots grouped by :func:`plan_streams`.
    """

    def __init__(
        self,
        renderer: Renderer,
        streams: Sequence[Stream],
        gain: str | None,
        output: Sequence[str],
        *,
        target: Path,
        stdout: int | None = None,
    ) -> None:
        plan = self.plan = renderer.plan
        self.renderer, self.streams = renderer, list(streams)
        self._target = target
        card_picture: bytes | None = None
        if plan.card_frames:
            last = None
            card = plan.project.card
            if card is not None and card.background.kind == "last-frame":
                last = last_clip_picture(renderer)
            card_picture = renderer.card_background(last).buf.tobytes()
        seg = plan.segments[0]
        rate = fps_fraction(plan.fps)
        args = segment_input_args(plan, seg, 0, seg.src_frames)
        pipes: list[tuple[int, int]] = []  # (read end for ffmpeg, write end for us)
        try:
            raw_inputs: list[tuple[str, tuple[int, int]]] = []
            if card_picture is not None:
                raw_inputs.append(("yuv420p", (plan.width, plan.height)))
            raw_inputs += [("yuva420p", s.size) for s in self.streams]
            for pix_fmt, (w, h) in raw_inputs:
                r, wfd = os.pipe()
                pipes.append((r, wfd))
                # A short queue: ffmpeg would otherwise hold eight frames of each stream.
                args += ["-thread_queue_size", "2", "-f", "rawvideo", "-pix_fmt", pix_fmt,
                         "-s", f"{w}x{h}", "-framerate", rate, "-i", f"pipe:{r}"]
            first_slot = 2 if card_picture is not None else 1
            graph = _video_graph(plan, renderer, self.streams, first_slot)
            audio = build_audio(plan, first_slot + len(self.streams), gain)
            progress_r, progress_w = os.pipe()
            pipes.append((progress_w, progress_r))
            args += [*audio.inputs, "-filter_complex", f"{graph};{audio.graph}",
                     "-frames:v", str(plan.total_frames),
                     "-progress", f"pipe:{progress_w}", "-stats_period", "0.25", *output]
            self.proc = ffmpeg.spawn(args, stdout=stdout, pass_fds=[r for r, _ in pipes])
        except BaseException:
            for r, wfd in pipes:
                os.close(r)
                os.close(wfd)
            raise
        for r, _ in pipes:
            os.close(r)  # ffmpeg holds its own copies
        pipes.pop()  # the progress pipe: ours is its read end
        self.encoded = 0
        self._progress = threading.Thread(
            target=self._read_progress, args=(progress_r,), name="ck-progress", daemon=True
        )
        self._progress.start()
        self._err = ffmpeg.StderrCollector(self.proc)
        writers = [wfd for _, wfd in pipes]
        self._feeders: list[_Feeder] = []
        if card_picture is not None:
            card_feeder = _Feeder(writers.pop(0), "ck-card-feed")
            card_feeder.put(card_picture)
            card_feeder.end()
            self._feeders.append(card_feeder)
        self._slot_feeders = [_Feeder(fd, f"ck-layer-feed-{i}") for i, fd in enumerate(writers)]
        self._feeders += self._slot_feeders

    def _read_progress(self, fd: int) -> None:
        # ffmpeg's -progress stream: key=value lines; "frame" counts frames encoded.
        with os.fdopen(fd, "rb") as stream:
            for raw in stream:
                key, _, value = raw.decode("ascii", "replace").strip().partition("=")
                if key == "frame" and value.isdigit():
                    self.encoded = int(value)

    def run(
        self, cancel: CancelToken | None = None, on_frame: Callable[[int], None] | None = None
    ) -> None:
        """Send every frame's layer rectangles and wait until ffmpeg has encoded them all.

        ``on_frame(i)`` is called as frame ``i`` is encoded (not merely sent: Python draws
        ahead of the encoder by a few frames, the pipes' worth).
        """
        patches = [_Patch(s) for s in self.streams]
        # (section, source, k) -> (stream, slot of the stream)
        index_of = {
            (s.section, s.source, s.k): (j, n)
            for j, stream in enumerate(self.streams)
            for n, s in enumerate(stream.slots)
        }
        # A stream ends one (transparent) frame after its last drawing: ffmpeg frees its
        # queue and the overlay lets the picture through from there (eof_action=pass).
        ends = [stream.last + 1 for stream in self.streams]
        # Each stream keeps its picture until its sprite changes, so conversions are only
        # reused across a sprite's moves and fades: a third of the preview's cache will do.
        compositor = Compositor(cache_bytes=_CONVERTED_BYTES)
        reported = 0

        def report() -> None:
            nonlocal reported
            done = min(self.encoded, self.plan.total_frames)
            if on_frame is not None:
                for i in range(reported, done):
                    on_frame(i)
            reported = max(reported, done)

        for index in range(self.plan.total_frames if self.streams else 0):
            if cancel is not None:
                cancel.raise_if_cancelled()
            drawn: list[tuple[Sprite, int] | None] = [None] * len(patches)
            for key, sprite in _sprites(self.renderer, index):
                where = index_of.get(key)
                if where is not None:
                    drawn[where[0]] = (sprite, where[1])
            for j, patch in enumerate(patches):
                if index > ends[j]:
                    continue
                got = drawn[j]
                if got is None:
                    data = patch.update(None, compositor)
                else:
                    data = patch.update(got[0], compositor, got[1])
                self._slot_feeders[j].put(data)
                if index == ends[j]:
                    self._slot_feeders[j].end()
            if any(f.failure is not None for f in self._feeders):
                self._fail()
            report()
        # End of every stream now: ffmpeg's overlay waits for it to let the last frame go.
        for feeder in self._slot_feeders:
            feeder.end()
        while self.proc.poll() is None:
            if cancel is not None and cancel.wait(0.1):
                cancel.raise_if_cancelled()
            elif cancel is None:
                time.sleep(0.1)
            report()
        self._progress.join(timeout=5)
        if self.proc.returncode == 0:
            self.encoded = max(self.encoded, self.plan.total_frames)
        report()

    def finish(self) -> None:
        """Close the streams, wait for ffmpeg and raise if it failed."""
        for feeder in self._feeders:
            feeder.close()
        code = self.proc.wait()
        if code != 0 or any(f.failure is not None for f in self._feeders):
            self._fail()
        self._err.text()
        ffmpeg.close_pipes(self.proc)

    def abort(self) -> None:
        """Stop ffmpeg at once (cancel or error elsewhere)."""
        ffmpeg.kill(self.proc)
        for feeder in self._feeders:
            feeder.abandon()
        self._err.text()
        ffmpeg.close_pipes(self.proc)

    def _fail(self) -> None:
        ffmpeg.kill(self.proc)
        failure = next((f.failure for f in self._feeders if f.failure is not None), None)
        raise encode_failure(self._err.text(), failure, self._target)
