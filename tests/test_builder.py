"""One project builder for flags, templates and batch rows: every flag applies, every value checked.

Each render flag is tried with and without ``--template``, and the saved project
(``--save-project`` without ``-o`` saves only) must carry its value. Bad values, as the
hostile-input report listed them, end with exit 2 and one ``error:`` line naming the flag,
before anything is written.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from creator_kit.batch.jobs import plan_batch
from creator_kit.builder import OptionError, ProjectOptions, build_project
from creator_kit.cli.main import main
from creator_kit.core.captions import STYLES
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.model import (
    CaptionLayer,
    ClipRef,
    FaceMaskLayer,
    ImageLayer,
    OutputSettings,
    Project,
)
from creator_kit.core.project_io import load_project, save_project, validate_project

ARABIC = "لا تنسوا الكمامة"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A clip name (not read when only saving), a PNG, a WAV name and two subtitle files."""
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00")
    png = tmp_path / "badge.png"
    Image.new("RGBA", (40, 20), (255, 0, 0, 255)).save(png)
    music = tmp_path / "music.wav"
    music.write_bytes(b"\x00")
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello there\n", encoding="utf-8")
    cp1256 = tmp_path / "ar.srt"
    cp1256.write_bytes(f"1\n00:00:00,000 --> 00:00:01,000\n{ARABIC}\n".encode("cp1256"))
    return {"clip": clip, "png": png, "music": music, "srt": srt, "cp1256": cp1256}


def saved(tmp_path: Path, files: dict[str, Path], flags: list[str], template: str | None
          ) -> Project:
    out = tmp_path / "p.ckproj"
    args = ["render", "-i", str(files["clip"]), "--save-project", str(out), *flags]
    if template:
        args += ["--template", template]
    assert main(args) == 0
    return load_project(out)


def user_captions(p: Project) -> list[CaptionLayer]:
    return [x for x in p.layers if isinstance(x, CaptionLayer)]


Check = Callable[[Project, dict[str, Path]], bool]
# Each flag (with what it needs) and how its value shows in the saved project.
FLAG_CASES: dict[str, tuple[list[str], Check]] = {
    "trim": (["--trim", "0.5:1.5"], lambda p, f: (p.clips[0].start, p.clips[0].end) == (0.5, 1.5)),
    "reframe": (["--reframe", "fill"], lambda p, f: p.reframe.mode == "fill"),
    "offset": (["--offset", "-0.5"], lambda p, f: p.reframe.offset_x == -0.5),
    "bar-colour": (["--bar-colour", "#ff0000"], lambda p, f: p.reframe.bar_colour == "#ff0000"),
    "sticker": (["--sticker", "{png}@x=0.3,y=0.6,w=0.2,from=1,to=2,anim=fade,opacity=0.5"],
                lambda p, f: any(isinstance(x, ImageLayer) and Path(x.path) == f["png"]
                                 and (x.placement.x, x.placement.y, x.placement.width,
                                      x.start, x.end, x.opacity, x.enter.kind)
                                 == (0.3, 0.6, 0.2, 1.0, 2.0, 0.5, "fade") for x in p.layers)),
    "face-mask": (["--face-mask", "n95"],
                  lambda p, f: [x.settings.style for x in p.layers
                                if isinstance(x, FaceMaskLayer)] == ["n95"]),
    "face-tracks": (["--face-mask", "cloth", "--face-tracks", "2,3"],
                    lambda p, f: [x.settings.tracks for x in p.layers
                                  if isinstance(x, FaceMaskLayer)] == [(2, 3)]),
    "caption": (["--caption", "hello world"],
                lambda p, f: [c.text for c in user_captions(p)][-1] == "hello world"),
    "captions": (["--captions", "{srt}"],
                 lambda p, f: user_captions(p)[-1].cues[0].text == "hello there"),
    "caption-style": (["--caption", "hi", "--caption-style", "clean"],
                      lambda p, f: user_captions(p)[-1].style.replace(font_file=None)
                      == STYLES["clean"]),
    "highlight": (["--caption", "hello world", "--highlight", "words"],
                  lambda p, f: user_captions(p)[-1].highlight == "words"),
    "encoding": (["--captions", "{cp1256}", "--encoding", "cp1256"],
                 lambda p, f: user_captions(p)[-1].cues[0].text == ARABIC),
    "music": (["--music", "{music}"], lambda p, f: Path(p.audio.music or "") == f["music"]),
    "music-volume": (["--music-volume", "0.8"], lambda p, f: p.audio.music_volume == 0.8),
    "no-source-audio": (["--no-source-audio"], lambda p, f: p.audio.keep_source is False),
    "no-normalise": (["--no-normalise"], lambda p, f: p.audio.normalise is False),
    "loudness": (["--loudness", "-16"], lambda p, f: p.audio.loudness_lufs == -16.0),
    "audio-tail": (["--audio-tail", "freeze"], lambda p, f: p.clips[0].tail == "freeze"),
    "card": (["--card", "5"], lambda p, f: p.card is not None and p.card.duration == 5.0),
    "card-background": (["--card", "4", "--card-background", "#112233"],
                        lambda p, f: p.card is not None and p.card.background.colour == "#112233"
                        and p.card.background.kind == "colour"),
    "card-gradient": (["--card", "4", "--card-background", "gradient:#112233:#445566"],
                      lambda p, f: p.card is not None and
                      (p.card.background.colour, p.card.background.colour2)
                      == ("#112233", "#445566")),
    "card-logo": (["--card", "4", "--card-logo", "{png}"],
                  lambda p, f: p.card is not None and any(
                      isinstance(x, ImageLayer) and Path(x.path) == f["png"]
                      for x in p.card.layers)),
    "preset": (["--preset", "shorts"], lambda p, f: p.output.preset == "shorts"),
    "fps": (["--fps", "25"], lambda p, f: p.output.fps == 25.0),
    "crf": (["--crf", "23"], lambda p, f: p.output.crf == 23),
    "x264-preset": (["--x264-preset", "fast"], lambda p, f: p.output.x264_preset == "fast"),
}


