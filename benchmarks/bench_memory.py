"""Peak memory of every render variant and of the face analysis, for the whole process tree.

The engine's limit is 600 MB for Python plus its ffmpeg children. Each variant runs as its own
``creator-kit`` command while a sampler sums the RSS of the process and all its children every
20 ms. Variants: plain, template (maskup), template + surgical face mask + face reframe with the
analysis cached and with it computed in the same command (fresh cache), and the face analysis
alone (``creator-kit faces``). They run on a generated selfie (1920x1080 landscape, drawn face)
and on the real phone clip ``selfie-two-people-rot90.mp4`` of the shared media folder when it
is there (skipped with a note otherwise). Memory figures do not depend on machine load.

    python benchmarks/bench_memory.py [--quick] [--only NAME] [--real-only]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# One sampler for every benchmark: bench_render's (this folder is on sys.path when run).
from bench_render import run_measured  # noqa: E402

from scripts.make_sample import make_selfie  # noqa: E402

LIMIT_MB = 600.0
REAL_CLIP = ROOT.parent / "shared" / "media" / "selfie-two-people-rot90.mp4"
if not REAL_CLIP.exists():  # worktrees sit one level deeper than the main checkout
    REAL_CLIP = ROOT.parents[1] / "shared" / "media" / "selfie-two-people-rot90.mp4"

TEMPLATE = ["--template", "maskup", "--var", "creator=@salma"]
FACE = [*TEMPLATE, "--face-mask", "surgical", "--reframe", "face"]
# name -> (creator-kit arguments after the input, whether the face cache starts empty)
VARIANTS: dict[str, tuple[list[str], bool]] = {
    "plain": (["render"], False),
    "template": (["render", *TEMPLATE], False),
    "face_cached": (["render", *FACE], False),
    "face_fresh": (["render", *FACE], True),
    "analysis": (["faces"], True),
}


def command(args: list[str], clip: Path, out: Path) -> list[str]:
    """The creator-kit command line of one variant."""
    base = [sys.executable, "-m", "creator_kit.cli"]
    if args[0] == "faces":
        return [*base, "faces", str(clip), "--json"]
    return [*base, "render", "-i", str(clip), *args[1:], "-o", str(out), "--overwrite",
            "--progress", "none"]


def measure(clip: Path, work: Path, only: str | None) -> dict[str, float]:
    """Peak MB of each variant on ``clip`` (each with its own face cache folder)."""
    results: dict[str, float] = {}
    warm = work / f"cache-{clip.stem}"
    env = {**os.environ, "CREATOR_KIT_CACHE_DIR": str(warm), "QT_QPA_PLATFORM": "offscreen"}
    # Fill the shared cache once so the "cached" variants find the analysis.
    subprocess.run(command(["faces"], clip, work / "x"), env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for name, (args, fresh) in VARIANTS.items():
        if only and name != only:
            continue
        run_env = env
        if fresh:
            run_env = {**env, "CREATOR_KIT_CACHE_DIR": tempfile.mkdtemp(dir=work)}
        _, peak = run_measured(command(args, clip, work / f"{clip.stem}-{name}.mp4"), run_env)
        results[name] = peak
    return results


def main() -> None:
    """Run every variant on the generated and the real clip; print a table."""
    quick = "--quick" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    work = Path(tempfile.mkdtemp(prefix="ck-bench-mem-"))
    table: dict[str, dict[str, float]] = {}
    if "--real-only" not in sys.argv:
        generated = make_selfie(work / "selfie-generated.mp4", duration=5.0 if quick else 15.0)
        table["generated"] = measure(generated, work, only)
    if REAL_CLIP.exists():
        table["real"] = measure(REAL_CLIP, work, only)
    else:
        print(f"note: {REAL_CLIP} is absent; the real-clip column is skipped")
    names = [n for n in VARIANTS if not only or n == only]
    print(f"peak memory of the whole process tree, MB (limit {LIMIT_MB:.0f})")
    print(f"{'variant':>14} " + " ".join(f"{c:>10}" for c in table))
    worst = 0.0
    for n in names:
        row = [table[c].get(n, float("nan")) for c in table]
        worst = max(worst, *row)
        print(f"{n:>14} " + " ".join(f"{v:10.0f}" for v in row))
    print(f"worst peak {worst:.0f} MB: {'within' if worst <= LIMIT_MB else 'OVER'} the limit")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "memory.json").write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
