"""Export: Project -> verified MP4, written safely.

The contract (the reason this wraps ffmpeg instead of using a library's one-call writer):
- the video is written to a temporary file beside the target and moved into place only after
  ffmpeg exited 0 and the file was read back and matched the plan;
- an existing target (or a symlink at the target) is never replaced without ``overwrite``, and
  a symlink is never followed: with ``overwrite`` the link itself is replaced;
- whatever happens (error, cancel, full disk), no temporary file is left behind; a renderer
  that was killed outright leaves one, which the next export into that folder removes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
import stat
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np
import numpy.typing as npt

from creator_kit.core.atomic import move_into_place, reserve_temp
from creator_kit.core.cancel import CancelToken, Progress, ProgressCallback, WarningCallback
from creator_kit.core.errors import Cancelled, CreatorKitError, OutputError, RenderError
from creator_kit.core.files import describe_mode, os_key, os_problem
from creator_kit.core.memory import limit_heap, release_free_memory
from creator_kit.core.model import AudioSettings, ClipRef, OutputSettings, Project
from creator_kit.core.presets import get_profile
from creator_kit.render import direct
from creator_kit.render.audio import (
    RATE,
    build_audio,
    normalise_gain,
    normalise_graph_gain,
    raw_audio_graph,
)
from creator_kit.render.compositor import Frame
from creator_kit.render.encode import Encoder, RawFrame, output_args
from creator_kit.render.engine import FramePool, Renderer
from creator_kit.render.timeline import RenderPlan, build_plan, needs_faces

if TYPE_CHECKING:
    from creator_kit.vision import FaceAnalysis

# ".<name>.ck-<pid>@<host>-<random>.part"; files from before the host tag have no "@<host>".
# The host tag matters in a folder shared by several machines (a batch on a cluster): a pid
# says nothing about a process on another machine, so only this machine's leftovers are
# removed here (the batch removes the others' once none of its rows runs).
_TEMP_RE = re.compile(r"^\..+\.ck-(\d+)(?:@([0-9a-f]{6}))?-[0-9a-f]{8}\.part$")
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]

# Share of the progress bar per stage (the frame loop dominates the time).
_W_AUDIO, _W_RENDER = 0.04, 0.94
# With face analysis (cached after the first run) it takes a share up front.
_W_FACES = 0.15


@dataclass(frozen=True)
class ExportResult:
    """What was written; ``warnings`` lists, once each, every warning the export met.

    That is the plan's (a clip end past the video, audio that outlasts the picture) and
    the drawing's (a caption in an interface band, a missing glyph, no face found), the
    same messages ``on_warning`` received as they happened.
    """

    path: Path
    frames: int
    duration: float
    warnings: tuple[str, ...]


def check_target(out: Path, overwrite: bool) -> None:
    """Refuse a target we may not write, before any work is done.

    Only a regular file or a symlink may be replaced (with ``overwrite``; the link itself, not
    what it points to): a device node, FIFO, socket or folder at the target is refused even
    with ``overwrite``, since renaming over ``/dev/null`` would replace the device itself.
    """
    st = _target_stat(out)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError("output path is a folder", out)
        is_link = stat.S_ISLNK(st.st_mode)
        if not (is_link or stat.S_ISREG(st.st_mode)):
            raise OutputError(
                f"output path is {describe_mode(st.st_mode)}, not a regular file; refusing to "
                "replace it",
                out,
            )
        if not overwrite:
            what = "a symlink" if is_link else "a file"
            raise OutputError(
                f"output already exists ({what}); use --overwrite to replace it", out,
                key="output-exists")
    parent = out.parent
    try:
        parent_st = os.stat(parent)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise OutputError("output folder does not exist", parent) from None
        raise OutputError(f"cannot use the output folder ({os_problem(exc)})", parent,
                          key=os_key(exc)) from None
    if not stat.S_ISDIR(parent_st.st_mode):
        raise OutputError("output folder does not exist", parent)
    if not os.access(parent, os.W_OK):
        raise OutputError("output folder is not writable", parent)


def _target_stat(out: Path) -> os.stat_result | None:
    """``lstat`` of the target (links not followed); None when nothing is there."""
    try:
        return os.lstat(out)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise OutputError("output folder does not exist", out.parent) from None
        raise OutputError(f"cannot use the output path ({os_problem(exc)})", out,
                          key=os_key(exc)) from None


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove temporary files of exports whose process no longer runs; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_RE.match(entry.name)
        if not m or (m.group(2) not in (None, _HOST)) or _pid_alive(int(m.group(1))):
            continue
        try:
            entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def temp_path(out: Path) -> Path:
    """A fresh name for a temporary file beside ``out`` (see ``_TEMP_RE``)."""
    return out.parent / f".{out.name[:120]}.ck-{os.getpid()}@{_HOST}-{secrets.token_hex(4)}.part"


def _reserve_temp(out: Path) -> Path:
    return reserve_temp(out, what="the output", name=temp_path)


def _move_into_place(tmp: Path, out: Path, overwrite: bool) -> None:
    if overwrite:
        # Checked again: something other than a file or link may have appeared meanwhile.
        check_target(out, overwrite)
    move_into_place(tmp, out, overwrite=overwrite)


def verify_output(path: Path, plan: RenderPlan) -> None:
    """Read the encoded file back and check it is the video we meant to write."""
    try:
        with av.open(str(path), metadata_errors="replace") as container:
            if not container.streams.video:
                raise RenderError("output has no video stream")
            vs = container.streams.video[0]
            if (vs.codec_context.width, vs.codec_context.height) != (plan.width, plan.height):
                raise RenderError(
                    f"output is {vs.codec_context.width}x{vs.codec_context.height}, "
                    f"expected {plan.width}x{plan.height}"
                )
            if not container.streams.audio:
                raise RenderError("output has no audio stream")
            frames = sum(1 for p in container.demux(vs) if p.size)
    except av.error.FFmpegError as exc:
        raise RenderError(f"output cannot be read back ({exc})") from None
    if frames != plan.total_frames:
        raise RenderError(f"output has {frames} frames, expected {plan.total_frames}")


def export(
    project: Project,
    out: str | Path,
    *,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
    on_warning: WarningCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Render ``project`` to ``out`` (see the module docstring for the safety contract).

    Raises :class:`InputError` for unusable inputs (before anything is rendered),
    :class:`OutputError` for an unwritable target, :class:`RenderError` when encoding fails
    and :class:`Cancelled` when ``cancel`` is set; in every case nothing is left at ``out``.
    """
    out = Path(out).absolute()
    progress = on_progress or (lambda _p: None)
    check_target(out, overwrite)
    clean_leftovers(out.parent)
    limit_heap()  # before the helper threads start (core.memory)
    plan = build_plan(project, on_warning, cancel)
    # The loudness pass is an ffmpeg of its own: it runs while the faces load and the layers
    # draw, instead of after them (about 0.7 s less before the first frame).
    loudness = _Background(normalise_gain, plan) if project.audio.normalise else None
    try:
        return _export(project, out, plan, loudness, overwrite, progress, on_warning, cancel)
    finally:
        if loudness is not None:
            loudness.stop()


