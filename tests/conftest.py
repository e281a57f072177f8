"""Shared fixtures: offscreen Qt, generated media, and a failing test on ERROR logs."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, settings  # noqa: E402

from tests.helpers import ffmpeg_children  # noqa: E402
from tests.mediagen import SHARED_MEDIA, make_clip  # noqa: E402

# Property-based (fuzz) tests: a few dozen fixed examples each in ``make test`` (derandomized,
# so a run is repeatable), thousands of fresh ones with ``make fuzz`` (CK_HYPOTHESIS_PROFILE=
# fuzz; CK_FUZZ_EXAMPLES sets how many per test, default 2000). No deadline: a slow example
# is not a failure, a hang is (see tests/fuzzing.py).
_FUZZ_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                HealthCheck.data_too_large]
settings.register_profile("ck", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=_FUZZ_CHECKS, database=None)
settings.register_profile("fuzz", deadline=None, suppress_health_check=_FUZZ_CHECKS,
                          max_examples=int(os.environ.get("CK_FUZZ_EXAMPLES", "2000")))
settings.load_profile(os.environ.get("CK_HYPOTHESIS_PROFILE", "ck"))


@pytest.fixture(scope="session", autouse=True)
def qt_application(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One QApplication for the run, made before the text engine would make a bare
    QGuiApplication: widget tests that run after engine tests would otherwise abort.

    Made through ``ensure_qt``, as the GUI makes it, so Qt sees only the bundled fonts; the
    font configuration it writes goes to a session cache folder, not the user's.
    """
    from PySide6.QtWidgets import QApplication

    from creator_kit.text.qtapp import ensure_qt

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path_factory.mktemp("qt-cache")))
        app = ensure_qt(QApplication)
    assert isinstance(app, QApplication)
    yield app


@pytest.fixture(autouse=True)
def private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads or writes the real user cache or data folders (platformdirs').

    Each test gets its own empty ones; a test may point them elsewhere itself. Child
    processes (the CLI, batch workers) inherit the variables.
    """
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(base / "data"))
    # What Qt and other libraries keep per user on Linux (the editor's QSettings, audio
    # client state) goes to the test's folders too.
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(base / name.lower()))
    yield


@pytest.fixture(autouse=True)
def no_ffmpeg_left_running() -> Iterator[None]:
    """Every ffmpeg a test started (directly or through creator_kit) has ended with it.

    Processes that are on their way out get a few seconds; any still running then are
    killed, so one leak cannot break the tests after it, and the test fails naming them.
    """
    yield
    deadline = time.monotonic() + 10.0
    left = ffmpeg_children()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = ffmpeg_children()
    names = []
    for proc in left:
        try:
            names.append(" ".join(proc.cmdline())[:200])
            proc.kill()
        except psutil.Error:
            pass
    assert not left, f"ffmpeg still running after the test: {names}"


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Any ERROR (or worse) log record from creator_kit fails the test that caused it."""
    yield
    try:
        records = caplog.get_records("call")
    except KeyError:  # setup failed, so there was no call: that failure is the one to report
        return
    bad = [r for r in records if r.levelno >= logging.ERROR and r.name.startswith("creator_kit")]
    assert not bad, f"unexpected error logs: {[r.getMessage() for r in bad]}"


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide folder of generated clips (built lazily by the fixtures below)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def landscape_clip(media_dir: Path) -> Path:
    """2 s of 640x360 testsrc2 at 30 fps with a 440 Hz tone."""
    return make_clip(media_dir / "landscape.mp4", size="640x360", duration=2.0)


@pytest.fixture
def shared_media() -> Path:
    """The real footage in ../shared/media; skips the test with the reason when absent."""
    if not SHARED_MEDIA.is_dir():
        pytest.skip(f"real media folder {SHARED_MEDIA} is absent")
    return SHARED_MEDIA


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The editor's data folder and settings inside ``tmp_path``, not the user's."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("CREATOR_KIT_DATA_DIR", str(tmp_path / "data"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    return tmp_path


@pytest.fixture
def window(qtbot: object, isolated: Path) -> Iterator[object]:
    """An editor window (no autosave, no recovery offer), closed without a prompt after."""
    from tests.guiapp import make_window

    w = make_window(qtbot, autosave=False, recovery=False)
    yield w
    w.model.document = None
    w.close()
