"""Template format: validation, hostile documents, asset confinement, variables, apply, CLI."""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creator_kit.cli.main import main
from creator_kit.core.errors import InputError
from creator_kit.core.model import (
    CaptionLayer,
    FaceMaskLayer,
    ImageLayer,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.core.project_io import load_project, save_project
from creator_kit.templates import (
    Palette,
    apply_template,
    available_names,
    find_template,
    load_template,
    save_template,
    template_from_data,
)
from creator_kit.templates.format import BUNDLED_FAMILIES, MAX_VALUE_CHARS, template_document

BUILTINS = ("be-responsible", "maskup", "thank-you-heroes", "together-against-corona")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user template folder."""
    d = tmp_path / "userdata"
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


def write_template(folder: Path, doc: dict[str, object] | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    (folder / "template.json").write_text(text, encoding="utf-8")
    return folder


def minimal(**extra: object) -> dict[str, object]:
    doc: dict[str, object] = {"schema_version": 1, "name": "t", "title_ar": "ت",
                              "title_en": "T"}
    doc.update(extra)
    return doc


def png(path: Path, size: tuple[int, int] = (40, 20), colour: tuple[int, ...] = (255, 0, 0, 255),
        exif_orientation: int | None = None) -> Path:
    im = Image.new("RGBA", size, colour)
    if exif_orientation is not None:
        im = im.convert("RGB")
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        im.save(path.with_suffix(".jpg"), exif=exif.tobytes())
        return path.with_suffix(".jpg")
    im.save(path)
    return path


def bomb_png(path: Path, w: int = 100_000, h: int = 100_000) -> Path:
    """A tiny PNG whose header claims ``w`` x ``h`` pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body)
                     + chunk(b"IEND", b""))
    return path


# --------------------------------------------------------------------------- built-ins

def test_builtin_templates_load_in_both_languages() -> None:
    assert set(BUILTINS) <= set(available_names())
    for name in BUILTINS:
        loaded = find_template(name)
        t = loaded.template
        assert loaded.origin == "builtin"
        assert t.languages == ("ar", "en")
        assert t.title_ar and t.title_en
        assert t.end_card is not None and 2.0 <= t.end_card.duration <= 5.0
        kinds = {type(layer) for layer in t.overlays}
        assert StickerLayer in kinds and TipCardLayer in kinds
        # The saved document is exactly what loading gives back.
        assert template_from_data(json.loads(template_document(t))) == t


def test_builtin_hashtags_and_face_mask_default() -> None:
    maskup = find_template("maskup")
    ar = apply_template(maskup, ["clip.mp4"], language="ar")
    en = apply_template(maskup, ["clip.mp4"], language="en")
    assert any(isinstance(layer, FaceMaskLayer) for layer in ar.layers)
    texts = [layer.text for layer in ar.card.layers if isinstance(layer, CaptionLayer)]
    assert "#لاتنسواالكمامة #MaskUp" in texts
    texts_en = [layer.text for layer in en.card.layers if isinstance(layer, CaptionLayer)]
    assert "#MaskUp #لاتنسواالكمامة" in texts_en
    assert all(layer.language == "en" for layer in en.layers
               if isinstance(layer, (StickerLayer, TipCardLayer)))
    tags = {"be-responsible": "#خليك_مسئول", "thank-you-heroes": "#Thankyouheroes",
            "together-against-corona": "#معا_ضد_الكورونا"}
    for name, tag in tags.items():
        p = apply_template(find_template(name), ["c.mp4"], language="ar")
        assert any(isinstance(x, CaptionLayer) and tag in x.text for x in p.card.layers), name
        assert not any(isinstance(x, FaceMaskLayer) for x in p.layers)


def test_bundled_families_are_really_bundled() -> None:
    from creator_kit.text.fonts import has_family

    for family in BUNDLED_FAMILIES:
        assert has_family(family), family


# ------------------------------------------------------------------------ hostile JSON

