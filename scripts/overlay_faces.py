"""Count the frames where a sticker or tip card placed by slot covers a face's features.

``python scripts/overlay_faces.py PROJECT.ckproj`` (a project saved with ``render
--save-project``) prepares the project's layers as a render does, with the render's own face
boxes, and prints, per sticker and tip card placed by slot, how many frames show it, how many
of them its drawn pixels meet a face's eyes, nose and mouth (``face_inner_box``), how many of
those fall in its entrance, and the widths it is drawn at.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from creator_kit.core.model import StickerLayer, TipCardLayer  # noqa: E402
from creator_kit.core.project_io import load_project  # noqa: E402
from creator_kit.graphics.slots import face_inner_box  # noqa: E402
from creator_kit.render.engine import Renderer  # noqa: E402
from creator_kit.render.face_timeline import analyse_plan, canvas_faces  # noqa: E402
from creator_kit.render.timeline import build_plan  # noqa: E402


def main(path: str) -> int:
    """Print the counts for the project at ``path``; returns an exit code."""
    project = load_project(path)
    plan = build_plan(project)
    faces = analyse_plan(plan)
    renderer = Renderer(plan, None, faces)
    faces_at = canvas_faces(plan, faces)
    size = (plan.width, plan.height)
    for layer, source in zip(project.layers, renderer.clip_sources, strict=True):
        if not isinstance(layer, StickerLayer | TipCardLayer) or layer.placement is not None:
            continue
        name = layer.tip if isinstance(layer, TipCardLayer) else layer.name
        shown = over = entering = 0
        widths: set[int] = set()
        for i in range(plan.clip_frames):
            t = i / plan.fps
            for sprite in source.sprites_at(t, size):
                ys, xs = np.nonzero(sprite.rgba[..., 3] > 32)
                if not len(xs):
                    continue
                box = (
                    sprite.x + xs.min(),
                    sprite.y + ys.min(),
                    sprite.x + xs.max() + 1,
                    sprite.y + ys.max() + 1,
                )
                shown += 1
                widths.add(sprite.rgba.shape[1])
                for face in faces_at(t) if faces_at is not None else ():
                    f = face_inner_box(face)
                    if min(box[2], f[2]) > max(box[0], f[0]) and min(box[3], f[3]) > max(
                        box[1], f[1]
                    ):
                        over += 1
                        entering += t < layer.start + layer.enter.duration
                        break
        drawn = f"{min(widths)}-{max(widths)} px wide" if widths else "never drawn"
        print(
            f"{layer.KIND} {name}: {shown} frames shown, {over} over a face's eyes, nose "
            f"and mouth ({entering} entering); {drawn}"
        )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    raise SystemExit(main(sys.argv[1]))
