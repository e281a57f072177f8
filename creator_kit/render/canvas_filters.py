"""ffmpeg filter chains that put any source onto the vertical canvas.

They run inside the decoding ffmpeg, so scaling, cropping and the blurred background cost C
time, not Python time, and Python only ever sees finished canvas-sized yuv420p frames.
"""

from __future__ import annotations

from creator_kit.core.colour import parse_rgb
from creator_kit.core.model import Reframe


def reframe_graph(
    mode: Reframe,
    src_w: int,
    src_h: int,
    out_w: int,
    out_h: int,
    reference: tuple[int, int] | None = None,
) -> str:
    """A filter graph fragment (input ``[in]`` implied, output unlabelled) for ``mode``.

    ``src_w``/``src_h`` are the upright (displayed) source dimensions. A source that already
    has the canvas's aspect ratio is simply scaled whatever the mode. ``reference`` is the
    export canvas when drawing smaller (the preview): the blurred backdrop is then built
    exactly as export builds it and only its final scale differs.
    """
    if _same_aspect(src_w, src_h, out_w, out_h) or mode.mode in ("fill", "face"):
        return _fill(mode, src_w, src_h, out_w, out_h)
    if mode.mode == "fit":
        r, g, b = parse_rgb(mode.bar_colour)
        return (
            f"scale={out_w}:{out_h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={out_w}:{out_h}:(ow-iw)/2:(oh-ih)/2:color=0x{r:02x}{g:02x}{b:02x}"
        )
    return _fit_blur(mode, src_w, src_h, out_w, out_h, reference or (out_w, out_h))


def fill_crop(mode: Reframe, src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, ...]:
    """The source rectangle (x, y, w, h) that ``fill`` crops before scaling to the canvas."""
    if src_w * out_h > src_h * out_w:  # wider than the canvas: crop the sides
        cw, ch = _even(src_h * out_w / out_h), _even(src_h)
    else:
        cw, ch = _even(src_w), _even(src_w * out_h / out_w)
    cx = int(round((src_w - cw) / 2 * (1 + mode.offset_x)))
    cy = int(round((src_h - ch) / 2 * (1 + mode.offset_y)))
    return min(max(cx, 0), src_w - cw), min(max(cy, 0), src_h - ch), cw, ch


def fitted_rect(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int, int, int]:
    """Where ``fit`` and ``fit-blur`` put the whole source on the canvas (x, y, w, h).

    Mirrors ffmpeg's ``force_original_aspect_ratio=decrease:force_divisible_by=2``.
    """
    scale = min(out_w / src_w, out_h / src_h)
    w = max(2, int(src_w * scale) // 2 * 2)
    h = max(2, int(src_h * scale) // 2 * 2)
    return (out_w - w) // 2, (out_h - h) // 2, w, h


def source_to_canvas(
    mode: Reframe, src_w: int, src_h: int, out_w: int, out_h: int
) -> tuple[float, float, float, float]:
    """(scale_x, scale_y, dx, dy) mapping source pixels to canvas pixels for a static mode."""
    if mode.mode == "fit" or (
        mode.mode == "fit-blur" and not _same_aspect(src_w, src_h, out_w, out_h)
    ):
        x, y, w, h = fitted_rect(src_w, src_h, out_w, out_h)
        return w / src_w, h / src_h, float(x), float(y)
    cx, cy, cw, ch = fill_crop(mode, src_w, src_h, out_w, out_h)
    sx, sy = out_w / cw, out_h / ch
    return sx, sy, -cx * sx, -cy * sy


def _same_aspect(src_w: int, src_h: int, out_w: int, out_h: int) -> bool:
    return abs(src_w * out_h - src_h * out_w) <= max(src_w, src_h) // 50


def _fill(mode: Reframe, src_w: int, src_h: int, out_w: int, out_h: int) -> str:
    # Crop the source to the canvas aspect first, then scale: the scaler touches only what stays.
    cx, cy, cw, ch = fill_crop(mode, src_w, src_h, out_w, out_h)
    return f"crop={cw}:{ch}:{cx}:{cy},scale={out_w}:{out_h}"


def _fit_blur(
    mode: Reframe, src_w: int, src_h: int, out_w: int, out_h: int, reference: tuple[int, int]
) -> str:
    # The background is built at a quarter of the (export) canvas size: blurring there is 16x
    # cheaper and the upscale adds its own softness, which is what a blurred backdrop wants.
    bw, bh = _even(reference[0] / 4), _even(reference[1] / 4)
    if src_w * out_h > src_h * out_w:
        cw, ch = _even(src_h * out_w / out_h), _even(src_h)
    else:
        cw, ch = _even(src_w), _even(src_w * out_h / out_w)
    radius = max(1, int(round(2 + mode.blur * 14)))
    radius = min(radius, bw // 2 - 1, bh // 2 - 1)
    keep = 1.0 - mode.dim
    # lutyuv dims luma towards black (limited range) and pulls chroma towards neutral.
    dim = f"lutyuv=y=16+(val-16)*{keep:.3f}:u=128+(val-128)*{keep:.3f}:v=128+(val-128)*{keep:.3f}"
    return (
        f"split=2[ck_bg0][ck_fg0];"
        f"[ck_bg0]crop={cw}:{ch},scale={bw}:{bh}:flags=fast_bilinear,"
        f"boxblur=luma_radius={radius}:luma_power=2:"
        f"chroma_radius={max(1, radius // 2)}:chroma_power=2,"
        f"{dim},scale={out_w}:{out_h}:flags=bilinear[ck_bg];"
        f"[ck_fg0]scale={out_w}:{out_h}:force_original_aspect_ratio=decrease:force_divisible_by=2[ck_fg];"
        f"[ck_bg][ck_fg]overlay=(W-w)/2:(H-h)/2:format=yuv420"
    )


def _even(v: float) -> int:
    return max(2, int(v) // 2 * 2)
