"""Hostile batch inputs: outputs that escape through a link, summary cells that are formulas,
a summary that cannot be written, and a batch process killed outright."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from creator_kit.batch import plan_batch, run_batch
from creator_kit.batch.runner import csv_cell
from creator_kit.core.errors import OutputError
from creator_kit.core.paths import confine
from tests.helpers import fast_template_data_dir
from tests.mediagen import make_clip

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user folder holding the quick test template ``fast``."""
    d = fast_template_data_dir(tmp_path)
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("safety") / "clip.mp4", size="160x120",
                     duration=0.5)


def write_sheet(path: Path, outputs: list[str], clip: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["input", "output", "var:country"])
        for name in outputs:
            w.writerow([str(clip), name, "x"])
    return path


def read_summary(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# -------------------------------------------------------------------- confinement

def test_confine_resolves_every_component(tmp_path: Path) -> None:
    base = tmp_path / "out"
    (base / "real").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (base / "link").symlink_to(elsewhere)
    (base / "real" / "deep").symlink_to(tmp_path)
    (base / "inside").symlink_to(base / "real")
    assert confine(base, "real/a.mp4") == (base / "real" / "a.mp4").resolve()
    assert confine(base, "inside/a.mp4") == (base / "real" / "a.mp4").resolve()
    assert confine(base, "new/folder/a.mp4").parent.parent.parent == base.resolve()
    for name in ("link/a.mp4", "real/deep/a.mp4", "link/new/a.mp4", "../a.mp4"):
        with pytest.raises(OutputError):
            confine(base, name)
    # A symlink at the output itself is not followed here: the writer replaces it.
    (base / "target.mp4").symlink_to(elsewhere / "x.mp4")
    assert confine(base, "target.mp4") == base.resolve() / "target.mp4"


def test_row_through_a_symlinked_folder_writes_nothing_outside(tmp_path: Path,
                                                               clip: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere)
    sheet = write_sheet(tmp_path / "s.csv", ["link/escape", "fine"], clip)
    plan = plan_batch(sheet, out, default_template="fast")
    assert plan.ok, plan.report()
    result = run_batch(plan, jobs=1)
    by = {r.output: r for r in result.results}
    assert by["link/escape.mp4"].status == "failed"
    assert "outside the output folder" in by["link/escape.mp4"].reason
    assert by["fine.mp4"].status == "made" and (out / "fine.mp4").stat().st_size > 0
    assert list(elsewhere.iterdir()) == []


# ------------------------------------------------------------------- CSV injection

@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)",
                                  "\tx", "\rx"])
def test_formula_cells_are_escaped(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cell("plain " + text) == "plain " + text


def test_summary_never_starts_a_cell_with_a_formula(tmp_path: Path, clip: Path) -> None:
    names = ["=cmd", "+sum", "-x", "@at"]
    out = tmp_path / "out"
    out.mkdir()
    for n in names:  # someone else's files: the rows fail without rendering
        (out / f"{n}.mp4").write_bytes(b"not ours")
    sheet = write_sheet(tmp_path / "s.csv", names, clip)
    plan = plan_batch(sheet, out, default_template="fast")
    assert plan.ok, plan.report()
    result = run_batch(plan, jobs=1)
    assert result.count("failed") == 4
    rows = read_summary(out / "batch-summary.csv")
    assert [r["output"] for r in rows] == [f"'{n}.mp4" for n in names]
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())
    assert all((out / f"{n}.mp4").read_bytes() == b"not ours" for n in names)


# -------------------------------------------------------- a summary that cannot be written

