"""Property-based tests of every reader of user files and of the render flags.

Any input gives a valid object or the module's own error with a one-line message: never
another exception, a hang (tests/fuzzing.py), or a file written outside the folder the
reader may write to. ``make test`` runs a fixed handful of examples per reader;
``make fuzz`` runs thousands of fresh ones.
"""

from __future__ import annotations

import copy
import io
import json
import math
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from creator_kit.core.errors import CreatorKitError, InputError
from creator_kit.core.project_io import load_project, save_project
from creator_kit.templates.store import builtin_dir
from tests.fuzzing import no_hang, tree

pytestmark = [pytest.mark.slow, pytest.mark.fuzz]

MASKUP = json.loads((builtin_dir() / "maskup" / "template.json").read_text(encoding="utf-8"))

# ------------------------------------------------------------------------------ strategies

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30)
           | st.floats() | st.text(max_size=30)
           | st.sampled_from(["", "#zzz", "#12345678", "../x", "/etc/passwd", "http://x/a.mp4",
                              "concat:a|b", "{creator}", "\x00", "لا تنسوا الكمامة"]))
json_values = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids,
                                                               max_size=4),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with one to three values replaced, removed or added at random places."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        if not path:
            doc = draw(json_values)
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
        else:
            parent.insert(path[-1], draw(json_values))
    return doc