@pytest.mark.parametrize("text,needle", [
    ("[" * 100_000, "nested too deeply"),
    ('{"schema_version": 1, "name": "t", "title_ar": "a", "title_en": "b", '
     '"overlays": [{"kind": "sticker", "name": "mask", "start": NaN}]}', "NaN"),
    ('{"schema_version": 1, "name": "t", "title_ar": "a", "title_en": 5}', "title_en"),
    ('{"schema_version": 1, "name": "t", "title_ar": "a", "title_en": "b", '
     '"overlays": [{"kind": "sticker", "name": "mask", "start": "soon"}]}', "overlays[0].start"),
    ('{"schema_version": 99, "name": "t", "title_ar": "a", "title_en": "b"}', "version 99"),
    ('{"schema_version": -3, "name": "t", "title_ar": "a", "title_en": "b"}', "unknown schema"),
    ('{"schema_version": 1, "name": "T/../x", "title_ar": "a", "title_en": "b"}', "name"),
    ('{"schema_version": 1, "name": "t", "title_ar": "a", "title_en": "b", "eval": "x"}',
     "not a known setting"),
    ('{"schema_version": 1, "name": "t", "title_ar": "a", "title_en": "b", '
     '"overlays": [{"kind": "python", "code": "import os"}]}', "kind"),
    ("[1, 2, 3]", "JSON object"),
    ("{not json", "not valid JSON"),
])
def test_hostile_template_json_is_refused_cleanly(tmp_path: Path, text: str, needle: str) -> None:
    folder = write_template(tmp_path / "t", text)
    with pytest.raises(InputError) as err:
        load_template(folder)
    assert needle in err.value.message
    assert "template.json" in err.value.message


def test_hundred_megabyte_template_is_refused_by_size(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "template.json").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: no 100 MB actually written
    with pytest.raises(InputError, match="too large"):
        load_template(folder)


def test_old_schema_version_is_migrated(tmp_path: Path) -> None:
    doc = {"name": "old", "title_ar": "ق", "title_en": "Old",
           "variables": {"cta": "Mask up"},
           "overlays": [{"kind": "caption", "text": "{cta}"}]}
    loaded = load_template(write_template(tmp_path / "old", doc))
    assert loaded.template.schema_version == 1
    assert loaded.template.variable("cta").default == "Mask up"


# ------------------------------------------------------------------------------ assets

@pytest.mark.parametrize("ref", [
    "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "C:/x.png", "a\\..\\..\\b.png",
    "http://127.0.0.1:9/x.png", "concat:a.png|b.png", "file:/etc/passwd", "./x.png",
    "sub//x.png", "sub/../../x.png", "~/x.png",
])
def test_asset_path_escaping_the_folder_is_refused(tmp_path: Path, ref: str) -> None:
    (tmp_path / "secret.png").write_bytes(b"x")
    folder = write_template(tmp_path / "t", minimal(overlays=[
        {"kind": "image", "path": ref}]))
    with pytest.raises(InputError) as err:
        load_template(folder)
    msg = err.value.message
    assert "template.json" in msg and ("asset" in msg or "address" in msg)


def test_asset_through_a_symlink_is_refused(tmp_path: Path) -> None:
    outside = png(tmp_path / "outside.png")
    folder = write_template(tmp_path / "t", minimal(overlays=[
        {"kind": "image", "path": "img/logo.png"}]))
    (folder / "img").mkdir()
    os.symlink(outside, folder / "img" / "logo.png")
    with pytest.raises(InputError, match="symlink"):
        load_template(folder)
    os.unlink(folder / "img" / "logo.png")
    os.rmdir(folder / "img")
    os.symlink(tmp_path, folder / "img")  # a symlinked folder on the way
    with pytest.raises(InputError, match="symlink"):
        load_template(folder)