def _read_only_prefix(folder: Path) -> list[str] | None:
    """A command prefix under which ``folder`` is read-only, or None when none can be had."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    script = (f'mount --bind "{folder}" "{folder}" && '
              f'mount -o remount,bind,ro "{folder}" "{folder}" && exec "$@"')
    prefix = [unshare, "-m", "sh", "-c", script, "sh"]
    probe = subprocess.run([*prefix, "touch", str(folder / "probe")], capture_output=True)
    if probe.returncode == 0:
        (folder / "probe").unlink()
        return None
    return prefix if b"Read-only" in probe.stderr else None


def test_read_only_summary_folder_is_refused_before_any_row(tmp_path: Path,
                                                            clip: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    prefix = _read_only_prefix(ro)
    if prefix is None:
        pytest.skip("no way to make a read-only folder here (not root and no chmod effect, "
                    "or no mount namespace)")
    sheet = write_sheet(tmp_path / "s.csv", ["a", "b"], clip)
    out = tmp_path / "out"
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "creator_kit.cli.main", "batch", str(sheet),
         "--out-dir", str(out), "--template", "fast", "--summary", str(ro / "summary.csv"),
         "--progress", "none"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    ro.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {ro}: cannot write in this folder (Read-only file system)"
        if os.geteuid() == 0 else f"error: {ro}: cannot write in this folder (Permission denied)"]
    assert not list(out.rglob("*.mp4")), "rows rendered before the summary was known to fail"


# ---------------------------------------------------------- the batch process killed outright

def _kill_mid_batch(
    tmp_path: Path, extra: list[str]
) -> tuple[list[psutil.Process], Path, str]:
    """Start a batch, SIGKILL it mid-render.

    Returns every process it had started, the output folder and their command lines as read
    before the kill (afterwards a child may be a zombie whose command line cannot be read).
    """
    long_clip = make_clip(tmp_path / "long.mp4", size="160x120", duration=6.0)
    sheet = write_sheet(tmp_path / "s.csv", ["a", "b", "c"], long_clip)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "creator_kit.cli.main", "batch", str(sheet), "--out-dir",
         str(out), "--template", "fast", "--progress", "json", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.stdout is not None
    family: list[psutil.Process] = []
    names = ""
    try:
        for line in proc.stdout:
            if json.loads(line).get("fraction", 0) > 0.05:
                family = psutil.Process(proc.pid).children(recursive=True)
                names = " ".join(_cmdline(p) for p in family)
                if "ffmpeg" in names:
                    break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert family, "the batch never started rendering"
    return family, out, names


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # ended between the listing and the read
        return ""


def _wait_gone(family: list[psutil.Process], limit: float = 40.0) -> list[str]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        alive = []
        for p in family:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return []
        time.sleep(0.2)
    return alive


@pytest.mark.slow
def test_sigkill_of_the_batch_ends_its_workers_and_tracker(tmp_path: Path) -> None:
    family, out, names = _kill_mid_batch(tmp_path, ["--jobs", "2"])
    assert "resource_tracker" in names and "ffmpeg" in names
    assert _wait_gone(family) == []
    # The workers cancelled their renders on the way out: no temporary file is left.
    assert [p.name for p in out.rglob("*.part")] == []


@pytest.mark.slow
def test_sigkill_of_a_local_cluster_batch_ends_its_workers(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    family, out, names = _kill_mid_batch(tmp_path, ["--cluster", "local:2"])
    assert "ffmpeg" in names
    assert _wait_gone(family) == []
    # Dask's worker processes leave at once when their parent goes (no clean-up), so the
    # temporary files of the renders they were making are removed by the next batch.
    proc = subprocess.run(
        [sys.executable, "-m", "creator_kit.cli.main", "batch", str(tmp_path / "s.csv"),
         "--out-dir", str(out), "--template", "fast", "--progress", "none", "--jobs", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in out.rglob("*.part")] == []
    assert {p.name for p in out.glob("*.mp4")} == {"a.mp4", "b.mp4", "c.mp4"}


def test_leftover_sweep_leaves_other_machines_renders_alone(tmp_path: Path) -> None:
    """In a folder shared by cluster workers, a pid from another machine means nothing."""
    from creator_kit.render.export import _HOST, clean_leftovers, temp_path

    dead = 2**22 + 12345  # above the default pid_max: no such process here
    ours = tmp_path / f".a.mp4.ck-{dead}@{_HOST}-0123abcd.part"
    old_style = tmp_path / f".b.mp4.ck-{dead}-0123abcd.part"
    other = "0" * 6 if _HOST != "0" * 6 else "1" * 6
    theirs = tmp_path / f".c.mp4.ck-{dead}@{other}-0123abcd.part"
    for p in (ours, old_style, theirs):
        p.write_bytes(b"partial")
    assert sorted(clean_leftovers(tmp_path)) == sorted([ours, old_style])
    assert theirs.exists()
    fresh = temp_path(tmp_path / "d.mp4")
    assert fresh.parent == tmp_path and f"@{_HOST}-" in fresh.name


def test_progress_reporters_show_rows_and_workers() -> None:
    import io

    from creator_kit.batch import BatchProgress, WorkerCount
    from creator_kit.cli.progress import BarReporter, JsonReporter

    p = BatchProgress("batch", 0.5, 12.0, 3, 8, (WorkerCount("tcp://10.0.0.5:4000", 2, 1),
                                                 WorkerCount("tcp://10.0.0.6:4000", 1, 1)))
    out = io.StringIO()
    JsonReporter(out)(p)
    assert json.loads(out.getvalue()) == {
        "v": 1, "event": "progress", "stage": "batch", "fraction": 0.5, "eta_s": 12.0,
        "rows_done": 3, "rows_total": 8,
        "workers": {"tcp://10.0.0.5:4000": {"done": 2, "running": 1},
                    "tcp://10.0.0.6:4000": {"done": 1, "running": 1}}}
    bar = io.StringIO()
    BarReporter(bar)(p)
    assert "rows 3/8" in bar.getvalue() and "10.0.0.5:4000:2+1" in bar.getvalue()
    assert "ETA 0:12" in bar.getvalue()


@pytest.mark.slow
def test_ctrl_c_to_the_process_group_cancels_a_local_cluster_batch(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches the batch and its local Dask workers alike: the rows
    mid-render are cancelled on their workers, exit 130, nothing partial, nothing left."""
    pytest.importorskip("distributed")
    long_clip = make_clip(tmp_path / "long.mp4", size="160x120", duration=6.0)
    sheet = write_sheet(tmp_path / "s.csv", ["a", "b"], long_clip)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "creator_kit.cli.main", "batch", str(sheet), "--out-dir",
         str(out), "--template", "fast", "--progress", "json", "--cluster", "local:2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), start_new_session=True)
    assert proc.stdout is not None
    family: list[psutil.Process] = []
    try:
        for line in proc.stdout:
            if json.loads(line).get("fraction", 0) > 0.05:
                family = psutil.Process(proc.pid).children(recursive=True)
                os.killpg(proc.pid, signal.SIGINT)
                break
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    summary = read_summary(out / "batch-summary.csv")
    assert [r["status"] for r in summary] == ["cancelled", "cancelled"]
    assert all(r["worker"].startswith("tcp://127.0.0.1:") for r in summary)
    assert not list(out.glob("*.mp4")) and not list(out.rglob("*.part"))
    assert _wait_gone(family) == []