def _export(
    project: Project,
    out: Path,
    plan: RenderPlan,
    loudness: _Background | None,
    overwrite: bool,
    progress: ProgressCallback,
    on_warning: WarningCallback | None,
    cancel: CancelToken | None,
) -> ExportResult:
    faces: dict[str, FaceAnalysis] = {}
    if needs_faces(project):
        from creator_kit.render.face_timeline import analyse_plan_apart

        progress(Progress("faces", 0.0, None))
        # A fresh cached analysis is read here; any other runs in a child process, whose
        # decoded frames and detector buffers are gone with it before the render starts.
        faces = analyse_plan_apart(
            plan, cancel, lambda f: progress(Progress("faces", _W_FACES * f, None)), nice=0
        )
    # Remaining stages share what face analysis left of the bar.
    base = _W_FACES if faces else 0.0
    span = 1.0 - base
    # Loads every image and draws every caption: bad layers fail here, before any encoding.
    renderer = Renderer(plan, on_warning, faces, cancel)
    tmp = _reserve_temp(out)
    encoder: Encoder | direct.DirectRender | None = None
    frames: Iterator[Frame] | None = None
    try:
        progress(Progress("audio", base, None))
        gain = None
        if loudness is not None:
            gain = loudness.wait(
                cancel, lambda f: progress(Progress("audio", base + span * _W_AUDIO * f, None))
            )
        if cancel is not None:
            cancel.raise_if_cancelled()
        total = plan.total_frames
        started = time.monotonic()
        last_report = 0.0

        def report(i: int) -> None:
            nonlocal last_report
            if i % 8 == 7:
                release_free_memory()  # keeps the process near its live data (core.memory)
            now = time.monotonic()
            if now - last_report >= 0.25 or i == total - 1:
                last_report = now
                done = (i + 1) / total
                # A rate from the first dozen frames is rough but beats no estimate on a long job.
                eta = (now - started) / done * (1 - done) if i >= 12 else None
                progress(Progress("render", base + span * (_W_AUDIO + _W_RENDER * done), eta))

        slots = direct.plan_slots(renderer, cancel) if direct.usable(plan) else None
        streams = direct.plan_streams(slots) if slots is not None else None
        if streams is not None and len(streams) <= direct.MAX_SLOTS:
            # One ffmpeg decodes, blends the layers Python sends and encodes (render.direct).
            encoder = direct.DirectRender(
                renderer, streams, gain, output_args(plan, tmp), target=tmp
            )
            encoder.run(cancel, report)
        else:
            pool = FramePool(plan.width, plan.height)
            encoder = Encoder(plan, tmp, build_audio(plan, 1, gain), pool)
            frames = renderer.frames(pool, cancel)
            for i, frame in enumerate(frames):
                encoder.write(frame)
                report(i)
        encoder.finish()
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("verify", base + span * (_W_AUDIO + _W_RENDER), 0.0))
        verify_output(tmp, plan)
        _move_into_place(tmp, out, overwrite)
        progress(Progress("done", 1.0, 0.0))
        warnings = tuple(dict.fromkeys((*plan.warnings, *renderer.warnings)))
        return ExportResult(out, plan.total_frames, plan.duration, warnings)
    except BaseException:
        # Close the frame generator now, not at garbage collection: its decoder ffmpeg
        # would otherwise keep running after a failed or cancelled export.
        if isinstance(frames, Generator):
            frames.close()
        if encoder is not None:
            encoder.abort()
        raise
    finally:
        # After a success the file was moved (or linked and unlinked); otherwise it goes.
        tmp.unlink(missing_ok=True)