def test_missing_asset_and_missing_font_are_named(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "a", minimal(end_card={
        "background": {"kind": "image", "image": "bg/missing.png"}}))
    with pytest.raises(InputError, match=r"asset 'bg/missing.png' not found"):
        load_template(folder)
    folder = write_template(tmp_path / "f", minimal(overlays=[
        {"kind": "caption", "text": "x", "style": {"font_family": "No Such Font 42"}}]))
    with pytest.raises(InputError, match="No Such Font 42"):
        load_template(folder)
    folder = write_template(tmp_path / "g", minimal(fonts=[
        {"family": "Mine", "file": "fonts/mine.ttf"}]))
    (folder / "fonts").mkdir()
    (folder / "fonts" / "mine.ttf").write_bytes(b"<html>not a font</html>")
    with pytest.raises(InputError, match="not a TrueType"):
        load_template(folder)


def test_assets_resolve_inside_the_folder(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "t", minimal(
        overlays=[{"kind": "image", "path": "stickers/badge.png"}],
        end_card={"background": {"kind": "image", "image": "bg.png"}}))
    (folder / "stickers").mkdir()
    png(folder / "stickers" / "badge.png")
    png(folder / "bg.png", (90, 160))
    loaded = load_template(folder)
    assert loaded.template.overlays[0].path == "stickers/badge.png"  # stays relative
    project = apply_template(loaded, ["c.mp4"])
    assert project.layers[0].path == str(folder.absolute() / "stickers" / "badge.png")
    assert project.card.background.image == str(folder.absolute() / "bg.png")


# --------------------------------------------------------------------------- variables

def test_variables_fill_texts_and_missing_ones_are_named(tmp_path: Path) -> None:
    doc = minimal(
        variables=[{"name": "creator", "description": "handle"},
                   {"name": "country"},
                   {"name": "cta", "ar": "ارتدِ الكمامة", "en": "Mask up"},
                   {"name": "local_hashtag", "default": ""}],
        overlays=[{"kind": "caption", "text": "{cta} {creator} {{literal}}"},
                  {"kind": "sticker", "name": "mask-up", "text": "{country}"}],
        end_card={"layers": [{"kind": "caption", "text": "#MaskUp {local_hashtag}"}]})
    loaded = load_template(write_template(tmp_path / "t", doc))
    with pytest.raises(InputError) as err:
        apply_template(loaded, ["c.mp4"], {"creator": "@salma"})
    assert "{country}" in err.value.message and "--var country=" in err.value.message
    with pytest.raises(InputError, match="no variable 'contry'"):
        apply_template(loaded, ["c.mp4"], {"creator": "@s", "country": "x", "contry": "y"})
    p = apply_template(loaded, ["c.mp4"], {"creator": "@salma", "country": "مصر"},
                       language="en")
    assert p.layers[0].text == "Mask up @salma {literal}"
    assert p.layers[1].text == "مصر" and p.layers[1].language == "en"
    assert p.card.layers[0].text == "#MaskUp"  # empty optional value leaves no stray space
    p = apply_template(loaded, ["c.mp4"], {"creator": "{country}", "country": "x"})
    assert p.layers[0].text.startswith("ارتدِ الكمامة {country}")  # values are not re-scanned
    with pytest.raises(InputError, match="characters long"):
        apply_template(loaded, ["c.mp4"], {"creator": "x" * (MAX_VALUE_CHARS + 1),
                                           "country": "y"})


def test_undeclared_placeholder_is_refused_at_load(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "t", minimal(overlays=[
        {"kind": "caption", "text": "hi {who}"}]))
    with pytest.raises(InputError, match="declares no variable 'who'"):
        load_template(folder)
    folder = write_template(tmp_path / "u", minimal(overlays=[
        {"kind": "caption", "text": "hi {0.__class__}"}]))
    with pytest.raises(InputError, match="invalid placeholder"):
        load_template(folder)


