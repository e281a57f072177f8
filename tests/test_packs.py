"""``.ckpack`` import/export: round trips, and hostile packs refused with nothing written."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from creator_kit.cli.main import main
from creator_kit.core.errors import InputError, OutputError
from creator_kit.templates import find_template, load_template
from creator_kit.templates.manage import export_pack, import_pack
from creator_kit.templates.packs import PackLimits, open_pack, read_pack


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user template folder for each test."""
    d = tmp_path / "userdata"
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


def template_doc(name: str = "partner", **extra: object) -> bytes:
    doc: dict[str, object] = {"schema_version": 1, "name": name, "title_ar": "شريك",
                              "title_en": "Partner"}
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False).encode()


def png_bytes(size: tuple[int, int] = (30, 30)) -> bytes:
    import io

    buf = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 200)).save(buf, "PNG")
    return buf.getvalue()


def make_pack(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def assert_nothing_installed(data_dir: Path) -> None:
    root = data_dir / "templates"
    leftovers = [p.name for p in root.iterdir()] if root.exists() else []
    assert leftovers == [], leftovers


# ---------------------------------------------------------------------------- round trip

def test_builtin_pack_round_trip(tmp_path: Path) -> None:
    out = export_pack("maskup", tmp_path / "maskup.ckpack")
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == ["template.json"]
    imported = import_pack(out, name="maskup-copy")
    original = find_template("maskup").template
    assert imported.template == original.replace(name="maskup-copy")
    assert imported.origin == "user"
    # Exporting again gives the same bytes: fixed order and timestamps.
    again = export_pack("maskup", tmp_path / "again.ckpack")
    assert again.read_bytes() == out.read_bytes()


def test_user_template_with_assets_round_trips(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    (src / "stickers").mkdir(parents=True)
    (src / "stickers" / "badge.png").write_bytes(png_bytes())
    (src / "LICENSE.txt").write_text("CC0\n", encoding="utf-8")
    (src / ".DS_Store").write_bytes(b"junk")  # hidden files stay out of packs
    (src / "template.json").write_bytes(template_doc(
        overlays=[{"kind": "image", "path": "stickers/badge.png", "start": 0.5}],
        end_card={"duration": 3.0, "background": {"kind": "image", "image": "stickers/badge.png"}}))
    loaded = load_template(src)
    pack = export_pack(loaded, tmp_path / "partner.ckpack")
    with zipfile.ZipFile(pack) as zf:
        assert sorted(zf.namelist()) == ["LICENSE.txt", "stickers/badge.png", "template.json"]
    installed = import_pack(pack)
    assert installed.template == loaded.template
    assert installed.folder == data_dir / "templates" / "partner"
    assert (installed.folder / "stickers" / "badge.png").read_bytes() == png_bytes()
    # A second import needs --overwrite; with it the template is replaced in one step.
    with pytest.raises(OutputError, match="already installed"):
        import_pack(pack)
    assert import_pack(pack, overwrite=True).template == loaded.template
    assert sorted(p.name for p in (data_dir / "templates").iterdir()) == ["partner"]
    # Opening a pack without installing it.
    opened = open_pack(pack)
    assert opened.template == loaded.template and opened.folder.is_dir()


def test_pack_zipped_as_a_folder_is_accepted(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p.ckpack", [("partner/template.json", template_doc()),
                                             ("partner/", b"")])
    assert read_pack(pack).template.name == "partner"


def test_export_refuses_symlinks_and_foreign_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "template.json").write_bytes(template_doc())
    (src / "link.png").symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(InputError, match="symlink"):
        export_pack(load_template(src), tmp_path / "x.ckpack")
    (src / "link.png").unlink()
    (src / "run.py").write_text("print('hi')\n", encoding="utf-8")
    with pytest.raises(InputError, match="only template files"):
        export_pack(load_template(src), tmp_path / "x.ckpack")
    assert not (tmp_path / "x.ckpack").exists()


def test_export_does_not_replace_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "maskup.ckpack"
    target.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        export_pack("maskup", target)
    assert target.read_bytes() == b"precious"
    export_pack("maskup", target, overwrite=True)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["maskup.ckpack"]  # no temp left


# ------------------------------------------------------------------------------ zip slip

@pytest.mark.parametrize("evil", [
    "../x.png", "../../x.png", "/abs.png", "C:\\x.png", "C:/x.png", "assets\\..\\..\\x.png",
    "assets/../../x.png", "./x.png", "a//x.png", "bad\x01name.png",
])
def test_zip_slip_entries_are_refused(tmp_path: Path, data_dir: Path, evil: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    pack = make_pack(work / "evil.ckpack", [("template.json", template_doc()), (evil, b"pwned")])
    before = files_under(tmp_path)
    with pytest.raises(InputError) as err:
        import_pack(pack)
    assert "evil.ckpack" in err.value.message
    assert files_under(tmp_path) - before - {"userdata", "userdata/templates"} == set()
    assert not (tmp_path / "x.png").exists() and not Path("/abs.png").exists()
    assert_nothing_installed(data_dir)


def test_symlink_entry_is_refused(tmp_path: Path, data_dir: Path) -> None:
    link = zipfile.ZipInfo("assets/logo.png")
    link.create_system = 3  # unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    pack = make_pack(tmp_path / "link.ckpack", [("template.json", template_doc()),
                                                (link, b"/etc/passwd")])
    with pytest.raises(InputError, match="symlink"):
        import_pack(pack)
    assert_nothing_installed(data_dir)