@pytest.mark.parametrize("template", [None, "maskup"])
@pytest.mark.parametrize("case", sorted(FLAG_CASES))
def test_every_flag_applies_with_and_without_a_template(
    tmp_path: Path, files: dict[str, Path], case: str, template: str | None
) -> None:
    flags, check = FLAG_CASES[case]
    flags = [a.format(**{k: str(v) for k, v in files.items()}) for a in flags]
    without = saved(tmp_path, files, [], template)
    assert not holds(check, without, files), "the default has the value: the test proves nothing"
    (tmp_path / "p.ckproj").unlink()
    assert holds(check, saved(tmp_path, files, flags, template), files)


def holds(check: Check, p: Project, files: dict[str, Path]) -> bool:
    try:
        return check(p, files)
    except (IndexError, AttributeError):  # e.g. no caption layer at all
        return False


def test_template_keeps_its_own_layers_under_the_flags(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    p = saved(tmp_path, files, ["--caption", "hello world", "--caption-style", "clean",
                                "--highlight", "words", "--face-tracks", "1"], "maskup")
    kinds = [type(x).__name__ for x in p.layers]
    assert "StickerLayer" in kinds and "TipCardLayer" in kinds  # the template's overlays
    masks = [x for x in p.layers if isinstance(x, FaceMaskLayer)]
    assert [m.settings.tracks for m in masks] == [(1,)]  # the template's own mask, restricted
    assert p.card is not None and p.card.duration == 3.5  # the template's end card
    caption = user_captions(p)[-1]
    assert (caption.text, caption.highlight) == ("hello world", "words")


def test_batch_row_and_command_line_build_the_same_project(
    tmp_path: Path, files: dict[str, Path], landscape_clip: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["input", "output", "template", "caption", "language", "logos",
                    "var:creator"])
        w.writerow([str(landscape_clip), "a.mp4", "maskup", "hi {creator}", "en",
                    files["png"].name, "@salma"])
    plan = plan_batch(sheet, tmp_path / "out")
    assert plan.ok, plan.report()
    files = {**files, "clip": landscape_clip}
    cli = saved(tmp_path, files, ["--caption", "hi {creator}", "--language", "en",
                                  "--card-logo", str(files["png"]), "--var", "creator=@salma"],
                "maskup")
    assert plan.jobs[0].project == cli


# ------------------------------------------------------------------------------ bad values

BAD_VALUES: list[tuple[list[str], str]] = [
    (["--sticker", "{png}@w=100"], "--sticker"),  # once a 108000-px image
    (["--sticker", "{png}@x=nan"], "--sticker"),
    (["--sticker", "{png}@w=1e308"], "--sticker"),
    (["--sticker", "{png}@opacity=-1"], "--sticker"),
    (["--sticker", "{png}@anim=spin"], "--sticker"),
    (["--trim", "0:nan:1"], "--trim"),
    (["--trim", "0:1:inf"], "--trim"),
    (["--fps", "nan"], "--fps"),
    (["--fps", "1e9"], "--fps"),
    (["--fps", "0"], "--fps"),
    (["--bar-colour", "#zzz"], "--bar-colour"),
    (["--captions", "{srt}", "--encoding", "hex"], "--encoding"),
    (["--captions", "{srt}", "--encoding", "base64"], "--encoding"),
    (["--captions", "{srt}", "--encoding", "rot13"], "--encoding"),
    (["--captions", "{srt}", "--encoding", "no-such-codec"], "--encoding"),
    (["--crf", "99"], "--crf"),
    (["--offset", "5"], "--offset"),
    (["--music-volume", "nan"], "--music-volume"),
    (["--music-volume", "-1"], "--music-volume"),
    (["--loudness", "inf"], "--loudness"),
    (["--card", "1e9"], "--card"),
    (["--card", "4", "--card-background", "#12"], "--card-background"),
    (["--card", "4", "--card-background", "gradient:#zz0000:#000000"], "--card-background"),
    (["--face-mask", "n95", "--face-tracks", "x"], "--face-tracks"),
    (["--face-mask", "n95", "--face-tracks", "0"], "--face-tracks"),
    (["--caption-style", "clean"], "--caption-style"),  # no caption to style
    (["--music", "http://example.com/a.mp3"], "--music"),
]


@pytest.mark.parametrize("template", [None, "maskup"])
@pytest.mark.parametrize(("flags", "flag"), BAD_VALUES, ids=[" ".join(f) for f, _ in BAD_VALUES])
def test_bad_values_exit_2_naming_the_flag_before_any_work(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str],
    flags: list[str], flag: str, template: str | None,
) -> None:
    flags = [a.format(**{k: str(v) for k, v in files.items()}) for a in flags]
    out, proj = tmp_path / "out.mp4", tmp_path / "p.ckproj"
    args = ["render", "-i", str(files["clip"]), "-o", str(out), "--save-project", str(proj),
            *flags]
    if template:
        args += ["--template", template]
    before = sorted(tmp_path.iterdir())
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {flag}"), err
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_card_background_needs_a_card(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "p.ckproj"
    assert main(["render", "-i", str(files["clip"]), "--save-project", str(proj),
                 "--card-background", "#123456"]) == 2
    assert capsys.readouterr().err.startswith("error: --card-background: needs --card")
    assert not proj.exists()
    # A template's end card is a card to put it on.
    p = saved(tmp_path, files, ["--card-background", "#123456"], "maskup")
    assert p.card is not None and p.card.background.colour == "#123456"


def test_a_project_file_with_a_huge_integer_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "big.ckproj"
    proj.write_text('{"schema_version": 1, "clips": [{"source": "a.mp4", "start": '
                    + "9" * 5000 + "}]}", encoding="utf-8")
    with pytest.raises(InputError, match="digits"):
        load_project(proj)
    assert main(["render", str(proj), "--save-project", str(tmp_path / "x.ckproj")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {proj}"), lines


def test_a_deeply_nested_batch_manifest_is_ignored_not_a_crash(tmp_path: Path) -> None:
    from creator_kit.batch.jobs import MANIFEST_NAME
    from creator_kit.batch.runner import load_manifest

    (tmp_path / MANIFEST_NAME).write_text("[" * 200_000, encoding="utf-8")
    assert load_manifest(tmp_path) == {}
    (tmp_path / MANIFEST_NAME).write_text('{"outputs": ' + "9" * 5000 + "}", encoding="utf-8")
    assert load_manifest(tmp_path) == {}


def test_flags_on_a_loaded_project_apply_and_are_checked(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src.ckproj"
    save_project(Project(clips=(ClipRef(str(files["clip"])),)), src)
    out = tmp_path / "p.ckproj"
    assert main(["render", str(src), "--save-project", str(out), "--fps", "24", "--crf", "30",
                 "--caption", "hi", "--loudness", "-20"]) == 0
    p = load_project(out)
    assert (p.output.fps, p.output.crf, p.audio.loudness_lufs) == (24.0, 30, -20.0)
    assert user_captions(p)[-1].text == "hi"
    capsys.readouterr()
    assert main(["render", str(src), "--save-project", str(tmp_path / "q.ckproj"),
                 "--fps", "1e9"]) == 2
    assert capsys.readouterr().err.startswith("error: --fps")
    assert main(["render", str(src), "--save-project", str(tmp_path / "q.ckproj"),
                 "--template", "maskup"]) == 2
    assert capsys.readouterr().err.startswith("error: --template: a loaded project")
    assert not (tmp_path / "q.ckproj").exists()


# -------------------------------------------------------------------- saving the project


def test_save_project_does_not_replace_without_overwrite(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "p.ckproj"
    proj.write_text("mine", encoding="utf-8")
    args = ["render", "-i", str(files["clip"]), "--save-project", str(proj)]
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "already exists" in err[0] and "--overwrite" in err[0]
    assert proj.read_text(encoding="utf-8") == "mine"
    assert main([*args, "--overwrite"]) == 0
    assert load_project(proj).clips[0].source == str(files["clip"])


def test_save_project_replaces_a_symlink_never_its_target(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "p.ckproj"
    link.symlink_to(victim)
    args = ["render", "-i", str(files["clip"]), "--save-project", str(link)]
    assert main(args) == 2
    assert link.is_symlink() and victim.read_text(encoding="utf-8") == "keep me"
    dangling = tmp_path / "d.ckproj"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    assert main(["render", "-i", str(files["clip"]), "--save-project", str(dangling)]) == 2
    assert dangling.is_symlink()
    assert main([*args, "--overwrite"]) == 0
    assert not link.is_symlink() and victim.read_text(encoding="utf-8") == "keep me"
    assert load_project(link).clips[0].source == str(files["clip"])


def test_save_project_refuses_what_it_could_not_load(tmp_path: Path) -> None:
    # A Project built in code skips the file's range checks; saving runs them.
    bad = Project(clips=(ClipRef("a.mp4"),), output=OutputSettings(fps=float("nan")))
    with pytest.raises(InputError, match="fps"):
        save_project(bad, tmp_path / "p.ckproj")
    with pytest.raises(InputError, match="fps"):
        validate_project(bad)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError, match="already exists"):
        (tmp_path / "q.ckproj").write_text("x", encoding="utf-8")
        save_project(Project(clips=(ClipRef("a.mp4"),)), tmp_path / "q.ckproj", overwrite=False)


def test_options_name_their_source_in_errors() -> None:
    opts = ProjectOptions(clips=("a.mp4",), fps=1e9, labels={"fps": "the frame rate box"})
    with pytest.raises(OptionError) as info:
        build_project(opts)
    assert info.value.option == "fps"
    assert info.value.message.startswith("the frame rate box: must be at most 60")


def test_without_output_or_save_project_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "-i", str(files["clip"])]) == 2
    assert capsys.readouterr().err.startswith("error: give -o")


def test_saved_project_is_written_with_user_permissions(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    old = os.umask(0o022)
    try:
        saved(tmp_path, files, [], None)
    finally:
        os.umask(old)
    assert (tmp_path / "p.ckproj").stat().st_mode & 0o777 == 0o644


# ------------------------------------------------------------------------------- warnings


@pytest.mark.slow
def test_drawing_warnings_reach_the_result_the_preview_and_the_callback(
    tmp_path: Path, landscape_clip: Path
) -> None:
    from creator_kit.core.model import Placement
    from creator_kit.render.export import export
    from creator_kit.render.preview import Previewer

    project = Project(
        clips=(ClipRef(str(landscape_clip), 0.0, 1.0),),
        output=OutputSettings(x264_preset="ultrafast"),
        layers=(CaptionLayer(text="hello \U00013000", style=STYLES["clean"],
                             placement=Placement(x=0.5, y=0.97, anchor="bottom")),),
    )
    got: list[str] = []
    result = export(project, tmp_path / "out.mp4", on_warning=got.append)
    glyph = [w for w in result.warnings if "U+13000" in w]
    band = [w for w in result.warnings if "bottom band" in w]
    assert len(glyph) == 1 and len(band) == 1, result.warnings
    assert got == list(result.warnings)  # the callback saw the same, once each
    seen: list[str] = []
    preview = Previewer(project, on_warning=seen.append)
    try:
        preview.frame(0.5)
        assert preview.warnings == result.warnings
        assert seen == list(result.warnings)
    finally:
        preview.close()


@pytest.mark.slow
def test_cli_prints_each_warning_once_with_its_prefix(
    tmp_path: Path, landscape_clip: Path
) -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "creator_kit.cli.main", "render", "-i", str(landscape_clip),
         "--trim", "0:1", "-o", str(tmp_path / "out.mp4"), "--caption", "hello \U00013000",
         "--face-mask", "surgical", "--x264-preset", "ultrafast", "--progress", "none"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert res.returncode == 0, res.stderr
    lines = res.stderr.splitlines()
    warnings = [line for line in lines if not line.startswith("wrote ")]
    assert all(line.startswith("warning: ") for line in warnings), lines
    assert len(warnings) == len(set(warnings))
    assert sum("U+13000" in line for line in lines) == 1  # once, not again unprefixed
    assert sum("no faces found" in line for line in lines) == 1


def test_export_refuses_a_hand_built_project_out_of_range(tmp_path: Path) -> None:
    from creator_kit.render.export import export

    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"\x00")
    bad = Project(clips=(ClipRef(str(clip)),), output=OutputSettings(crf=99))
    with pytest.raises(InputError, match=r"output\.crf: must be at most 51"):
        export(bad, tmp_path / "out.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4"]


@pytest.mark.parametrize("template", [None, "maskup"])
def test_relative_paths_keep_meaning_the_same_files_in_a_saved_project(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
    template: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    args = ["render", "-i", "clip.mp4", "--sticker", "badge.png@x=0.3", "--music", "music.wav",
            "--save-project", "sub/p.ckproj"]
    assert main([*args, *(["--template", template] if template else [])]) == 0
    p = load_project(tmp_path / "sub" / "p.ckproj")  # read against its own folder, sub/
    assert Path(p.clips[0].source) == files["clip"]
    assert Path(p.audio.music or "") == files["music"]
    assert any(isinstance(x, ImageLayer) and Path(x.path) == files["png"] for x in p.layers)


def test_trim_applies_to_a_loaded_project(tmp_path: Path, files: dict[str, Path]) -> None:
    src = tmp_path / "src.ckproj"
    save_project(Project(clips=(ClipRef(str(files["clip"])), ClipRef(str(files["clip"])))), src)
    assert main(["render", str(src), "--trim", "1:0.5:1.5",
                 "--save-project", str(tmp_path / "p.ckproj")]) == 0
    p = load_project(tmp_path / "p.ckproj")
    assert (p.clips[1].start, p.clips[1].end) == (0.5, 1.5) and p.clips[0].start == 0.0
    assert main(["render", str(src), "--trim", "2:0:1",
                 "--save-project", str(tmp_path / "q.ckproj")]) == 2


# ----------------------------------------------------------------- batch option columns


def _sheet(path: Path, header: list[str], row: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(row)
    return path


def test_batch_columns_named_like_flags_apply_like_the_flags(
    tmp_path: Path, files: dict[str, Path], landscape_clip: Path
) -> None:
    flags = {"caption-style": "clean", "highlight": "words", "fps": "25", "crf": "23",
             "music-volume": "0.8", "Face_Tracks": "1", "bar-colour": "#112233",
             "loudness": "-16", "card": "5", "trim": "0.5:1.5", "music": files["music"].name,
             "stickers": f"{files['png'].name}@x=0.3,w=0.2"}
    sheet = _sheet(tmp_path / "s.csv", ["input", "output", "template", "caption", *flags],
                   [str(landscape_clip), "a", "maskup", "hello world", *flags.values()])
    plan = plan_batch(sheet, tmp_path / "out")
    assert plan.ok, plan.report()
    cli = saved(tmp_path, {**files, "clip": landscape_clip},
                ["--caption", "hello world", "--caption-style", "clean", "--highlight", "words",
                 "--fps", "25", "--crf", "23", "--music-volume", "0.8", "--face-tracks", "1",
                 "--bar-colour", "#112233", "--loudness", "-16", "--card", "5",
                 "--trim", "0.5:1.5", "--music", str(files["music"]),
                 "--sticker", f"{files['png']}@x=0.3,w=0.2"], "maskup")
    assert plan.jobs[0].project == cli
    assert cli.output.fps == 25.0 and cli.card is not None and cli.card.duration == 5.0


@pytest.mark.parametrize(("column", "value"), [
    ("fps", "nan"), ("fps", "1e9"), ("crf", "99"), ("crf", "twenty"), ("bar-colour", "#zzz"),
    ("music-volume", "-1"), ("encoding", "rot13"), ("caption-style", "fancy"),
    ("stickers", "badge.png@w=100"), ("trim", "3:0:1"), ("offset", "5"),
])
def test_batch_option_cells_are_checked_and_named_before_anything_runs(
    tmp_path: Path, files: dict[str, Path], landscape_clip: Path, column: str, value: str
) -> None:
    sheet = _sheet(tmp_path / "s.csv", ["input", "output", "template", "caption", column],
                   [str(landscape_clip), "a", "maskup", "hi", value])
    plan = plan_batch(sheet, tmp_path / "out")
    assert not plan.ok and not plan.jobs
    lines = plan.report()
    assert len(lines) == 1 and f"row 2, column {column!r}" in lines[0], lines