def test_unknown_template_name_lists_the_available_ones(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    with pytest.raises(InputError) as err:
        find_template("maskupp")
    for name in BUILTINS:
        assert name in err.value.message
    assert main(["templates", "show", "maskupp"]) == 2
    assert "available templates: be-responsible, maskup" in capsys.readouterr().err


# ------------------------------------------------------------------------------- apply

def test_applied_template_is_an_ordinary_editable_project(tmp_path: Path) -> None:
    p = apply_template(find_template("together-against-corona"), [str(tmp_path / "c.mp4")],
                       {"creator": "@ali"}, language="ar", caption="حافظ على التباعد",
                       preset="reels", reframe="fill", music=str(tmp_path / "m.m4a"),
                       palette=Palette(primary="#aa0000", secondary="#8ee07a",
                                       background="#0a2f55"))
    assert p.output.preset == "reels" and p.reframe.mode == "fill"
    assert p.audio.music == str(tmp_path / "m.m4a")
    assert isinstance(p.layers[-1], CaptionLayer) and p.layers[-1].text == "حافظ على التباعد"
    stickers = [x for x in p.layers if isinstance(x, (StickerLayer, TipCardLayer))]
    assert stickers and all(x.colour == "#aa0000" for x in stickers)  # palette swap
    # Saved and loaded like any project; every field can be changed afterwards.
    save_project(p, tmp_path / "p.ckproj")
    again = load_project(tmp_path / "p.ckproj")
    assert again == p
    edited = again.replace(layers=again.layers[:1])
    assert len(edited.layers) == 1
    with pytest.raises(InputError, match="not available in"):
        apply_template(find_template("maskup").template.replace(languages=("en",)),
                       ["c.mp4"], language="ar")


def test_logos_are_laid_out_with_aspect_kept_and_exif_honoured(tmp_path: Path) -> None:
    wide = png(tmp_path / "wide.png", (400, 100))
    square = png(tmp_path / "square.png", (100, 100), (0, 0, 255, 128))
    # Stored 60x20 with EXIF "rotate 90": shown upright it is 20 wide, 60 tall.
    rotated = png(tmp_path / "rot.png", (60, 20), exif_orientation=6)
    maskup = find_template("maskup")
    p = apply_template(maskup, ["c.mp4"], logos=[wide, square, rotated])
    logos = [x for x in p.card.layers if isinstance(x, ImageLayer)]
    assert len(logos) == 3
    area = maskup.template.end_card.logos
    cw, ch = 1080, 1920
    widths = [x.placement.width * cw for x in logos]
    heights = [w / a for w, a in zip(widths, (4.0, 1.0, 20 / 60), strict=True)]
    assert all(h <= area.height * ch + 0.5 for h in heights)
    assert heights[1] == pytest.approx(area.height * ch, abs=0.5)  # the square fills the height
    xs = [x.placement.x for x in logos]
    assert xs == sorted(xs) and abs((xs[0] + xs[-1]) / 2 - area.x) < 0.05
    starts = [x.start for x in logos]
    assert starts == sorted(starts) and starts[0] < starts[-1]  # they pop in one by one
    with pytest.raises(InputError, match="at most 4 logos"):
        apply_template(maskup, ["c.mp4"], logos=[wide] * 5)


def test_logo_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = bomb_png(tmp_path / "bomb.png")
    with pytest.raises(InputError) as err:
        apply_template(find_template("maskup"), ["c.mp4"], logos=[bomb])
    assert "bomb.png" in err.value.message and "too large" in err.value.message


def test_template_with_its_own_font_file(tmp_path: Path) -> None:
    from creator_kit.text.fonts import fonts_dir

    folder = write_template(tmp_path / "t", minimal(
        fonts=[{"family": "Campaign Sans", "file": "fonts/campaign.ttf"}],
        caption_style={"font_family": "Campaign Sans"},
        overlays=[{"kind": "caption", "text": "x", "style": {"font_family": "Campaign Sans"}}]))
    (folder / "fonts").mkdir()
    (folder / "fonts" / "campaign.ttf").write_bytes(
        (fonts_dir() / "NotoSans-Regular.ttf").read_bytes())
    p = apply_template(load_template(folder), ["c.mp4"], caption="hello")
    font = str(folder.absolute() / "fonts" / "campaign.ttf")
    assert p.layers[0].style.font_file == font and p.layers[1].style.font_file == font


# --------------------------------------------------------------------------------- CLI

def test_templates_cli_list_show_new(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "list"]) == 0
    out = capsys.readouterr().out
    for name in BUILTINS:
        assert name in out
    assert "لا تنسوا الكمامة" in out
    assert main(["templates", "show", "maskup"]) == 0
    out = capsys.readouterr().out
    assert "{creator}" in out and "tip-card" in out and "end card" in out
    assert main(["templates", "new", "my-campaign", "--from", "maskup"]) == 0
    created = data_dir / "templates" / "my-campaign" / "template.json"
    assert json.loads(created.read_text(encoding="utf-8"))["name"] == "my-campaign"
    assert main(["templates", "new", "my-campaign"]) == 2  # exists, no --overwrite
    assert main(["templates", "new", "maskup"]) == 2  # a built-in's name
    assert main(["templates", "new", "scratch"]) == 0
    loaded = find_template("scratch")
    assert loaded.origin == "user" and loaded.template.end_card is not None
    assert main(["templates", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"my-campaign", "scratch"} <= {r["name"] for r in rows}


def test_save_template_round_trip(tmp_path: Path) -> None:
    t = find_template("thank-you-heroes").template.replace(name="copy")
    folder = tmp_path / "copy"
    folder.mkdir()
    save_template(t, folder)
    assert load_template(folder).template == t


def test_sticker_layers_in_a_project_file_round_trip(tmp_path: Path) -> None:
    p = apply_template(find_template("maskup"), [str(tmp_path / "c.mp4")], language="en")
    save_project(p, tmp_path / "x.ckproj")
    doc = json.loads((tmp_path / "x.ckproj").read_text(encoding="utf-8"))
    kinds = [layer["kind"] for layer in doc["layers"]]
    assert "sticker" in kinds and "tip-card" in kinds
    assert load_project(tmp_path / "x.ckproj") == p
    assert np.isfinite(p.card.duration)


def test_template_options_for_other_commands(tmp_path: Path) -> None:
    import argparse

    from creator_kit.cli.templates_cmd import add_template_options, template_project

    p = argparse.ArgumentParser()
    add_template_options(p, caption_and_logos=True)
    logo = png(tmp_path / "ngo.png", (80, 40))
    args = p.parse_args(["--template", "maskup", "--var", "creator=@salma", "--language", "en",
                         "--caption", "Mask up!", "--logo", str(logo)])
    project = template_project(args, ["clip.mp4"])
    assert project is not None
    assert any(isinstance(x, CaptionLayer) and x.text == "Mask up!" for x in project.layers)
    assert any(isinstance(x, CaptionLayer) and x.text == "@salma" for x in project.card.layers)
    assert sum(isinstance(x, ImageLayer) for x in project.card.layers) == 1
    assert template_project(p.parse_args([]), ["clip.mp4"]) is None
    with pytest.raises(InputError, match="NAME=VALUE"):
        template_project(p.parse_args(["--template", "maskup", "--var", "oops"]), ["c.mp4"])
    # The render command's own flags (--captions, --card-logo, --face-mask STYLE) are read too.
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nلا تنسوا الكمامة\n", encoding="utf-8")
    render_like = argparse.Namespace(template="be-responsible", var=[], language=None,
                                     captions=str(srt), card_logo=[str(logo)],
                                     face_mask="n95", preset="shorts", reframe="fill",
                                     music=None)
    project = template_project(render_like, ["clip.mp4"])
    assert project is not None and project.output.preset == "shorts"
    masks = [x for x in project.layers if isinstance(x, FaceMaskLayer)]
    assert masks and masks[0].settings.style == "n95"
    cues = [x for x in project.layers if isinstance(x, CaptionLayer) and x.cues]
    assert cues[0].cues[0].text == "لا تنسوا الكمامة"
