"""Spreadsheet batches: row checks with row/column reports, parallel runs, resume, cancel."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from creator_kit.batch import auto_jobs, plan_batch, run_batch
from creator_kit.batch.sheet import read_sheet
from creator_kit.cli.main import main
from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import Cancelled, InputError
from creator_kit.core.model import CaptionLayer
from tests.helpers import fast_template_data_dir
from tests.mediagen import make_clip
from tests.videoread import frame_count, stream_facts

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow



@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user folder holding a quick test template ``fast``."""
    d = fast_template_data_dir(tmp_path)
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Twenty tiny 0.5 s clips (shared by the tests of this module, never modified)."""
    folder = tmp_path_factory.mktemp("batch-clips")
    return [make_clip(folder / f"clip{i:02d}.mp4", size="160x120", duration=0.5,
                      tone=300 + 20 * i) for i in range(20)]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read_summary(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def copy_clip(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


# ------------------------------------------------------------------------ sheet problems

def test_misspelt_and_missing_columns_are_named(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", [["inptu", "Caption", "var:creator", "var:bad name"],
                                           ["a.mp4", "x", "@s", "y"]])
    plan = plan_batch(sheet, tmp_path / "out", default_template="fast")
    lines = plan.report()
    assert not plan.ok and not plan.jobs
    assert any("column 'inptu'" in x and "did you mean 'input'" in x for x in lines)
    assert any("column 'output'" in x and "missing" in x for x in lines)
    assert any("column 'input'" in x and "missing" in x for x in lines)
    assert any("'bad name' is not a valid variable name" in x for x in lines)
    assert all(str(sheet) in x for x in lines)
    plan = plan_batch(write_csv(tmp_path / "t.csv", [["input", "output"], ["a.mp4", "a"]]),
                      tmp_path / "out")
    assert any("column 'template'" in x and "--template" in x for x in plan.report())


def test_every_row_problem_is_reported_with_row_and_column(tmp_path: Path, clips: list[Path],
                                                           data_dir: Path) -> None:
    copy_clip(clips[0], tmp_path / "good.mp4")
    (tmp_path / "notes.mp4").write_text("not a video", encoding="utf-8")
    rows = [
        ["input", "output", "template", "var:country", "language", "caption"],
        ["good.mp4", "ok1", "fast", "مصر", "", "مرحبا"],  # row 2: fine
        ["", "", "", "", "", ""],  # row 3: empty, skipped
        ["missing.mp4", "m", "fast", "x", "", ""],  # row 4
        ["good.mp4", "u", "maskupp", "x", "", ""],  # row 5
        ["good.mp4", "v", "fast", "", "", ""],  # row 6: {country} has no value
        ["good.mp4", "../escape.mp4", "fast", "x", "", ""],  # row 7
        ["good.mp4", "/abs/x.mp4", "fast", "x", "", ""],  # row 8
        ["good.mp4", "OK1.mp4", "fast", "x", "", ""],  # row 9: duplicate of row 2
        ["good.mp4;notes.mp4", "n", "fast", "x", "fr", ""],  # row 10: not a video, bad lang
        ["good.mp4", "w.mov", "fast", "x", "", ""],  # row 11
    ]
    plan = plan_batch(write_csv(tmp_path / "sheet.csv", rows), tmp_path / "out")
    assert plan.empty_rows == 1 and plan.rows == 9
    text = "\n".join(plan.report())

    def has(row: int, column: str, words: str) -> bool:
        return any(f"row {row}, column {column!r}: " in x and words in x
                   for x in plan.report())

    assert has(4, "input", "source file not found: missing.mp4"), text
    assert has(5, "template", "unknown template 'maskupp'"), text
    assert has(5, "template", "maskup, thank-you-heroes"), text  # lists the available ones
    assert has(6, "var:country", "{country}"), text
    assert has(7, "output", "leaves the output folder"), text
    assert has(8, "output", "absolute path"), text
    assert has(9, "output", "also the output of row 2"), text
    assert has(10, "input", "notes.mp4"), text
    assert has(10, "language", "'fr'"), text
    assert has(11, "output", ".mp4"), text
    assert not any("row 2," in x or "row 3," in x for x in plan.report()), text
    # The CLI lists every problem, renders nothing and exits 2.
    code = main(["batch", str(tmp_path / "sheet.csv"), "--out-dir", str(tmp_path / "out")])
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_cli_report_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = write_csv(tmp_path / "s.csv", [["input", "output", "template"],
                                           ["nope.mp4", "a", "fast"]])
    assert main(["batch", str(sheet), "--out-dir", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'input': source file not found: nope.mp4" in err
    assert "error:" in err and "nothing was rendered" in err


def test_xlsx_sheet_and_hostile_xlsx(tmp_path: Path, clips: list[Path]) -> None:
    import openpyxl

    copy_clip(clips[1], tmp_path / "c.mp4")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Input", "Output", "var:country", "captions"])
    ws.append(["c.mp4", 2024, "الأردن", "subs.srt"])
    ws.append([None, None, None, None])
    wb.save(tmp_path / "s.xlsx")
    (tmp_path / "subs.srt").write_text("1\n00:00:00,000 --> 00:00:00,400\nلا تنسوا الكمامة",
                                       encoding="utf-8")
    sheet = read_sheet(tmp_path / "s.xlsx")
    assert sheet.rows[0].cells == {"Input": "c.mp4", "Output": "2024", "var:country": "الأردن",
                                   "captions": "subs.srt"}
    plan = plan_batch(tmp_path / "s.xlsx", tmp_path / "out", default_template="fast")
    assert plan.ok, plan.report()
    job = plan.jobs[0]
    assert job.name == "2024.mp4" and plan.empty_rows == 1
    captions = [x for x in job.project.layers if isinstance(x, CaptionLayer) and x.cues]
    assert captions[0].cues[0].text == "لا تنسوا الكمامة"  # last cue kept without blank line
    assert str(tmp_path / "subs.srt") in job.inputs
    # A "spreadsheet" that is a zip bomb: refused from its declared sizes.
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(
            "xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
        for _ in range(210):
            fh.write(bytes(1 << 20))
    with pytest.raises(InputError, match="unpacks to"):
        read_sheet(bomb)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(InputError, match="junk.xlsx"):
        read_sheet(junk)


def test_auto_jobs_follows_cores_and_memory() -> None:
    gb = 1024**3
    assert auto_jobs(20, cores=2, available=16 * gb) == 2
    assert auto_jobs(20, cores=8, available=2 * gb) == 2  # memory-bound
    assert auto_jobs(1, cores=8, available=16 * gb) == 1  # never more than rows
    assert auto_jobs(20, cores=8, available=100) == 1
    assert auto_jobs(20) >= 1


# --------------------------------------------------------------------------- running

def test_twenty_row_batch_runs_resumes_and_reports(tmp_path: Path, clips: list[Path]) -> None:
    work = tmp_path / "campaign"
    (work / "clips").mkdir(parents=True)
    local = [copy_clip(c, work / "clips" / c.name) for c in clips]
    rows = [["input", "output", "var:country", "caption", "language"]]
    for i, clip in enumerate(local):
        if i == 5:
            rows.append(["", "", "", "", ""])  # an empty row in the middle
        rows.append([f"clips/{clip.name}", f"eg/clip-{i:02d}", "مصر" if i % 2 else "Jordan",
                     f"رسالة رقم {i}" if i % 2 else f"message {i}", "ar" if i % 2 else "en"])
    sheet = write_csv(work / "sheet.csv", rows)
    out = tmp_path / "out"
    seen: list[tuple[int, str]] = []
    fractions: list[float] = []

    plan = plan_batch(sheet, out, default_template="fast")
    assert plan.ok, plan.report()
    assert len(plan.jobs) == 20 and plan.empty_rows == 1
    result = run_batch(plan, jobs=2, on_row=lambda r: seen.append((r.row, r.status)),
                       on_progress=lambda p: fractions.append(p.fraction))
    assert result.count("made") == 20
    assert sorted(r for r, _ in seen) == [j.row for j in plan.jobs]
    assert fractions[-1] == pytest.approx(1.0) and fractions == sorted(fractions)
    for i in (0, 7, 19):
        video = out / "eg" / f"clip-{i:02d}.mp4"
        facts = stream_facts(video)
        assert (facts["width"], facts["height"]) == (1080, 1920)
        assert frame_count(video) == 15
    summary = read_summary(out / "batch-summary.csv")
    assert [s["status"] for s in summary] == ["made"] * 20
    assert summary[0]["output"] == "eg/clip-00.mp4" and summary[0]["row"] == "2"
    assert not list(out.rglob("*.part"))
    manifest = json.loads((out / ".creator-kit-batch.json").read_text(encoding="utf-8"))
    assert len(manifest["outputs"]) == 20

    # Second run: everything is up to date, nothing is rendered.
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("clip-*.mp4")}
    again = run_batch(plan_batch(sheet, out, default_template="fast"), jobs=2)
    assert again.count("skipped") == 20
    assert {p: p.stat().st_mtime_ns for p in out.rglob("clip-*.mp4")} == stamps
    assert {s["status"] for s in read_summary(out / "batch-summary.csv")} == {"skipped"}

    # Touch one input: only its row is made again.
    later = time.time() + 5
    os.utime(local[7], (later, later))
    third = run_batch(plan_batch(sheet, out, default_template="fast"), jobs=2)
    assert third.count("made") == 1 and third.count("skipped") == 19
    remade = [r for r in third.results if r.status == "made"]
    assert remade[0].output == "eg/clip-07.mp4"
    assert (out / "eg" / "clip-07.mp4").stat().st_mtime_ns != stamps[out / "eg" / "clip-07.mp4"]

    # A changed setting (the caption text) also re-renders just that row.
    rows[3][3] = "changed"
    write_csv(sheet, rows)
    fourth = run_batch(plan_batch(sheet, out, default_template="fast"), jobs=1)
    assert [r.output for r in fourth.results if r.status == "made"] == ["eg/clip-02.mp4"]


def test_batch_keeps_going_past_failed_rows(tmp_path: Path, clips: list[Path]) -> None:
    for i in range(3):
        copy_clip(clips[i], tmp_path / f"c{i}.mp4")
    sheet = write_csv(tmp_path / "s.csv", [["input", "output", "var:country"],
                                           ["c0.mp4", "a", "x"], ["c1.mp4", "b", "y"],
                                           ["c2.mp4", "c", "z"]])
    out = tmp_path / "out"
    out.mkdir()
    (out / "c.mp4").write_bytes(b"someone else's file")
    plan = plan_batch(sheet, out, default_template="fast")
    assert plan.ok
    (tmp_path / "c1.mp4").unlink()  # the source vanishes after the check
    code = main(["batch", str(sheet), "--out-dir", str(out), "--template", "fast",
                 "--jobs", "2", "--progress", "none"])
    assert code == 2  # re-checked by the CLI: the missing source is reported up front
    result = run_batch(plan, jobs=2)
    by_output = {r.output: r for r in result.results}
    assert by_output["a.mp4"].status == "made"
    assert by_output["b.mp4"].status == "failed" and "c1.mp4" in by_output["b.mp4"].reason
    assert by_output["c.mp4"].status == "failed" and "--overwrite" in by_output["c.mp4"].reason
    assert (out / "c.mp4").read_bytes() == b"someone else's file"
    assert not (out / "b.mp4").exists()
    summary = {s["output"]: s for s in read_summary(out / "batch-summary.csv")}
    assert summary["a.mp4"]["status"] == "made"
    assert summary["b.mp4"]["status"] == "failed" and "not found" in summary["b.mp4"]["reason"]
    assert summary["c.mp4"]["status"] == "failed"
    again = run_batch(plan, jobs=1, overwrite=True)
    assert {r.output: r.status for r in again.results} == {
        "a.mp4": "skipped", "b.mp4": "failed", "c.mp4": "made"}


def test_cancel_leaves_no_partial_outputs(tmp_path: Path, clips: list[Path]) -> None:
    make_clip(tmp_path / "long.mp4", size="160x120", duration=6.0)
    rows = [["input", "output", "var:country"]] + [["long.mp4", f"o{i}", "x"] for i in range(4)]
    sheet = write_csv(tmp_path / "s.csv", rows)
    out = tmp_path / "out"
    plan = plan_batch(sheet, out, default_template="fast")
    token = CancelToken()
    started = threading.Event()

    def on_progress(p: object) -> None:
        if getattr(p, "fraction", 0) > 0.02:
            started.set()

    threading.Thread(target=lambda: (started.wait(60), token.cancel()), daemon=True).start()
    with pytest.raises(Cancelled):
        run_batch(plan, jobs=2, cancel=token, on_progress=on_progress)
    assert started.is_set()
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".part")]
    assert leftovers == []
    summary = read_summary(out / "batch-summary.csv")
    assert {s["status"] for s in summary} <= {"made", "cancelled"}
    assert any(s["status"] == "cancelled" for s in summary)
    for s in summary:
        path = out / s["output"]
        if s["status"] == "made":
            assert frame_count(path) == 180
        else:
            assert not path.exists()


def test_sigint_stops_the_cli_with_exit_130(tmp_path: Path) -> None:
    make_clip(tmp_path / "long.mp4", size="160x120", duration=8.0)
    rows = [["input", "output", "var:country"]] + [["long.mp4", f"o{i}", "x"] for i in range(3)]
    sheet = write_csv(tmp_path / "s.csv", rows)
    out = tmp_path / "out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "creator_kit.cli.main", "batch", str(sheet), "--out-dir",
         str(out), "--template", "fast", "--jobs", "2", "--progress", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if json.loads(line).get("fraction", 0) > 0.02:
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert [p.name for p in out.iterdir() if p.suffix == ".part"] == []
    for p in out.glob("o*.mp4"):
        assert frame_count(p) == 240  # anything left at an output is complete
