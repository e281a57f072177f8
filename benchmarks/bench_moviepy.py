"""creator_kit.moviepy.export against moviepy's writer and against the CLI, in one run.

1. A moviepy composition (a 15 s 1920x1080 clip resized and cropped to fill 1080x1920, an
   ``ArabicText`` title and a sticker ``ImageClip``, with the clip's sound) written by
   ``creator_kit.moviepy.export`` and by moviepy's own ``write_videofile`` with the same x264
   settings (``video_codec_args``: fast, CRF 20, maxrate, High profile, closed GOPs) and AAC
   at the same bitrate. Goal: export no slower than write_videofile.
2. ``export(project_clip(p))`` against ``creator-kit render p`` for a saved project using the
   same clip (fill reframe, an Arabic caption, the sticker), each in a fresh process. Goal:
   within 5 % of the CLI.

Prints wall times and the ratios. ``--seconds N`` changes the clip length (default 15);
``--rounds N`` repeats the project comparison N times in alternating order and keeps each
side's fastest run (on a shared machine the load drifts more than 5 % within a minute);
``--only composition|project`` runs one comparison.

    python benchmarks/bench_moviepy.py [--seconds 15] [--rounds 2] [--only project]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from creator_kit.core.captions import STYLES  # noqa: E402
from creator_kit.core.model import (  # noqa: E402
    CaptionLayer,
    ClipRef,
    ImageLayer,
    Placement,
    Project,
    Reframe,
)
from creator_kit.core.project_io import save_project  # noqa: E402
from creator_kit.render.encode import video_codec_args  # noqa: E402
from creator_kit.render.timeline import build_plan  # noqa: E402
from scripts.make_sample import make_badge, make_clip  # noqa: E402

TITLE = "لا تنسوا الكمامة #لاتنسواالكمامة #MaskUp"

COMPOSE = f"""
from moviepy import CompositeVideoClip, ImageClip, VideoFileClip
from creator_kit.moviepy import ArabicText

def composition(src, badge):
    base = VideoFileClip(src)
    filled = base.resized(height=1920).cropped(x_center=base.w * 1920 / base.h / 2, width=1080)
    title = ArabicText({TITLE!r}, style="bold-box", width=900)
    sticker = ImageClip(badge).resized(width=300)
    return CompositeVideoClip(
        [
            filled,
            title.with_position(("center", 1400)).with_duration(base.duration),
            sticker.with_position((720, 220)).with_duration(base.duration),
        ],
        size=(1080, 1920),
    ).with_fps(30)
"""

CK_EXPORT = COMPOSE + """
import sys
from creator_kit.moviepy import export
export(composition(sys.argv[1], sys.argv[2]), sys.argv[3])
"""

MOVIEPY_WRITE = COMPOSE + """
import json, sys
video = composition(sys.argv[1], sys.argv[2])
video.write_videofile(
    sys.argv[3], fps=30, codec="libx264", preset="fast", audio_codec="aac",
    audio_bitrate="192k", audio_fps=48000, threads=2, ffmpeg_params=json.loads(sys.argv[4]),
    logger=None,
)
"""

PROJECT_EXPORT = """
import sys
from creator_kit.moviepy import export, project_clip
export(project_clip(sys.argv[1]), sys.argv[2])
"""


def timed(cmd: list[str]) -> float:
    """Run ``cmd`` in a fresh process; its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed:\n{proc.stderr[-2000:]}")
    return elapsed


def _runs(times: list[float]) -> str:
    return ", ".join(f"{x:.1f}" for x in times)


def main() -> None:
    """Run both comparisons and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=("composition", "project"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ck-bench-moviepy-"))
    src = make_clip(work / "in.mp4", duration=args.seconds, crf=20)
    badge = make_badge(work / "badge.png")
    project = Project(
        clips=(ClipRef(str(src)),),
        reframe=Reframe(mode="fill"),
        layers=(
            CaptionLayer(text=TITLE, style=STYLES["bold-box"]),
            ImageLayer(str(badge), placement=Placement(x=0.8, y=0.15, width=0.28)),
        ),
    )
    proj = work / "bench.ckproj"
    save_project(project, proj)
    # The exact x264 settings of an export, minus the codec name write_videofile sets itself.
    x264 = video_codec_args(build_plan(project))[2:]
    py = sys.executable

    print(f"clip: {args.seconds:g} s 1920x1080 30 fps -> 1080x1920, work folder {work}")
    if args.only in (None, "composition"):
        ck = timed([py, "-c", CK_EXPORT, str(src), str(badge), str(work / "ck.mp4")])
        mp = timed(
            [py, "-c", MOVIEPY_WRITE, str(src), str(badge), str(work / "mp.mp4"),
             json.dumps(x264)]
        )
        print(f"export(composition)          {ck:7.1f} s")
        print(f"write_videofile(composition) {mp:7.1f} s   export/write_videofile = {ck / mp:.2f}")
    if args.only in (None, "project"):
        pcs: list[float] = []
        clis: list[float] = []
        for r in range(args.rounds):
            for side in (("cli", "pc") if r % 2 == 0 else ("pc", "cli")):
                out = work / f"{side}{r}.mp4"
                if side == "pc":
                    pcs.append(timed([py, "-c", PROJECT_EXPORT, str(proj), str(out)]))
                else:
                    clis.append(timed(
                        [str(Path(py).with_name("creator-kit")), "render", str(proj),
                         "-o", str(out), "--progress", "none"]
                    ))
        pc, cli = min(pcs), min(clis)
        print(f"export(project_clip(p))      {pc:7.1f} s   (runs: {_runs(pcs)})")
        print(f"creator-kit render p         {cli:7.1f} s   (runs: {_runs(clis)})")
        print(f"export(project_clip(p)) / creator-kit render = {pc / cli:.3f}")


if __name__ == "__main__":
    main()
