"""From a Project to a render plan: every input probed and every timing fixed up front.

All bad input is found here, before any frame is rendered: a missing sticker or a clip with
no video fails in a second, not after a minute of encoding.
"""

from __future__ import annotations

from dataclasses import dataclass

from creator_kit.core.cancel import CancelToken, WarningCallback
from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file
from creator_kit.core.model import CaptionLayer, ClipRef, FaceMaskLayer, ImageLayer, Project
from creator_kit.core.presets import ExportProfile, get_profile
from creator_kit.core.project_io import validate_project
from creator_kit.media.probe import MediaInfo, probe


@dataclass(frozen=True)
class Segment:
    """One clip placed on the output timeline."""

    index: int
    clip: ClipRef
    info: MediaInfo
    first_frame: int  # timeline frame index where this clip starts
    frames: int  # frames it contributes (including a frozen tail)
    src_start: float  # seconds into the source
    freeze_frames: int  # frames at the end that repeat the last picture

    @property
    def src_frames(self) -> int:
        """Frames decoded from the source."""
        return self.frames - self.freeze_frames


@dataclass(frozen=True)
class RenderPlan:
    """Everything the engine needs, resolved: sizes, rates, segments and the card."""

    project: Project
    profile: ExportProfile
    fps: float
    width: int
    height: int
    segments: tuple[Segment, ...]
    card_frames: int
    music: MediaInfo | None
    warnings: tuple[str, ...]

    @property
    def clip_frames(self) -> int:
        """Frames of the clips section (before the closing card)."""
        return sum(s.frames for s in self.segments)

    @property
    def total_frames(self) -> int:
        """Frames in the whole output."""
        return self.clip_frames + self.card_frames

    @property
    def clips_end(self) -> float:
        """Timeline time (seconds) where the clips end and the card begins."""
        return self.clip_frames / self.fps

    @property
    def duration(self) -> float:
        """Output duration in seconds."""
        return self.total_frames / self.fps

    def segment_at(self, frame: int) -> Segment | None:
        """The clip segment that shows timeline frame ``frame`` (None inside the card)."""
        for seg in self.segments:
            if seg.first_frame <= frame < seg.first_frame + seg.frames:
                return seg
        return None


# What one render may ask for, so that its cost stays bounded per second of output: every
# layer is prepared once and composited on every frame, so their number is capped; image
# files are decoded once each (the same file at the same width is shared), and what they
# keep in memory is capped in total (see graphics.stills). docs/project-format.md lists these.
MAX_LAYERS = 64
MAX_IMAGE_FILES = 32
# A caption layer may draw its text again on every frame (word highlighting); the text
# engine draws at most its first 500 characters (text.engine.MAX_CHARS).
MAX_CAPTION_LAYERS = 8


def check_cost(project: Project) -> None:
    """Refuse a project whose layers exceed the limits above (:class:`InputError`)."""
    groups = [("layers", project.layers)]
    if project.card is not None:
        groups.append(("closing card layers", project.card.layers))
    for what, layers in groups:
        if len(layers) > MAX_LAYERS:
            raise InputError(f"the project has {len(layers)} {what}; the limit is {MAX_LAYERS}")
    captions = sum(
        isinstance(layer, CaptionLayer) for _, layers in groups for layer in layers
    )
    if captions > MAX_CAPTION_LAYERS:
        raise InputError(
            f"the project has {captions} caption layers; the limit is {MAX_CAPTION_LAYERS} "
            "(timed captions go in one layer as cues)"
        )
    images = {
        layer.path
        for _, layers in groups
        for layer in layers
        if isinstance(layer, ImageLayer)
    }
    if len(images) > MAX_IMAGE_FILES:
        raise InputError(
            f"the project shows {len(images)} different image files; the limit is "
            f"{MAX_IMAGE_FILES}"
        )


