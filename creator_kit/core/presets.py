"""Export profiles for each upload target and the rules a finished file must satisfy.

Figures follow the platforms' own published limits where they exist (see the platform spec
the project keeps beside its sources); ranges are used where guides disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SafeZone:
    """Bands of the 1080x1920 canvas covered by the app's own interface, in pixels.

    ``right`` is the action column in a left-to-right interface; for a right-to-left interface
    (Arabic) the platform mirrors it to the left edge, see :meth:`mirrored`.
    """

    top: int
    bottom: int
    left: int
    right: int

    def mirrored(self) -> SafeZone:
        """The same zone for a right-to-left interface: left and right bands swapped."""
        return SafeZone(self.top, self.bottom, self.right, self.left)


@dataclass(frozen=True)
class ExportProfile:
    """Encoder settings and upload rules for one platform."""

    name: str
    title: str
    width: int
    height: int
    fps: float
    min_fps: float
    max_fps: float
    # CRF 20 with x264 "fast" keeps detail in text and faces at 1080x1920 (platforms re-encode
    # whatever we send, so starting near-transparent matters) while staying quick on a laptop;
    # maxrate keeps busy scenes under the platform's bitrate ceiling.
    crf: int
    x264_preset: str
    maxrate_kbps: int
    audio_bitrate_kbps: int
    audio_rate: int
    min_duration: float
    max_duration: float
    max_bytes: int
    safe_zone: SafeZone
    keyint_seconds: float = 2.0
    # Video codecs the platform accepts (FFmpeg codec names); the first is the one we encode.
    video_codecs: tuple[str, ...] = ("h264",)


PROFILES: dict[str, ExportProfile] = {
    "tiktok": ExportProfile(
        name="tiktok", title="TikTok", width=1080, height=1920, fps=30.0, min_fps=23.0,
        max_fps=60.0, crf=20, x264_preset="fast", maxrate_kbps=12_000, audio_bitrate_kbps=192,
        audio_rate=48_000, min_duration=1.0, max_duration=600.0, max_bytes=500 * 1024**2,
        safe_zone=SafeZone(top=160, bottom=420, left=40, right=150),
    ),
    "reels": ExportProfile(
        name="reels", title="Instagram Reels", width=1080, height=1920, fps=30.0, min_fps=23.0,
        max_fps=60.0, crf=20, x264_preset="fast", maxrate_kbps=20_000, audio_bitrate_kbps=192,
        audio_rate=48_000, min_duration=3.0, max_duration=180.0, max_bytes=1024**3,
        safe_zone=SafeZone(top=269, bottom=672, left=65, right=65),
        video_codecs=("h264", "hevc"),
    ),
    "shorts": ExportProfile(
        name="shorts", title="YouTube Shorts", width=1080, height=1920, fps=30.0, min_fps=23.0,
        max_fps=60.0, crf=20, x264_preset="fast", maxrate_kbps=12_000, audio_bitrate_kbps=192,
        audio_rate=48_000, min_duration=1.0, max_duration=180.0, max_bytes=2 * 1024**3,
        safe_zone=SafeZone(top=120, bottom=480, left=40, right=160),
    ),
}


def get_profile(name: str) -> ExportProfile:
    """The profile called ``name``; raises KeyError listing the known names."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; choose one of {', '.join(PROFILES)}") from None
