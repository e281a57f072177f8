"""Subtitle files: encodings, formats, hostile files, validation, repair, export, libass."""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from creator_kit.core.captions import Cue
from creator_kit.core.errors import InputError, OutputError
from creator_kit.media.ffmpeg import ffmpeg_exe
from creator_kit.text.bidi import LRM, RLM
from creator_kit.text.subs import (
    MAX_SUBS_BYTES,
    decode_subtitle_bytes,
    dumps_ass,
    dumps_srt,
    dumps_vtt,
    fix,
    fix_with_notes,
    load_subs,
    save_subs,
    validate,
)
from creator_kit.text.timing import active_word, word_times

SRT = (
    "1\n00:00:01,000 --> 00:00:02,500\nلا تنسوا الكمامة!\n\n"
    "2\n00:00:03,000 --> 00:00:04,000\nحافظ على التباعد\n#لاتنسواالكمامة #MaskUp\n\n"
    "3\n00:00:04,500 --> 00:00:06,000\nارتدِ الكمامة واحمِ غيرك"  # no trailing blank line
)

ASS_HEADER = (
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 1080\nPlayResY: 1920\n\n[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
    "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
    "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    "Style: Default,Arial,60,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,"
    "2,2,10,10,10,1\n\n[Events]\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (lambda s: s.encode("utf-8"), "utf-8"),
        (lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
        (lambda s: s.encode("utf-16"), "utf-16"),  # with BOM
        (lambda s: s.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (lambda s: s.encode("cp1256"), "cp1256"),  # Arabic Windows
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-nobom", "cp1256"],
)
def test_encodings_are_detected(tmp_path: Path, encode, expected: str) -> None:  # noqa: ANN001
    subs = load_subs(
        write(tmp_path, "talk.srt", encode(SRT.replace("ارتدِ", "ارتد").replace("احمِ", "احم")))
    )
    assert subs.encoding == expected
    assert [c.text.split("\n")[0] for c in subs.cues] == [
        "لا تنسوا الكمامة!",
        "حافظ على التباعد",
        "ارتد الكمامة واحم غيرك",
    ]
    assert subs.cues[1].text.split("\n")[1] == "#لاتنسواالكمامة #MaskUp"


def test_last_cue_kept_without_trailing_blank_line(tmp_path: Path) -> None:
    subs = load_subs(write(tmp_path, "a.srt", SRT))
    assert len(subs.cues) == 3
    assert subs.cues[-1] == Cue(4.5, 6.0, "ارتدِ الكمامة واحمِ غيرك")


def test_crlf_and_missing_blank_lines_between_cues(tmp_path: Path) -> None:
    text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nأ\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nب\r\n"
    subs = load_subs(write(tmp_path, "a.srt", text))
    assert [(c.start, c.text) for c in subs.cues] == [(1.0, "أ"), (2.0, "ب")]


def test_unknown_encoding_asks_for_one(tmp_path: Path) -> None:
    western = "1\n00:00:01,000 --> 00:00:02,000\ncafé crème brûlée\n".encode("cp1252")
    path = write(tmp_path, "fr.srt", western)
    with pytest.raises(InputError, match="--encoding") as err:
        load_subs(path)
    assert "fr.srt" in str(err.value)
    assert load_subs(path, "cp1252").cues[0].text == "café crème brûlée"
    with pytest.raises(InputError, match="unknown text encoding"):
        load_subs(path, "klingon-8")
    with pytest.raises(InputError, match="not valid utf-8"):
        load_subs(path, "utf-8")


def test_decode_prefers_explicit_encoding() -> None:
    data = "مرحبا".encode("cp1256")
    assert decode_subtitle_bytes(data, None, "cp1256") == ("مرحبا", "cp1256")


# ---------------------------------------------------------------------------- formats


def test_vtt_import(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\nNOTE a comment\n\n00:01.000 --> 00:02.000 align:start\n<v Lina>حافظ</v> على "
        "&amp; التباعد\n\n01:00:03.500 --> 01:00:04.000\n<b>#MaskUp</b>"
    )
    subs = load_subs(write(tmp_path, "a.vtt", vtt))
    assert subs.format == "vtt"
    assert [(c.start, c.end, c.text) for c in subs.cues] == [
        (1.0, 2.0, "حافظ على & التباعد"),
        (3603.5, 3604.0, "#MaskUp"),
    ]


def test_ass_import_with_karaoke_word_times(tmp_path: Path) -> None:
    ass = ASS_HEADER + (
        "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{\\k50}لا {\\k60}تنسوا {\\k90}الكمامة\n"
        "Comment: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,not shown\n"
        "Dialogue: 0,0:00:04.00,0:00:06.00,Default,,0,0,0,,{\\b1}حافظ{\\b0}\\Nعلى التباعد"
        "{\\p1}m 0 0 l 100 0 100 100{\\p0}\n"
    )
    subs = load_subs(write(tmp_path, "k.ass", ass))
    assert len(subs.cues) == 2
    karaoke, plain = subs.cues
    assert karaoke.text == "لا تنسوا الكمامة"
    assert karaoke.words is not None and len(karaoke.words) == 3
    assert word_times(karaoke) == [(1.0, 1.5), (1.5, 2.1), (2.1, 3.0)]
    assert plain.text == "حافظ\nعلى التباعد" and plain.words is None


def test_word_times_spread_by_letters_and_active_word() -> None:
    cue = Cue(0.0, 3.0, "لا تنسوا الكمامة")  # 2 + 5 + 7 letters
    times = word_times(cue)
    assert times[0] == (0.0, pytest.approx(3.0 * 2 / 14))
    assert times[-1][1] == 3.0
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(times, times[1:], strict=False))
    assert active_word(cue, 0.1) == 0 and active_word(cue, 2.9) == 2
    assert active_word(cue, 3.0) is None and active_word(cue, -1) is None
    # Harakat do not count as letters.
    assert word_times(Cue(0, 2, "ارتدِ غيرك")) == word_times(Cue(0, 2, "ارتد غيرك"))
    assert word_times(Cue(0, 1, "")) == []


def test_karaoke_times_survive_edited_text() -> None:
    cue = Cue(
        1.0, 3.0, "لا تنسوا الكمامة", words=((1.0, 1.5, "x"), (1.5, 2.0, "y"), (2.0, 3.0, "z"))
    )
    assert word_times(cue) == [(1.0, 1.5), (1.5, 2.0), (2.0, 3.0)]  # counts match: one per word
    cue2 = Cue(1.0, 3.0, "لا تنسوا الكمامة", words=((1.0, 3.0, "other"),))
    assert len(word_times(cue2)) == 3  # mismatch: spread instead


# ---------------------------------------------------------------------------- hostile


def test_binary_file_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    path = write(tmp_path, "noise.srt", rng.integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match="binary data"):
        load_subs(path)
    png = write(tmp_path, "pic.srt", b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(InputError, match="binary"):
        load_subs(png)


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.srt"
    with open(path, "wb") as fh:  # 30 MB, sparse on disk
        fh.truncate(30 * 1024 * 1024)
    with pytest.raises(InputError, match=f"too large .*limit {MAX_SUBS_BYTES}"):
        load_subs(path)


def test_nested_ass_tags_finish_quickly(tmp_path: Path) -> None:
    nested = "{\\b1{\\i1" * 50_000 + "نص" + "}" * 50_000
    flat = "{\\b1}ن" * 50_000
    ass = (
        ASS_HEADER
        + f"Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{nested}\n"
        + f"Dialogue: 0,0:00:03.00,0:00:05.00,Default,,0,0,0,,{flat}\n"
    )
    subs = load_subs(write(tmp_path, "nest.ass", ass))
    assert len(subs.cues) == 2
    assert all(len(c.text) <= 2_000 for c in subs.cues)
    assert any("cut to" in n for n in subs.notes)


def test_empty_missing_folder_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        load_subs(write(tmp_path, "e.srt", b""))
    with pytest.raises(InputError, match="not found"):
        load_subs(tmp_path / "none.srt")
    with pytest.raises(InputError, match="folder"):
        load_subs(tmp_path)
    with pytest.raises(InputError, match="known format"):
        load_subs(write(tmp_path, "notes.txt", "hello world\n"))
    with pytest.raises(InputError, match="no subtitles"):
        load_subs(write(tmp_path, "x.srt", "just text\n"))


# ------------------------------------------------------------------------- validation


BAD = [
    Cue(5.0, 6.0, "خامس"),
    Cue(-1.0, 2.0, "سالب"),
    Cue(3.0, 2.5, "مقلوب"),
    Cue(1.5, 4.0, "متداخل"),
    Cue(360_000.0, 360_001.0, "مئة ساعة"),
    Cue(7.0, 7.0, "صفر"),
    Cue(8.0, 9.0, "  "),
]


def test_validate_lists_every_problem() -> None:
    report = validate(BAD)
    kinds = {(p.cue, p.kind) for p in report.problems}
    assert (2, "negative") in kinds
    assert (3, "inverted") in kinds
    assert (4, "overlap") in kinds
    assert (5, "absurd") in kinds
    assert (6, "zero-length") in kinds
    assert (7, "empty") in kinds
    assert (2, "order") in kinds
    assert not report.ok
    assert any("100:00:00.000" in line for line in report.lines())
    assert report.to_data()["cues"] == len(BAD)


def test_fix_follows_the_documented_rule() -> None:
    fixed, notes = fix_with_notes(BAD)
    assert validate(fixed).ok
    texts = [c.text for c in fixed]
    assert "مئة ساعة" not in texts and "  " not in texts  # absurd and empty dropped
    by_text = {c.text: c for c in fixed}
    assert by_text["سالب"].start == 0.0  # clamped
    assert (by_text["مقلوب"].start, by_text["مقلوب"].end) == (2.5, 3.0)  # swapped
    assert by_text["سالب"].end == 1.5  # trimmed to the next start (متداخل at 1.5)
    assert by_text["صفر"].end == 8.0  # zero length -> 1 s
    assert [c.start for c in fixed] == sorted(c.start for c in fixed)
    assert any("swapped" in n for n in notes) and any("trimmed" in n for n in notes)


def test_fix_merges_cues_starting_together_and_is_idempotent() -> None:
    cues = [Cue(1.0, 2.0, "أ"), Cue(1.0, 3.0, "ب"), Cue(2.5, 4.0, "ج")]
    fixed = fix(cues)
    assert fixed[0] == Cue(1.0, 2.5, "أ\nب")
    assert fix(fixed) == fixed and validate(fixed).ok


def test_fix_always_validates_clean() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        cues = [
            Cue(
                float(rng.integers(-3, 12)),
                float(rng.integers(-3, 12)),
                str(rng.choice(["أ", "ب", " ", "ج د"])),
            )
            for _ in range(int(rng.integers(0, 8)))
        ]
        assert validate(fix(cues)).ok


def test_hundred_hour_stamp_is_read_as_is(tmp_path: Path) -> None:
    srt = "1\n100:00:00,000 --> 100:00:01,000\nمتأخر\n"
    subs = load_subs(write(tmp_path, "late.srt", srt))
    assert subs.cues[0].start == 360_000.0
    assert [p.kind for p in validate(subs.cues).problems] == ["absurd"]


# ---------------------------------------------------------------------------- export


def test_srt_export_marks_rtl_lines_and_hashtags() -> None:
    cues = [
        Cue(1.0, 2.5, "لا تنسوا الكمامة!\n#لاتنسواالكمامة #MaskUp"),
        Cue(3.0, 4.0, "Keep it on"),
    ]
    out = dumps_srt(cues)
    lines = out.split("\n")
    assert lines[1] == "00:00:01,000 --> 00:00:02,500"
    assert lines[2] == f"{RLM}لا تنسوا الكمامة!{RLM}"
    assert lines[3] == f"{RLM}{RLM}#لاتنسواالكمامة {LRM}#MaskUp{RLM}"
    assert "Keep it on" in lines  # LTR lines untouched


def test_round_trip_srt_vtt_ass(tmp_path: Path) -> None:
    cues = fix([Cue(1.0, 2.5, "لا تنسوا الكمامة!"), Cue(3.0, 4.25, "حافظ على التباعد\n#MaskUp")])
    for ext in ("srt", "vtt", "ass"):
        path = save_subs(cues, tmp_path / f"out.{ext}")
        back = load_subs(path)
        assert back.encoding == "utf-8"
        assert [(c.start, c.end) for c in back.cues] == [(c.start, c.end) for c in cues], ext
        texts = [c.text.replace(RLM, "").replace(LRM, "") for c in back.cues]
        assert texts == [c.text for c in cues], ext


def test_ass_export_style_is_right_to_left_and_keeps_karaoke() -> None:
    cue = Cue(
        1.0,
        3.0,
        "لا تنسوا الكمامة",
        words=((1.0, 1.5, "لا "), (1.5, 2.1, "تنسوا "), (2.1, 3.0, "الكمامة")),
    )
    text = dumps_ass([cue])
    style = next(line for line in text.splitlines() if line.startswith("Style:"))
    assert style.endswith(",-1")  # Encoding -1: libass takes the direction from the text
    assert "Noto Sans Arabic" in style
    assert "{\\k50}لا {\\k60}تنسوا {\\k90}الكمامة" in text
    assert "PlayResX: 1080" in text


def test_vtt_escapes_markup() -> None:
    assert "a &lt;b&gt; &amp; c" in dumps_vtt([Cue(0, 1, "a <b> & c")])


def test_save_refuses_to_replace_without_overwrite(tmp_path: Path) -> None:
    target = write(tmp_path, "out.srt", "keep me")
    with pytest.raises(OutputError, match="--overwrite"):
        save_subs([Cue(0, 1, "أ")], target)
    assert target.read_text() == "keep me"
    victim = write(tmp_path, "victim.txt", "untouched")
    link = tmp_path / "link.srt"
    link.symlink_to(victim)
    save_subs([Cue(0, 1, "أ")], link, overwrite=True)
    assert victim.read_text() == "untouched" and not link.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ck-subs-")]


# ------------------------------------------------------------------------------ libass


def _has_filter(name: str) -> bool:
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-filters"], capture_output=True, text=True)
    return re.search(rf"^\s*\S+\s+{name}\s", out.stdout, re.M) is not None


def _filter_path(path: Path) -> str:
    return str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def _burn(tmp_path: Path, ass: Path | None, size: str = "720x400") -> np.ndarray:
    from creator_kit.text.fonts import fonts_dir

    out = tmp_path / ("burn.png" if ass else "plain.png")
    vf = (
        "null"
        if ass is None
        else (f"ass=filename={_filter_path(ass)}:fontsdir={_filter_path(fonts_dir())}")
    )
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c=black:size={size}:rate=10:duration=2",
            "-vf",
            vf,
            "-ss",
            "1",
            "-frames:v",
            "1",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    from PIL import Image

    return np.asarray(Image.open(out).convert("RGB"))


@pytest.mark.slow
@pytest.mark.skipif(not _has_filter("ass"), reason="the bundled ffmpeg has no 'ass' filter")
def test_libass_draws_our_ass_at_the_bottom_and_reads_rtl(tmp_path: Path) -> None:
    from creator_kit.core.captions import CaptionStyle

    text = "لا تنسوا الكمامة"
    doc = dumps_ass([Cue(0.0, 2.0, text)], CaptionStyle(size_px=64.0), canvas=(720, 400))
    ass = tmp_path / "cap.ass"
    ass.write_text(doc, encoding="utf-8")
    frame = _burn(tmp_path, ass)
    plain = _burn(tmp_path, None)
    changed = np.abs(frame.astype(int) - plain).max(axis=2) > 60
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 1500
    assert ys.min() > 400 * 0.4  # bottom part of the frame (bottom-centre alignment)
    assert abs(xs.mean() - 360) < 60  # centred
    from tests.ocr import ocr_arabic, ocr_skip_reason, similar

    if ocr_skip_reason() is None:  # libass shaped and ordered it: OCR reads it back
        got = ocr_arabic(frame[ys.min() - 10 : ys.max() + 10, :])
        assert similar(got, text) >= 0.8, got


def test_cp1256_conversion_writes_utf8(tmp_path: Path) -> None:
    src = write(tmp_path, "win.srt", SRT.replace("ِ", "").encode("cp1256"))
    out = save_subs(fix(load_subs(src).cues), tmp_path / "utf8.srt")
    data = out.read_bytes()
    assert data.decode("utf-8") and "حافظ على التباعد".encode() in data
    assert os.path.getsize(out) > 0