RGB = npt.NDArray[np.uint8]


def export_frames(
    frame_at: Callable[[int], RGB],
    count: int,
    size: tuple[int, int],
    fps: float,
    out: str | Path,
    *,
    output: OutputSettings | None = None,
    audio: AudioSettings | None = None,
    sound: Callable[[Path], bool] | None = None,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    what: str = "frame source",
) -> ExportResult:
    """Encode ``count`` RGB pictures made by other code (another video library) to ``out``.

    ``frame_at(i)`` returns picture ``i`` (time ``i / fps``) as (h, w, 3) uint8 RGB of
    ``size`` (w, h); a picture of another size fills the canvas of ``output``'s preset, centred.
    ``sound(path)``, when given, writes the soundtrack to ``path`` as raw 48 kHz stereo
    float32 and returns False when there is none; it is brought to ``audio``'s loudness like a
    project's sound. The safety contract of :func:`export` holds: the same encoder settings,
    temporary file, exit status check, read-back, no-clobber move; an error, a failing
    ``frame_at`` or a cancel leaves nothing at ``out`` (nor a temporary file, nor an ffmpeg).
    ``what`` names the source in error messages.
    """
    out = Path(out).absolute()
    output = output or OutputSettings()
    audio = audio or AudioSettings()
    progress = on_progress or (lambda _p: None)
    w, h = size
    if w <= 0 or h <= 0:
        raise RenderError(f"{what} has no usable size ({w}x{h})")
    if count <= 0:
        raise RenderError(f"{what} is shorter than one frame")
    check_target(out, overwrite)
    clean_leftovers(out.parent)
    profile = get_profile(output.preset)
    # A plan with no clip segments: every frame comes from ``frame_at``; the encoder and the
    # read-back need only the canvas, the rate, the settings and the frame count.
    project = Project(clips=(ClipRef(what),), output=output, audio=audio)
    plan = RenderPlan(
        project, profile, fps, profile.width, profile.height, (), count, None, ()
    )
    tmp = _reserve_temp(out)
    sound_tmp: Path | None = None
    encoder: Encoder | None = None
    total_samples = int(round(count * RATE / fps))
    try:
        progress(Progress("audio", 0.0, None))
        if sound is not None:
            sound_tmp = _reserve_temp(out.with_name(out.name + ".sound"))
            has_sound = _call(what, "its sound", lambda: sound(sound_tmp))
            if cancel is not None:
                cancel.raise_if_cancelled()
        else:
            has_sound = False
        if has_sound and sound_tmp is not None:
            src = str(sound_tmp)
            gain = None
            if audio.normalise:
                gain = normalise_graph_gain(
                    lambda g: raw_audio_graph(src, 0, total_samples, g, measure=True),
                    count / fps,
                    audio.loudness_lufs,
                    audio.true_peak_db,
                    cancel,
                    lambda f: progress(Progress("audio", _W_AUDIO * f, None)),
                )
            graph = raw_audio_graph(src, 1, total_samples, gain)
        else:
            graph = build_audio(plan, 1, None)  # silence of the right length
        if cancel is not None:
            cancel.raise_if_cancelled()
        encoder = Encoder(plan, tmp, graph, None, pix_fmt="rgb24", size=(w, h))
        started = time.monotonic()
        last_report = 0.0
        for i in range(count):
            if cancel is not None:
                cancel.raise_if_cancelled()
            picture = _call(what, f"frame {i} (t={i / fps:.3f} s)", partial(frame_at, i))
            encoder.write(RawFrame(_rgb24(picture, w, h, what, i / fps)))
            now = time.monotonic()
            if now - last_report >= 0.25 or i == count - 1:
                last_report = now
                done = (i + 1) / count
                eta = (now - started) / done * (1 - done) if i >= 12 else None
                progress(Progress("render", _W_AUDIO + _W_RENDER * done, eta))
        encoder.finish()
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("verify", _W_AUDIO + _W_RENDER, 0.0))
        verify_output(tmp, plan)
        _move_into_place(tmp, out, overwrite)
        progress(Progress("done", 1.0, 0.0))
        return ExportResult(out, count, count / fps, ())
    except BaseException:
        if encoder is not None:
            encoder.abort()
        raise
    finally:
        tmp.unlink(missing_ok=True)
        if sound_tmp is not None:
            sound_tmp.unlink(missing_ok=True)


