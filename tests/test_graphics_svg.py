"""SVG logos and stickers: drawn at the size shown, crisp, refused cleanly when broken."""

from __future__ import annotations

import numpy as np
import pytest

from creator_kit.cli.main import main
from creator_kit.core.errors import InputError
from creator_kit.core.model import ClipRef, ImageLayer, OutputSettings, Placement, Project
from creator_kit.graphics.svg import rasterise_svg, svg_size
from creator_kit.render.export import export
from creator_kit.templates.apply import LogoArea, layout_logos
from tests.mediagen import make_colour_clip
from tests.videoread import frames_rgb

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
  <rect x="0" y="0" width="100" height="100" fill="#ff0000"/>
  <circle cx="150" cy="50" r="50" fill="#0000ff"/>
</svg>"""


@pytest.fixture
def logo(tmp_path):
    p = tmp_path / "logo.svg"
    p.write_text(LOGO)
    return p


def test_svg_is_drawn_at_the_requested_width_with_sharp_edges(logo):
    assert svg_size(logo) == (200, 100)
    big = rasterise_svg(logo, 1600)
    assert big.shape == (800, 1600, 4)
    assert tuple(big[400, 400]) == (255, 0, 0, 255) and tuple(big[400, 1200]) == (0, 0, 255, 255)
    assert big[5, 1595, 3] == 0  # outside the circle: transparent
    # The red square's right edge goes from opaque to empty within two pixels: vector, not
    # an upscaled bitmap (which would blur over about eight at this 8x scale).
    row = big[400, 790:812, 0].astype(int)
    assert ((row > 20) & (row < 235)).sum() <= 2


@pytest.mark.slow
def test_svg_sticker_in_an_export(tmp_path, logo):
    clip = make_colour_clip(tmp_path / "k.mp4", "black", size="540x960")
    layer = ImageLayer(path=str(logo), placement=Placement(0.5, 0.5, "center", 0.5))
    out = tmp_path / "svg.mp4"
    export(Project(clips=(ClipRef(str(clip)),), layers=(layer,),
                   output=OutputSettings(x264_preset="ultrafast")), out)
    f = frames_rgb(out, [5])[0].astype(int)
    # 540 px wide, 270 tall, centred: red on the left half, blue disc on the right.
    assert f[960, 400, 0] > 200 and f[960, 400, 2] < 60
    assert f[960, 680, 2] > 200 and f[960, 680, 0] < 60
    assert f[960 - 200, 540].max() < 30


def test_svg_logo_on_an_end_card_keeps_its_aspect(logo):
    area = LogoArea(x=0.5, y=0.6, width=0.6, height=0.1)
    (layer,) = layout_logos([logo], area, (1080, 1920))
    w = layer.placement.width * 1080
    assert w == pytest.approx(min(0.6 * 1080, 0.1 * 1920 * 2), rel=0.01)


@pytest.mark.parametrize("content", ["<svg", "not xml at all", "<html><body/></html>", ""])
def test_broken_svg_is_refused_with_its_name(tmp_path, content, capsys):
    bad = tmp_path / "bad.svg"
    bad.write_text(content)
    with pytest.raises(InputError) as info:
        rasterise_svg(bad, 100)
    assert str(bad) in info.value.message
    clip = make_colour_clip(tmp_path / "k.mp4", "black", size="320x240")
    code = main(["render", "-i", str(clip), "--sticker", str(bad), "-o", str(tmp_path / "o.mp4"),
                 "--progress", "none"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and str(bad) in err
    assert not (tmp_path / "o.mp4").exists()


def test_oversized_svg_file_is_refused(tmp_path):
    big = tmp_path / "big.svg"
    big.write_text(LOGO[:-6] + "<!--" + "x" * (6 * 1024 * 1024) + "--></svg>")
    with pytest.raises(InputError, match="too large"):
        rasterise_svg(big, 100)


def test_svg_with_a_remote_image_fetches_nothing(tmp_path):
    remote = tmp_path / "remote.svg"
    remote.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image xlink:href="http://127.0.0.1:9/x.png" width="10" '
        'height="10"/><rect width="5" height="5" fill="#00ff00"/></svg>')
    img = rasterise_svg(remote, 100)
    assert tuple(img[10, 10]) == (0, 255, 0, 255)
    assert img[80, 80, 3] == 0  # the remote picture was not drawn
    assert np.count_nonzero(img[..., 3]) < 100 * 100
