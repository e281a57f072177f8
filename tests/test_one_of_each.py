"""The small utilities that exist once: colours, atomic saves, frame rates, assets, probing."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from creator_kit.core.assets import asset_path, assets_dir
from creator_kit.core.atomic import atomic_write
from creator_kit.core.captions import CaptionStyle
from creator_kit.core.colour import parse_colour, parse_rgb
from creator_kit.core.errors import OutputError
from creator_kit.core.model import Background, ClipRef, Project, Reframe, StickerLayer
from creator_kit.core.project_io import save_project
from creator_kit.core.rates import fps_fraction, fps_label
from creator_kit.core.schema import SchemaError, from_data

PACKAGE = Path(__file__).resolve().parents[1] / "creator_kit"


# ----------------------------------------------------------------------------- colours


@pytest.mark.parametrize(
    ("text", "rgba"),
    [
        ("#fff", (255, 255, 255, 255)),
        ("#0B7A75", (11, 122, 117, 255)),
        ("#10203040", (16, 32, 48, 64)),
        ("white", (255, 255, 255, 255)),
        ("Green", (0, 128, 0, 255)),  # CSS's green, not lime
        ("transparent", (0, 0, 0, 0)),
    ],
)
def test_one_colour_format(text: str, rgba: tuple[int, int, int, int]) -> None:
    assert parse_colour(text) == rgba
    assert parse_rgb(text) == rgba[:3]


@pytest.mark.parametrize("bad", ["", "fff", "#ff", "#ffff", "#12345", "#gg0000", "chalk", "#fff "])
def test_bad_colours_are_refused_with_the_format(bad: str) -> None:
    if bad == "#fff ":  # surrounding spaces are forgiven, as a user types them
        assert parse_colour(bad) == (255, 255, 255, 255)
        return
    with pytest.raises(ValueError, match="#rrggbb"):
        parse_colour(bad)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Reframe(mode="fit", bar_colour="#12"), "bar_colour"),
        (lambda: Background(kind="gradient", colour2="blu"), "colour2"),
        (lambda: StickerLayer(name="mask-up", colour="#00000"), "colour"),
        (lambda: CaptionStyle(highlight_colour="yellowish"), "highlight_colour"),
    ],
)
def test_a_bad_colour_fails_when_the_model_is_built(build: object, field: str) -> None:
    with pytest.raises(SchemaError) as err:
        build()  # type: ignore[operator]
    assert err.value.where == field


def test_a_project_file_with_a_bad_colour_names_the_field() -> None:
    doc = {"clips": [{"source": "a.mp4"}], "reframe": {"mode": "fit", "bar_colour": "#xyz"}}
    with pytest.raises(SchemaError) as err:
        from_data(Project, doc)
    assert err.value.where == "reframe.bar_colour"
    assert str(err.value).startswith("reframe.bar_colour: colour '#xyz' must look like #rgb")


# ------------------------------------------------------------------------- atomic saves


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_files_get_the_users_normal_permissions(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        written = atomic_write(tmp_path / "a.txt", "hello")
        save_project(Project(clips=(ClipRef("clip.mp4"),)), tmp_path / "p.ckproj")
    finally:
        os.umask(old)
    assert _mode(written) == 0o666 & ~umask
    assert _mode(tmp_path / "p.ckproj") == 0o666 & ~umask


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "doc.json"
    target.write_text("old")

    def broken(fh: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"doc\.json: cannot write summary \(No space"):
        atomic_write(target, broken, what="summary")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]  # no temp file left


def test_atomic_write_without_overwrite_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    atomic_write(target, b"\x00\x01", overwrite=False)
    assert target.read_bytes() == b"\x00\x01"
    with pytest.raises(OutputError, match="already exists"):
        atomic_write(target, b"new", overwrite=False)
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_text_is_written_with_plain_newlines(tmp_path: Path) -> None:
    written = atomic_write(tmp_path / "a.srt", "1\nمرحبا\n")
    assert written.read_bytes() == "1\nمرحبا\n".encode()


# --------------------------------------------------------------------------- frame rates


@pytest.mark.parametrize(
    ("fps", "text"),
    [
        (29.97, "30000/1001"),
        (30000 / 1001, "30000/1001"),
        (23.976, "24000/1001"),
        (59.94, "60000/1001"),
        (30, "30/1"),
        (25.0, "25/1"),
        (12.5, "25/2"),
    ],
)
def test_frame_rates_are_exact_fractions(fps: float, text: str) -> None:
    assert fps_fraction(fps) == text


def test_frame_rate_labels_and_range() -> None:
    assert fps_label(30000 / 1001) == "29.97" and fps_label(30.0) == "30"
    with pytest.raises(ValueError):
        fps_fraction(0.5)


# -------------------------------------------------------------------------------- assets


def test_assets_are_found_in_one_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (asset_path("fonts") / "NotoSans-Regular.ttf").is_file()
    assert asset_path("templates", "maskup", "template.json").is_file()
    monkeypatch.setenv("CREATOR_KIT_ASSETS", str(tmp_path))
    assert assets_dir() == tmp_path
    assert asset_path("masks", "x.png") == tmp_path / "masks" / "x.png"


# -------------------------------------------------------------------------- one of each


def _grep(pattern: str) -> list[str]:
    """``file:line`` of every line of the package matching ``pattern`` (as git grep would)."""
    rx = re.compile(pattern)
    return [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if rx.search(line)
    ]


def _files(pattern: str) -> set[str]:
    return {hit.split(":")[0] for hit in _grep(pattern)}


def test_one_of_each_in_the_tree() -> None:
    assert len(_grep(r"^def parse_colour\(")) == 1
    assert _files(r"^def parse_colour\(") == {"core/colour.py"}
    # Hex digits are read in one place: no second parser hiding under another name.
    assert _files(r"0-9a-fA-F|int\(.*, 16\)") == {"core/colour.py"}
    # (mkstemp stays for scratch files nobody keeps, such as ffmpeg's long filter graphs.)
    assert _files(r"os\.fsync\(|os\.replace\(") == {"core/atomic.py"}
    assert _files(r"limit_denominator\(|/1001") == {"core/rates.py"}
    assert _files(r"\"assets\"") == {"core/assets.py"}
