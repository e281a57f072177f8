"""Frame rates as ffmpeg and people read them: the one place that formats a rate.

People type and probes report rounded figures (29.97, 23.976, 59.94) for the NTSC rates,
which are exactly 30000/1001, 24000/1001 and 60000/1001; ffmpeg wants the exact fraction, or
timestamps drift by a frame every 33 seconds.
"""

from __future__ import annotations

from fractions import Fraction

MIN_FPS, MAX_FPS = 1.0, 240.0


def fps_fraction(fps: float) -> str:
    """``fps`` as an exact ffmpeg rational: ``30/1``, ``25/1``, or ``30000/1001`` for 29.97.

    The rounded NTSC figures (29.97, 23.976, 59.94, 119.88...) become their ``N*1000/1001``
    fraction; any other rate becomes the nearest fraction with a denominator up to 1001.
    Raises ValueError outside 1-240 fps.
    """
    if not MIN_FPS <= fps <= MAX_FPS:
        raise ValueError(f"frame rate {fps!r} is outside 1-240 fps")
    ntsc = round(fps * 1.001)
    if abs(fps - ntsc * 1000 / 1001) < 0.002 and abs(fps - ntsc) > 0.002:
        return f"{ntsc * 1000}/1001"
    frac = Fraction(fps).limit_denominator(1001)
    return f"{frac.numerator}/{frac.denominator}"


def fps_label(fps: float) -> str:
    """``fps`` for people: ``30``, ``29.97``, ``23.976`` (three decimals at most)."""
    return f"{fps:.3f}".rstrip("0").rstrip(".")