def build_plan(
    project: Project,
    on_warning: WarningCallback | None = None,
    cancel: CancelToken | None = None,
) -> RenderPlan:
    """Probe every input of ``project`` and fix the output timeline.

    Raises :class:`InputError` naming the first value out of range (the project file's
    rules, for a Project built in code), the first unusable file, or a project asking for
    more than the render limits allow; ``Cancelled`` when ``cancel`` is set meanwhile.
    """
    validate_project(project)
    check_cost(project)
    profile = get_profile(project.output.preset)
    fps = project.output.fps or profile.fps
    warnings: list[str] = []
    segments: list[Segment] = []
    first = 0
    probed: dict[str, MediaInfo] = {}  # one probe per source, however many clips use it
    for i, clip in enumerate(project.clips):
        if cancel is not None:
            cancel.raise_if_cancelled()
        info = probed.get(clip.source)
        if info is None:
            info = probed[clip.source] = probe(clip.source)
        # Our own wording of the audio-tail warning says what the render does about it.
        warnings.extend(f"{clip.source}: {w}" for w in info.warnings if "longer than" not in w)
        seg = _segment(i, clip, info, first, fps, warnings)
        segments.append(seg)
        first += seg.frames
    music = None
    if project.audio.music:
        music = probe_audio(project.audio.music)
    for layer in project.layers:
        if isinstance(layer, ImageLayer):
            check_file(layer.path, "sticker image")
    card_frames = 0
    if project.card is not None:
        card_frames = max(1, int(round(project.card.duration * fps)))
        for layer in project.card.layers:
            if isinstance(layer, ImageLayer):
                check_file(layer.path, "card image")
        bg = project.card.background
        if bg.kind == "image":
            if not bg.image:
                raise InputError("card background image not found", bg.image)
            check_file(bg.image, "card background image")
    if on_warning is not None:
        for w in warnings:
            on_warning(w)
    return RenderPlan(
        project,
        profile,
        fps,
        profile.width,
        profile.height,
        tuple(segments),
        card_frames,
        music,
        tuple(warnings),
    )


def needs_faces(project: Project) -> bool:
    """True when the project uses face analysis (a face-mask layer or ``face`` reframe)."""
    return project.reframe.mode == "face" or any(
        isinstance(layer, FaceMaskLayer) for layer in project.layers
    )


def probe_audio(path: str) -> MediaInfo:
    """Probe a music file, which needs an audio stream but no video."""
    info = probe(path, require_video=False)
    if info.audio is None:
        raise InputError("no audio stream in music file", path)
    return info


def _segment(
    i: int, clip: ClipRef, info: MediaInfo, first: int, fps: float, warnings: list[str]
) -> Segment:
    video = info.video
    assert video is not None  # probe() refuses files without video
    vdur = video.duration or info.duration
    if not vdur or vdur <= 0:
        raise InputError("cannot tell how long the video is", clip.source)
    if clip.start >= vdur:
        raise InputError(
            f"clip starts at {clip.start:g} s but the video is only {vdur:.2f} s long", clip.source
        )
    end = vdur if clip.end is None else min(clip.end, vdur)
    if clip.end is not None and clip.end > vdur + 0.05:
        warnings.append(
            f"{clip.source}: clip end {clip.end:g} s is past the end of the video "
            f"({vdur:.2f} s); using {vdur:.2f} s"
        )
    src_frames = max(1, int(round((end - clip.start) * fps)))
    freeze = 0
    audio_end = (info.audio.duration or 0.0) if info.audio is not None else 0.0
    if clip.end is None and audio_end > vdur + 0.1:
        if clip.tail == "freeze":
            freeze = int(round((audio_end - vdur) * fps))
            warnings.append(
                f"{clip.source}: audio ({audio_end:.1f} s) outlasts the video "
                f"({vdur:.1f} s); holding the last frame until the audio ends"
            )
        else:
            warnings.append(
                f"{clip.source}: audio ({audio_end:.1f} s) outlasts the video "
                f"({vdur:.1f} s); the extra audio is cut (--audio-tail freeze holds "
                "the last frame instead)"
            )
    return Segment(i, clip, info, first, src_frames + freeze, clip.start, freeze)
