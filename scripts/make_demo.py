"""``make demo``: render the built-in sample into a finished vertical clip in out/.

Shows the best creator_kit can do so far: the built-in ``maskup`` campaign template applied
to a landscape selfie, reframed to 1080x1920 by a window that follows the face, a mask
graphic tracked on the face, an Arabic caption with the campaign hashtags, the template's
sticker and animated safety-tip card, its hashtag end card with a partner logo,
loudness-normalised sound, and the pre-flight check of the result against TikTok's rules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.make_sample import make_badge, make_selfie  # noqa: E402


def main() -> int:
    """Build the sample media, render the demo and check it; returns an exit code."""
    out = ROOT / "out"
    sample = out / "sample"
    sample.mkdir(parents=True, exist_ok=True)
    selfie = sample / "sample-selfie.mp4"
    if not selfie.exists():
        make_selfie(selfie)
    badge = sample / "badge.png"
    if not badge.exists():
        make_badge(badge)
    target = out / "maskup-demo.mp4"
    cli = [sys.executable, "-m", "creator_kit.cli"]
    render = [
        *cli, "render", "-i", str(selfie),
        "--template", "maskup", "--language", "ar", "--var", "creator=@salma",
        "--reframe", "face", "--face-mask", "surgical",
        "--caption", "لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp",
        "--card-logo", str(badge),
        "--preset", "tiktok", "-o", str(target), "--overwrite",
    ]
    print("+ creator-kit", " ".join(render[3:]))
    code = subprocess.call(render, cwd=ROOT)
    if code != 0:
        return code
    check = [*cli, "check", str(target), "--preset", "tiktok"]
    print("+ creator-kit", " ".join(check[3:]))
    code = subprocess.call(check, cwd=ROOT)
    print(f"demo: {target}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
