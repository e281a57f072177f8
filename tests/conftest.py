"""Shared fixtures: offscreen Qt, generated media, and a failing test on ERROR logs."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, settings  # noqa: E402

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
def qt_application() -> Iterator[object]:
    """One QApplication for the run, made before the text engine would make a bare
    QGuiApplication: widget tests that run after engine tests would otherwise abort."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["creator-kit-tests"])
    yield app


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Any ERROR (or worse) log record from creator_kit fails the test that caused it."""
    yield
    bad = [
        r
        for r in caplog.get_records("call")
        if r.levelno >= logging.ERROR and r.name.startswith("creator_kit")
    ]
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
