"""Developer tools: ``python -m creator_kit.graphics masks [FOLDER]`` writes the mask previews."""

from __future__ import annotations

import sys
from pathlib import Path

from creator_kit.core.assets import asset_path
from creator_kit.graphics.mask_art import write_previews


def main(argv: list[str]) -> int:
    """Write one preview PNG per mask style (default folder: ``assets/masks``)."""
    if not argv or argv[0] != "masks":
        sys.stderr.write("usage: python -m creator_kit.graphics masks [FOLDER]\n")
        return 2
    default = asset_path("masks")
    for path in write_previews(Path(argv[1]) if len(argv) > 1 else default):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