@st.composite
def document_bytes(draw: st.DrawFn, doc: Any) -> bytes:
    """A JSON document: a mutated valid one, its text cut or spliced, or any bytes."""
    kind = draw(st.sampled_from(["mutated", "mutated", "spliced", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    text = json.dumps(draw(mutated(doc)), ensure_ascii=False, allow_nan=True)
    if kind == "spliced":
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 20))
        text = text[:at] + draw(st.text(max_size=10)) + text[at + cut:]
    return text.encode("utf-8", "surrogatepass")


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder for one example (pytest's tmp_path is shared by all examples)."""
    with tempfile.TemporaryDirectory(prefix="ck-fuzz-") as name:
        yield Path(name)


def assert_own_error(exc: CreatorKitError) -> None:
    """The module's own error carries a one-line, non-empty message."""
    assert exc.message.strip() and "\n" not in exc.message


# ----------------------------------------------------------------------------- projects


def _rich_project_doc() -> Any:
    from creator_kit.builder import ProjectOptions, build_project
    from creator_kit.core.schema import to_data

    project = build_project(ProjectOptions(
        clips=("a.mp4", "b.mp4"), trims=("1:0.5:2",), template="maskup",
        caption="hello {creator}", face_mask="n95", face_tracks="1,2", card=4.0,
        stickers=("s.png@x=0.2,w=0.3,to=3",), music="m.wav", fps=25.0, crf=22))
    return to_data(project)


PROJECT_DOC = _rich_project_doc()


@given(data=document_bytes(PROJECT_DOC))
def test_project_file(data: bytes) -> None:
    with scratch() as folder:
        path = folder / "p.ckproj"
        path.write_bytes(data)
        with no_hang():
            try:
                project = load_project(path)
            except InputError as exc:
                assert_own_error(exc)
                assert tree(folder) == {"p.ckproj"}
                return
            # A valid object: it saves, and what was saved loads back the same.
            save_project(project, folder / "again.ckproj")
            assert load_project(folder / "again.ckproj") == project


@given(data=document_bytes(PROJECT_DOC),
       fps=st.none() | st.floats().map(repr) | st.sampled_from(["nan", "1e9", "0", "25"]))
def test_project_file_through_the_command_line(
    data: bytes, fps: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    from creator_kit.cli.main import main

    with scratch() as folder:
        path = folder / "p.ckproj"
        path.write_bytes(data)
        args = ["render", str(path), "--save-project", str(folder / "out.ckproj")]
        if fps is not None:
            args.append(f"--fps={fps}")
        capsys.readouterr()
        with no_hang():
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code  # type: ignore[assignment]
        err = capsys.readouterr().err.splitlines()
        if code == 0:  # what was saved opens again
            assert load_project(folder / "out.ckproj").clips
        else:
            assert code == 2 and len(err) == 1 and err[0].startswith("error: "), err
            assert tree(folder) == {"p.ckproj"}


# ---------------------------------------------------------------------------- templates


@given(data=document_bytes(MASKUP))
def test_template_file(data: bytes) -> None:
    from creator_kit.templates.format import load_template

    with scratch() as folder:
        (folder / "t").mkdir()
        (folder / "t" / "template.json").write_bytes(data)
        (folder / "t" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        before = tree(folder)
        with no_hang():
            try:
                loaded = load_template(folder / "t")
            except InputError as exc:
                assert_own_error(exc)
            else:
                assert loaded.template.name
        assert tree(folder) == before


_ENTRY_NAMES = st.sampled_from([
    "template.json", "logo.png", "fonts/a.ttf", "../evil.txt", "/abs.txt", "a/../../up.txt",
    "C:\\win.txt", "a\\b.txt", "dir/", ".hidden", "t/template.json", "x" * 300,
]) | st.text(max_size=40)


@st.composite
def packs(draw: st.DrawFn) -> bytes:
    """A .ckpack: a zip of a (mutated) template.json and odd entries, or its bytes damaged."""
    buf = io.BytesIO()
    doc = draw(st.sampled_from([MASKUP, {**MASKUP, "name": "fuzzed"}]))
    with zipfile.ZipFile(buf, "w") as zf:
        if draw(st.booleans()):
            zf.writestr("template.json", json.dumps(draw(st.just(doc) | mutated(doc)),
                                                    allow_nan=True))
        for name, payload in draw(st.lists(st.tuples(_ENTRY_NAMES, st.binary(max_size=64)),
                                           max_size=4)):
            try:
                with warnings.catch_warnings():  # duplicates are the point
                    warnings.simplefilter("ignore", UserWarning)
                    zf.writestr(name, payload)
            except (ValueError, OSError, IndexError):
                pass  # zipfile itself refuses a few names (empty, a NUL)
    data = bytearray(buf.getvalue())
    for _ in range(draw(st.integers(0, 3))):
        if data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


@given(data=packs())
def test_pack_reader(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from creator_kit.templates.manage import import_pack

    with scratch() as folder:
        home = folder / "data"
        monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(home))
        pack = folder / "p.ckpack"
        pack.write_bytes(data)
        with no_hang():
            try:
                loaded = import_pack(pack)
            except InputError as exc:
                assert_own_error(exc)
            else:
                assert loaded.folder.is_relative_to(home)
        outside = {p for p in tree(folder) if not p.startswith("data")}
        assert outside == {"p.ckpack"}  # nothing written beside or above the user folder
        escaped = [p for p in tree(home) if ".." in Path(p).parts]
        assert not escaped


# ---------------------------------------------------------------------------- subtitles

_SRT_LINES = st.sampled_from([
    "1", "00:00:01,000 --> 00:00:02,000", "00:00:02,000 --> 00:00:01,000", "99:99:99,999 --> -1",
    "لا تنسوا الكمامة", "<i>hi</i>", "WEBVTT", "NOTE x", "[Script Info]", "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\\k20}ha{\\k30}lo",
    "00:00.000 --> 00:01.000", "", "1e308 --> nan",
])


@st.composite
def subtitle_bytes(draw: st.DrawFn) -> bytes:
    """Subtitle-like text (lines of SRT, VTT and ASS shapes) in some encoding, or any bytes."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=2000))
    lines = draw(st.lists(_SRT_LINES | st.text(max_size=40), max_size=30))
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"]))
    return text.encode(encoding, "replace")


@given(data=subtitle_bytes(), suffix=st.sampled_from([".srt", ".vtt", ".ass", ".txt"]),
       encoding=st.sampled_from([None, None, "utf-8", "cp1256", "utf-16", "utf-7", "idna",
                                 "punycode", "hex", "rot13", "undefined", "nope"]))
def test_subtitle_reader(data: bytes, suffix: str, encoding: str | None) -> None:
    from creator_kit.text.subs import load_subs

    with scratch() as folder:
        path = folder / f"s{suffix}"
        path.write_bytes(data)
        with no_hang():
            try:
                subs = load_subs(path, encoding)
            except InputError as exc:
                assert_own_error(exc)
            else:
                assert all(math.isfinite(c.start) and math.isfinite(c.end) for c in subs.cues)
        assert tree(folder) == {path.name}


# -------------------------------------------------------------------------- spreadsheets

_CELLS = (st.sampled_from(["input", "output", "template", "caption", "captions", "language",
                           "logos", "var:creator", "INPUT", "=1+1", "a.mp4", "out", "maskup",
                           "ar", "../x.mp4", "", "fps", "crf", "trim", "stickers", "music",
                           "bar-colour", "nan", "1e9", "0:1:2", "s.png@w=100"])
          | st.text(max_size=20))


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["input", "output", "template", "caption"])
    ws.append(["a.mp4", "a", "maskup", "hello"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx_bytes()


@st.composite
def sheet_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A CSV of odd cells, a damaged XLSX, or any bytes under either name."""
    kind = draw(st.sampled_from(["csv", "csv", "xlsx", "bytes"]))
    if kind == "csv":
        rows = draw(st.lists(st.lists(_CELLS, max_size=8), max_size=8))
        text = "\n".join(",".join(json.dumps(c) if "," in c else c for c in row) for row in rows)
        return ".csv", text.encode("utf-8", "surrogatepass")
    if kind == "xlsx":
        data = bytearray(XLSX)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        return ".xlsx", bytes(data)
    return draw(st.sampled_from([".csv", ".xlsx"])), draw(st.binary(max_size=2000))


@given(sheet=sheet_files())
def test_spreadsheet_reader(sheet: tuple[str, bytes]) -> None:
    from creator_kit.batch.jobs import plan_batch

    suffix, data = sheet
    with scratch() as folder:
        path = folder / f"sheet{suffix}"
        path.write_bytes(data)
        with no_hang():
            try:
                plan = plan_batch(path, folder / "out")  # reads the sheet, checks every row
            except InputError as exc:
                assert_own_error(exc)
            else:
                assert plan.ok or all(p.message for p in plan.problems)
        assert tree(folder) == {path.name}


# ------------------------------------------------------------------ render flags (CLI)

_NUMBERS = (st.floats().map(repr) | st.integers().map(str)
            | st.sampled_from(["nan", "-nan", "inf", "-inf", "1e308", "1e309", "0", "-0",
                               "1_000", "0x10", "", " 1", "١٢", "9" * 5000, "1e-400"])
            | st.text(max_size=12))
_COLOURS = (st.sampled_from(["#000000", "#ffffff80", "#zzz", "#12", "red", "", "#", "#1234567",
                             "#ffffff\n"])
            | st.text(alphabet="#0123456789abcdefgxyzABCDEF", max_size=10))
_FLAG_VALUES = {
    "--offset": _NUMBERS, "--fps": _NUMBERS, "--crf": _NUMBERS, "--music-volume": _NUMBERS,
    "--loudness": _NUMBERS, "--card": _NUMBERS, "--bar-colour": _COLOURS,
    "--card-background": _COLOURS | st.builds(lambda a, b: f"gradient:{a}:{b}", _COLOURS,
                                               _COLOURS),
    "--face-tracks": _NUMBERS | st.text(alphabet="0123456789,- ", max_size=12),
    "--encoding": st.sampled_from(["utf-8", "cp1256", "hex", "base64", "rot13", "undefined",
                                   "idna", ""]) | st.text(max_size=12),
}


@st.composite
def render_flags(draw: st.DrawFn) -> list[str]:
    """Several numeric and colour flags with odd values, a trim and a sticker's options."""
    chosen = draw(st.lists(st.sampled_from(sorted(_FLAG_VALUES)), min_size=1, max_size=4,
                           unique=True))
    args = [f"{flag}={draw(_FLAG_VALUES[flag])}" for flag in chosen]
    if draw(st.booleans()):
        args.append(f"--trim=0:{draw(_NUMBERS)}:{draw(_NUMBERS)}")
    if draw(st.booleans()):
        key = draw(st.sampled_from(["x", "y", "w", "from", "to", "opacity", "anim", "anchor"]))
        args.append(f"--sticker={{png}}@{key}={draw(_NUMBERS)}")
    return args


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("cli-fuzz")
    Image.new("RGBA", (8, 8)).save(folder / "s.png")
    (folder / "a.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n", encoding="utf-8")
    (folder / "clip.mp4").write_bytes(b"\x00")
    (folder / "exists.mp4").write_bytes(b"\x00")
    return {"folder": folder, "png": folder / "s.png", "srt": folder / "a.srt",
            "clip": folder / "clip.mp4", "out": folder / "exists.mp4"}


@given(flags=render_flags(), template=st.sampled_from([None, "maskup"]))
def test_render_flags(flags: list[str], template: str | None, cli_files: dict[str, Path],
                      capsys: pytest.CaptureFixture[str]) -> None:
    from creator_kit.cli.main import main

    # -o names an existing file without --overwrite: values that pass the checks end at
    # "already exists" before anything renders, so every run ends with exit 2 and one line.
    args = ["render", "-i", str(cli_files["clip"]), "-o", str(cli_files["out"]),
            "--captions", str(cli_files["srt"]), "--card=4", "--face-mask=surgical",
            *(a.replace("{png}", str(cli_files["png"])) for a in flags)]
    if template:
        args += ["--template", template]
    before = tree(cli_files["folder"])
    capsys.readouterr()
    with no_hang():
        try:
            code = main(args)
        except SystemExit as exc:  # argparse: not a number for a typed flag
            code = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err.splitlines()
    assert code == 2, err
    assert len(err) == 1 and err[0].startswith("error: "), err
    named = any(a.split("=", 1)[0] in err[0] for a in flags) or "--sticker" in err[0]
    assert named or "already exists" in err[0], err
    assert tree(cli_files["folder"]) == before


@given(command=st.sampled_from(["probe", "faces", "subs", "batch"]), value=_NUMBERS,
       encoding=_FLAG_VALUES["--encoding"])
def test_other_commands_numeric_flags(command: str, value: str, encoding: str,
                                      cli_files: dict[str, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from creator_kit.cli.batch_cmd import _jobs
    from creator_kit.cli.main import main

    if command == "batch":  # --jobs is read after the sheet is planned: test its parser
        try:
            assert 1 <= _jobs(value, 8) <= 64
        except InputError as exc:
            assert_own_error(exc)
        return
    clip, srt = str(cli_files["clip"]), str(cli_files["srt"])
    args = {"probe": ["probe", clip, f"--fps={value}"],
            "faces": ["faces", clip, f"--rate={value}", "--no-cache"],
            "subs": ["subs", "check", srt, f"--encoding={encoding}"]}[command]
    capsys.readouterr()
    with no_hang():
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err.splitlines()
    assert code in (0, 1, 2)
    if code == 2:  # the clip is not a video: valid values end there, invalid ones before
        assert len(err) == 1 and err[0].startswith("error: "), err


# --------------------------------------------------------------------- the project builder

_ANY_NUMBER = st.none() | st.floats() | st.integers(-10**6, 10**6)
_ANY_TEXT = st.none() | st.text(max_size=16) | st.sampled_from(
    ["fill", "fit", "face", "words", "none", "clean", "bold-box", "n95", "cut", "freeze",
     "shorts", "fast", "ar", "en", "1,2", "#ff0000", "gradient:#000000:#ffffff", "last-frame",
     "cp1256", "hex"])


@st.composite
def project_options(draw: st.DrawFn) -> Any:
    """Options as a front end might fill them: any value of roughly the right kind."""
    from creator_kit.builder import ProjectOptions

    text = {name: draw(_ANY_TEXT) for name in (
        "reframe", "bar_colour", "face_mask", "face_tracks", "caption", "caption_style",
        "highlight", "encoding", "audio_tail", "card_background", "preset", "x264_preset",
        "language")}
    numbers = {name: draw(_ANY_NUMBER) for name in (
        "offset", "music_volume", "loudness", "card", "fps")}
    return ProjectOptions(
        clips=tuple(draw(st.lists(st.sampled_from(["a.mp4", "b.mp4"]) | st.text(max_size=8),
                                  min_size=1, max_size=3))),
        trims=tuple(draw(st.lists(st.builds(lambda a, b, c: f"{a}:{b}:{c}", _NUMBERS,
                                            _NUMBERS, _NUMBERS), max_size=2))),
        stickers=tuple(draw(st.lists(st.builds(lambda k, v: f"s.png@{k}={v}", st.sampled_from(
            ["x", "y", "w", "from", "to", "opacity", "anim", "anchor"]), _NUMBERS),
            max_size=2))),
        template=draw(st.sampled_from([None, None, "maskup"])),
        crf=draw(st.none() | st.integers(-10, 100)),
        source_audio=draw(st.none() | st.booleans()),
        normalise=draw(st.none() | st.booleans()),
        **text, **numbers,
    )


@given(options=project_options())
def test_project_builder(options: Any) -> None:
    from creator_kit.builder import build_project

    with scratch() as folder:
        with no_hang():
            try:
                project = build_project(options)
            except InputError as exc:
                assert_own_error(exc)
                return
        # Whatever the builder accepts saves and opens again unchanged.
        save_project(project, folder / "p.ckproj")
        assert load_project(folder / "p.ckproj") == project


# ----------------------------------------------------------------- MP4 bytes: probe, check


@pytest.fixture(scope="module")
def mp4_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.mediagen import make_clip

    return make_clip(tmp_path_factory.mktemp("mp4") / "c.mp4", size="64x64", duration=0.5,
                     extra_out=("-movflags", "+faststart"))


# A four-byte edit of a codec tag gives a stream whose codec libav does not know: probe and
# check refuse it with one error line like any other unreadable file.
@given(data=st.data())
def test_mp4_headers(data: st.DataObject, mp4_clip: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    from creator_kit.cli.main import main
    from creator_kit.media.probe import probe

    mp4_bytes = mp4_clip.read_bytes()
    raw = bytearray(mp4_bytes)
    # The header (ftyp and moov, at the front with faststart) is where a few bytes matter.
    header = min(len(raw), 4096)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, header - 1))
        width = data.draw(st.integers(1, 4))
        raw[at:at + width] = data.draw(st.binary(min_size=width, max_size=width))
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    assume(bytes(raw) != mp4_bytes)
    with scratch() as folder:
        path = folder / "m.mp4"
        path.write_bytes(bytes(raw))
        with no_hang():
            try:
                probe(path)
            except InputError as exc:
                assert_own_error(exc)
            capsys.readouterr()
            code = main(["check", str(path)])
        err = capsys.readouterr().err.splitlines()
        assert code in (0, 1, 2)
        if code == 2:
            assert len(err) == 1 and err[0].startswith("error: "), err
        assert tree(folder) == {"m.mp4"}


def test_fuzz_helpers_catch_a_hang() -> None:
    import time

    from tests.fuzzing import Hang

    with pytest.raises(Hang), no_hang(0.2):
        time.sleep(5)


# ------------------------------------------------------------ what the fuzzers found


def test_tags_that_are_not_utf8_do_not_stop_probe_check_or_faces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from creator_kit.cli.main import main
    from creator_kit.media.probe import probe
    from creator_kit.vision.decode import video_info
    from tests.mediagen import make_clip

    clip = make_clip(tmp_path / "tagged.mp4", size="64x64", duration=0.5,
                     extra_out=("-metadata:s:v:0", "handler_name=CKTAGCKTAG"))
    data = clip.read_bytes()
    assert b"CKTAGCKTAG" in data
    clip.write_bytes(data.replace(b"CKTAGCKTAG", b"\xc9" * 10))
    assert probe(clip).video is not None
    assert video_info(clip) is not None
    capsys.readouterr()
    assert main(["check", str(clip)]) in (0, 1)  # a verdict, not a traceback
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize("field", ["version", "method"])
def test_a_pack_using_zip_features_python_lacks_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    from creator_kit.templates.manage import import_pack

    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("template.json", json.dumps({**MASKUP, "name": "odd-zip"}))
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    local = data.index(b"PK\x03\x04")
    if field == "version":  # "version needed to extract" 6.4: multi-disk and later features
        data[central + 6:central + 8] = (64).to_bytes(2, "little")
    else:  # a compression method number Python has no decoder for
        for at in (central + 10, local + 8):
            data[at:at + 2] = (99).to_bytes(2, "little")
    pack = tmp_path / "odd.ckpack"
    pack.write_bytes(bytes(data))
    with pytest.raises(InputError) as info:
        import_pack(pack)
    assert_own_error(info.value)
    assert not (tmp_path / "data" / "templates" / "odd-zip").exists()


def test_a_pack_whose_entry_lies_before_the_file_start_is_damaged_not_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creator_kit.templates.manage import import_pack

    # Found by the pack fuzz: the end record puts the only entry 256 bytes before the start
    # of the file, so the zip reader's seek fails with EINVAL, which was reported as the
    # output folder's fault ("cannot unpack template").
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    pack = tmp_path / "p.ckpack"
    pack.write_bytes(
        b'PK\x03\x04\x14\x00\x00\x00\x00\x00g\x1e\x81]\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\r\x00\x00\x00template.jsonPK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00g\x1e\x81]\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\r\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00template.jsonPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00;\x00\x00\x00+\x01\x00\x00\x00\x00'
    )
    with pytest.raises(InputError, match="pack is damaged") as info:
        import_pack(pack)
    assert info.value.path == str(pack)


def test_a_sheet_or_sticker_spec_that_trips_the_os_or_zip_reader_is_an_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from creator_kit.batch.sheet import read_sheet
    from creator_kit.cli.main import main

    # Found by the spreadsheet fuzz: an XLSX whose zip needs a newer version than Python's.
    data = bytearray(XLSX)
    central = data.index(b"PK\x01\x02")
    data[central + 6:central + 8] = (64).to_bytes(2, "little")
    (tmp_path / "s.xlsx").write_bytes(bytes(data))
    with pytest.raises(InputError, match="not a readable XLSX"):
        read_sheet(tmp_path / "s.xlsx")
    # Found by the flag fuzz: a sticker spec longer than a file name may be.
    (tmp_path / "clip.mp4").write_bytes(b"\x00")
    assert main(["render", "-i", str(tmp_path / "clip.mp4"), "--save-project",
                 str(tmp_path / "p.ckproj"), "--sticker", "s.png@x=" + "9" * 3000]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: --sticker"), err