def _call(what: str, part: str, fn: Callable[[], Any]) -> Any:
    """Run caller code; its failure becomes one clear :class:`RenderError`."""
    try:
        return fn()
    except (CreatorKitError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        raise RenderError(f"{what}: {part} could not be made: {type(exc).__name__}: {exc}") from exc


def _rgb24(picture: RGB, w: int, h: int, what: str, t: float) -> RGB:
    """``picture`` as contiguous (h, w, 3) uint8, or a clear error naming what is wrong."""
    arr = np.asarray(picture)
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[..., :3]
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.shape[:2] != (h, w):
        raise RenderError(
            f"{what}: the picture at t={t:.3f} s has shape {arr.shape}, expected ({h}, {w}, 3)"
        )
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    # Always a copy of our own: the frame waits in the writer's queue while the caller draws
    # the next one, and a caller may reuse its buffer.
    return np.array(arr, dtype=np.uint8, order="C", copy=True)


class _Background:
    """The loudness pass on a helper thread, with its own stop token and progress."""

    def __init__(self, fn: Callable[..., str | None], plan: RenderPlan) -> None:
        self._stop = CancelToken()
        self._fraction = 0.0
        self._result: str | None = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._result = fn(plan, self._stop, self._note)
            except BaseException as exc:  # re-raised in the caller's thread by wait()
                self._error = exc

        self._thread = threading.Thread(target=run, name="ck-loudness", daemon=True)
        self._thread.start()

    def _note(self, fraction: float) -> None:
        self._fraction = fraction

    def wait(self, cancel: CancelToken | None, on_fraction: Callable[[float], None]) -> str | None:
        """The pass's result; a cancel of ``cancel`` stops it and raises ``Cancelled``."""
        while self._thread.is_alive():
            if cancel is not None and cancel.cancelled:
                self.stop()
                cancel.raise_if_cancelled()
            on_fraction(self._fraction)
            self._thread.join(0.1)
        if self._error is not None:
            raise self._error
        return self._result

    def stop(self) -> None:
        """Stop the pass (its ffmpeg is killed) and wait for the thread; idempotent."""
        if self._thread.is_alive():
            self._stop.cancel()
        self._thread.join()


__all__ = [
    "Cancelled",
    "ExportResult",
    "check_target",
    "clean_leftovers",
    "export",
    "export_frames",
]
