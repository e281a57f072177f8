"""The player's frame worker: a thread that owns the preview session and makes frames.

It never touches a widget. Requests come in through :meth:`FrameWorker.request` (the latest
request wins: each carries a generation number, as libopenshot's ``seek_generation``, and
whatever was made for an older generation is thrown away); finished frames go into a short
queue the GUI thread drains when told through a queued signal. While playing, at most
``MAX_QUEUED`` frames wait in the queue (as in Shotcut, if deeper), and a frame whose time
has already passed on the clock is skipped rather than made late: playback drops frames,
never drifts.

Lifetimes: Python's cycle collector runs on whichever thread happens to allocate, often this
worker, and a QObject whose wrapper it frees there is deleted there, off the thread it lives
in (Qt forbids it; a segfault seen once in the tests had a worker opening its session, where
it allocates most, on its stack). So the QObject here, :class:`WorkerSignals`, is a
child of the player widget, which Qt deletes on the GUI thread, and the worker holds the
widget only weakly (no cycle for the collector).
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QImage

from creator_kit.core.errors import Cancelled, CreatorKitError
from creator_kit.core.model import Project
from creator_kit.gui.messages import user_message

if TYPE_CHECKING:
    import numpy as np

    from creator_kit.render.preview_session import PreviewFrame, PreviewSession

# Frames made ahead of the clock (about a quarter second at 30 fps, 3.5 MB each). Shotcut
# queues three; on a busy machine the scheduler can leave the player without the processor
# for longer than that, and a deeper queue rides it out (A/B at load 12-14 on two cores:
# 27.8-30.0 frames on time a second with eight, 20.6-29.5 with three).
MAX_QUEUED = 8


@dataclass(frozen=True)
class Shown:
    """A frame ready for the screen: what the engine made and its QImage.

    ``virtual`` counts frames from the start of playback as if the timeline ran straight
    on (round a loop it keeps growing); it is what is compared with the clock.
    """

    generation: int
    frame: PreviewFrame
    image: QImage
    playing: bool
    virtual: int = -1
    stale: bool = False  # made for a seek already superseded (shown only mid-drag)


class WorkerSignals(QObject):
    """Signals from the worker thread (delivered queued on the GUI thread).

    Made a child of the widget that shows the frames (see the module docstring).
    """

    ready = Signal()
    session_ready = Signal(object, int)  # (PreviewSession | None, generation)
    failed = Signal(str)
    warnings = Signal(list)
    faces = Signal(float)
    sound = Signal(object, object)  # (PreviewSession, bytes)


def to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage owning a copy of an (h, w, 3) RGB array, in the format painting wants.

    ``Format_RGB32`` (0xffRRGGBB words) is what the raster engine draws without converting
    each time; converting here keeps that work on the worker, not the GUI thread.
    """
    import cv2  # here, not at start-up: the window shows before the engine is loaded
    import numpy as np

    h, w = rgb.shape[:2]
    if sys.byteorder == "little":
        words = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGRA)  # bytes B, G, R, 255 = 0xffRRGGBB
    else:  # pragma: no cover - big-endian hosts
        words = cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA)[..., [3, 0, 1, 2]]
    data = np.ascontiguousarray(words)
    return QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGB32).copy()


def _emit(signals: WorkerSignals, name: str, *args: object) -> None:
    """Emit signal ``name`` unless the widget is gone (then nobody is listening)."""
    try:
        getattr(signals, name).emit(*args)
    except RuntimeError:  # the C++ object was deleted with its widget
        pass