def test_other_hostile_entries(tmp_path: Path, data_dir: Path) -> None:
    cases = {
        "dupe": [("template.json", template_doc()), ("a.png", b"1"), ("A.PNG", b"2")],
        "pyfile": [("template.json", template_doc()), ("hook.py", b"import os")],
        "nojson": [("readme.txt", b"hello")],
    }
    for name, entries in cases.items():
        with pytest.raises(InputError):
            import_pack(make_pack(tmp_path / f"{name}.ckpack", entries))
    not_zip = tmp_path / "fake.ckpack"
    not_zip.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="not a template pack"):
        import_pack(not_zip)
    with pytest.raises(InputError, match="entries"):
        import_pack(make_pack(tmp_path / "many.ckpack",
                              [("template.json", template_doc())]
                              + [(f"f{i}.txt", b"x") for i in range(6)]),
                    limits=PackLimits(max_entries=5))
    assert_nothing_installed(data_dir)


# ------------------------------------------------------------------------------ zip bomb

def test_zip_bomb_is_refused_from_the_headers(tmp_path: Path, data_dir: Path) -> None:
    pack = tmp_path / "bomb.ckpack"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("template.json", template_doc())
        with zf.open("zeros.png", "w", force_zip64=True) as fh:
            for _ in range(200):
                fh.write(chunk)
    assert pack.stat().st_size < 400 * 1024  # 200 MB of zeros in a few hundred KB
    with pytest.raises(InputError, match="size cap"):
        import_pack(pack)
    assert_nothing_installed(data_dir)


def test_zip_bomb_with_lying_headers_is_stopped_while_streaming(tmp_path: Path,
                                                                data_dir: Path) -> None:
    pack = tmp_path / "liar.ckpack"
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("template.json", template_doc())
        zf.writestr("zeros.png", bytes(8 << 20))
    # Rewrite the 8 MB entry's declared size (local header and central directory) to 1000.
    data = bytearray(pack.read_bytes())
    size = (8 << 20).to_bytes(4, "little")
    small = (1000).to_bytes(4, "little")
    count = 0
    start = 0
    while (i := data.find(size, start)) >= 0:
        data[i : i + 4] = small
        count += 1
        start = i + 4
    assert count == 2
    pack.write_bytes(bytes(data))
    with zipfile.ZipFile(pack) as zf:
        assert zf.getinfo("zeros.png").file_size == 1000  # the headers now lie
    with pytest.raises(InputError) as err:
        import_pack(pack, limits=PackLimits(max_unpacked_bytes=2 << 20))
    assert "liar.ckpack" in err.value.message
    assert "damaged" in err.value.message or "headers" in err.value.message
    assert_nothing_installed(data_dir)


# ------------------------------------------------------------------- template inside pack

@pytest.mark.parametrize("ref", ["../outside.png", "/etc/passwd", "http://127.0.0.1:9/a.png",
                                 "concat:a.png|b.png", "../../etc/passwd"])
def test_asset_escaping_its_pack_is_refused(tmp_path: Path, data_dir: Path, ref: str) -> None:
    (tmp_path / "outside.png").write_bytes(png_bytes())
    pack = make_pack(tmp_path / "esc.ckpack", [
        ("template.json", template_doc(overlays=[{"kind": "image", "path": ref}]))])
    with pytest.raises(InputError) as err:
        import_pack(pack)
    assert "esc.ckpack" in err.value.message
    assert_nothing_installed(data_dir)


def test_hostile_template_json_inside_a_pack(tmp_path: Path, data_dir: Path) -> None:
    for i, body in enumerate([b"[" * 100_000, b'{"schema_version": 1, "name": "x", '
                              b'"title_ar": "a", "title_en": NaN}',
                              template_doc(schema_version=7), template_doc(name=7)]):
        pack = make_pack(tmp_path / f"h{i}.ckpack", [("template.json", body)])
        with pytest.raises(InputError) as err:
            import_pack(pack)
        assert f"h{i}.ckpack" in err.value.message
    assert_nothing_installed(data_dir)


def test_builtin_name_needs_another_name(tmp_path: Path) -> None:
    pack = export_pack("maskup", tmp_path / "m.ckpack")
    with pytest.raises(InputError, match="built-in"):
        import_pack(pack)
    with pytest.raises(InputError, match="must be lower-case"):
        import_pack(pack, name="../evil")


def test_templates_cli_import_export(tmp_path: Path, data_dir: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "heroes.ckpack"
    assert main(["templates", "export", "thank-you-heroes", str(out)]) == 0
    assert main(["templates", "export", "thank-you-heroes", str(out)]) == 2  # exists
    assert main(["templates", "import", str(out), "--name", "heroes-eg"]) == 0
    assert main(["templates", "import", str(out), "--name", "heroes-eg"]) == 2
    assert main(["templates", "import", str(out), "--name", "heroes-eg", "--overwrite"]) == 0
    assert find_template("heroes-eg").template.title_en == "Thank You Heroes"
    evil = make_pack(tmp_path / "evil.ckpack", [("template.json", template_doc()),
                                                ("../x", b"")])
    assert main(["templates", "import", str(evil)]) == 2
    assert "error:" in capsys.readouterr().err


def test_entry_that_is_both_file_and_folder(tmp_path: Path, data_dir: Path) -> None:
    pack = make_pack(tmp_path / "clash.ckpack", [("template.json", template_doc()),
                                                 ("img.png", b"x"), ("img.png/a.png", png_bytes())])
    with pytest.raises(InputError, match="both a file and a folder"):
        import_pack(pack)
    assert_nothing_installed(data_dir)
