"""Batches on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1, no mocks.

The sheet goes through ``creator-kit batch --cluster tcp://127.0.0.1:PORT`` in a child
process, as a user runs it. Faults are real: a worker process is SIGKILLed mid-row, the
client gets SIGINT.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from creator_kit.batch.cluster import parse_cluster
from creator_kit.core.errors import InputError
from creator_kit.media.preflight import check_file
from tests.helpers import fast_template_data_dir
from tests.mediagen import make_clip
from tests.videoread import frame_count

# Renders or decodes real clips: seconds per test (make test-quick leaves these out).
pytestmark = pytest.mark.slow

pytest.importorskip("distributed", reason="creator-kit[cluster] is part of the dev extra")

ROOT = Path(__file__).resolve().parents[1]
FPS = 30


def _env(data_dir: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    if data_dir is not None:
        env["CREATOR_KIT_DATA_DIR"] = str(data_dir)
    return env


class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes, as the README starts them."""

    def __init__(self, folder: Path, workers: int = 2, preload: str | None = None,
                 hide: Path | None = None, render_slots: bool = True) -> None:
        """``hide``: a folder the workers cannot see (a private empty mount over it), as
        on machines without the client's filesystem."""
        self.folder = folder
        self.hide = hide
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = (folder / "dask.log").open("wb")
        sched_file = folder / "scheduler.json"
        env = _env(DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="2")
        self.scheduler = self._start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)], env)
        deadline = time.monotonic() + 60
        while not sched_file.exists():
            assert time.monotonic() < deadline and self.scheduler.poll() is None, "no scheduler"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole, but give its writer a moment
        self.address = json.loads(sched_file.read_text())["address"]
        self.workers = [
            self._start(["worker", self.address, "--nthreads", "1",
                         *(["--resources", "render=1"] if render_slots else []),
                         "--preload", preload or "creator_kit.batch.dask_worker",
                         "--no-dashboard", "--memory-limit", "0", "--name", f"w{i}"], env)
            for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=90)

    def _start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "dask", *args]
        if self.hide is not None and args[0] == "worker":
            cmd = ["unshare", "-m", "sh", "-c",
                   f'mount -t tmpfs none "{self.hide}" && exec "$@"', "sh", *cmd]
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log,
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def descendants(self) -> list[psutil.Process]:
        """Every process below the worker commands (nannies' worker processes, ffmpegs)."""
        out: list[psutil.Process] = []
        for proc in self.workers:
            try:
                out += psutil.Process(proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        return out

    def ffmpegs(self) -> list[psutil.Process]:
        """ffmpeg processes the workers run now."""
        found = []
        for p in self.descendants():
            try:
                if "ffmpeg" in p.name():
                    found.append(p)
            except psutil.NoSuchProcess:
                pass
        return found

    def close(self) -> None:
        """Stop the workers, then the scheduler."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """One scheduler and two single-thread workers offering ``render=1``."""
    c = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user folder holding the quick test template ``fast`` (here and in children)."""
    d = fast_template_data_dir(tmp_path)
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four tiny clips of 3 s (long enough to interrupt a render of one)."""
    folder = tmp_path_factory.mktemp("cluster-clips")
    return [make_clip(folder / f"clip{i}.mp4", size="160x120", duration=3.0, tone=300 + 40 * i)
            for i in range(4)]


def write_sheet(folder: Path, clips: list[Path]) -> Path:
    sheet = folder / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["input", "output", "var:country"])
        for i, clip in enumerate(clips):
            w.writerow([str(clip), f"eg/row-{i}", f"بلد {i}"])
    return sheet


def read_summary(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r["output"]: r for r in csv.DictReader(fh)}


def batch_cmd(sheet: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "creator_kit.cli.main", "batch", str(sheet), "--out-dir",
            str(out), "--template", "fast", *extra]


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob("*") if p.name.endswith((".part", ".tmp"))]


def assert_complete(out: Path, summary: dict[str, dict[str, str]], seconds: float) -> None:
    """Every output listed as made passes the pre-flight check with the right length."""
    from creator_kit.core.presets import get_profile
    from creator_kit.templates import find_template

    profile = get_profile(find_template("fast").template.defaults.output.preset)
    for name, row in summary.items():
        path = out / name
        if row["status"] in ("made", "skipped"):
            report = check_file(path, profile)
            assert report.ok, (name, report.violations)
            assert frame_count(path) == round(seconds * FPS)
        else:
            assert not path.exists(), name


# ------------------------------------------------------------------------------ fast checks

@pytest.mark.parametrize("value", ["tcp://", "tcp://host", "tcp://h:0", "tcp://h:99999",
                                   "local:0", "local:x", "http://h:1", "cluster.yaml",
                                   "missing.json"])
def test_bad_cluster_values_are_refused(value: str) -> None:
    with pytest.raises(InputError, match="--cluster|scheduler file"):
        parse_cluster(value)


def test_cluster_values_parse() -> None:
    assert parse_cluster("tcp://10.0.0.5:8786").value == "tcp://10.0.0.5:8786"
    assert parse_cluster("local:4").workers == 4


def test_bad_cluster_value_is_one_error_line_before_anything(tmp_path: Path, data_dir: Path,
                                                             clips: list[Path]) -> None:
    sheet = write_sheet(tmp_path, clips[:1])
    proc = subprocess.run(batch_cmd(sheet, tmp_path / "out", "--cluster", "10.0.0.5"),
                          capture_output=True, text=True, env=_env(data_dir), cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: --cluster '10.0.0.5' is not tcp://HOST:PORT, local:N or a scheduler file "
        "(.json)"]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_unreachable_scheduler_is_exit_2_naming_it(tmp_path: Path, data_dir: Path,
                                                   clips: list[Path]) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sheet = write_sheet(tmp_path, clips[:2])
    out = tmp_path / "out"
    proc = subprocess.run(batch_cmd(sheet, out, "--cluster", f"tcp://127.0.0.1:{port}"),
                          capture_output=True, text=True, env=_env(data_dir), cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"), lines
    assert not out.exists() or not list(out.rglob("*.mp4"))


# ----------------------------------------------------------------------- the real cluster

@pytest.mark.slow
def test_four_rows_on_the_cluster_then_resume(cluster: DaskCluster, tmp_path: Path,
                                              data_dir: Path, clips: list[Path]) -> None:
    sheet = write_sheet(tmp_path, clips)
    out = tmp_path / "out"
    cmd = batch_cmd(sheet, out, "--cluster", cluster.address, "--progress", "json")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(data_dir), cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = read_summary(out / "batch-summary.csv")
    assert {r["status"] for r in summary.values()} == {"made"}
    assert len(summary) == 4
    # Both workers rendered (one render slot each, four rows), and progress said so.
    workers = {r["worker"] for r in summary.values()}
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    last = [x for x in lines if "fraction" in x][-1]
    assert last["fraction"] == 1.0 and last["rows_done"] == 4
    assert {w: c["done"] for w, c in last["workers"].items()} == {
        w: sum(1 for r in summary.values() if r["worker"] == w) for w in workers}
    assert_complete(out, summary, 3.0)
    assert leftovers(out) == []

    # Again: every row is up to date and nothing is rendered.
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")}
    again = subprocess.run(batch_cmd(sheet, out, "--cluster", cluster.address), text=True,
                           capture_output=True, env=_env(data_dir), cwd=ROOT, timeout=300)
    assert again.returncode == 0, again.stderr
    assert {r["status"] for r in read_summary(out / "batch-summary.csv").values()} == {
        "skipped"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")} == stamps


@pytest.mark.slow
def test_workers_render_with_the_adaptive_allocator(cluster: DaskCluster) -> None:
    """The nanny's ``MALLOC_TRIM_THRESHOLD_`` (which made every frame buffer a fresh mmap)
    is gone from a worker prepared by the preload and from the processes it starts."""
    from distributed import Client

    def seen() -> tuple[str | None, str, bool]:
        import os as os_
        import subprocess as sp

        from creator_kit.batch.cluster import tune_allocator

        child = sp.run(["sh", "-c", 'printf %s "${MALLOC_TRIM_THRESHOLD_-unset}"'],
                       capture_output=True, text=True, check=True).stdout
        return os_.environ.get("MALLOC_TRIM_THRESHOLD_"), child, tune_allocator()

    with Client(cluster.address, timeout=30) as client:
        facts = client.run(seen)
    assert len(facts) == 2
    for value, child, tuned in facts.values():
        assert value is None
        assert child == "unset"
        assert tuned is (sys.platform.startswith("linux"))


def _progress_lines(proc: subprocess.Popen[str]) -> Iterator[dict[str, object]]:
    assert proc.stdout is not None
    for line in proc.stdout:
        yield json.loads(line)


@pytest.mark.slow
def test_worker_killed_mid_row_is_retried_with_no_partial_file(
        cluster: DaskCluster, tmp_path: Path, data_dir: Path, clips: list[Path]) -> None:
    sheet = write_sheet(tmp_path, clips[:2])
    out = tmp_path / "out"
    proc = subprocess.Popen(batch_cmd(sheet, out, "--cluster", cluster.address,
                                      "--progress", "json"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(data_dir), cwd=ROOT)
    killed: psutil.Process | None = None
    orphan: psutil.Process | None = None
    try:
        for doc in _progress_lines(proc):
            if killed is None and float(doc.get("fraction", 0)) > 0.15:  # type: ignore[arg-type]
                running = cluster.ffmpegs()
                encoders = [p for p in running if "libx264" in " ".join(p.cmdline())]
                if not encoders:
                    continue
                orphan = encoders[0]
                killed = orphan.parent()
                assert killed is not None
                part = [p for p in out.rglob("*.part")]
                assert part, "a render in progress has its temporary file"
                killed.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed is not None and orphan is not None, "no render was caught mid-row"
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "error" not in err.lower(), err
    # The killed worker's ffmpeg went with it.
    deadline = time.monotonic() + 10
    while orphan.is_running() and orphan.status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the killed worker's ffmpeg outlived it"
        time.sleep(0.1)
    summary = read_summary(out / "batch-summary.csv")
    assert {r["status"] for r in summary.values()} == {"made"}
    retried = [r for r in summary.values() if r["attempts"] == "2"]
    assert len(retried) == 1 and "worker was lost" in retried[0]["reason"]
    assert_complete(out, summary, 3.0)
    assert leftovers(out) == []


@pytest.mark.slow
def test_interrupted_client_leaves_nothing_and_rerun_skips_done_rows(
        cluster: DaskCluster, tmp_path: Path, data_dir: Path, clips: list[Path]) -> None:
    sheet = write_sheet(tmp_path, clips)
    out = tmp_path / "out"
    proc = subprocess.Popen(batch_cmd(sheet, out, "--cluster", cluster.address,
                                      "--progress", "json"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(data_dir), cwd=ROOT)
    running_rows = 0
    try:
        for doc in _progress_lines(proc):
            # Interrupt once a row is done and others are mid-render.
            if int(doc.get("rows_done", 0)) >= 1 and cluster.ffmpegs():  # type: ignore[call-overload]
                proc.send_signal(signal.SIGINT)
                running_rows = sum(w["running"] for w in doc["workers"].values())  # type: ignore[attr-defined]
                break
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    summary = read_summary(out / "batch-summary.csv")
    statuses = [r["status"] for r in summary.values()]
    assert "made" in statuses and "cancelled" in statuses, statuses
    # Rows mid-render stopped on their worker (through the cancel event), not only the
    # rows that had not started.
    assert running_rows >= 1
    stopped = [r for r in summary.values() if r["status"] == "cancelled" and r["worker"]]
    assert stopped, summary
    assert_complete(out, summary, 3.0)
    assert leftovers(out) == []
    # The workers stopped rendering this batch's rows.
    deadline = time.monotonic() + 30
    while cluster.ffmpegs():
        assert time.monotonic() < deadline, "the cluster kept rendering after the cancel"
        time.sleep(0.2)
    made = {name for name, r in summary.items() if r["status"] == "made"}

    again = subprocess.run(batch_cmd(sheet, out, "--cluster", cluster.address), text=True,
                           capture_output=True, env=_env(data_dir), cwd=ROOT, timeout=300)
    assert again.returncode == 0, again.stderr
    second = read_summary(out / "batch-summary.csv")
    assert {n for n, r in second.items() if r["status"] == "skipped"} == made
    assert {n for n, r in second.items() if r["status"] == "made"} == set(second) - made
    assert_complete(out, second, 3.0)


def _can_hide_folders() -> bool:
    import shutil

    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
def test_workers_without_the_shared_folder(tmp_path_factory: pytest.TempPathFactory,
                                          tmp_path: Path, data_dir: Path) -> None:
    """A worker that cannot see the client's files: shared mode fails those rows with the
    reason; send mode ships the inputs and brings the outputs back."""
    if not _can_hide_folders():
        pytest.skip("needs a private mount namespace (unshare -m) to hide folders from a worker")
    base = tmp_path_factory.getbasetemp()
    c = DaskCluster(tmp_path_factory.mktemp("dask-apart"), workers=1, hide=base)
    try:
        work = tmp_path / "campaign"
        work.mkdir()
        clips = [make_clip(work / f"c{i}.mp4", size="160x120", duration=1.0, tone=400 + i)
                 for i in range(2)]
        sheet = write_sheet(work, clips)
        out = tmp_path / "out"
        shared = subprocess.run(batch_cmd(sheet, out, "--cluster", c.address), text=True,
                                capture_output=True, env=_env(data_dir), cwd=ROOT, timeout=300)
        assert shared.returncode == 1, shared.stderr
        summary = read_summary(out / "batch-summary.csv")
        assert {r["status"] for r in summary.values()} == {"failed"}
        assert all(str(work) in r["reason"] for r in summary.values()), summary
        assert not list(out.rglob("*.mp4"))

        sent = subprocess.run(batch_cmd(sheet, out, "--cluster", c.address, "--cluster-files",
                                        "send"), text=True, capture_output=True,
                              env=_env(data_dir), cwd=ROOT, timeout=300)
        assert sent.returncode == 0, sent.stderr
        summary = read_summary(out / "batch-summary.csv")
        assert {r["status"] for r in summary.values()} == {"made"}
        assert_complete(out, summary, 1.0)
        assert leftovers(out) == []
    finally:
        c.close()


@pytest.mark.slow
def test_worker_with_another_creator_kit_is_refused(tmp_path_factory: pytest.TempPathFactory,
                                                    tmp_path: Path, data_dir: Path,
                                                    clips: list[Path]) -> None:
    folder = tmp_path_factory.mktemp("dask-old")
    old = folder / "old_creator_kit.py"  # a worker whose creator_kit says another version
    old.write_text("import creator_kit\ncreator_kit.__version__ = '0.0.1-old'\n",
                   encoding="utf-8")
    c = DaskCluster(folder, workers=1, preload=str(old))
    try:
        sheet = write_sheet(tmp_path, clips[:1])
        out = tmp_path / "out"
        proc = subprocess.run(batch_cmd(sheet, out, "--cluster", c.address), text=True,
                              capture_output=True, env=_env(data_dir), cwd=ROOT, timeout=300)
    finally:
        c.close()
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: worker tcp://127.0.0.1:")
    assert "runs creator_kit 0.0.1-old, this computer" in lines[0]
    assert not list(out.rglob("*.mp4"))


@pytest.mark.slow
def test_workers_without_a_render_slot_are_refused(tmp_path_factory: pytest.TempPathFactory,
                                                   tmp_path: Path, data_dir: Path,
                                                   clips: list[Path]) -> None:
    c = DaskCluster(tmp_path_factory.mktemp("dask-noslot"), workers=1, render_slots=False)
    try:
        sheet = write_sheet(tmp_path, clips[:1])
        out = tmp_path / "out"
        proc = subprocess.run(batch_cmd(sheet, out, "--cluster", c.address), text=True,
                              capture_output=True, env=_env(data_dir), cwd=ROOT, timeout=300)
    finally:
        c.close()
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: no worker of {c.address} offers the 'render' resource; start workers with: "
        "dask worker ADDRESS --nthreads 1 --resources render=1 --preload "
        "creator_kit.batch.dask_worker"]
    assert not list(out.rglob("*.mp4"))