class FrameWorker:
    """Makes frames for one player on a thread of its own (see module docstring).

    ``parent`` owns the signals object; ``clock`` (the playback position in seconds, -1 when
    stopped) is held weakly when it is a bound method: the worker does not keep its widget alive.
    """

    def __init__(self, clock: Callable[[], float], parent: QObject | None = None) -> None:
        self.signals = WorkerSignals(parent)
        self._clock: Callable[[], Callable[[], float] | None]
        if hasattr(clock, "__self__") and hasattr(clock, "__func__"):
            self._clock = weakref.WeakMethod(clock)
        else:
            self._clock = lambda: clock
        self._cond = threading.Condition()
        self._generation = 0
        self._project: Project | None = None
        self._project_gen = 0
        self._still: tuple[int, int | None] | None = None
        self._play_from: int | None = None
        self._play_until: int | None = None
        self._loop_start: int | None = None
        self._stop = False
        self.session: PreviewSession | None = None
        self.queue: deque[Shown] = deque()
        self.skipped = 0  # frames the worker did not make because their time had passed
        self._unseen: set[int] = set()  # still requests replaced before the GUI could show them
        # Device pixels the frame is painted on (None: the engine's size); set by the widget.
        self.display_size: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._run, name="ck-player", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ requests (any thread)

    @property
    def generation(self) -> int:
        """The current request generation."""
        return self._generation

    def set_project(self, project: Project) -> int:
        """Open a new session for ``project`` (on the worker); returns the new generation."""
        with self._cond:
            self._generation += 1
            self._project = project
            self._project_gen = self._generation
            self._play_from = None
            self.queue.clear()
            self._cond.notify_all()
            return self._generation

    def request_still(self, index: int, lift: int | None = None) -> int:
        """Show frame ``index`` (exact); cancels playback; returns the new generation.

        ``lift`` is a layer to hand over separately (being dragged).
        """
        with self._cond:
            self._generation += 1
            self._still = (index, lift)
            self._play_from = None
            self.queue.clear()
            self._cond.notify_all()
            return self._generation

    def mark_unseen(self, generation: int) -> None:
        """A still request replaced in the same event-loop turn: never show its frame."""
        with self._cond:
            self._unseen.add(generation)
            if len(self._unseen) > 256:
                self._unseen = {g for g in self._unseen if g > self._generation - 128}

    def request_play(self, index: int, until: int | None, loop_start: int | None = None) -> int:
        """Produce frames from ``index`` on, paced by the clock, up to ``until`` (exclusive).

        With ``loop_start`` playback goes round ``loop_start``..``until`` until told otherwise
        (the clock the worker reads must then run straight on, not wrap).
        """
        with self._cond:
            self._generation += 1
            self._still = None
            self._play_from = index
            self._play_until = until
            self._loop_start = loop_start
            self.queue.clear()
            self._cond.notify_all()
            return self._generation

    def take(self) -> list[Shown]:
        """Everything queued for the current generation, and stale stills (the GUI drains it)."""
        with self._cond:
            items = [s for s in self.queue if s.generation == self._generation or s.stale]
            self.queue.clear()
            self._cond.notify_all()
            return items

    def put_back(self, items: list[Shown]) -> None:
        """Return frames that are not due yet to the front of the queue."""
        with self._cond:
            self.queue.extendleft(reversed(items))

    def stop(self) -> None:
        """Stop the thread and close the session (kills its ffmpegs); waits for both."""
        with self._cond:
            self._stop = True
            self._generation += 1
            self._cond.notify_all()
        session = self.session
        if session is not None:
            session.close()  # unblocks a frame being decoded
        self._thread.join(timeout=30)
        if self.session is not None:
            self.session.close()

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and not self._has_work():
                    self._cond.wait()
                if self._stop:
                    break
                gen = self._generation
                project, self._project = self._project, None
                still = None
                if project is None:  # a still asked for meanwhile waits for the new session
                    still, self._still = self._still, None
                play_from = self._play_from
                until = self._play_until
                loop_start = self._loop_start
            try:
                if project is not None:
                    self._open(project, gen)
                    # A still or play request made meanwhile still applies.
                    continue
                if self.session is None:
                    continue
                if still is not None:
                    index, lift = still
                    self._make(gen, index, playing=False, lift=lift)
                elif play_from is not None:
                    self.session.set_busy(True)
                    try:
                        self._play(gen, play_from, until, loop_start)
                    finally:
                        self.session.set_busy(False)
            except Cancelled:
                self._drop_play(gen)
                continue
            except CreatorKitError as exc:
                self._drop_play(gen)  # or the same error would come back at once, forever
                _emit(self.signals, "failed", user_message(exc))
            except Exception as exc:  # a broken frame must not kill the player thread
                self._drop_play(gen)
                message = QCoreApplication.translate("Player", "The preview failed: {error}")
                _emit(self.signals, "failed", message.replace("{error}", str(exc)))
        if self.session is not None:
            self.session.close()

    def _drop_play(self, gen: int) -> None:
        with self._cond:
            if gen == self._generation:
                self._play_from = None

    def _has_work(self) -> bool:
        if self._project is not None or self._still is not None:
            return True
        return self._play_from is not None and self.session is not None

    def _open(self, project: Project, gen: int) -> None:
        old, self.session = self.session, None
        if old is not None:
            old.close()
        sig = self.signals
        # The engine (NumPy, OpenCV, PyAV) is first imported here, on this thread, once the
        # window is up: importing it before would delay the window by seconds.
        from creator_kit.render.preview_session import PreviewSession

        try:
            session = PreviewSession(
                project,
                on_warnings=lambda w: _emit(sig, "warnings", w),
                on_faces=lambda f: _emit(sig, "faces", f),
            )
        except CreatorKitError as exc:
            _emit(sig, "failed", user_message(exc))
            _emit(sig, "session_ready", None, gen)
            return
        with self._cond:
            if self._stop:
                session.close()
                return
            self.session = session
        session.request_soundtrack(lambda pcm: _emit(sig, "sound", session, pcm))
        _emit(sig, "session_ready", session, gen)

    def _make(
        self,
        gen: int,
        index: int,
        playing: bool,
        lift: int | None = None,
        virtual: int = -1,
    ) -> None:
        """Make frame ``index`` and queue it for the GUI thread."""
        session = self.session
        assert session is not None
        frame = session.frame(index, lift=lift)
        rgb = frame.rgb
        size = self.display_size
        if size is not None and size != (rgb.shape[1], rgb.shape[0]) and min(size) >= 2:
            # Scaled here to the pixels it will cover, so the GUI thread only blits it.
            import cv2
            import numpy as np

            interp = cv2.INTER_AREA if size[0] < rgb.shape[1] else cv2.INTER_LINEAR
            rgb = np.asarray(cv2.resize(rgb, size, interpolation=interp), np.uint8)
        image = to_qimage(rgb)
        with self._cond:
            if gen != self._generation:
                # A newer request came in: this frame is stale. Seeks made one after another
                # in one go never show it; a drag (a seek per mouse event) may, so the picture
                # still moves when frames take longer than the mouse does.
                if playing or gen in self._unseen or self._stop:
                    return
                self.queue.append(Shown(gen, frame, image, playing, virtual, stale=True))
            else:
                self.queue.append(Shown(gen, frame, image, playing, virtual))
        _emit(self.signals, "ready")

    def _play(
        self, gen: int, start: int, until: int | None, loop_start: int | None = None
    ) -> None:
        session = self.session
        assert session is not None
        end = session.total_frames if until is None else min(until, session.total_frames)
        looping = loop_start is not None and loop_start < end
        span = end - loop_start if loop_start is not None else 0

        def actual(v: int) -> int:
            # Virtual frame numbers run straight on; round a loop they map back into it.
            if not looping or v < end:
                return v
            assert loop_start is not None
            return loop_start + (v - end) % span

        v = start
        fps = session.fps
        while looping or v < end:
            with self._cond:
                while (
                    gen == self._generation
                    and not self._stop
                    and sum(1 for s in self.queue if s.generation == gen) >= MAX_QUEUED
                ):
                    self._cond.wait(0.05)
                if gen != self._generation or self._stop:
                    return
            # Skip frames whose time has passed: dropping keeps the picture with the sound.
            clock = self._clock()
            due = int((clock() if clock is not None else -1.0) * fps + 1e-6)
            if due > v:
                self.skipped += (due if looping else min(due, end)) - v
                v = due
                if not looping and v >= end:
                    break
            self._make(gen, actual(v), playing=True, virtual=v)
            with self._cond:
                if gen != self._generation:
                    return
            v += 1
        with self._cond:
            if gen == self._generation:
                self._play_from = None


def now() -> float:
    """Monotonic seconds (a seam for tests)."""
    return time.monotonic()
