"""Settings file (versioned, validated, corrupt file moved aside) and the capped cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from creator_kit.core import settings as settings_mod
from creator_kit.core.cache import cache_usage, clear_cache, touch, trim_cache
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.settings import (
    SCHEMA_VERSION,
    Settings,
    load_settings,
    save_settings,
    settings_path,
    validate,
)

MiB = 1024**2


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CREATOR_KIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CREATOR_KIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


# --------------------------------------------------------------------------- settings


def test_missing_file_gives_defaults_without_a_message(tmp_path: Path) -> None:
    loaded = load_settings()
    assert loaded.settings == Settings()
    assert loaded.message is None
    assert loaded.path == tmp_path / "config" / "settings.json"
    assert not loaded.path.exists()  # reading never writes


def test_saved_settings_round_trip_through_the_file(tmp_path: Path) -> None:
    chosen = Settings(language="ar", digits="eastern", default_preset="reels",
                      default_template="maskup", autosave_seconds=0, cache_limit_mb=512)
    path = save_settings(chosen)
    assert path == settings_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["language"] == "ar" and data["cache_limit_mb"] == 512
    loaded = load_settings()
    assert loaded.settings == chosen and loaded.message is None
    # No temporary file is left beside it.
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]


def test_an_older_file_without_newer_keys_takes_their_defaults() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"schema_version": 1, "language": "en"}', encoding="utf-8")
    loaded = load_settings()
    assert loaded.settings == Settings(language="en")
    assert loaded.message is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
        (b'{"language": "en"}', "schema_version"),
        (b'{"schema_version": 1, "language": "fr"}', "language must be one of auto, en, ar"),
        (b'{"schema_version": 1, "autosave_seconds": 5}', "autosave_seconds must be between"),
        (b'{"schema_version": 1, "cache_limit_mb": true}', "cache_limit_mb must be a whole"),
        (b'{"schema_version": 1, "default_preset": "vine"}', "default_preset must be one of"),
        (b'{"schema_version": 1, "default_template": "../x"}', "default_template must be"),
        (b'{"schema_version": 1, "colour": "red"}', "unknown setting 'colour'"),
    ],
)
def test_corrupt_file_is_moved_aside_and_defaults_used(content: bytes, problem: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    loaded = load_settings()
    assert loaded.settings == Settings()
    assert loaded.message is not None
    assert problem in loaded.message and str(path) in loaded.message
    assert "\n" not in loaded.message
    # Nothing the user wrote is lost: the file is beside, byte for byte.
    assert not path.exists()
    assert loaded.moved_to is not None and loaded.moved_to.parent == path.parent
    assert loaded.moved_to.read_bytes() == content
    assert loaded.moved_to.name in loaded.message
    # Saving now writes a fresh, valid file.
    save_settings(Settings(language="ar"))
    assert load_settings().settings.language == "ar"


def test_library_readers_leave_a_corrupt_file_for_the_app_to_report() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{oops")
    loaded = load_settings(move_corrupt=False)
    assert loaded.settings == Settings() and loaded.moved_to is None
    assert loaded.message is not None and "corrupt" in loaded.message
    assert path.read_bytes() == b"{oops"


def test_a_newer_file_is_left_alone() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    text = json.dumps({"schema_version": SCHEMA_VERSION + 1, "language": "ar", "theme": "x"})
    path.write_text(text, encoding="utf-8")
    loaded = load_settings()
    assert loaded.settings == Settings()
    assert loaded.message is not None and "newer creator_kit" in loaded.message
    assert path.read_text(encoding="utf-8") == text


def test_older_versions_are_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend the current schema is 2 and version 1 called the language "lang".
    def one_to_two(data: dict[str, object]) -> dict[str, object]:
        data = dict(data)
        data["language"] = data.pop("lang")
        return data

    monkeypatch.setattr(settings_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(settings_mod.MIGRATIONS, 1, one_to_two)
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"schema_version": 1, "lang": "ar"}', encoding="utf-8")
    assert load_settings().settings.language == "ar"


def test_invalid_settings_are_never_written() -> None:
    with pytest.raises(InputError, match="cache_limit_mb must be between"):
        save_settings(Settings(cache_limit_mb=1))
    assert not settings_path().exists()
    with pytest.raises(InputError, match="digits"):
        validate({"digits": "roman"})


def test_a_failed_write_keeps_the_previous_file(monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(language="ar"))
    before = settings_path().read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", full_disk)
        with pytest.raises(OutputError, match="No space left"):
            save_settings(Settings(language="en"))
    assert settings_path().read_bytes() == before


# --------------------------------------------------------------------------- cache


def _entry(root: Path, name: str, size: int, age: float) -> Path:
    p = root / "faces" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("wb") as fh:
        fh.truncate(size)  # sparse: the size counts, the disk does not fill
    t = 1_700_000_000 - age
    os.utime(p, (t, t))
    return p


def test_usage_and_clear_report_the_same_bytes(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    _entry(root, "a.json", 3000, 10)
    _entry(root, "b.json", 5000, 20)
    (root / "faces" / ".faces-x.tmp").write_bytes(b"in progress")
    (root / "fontconfig").mkdir()
    (root / "fontconfig" / "fonts.conf").write_text("<fontconfig/>")
    usage = cache_usage()
    assert (usage.path, usage.files, usage.bytes) == (root, 2, 8000)
    freed = clear_cache()
    assert (freed.files, freed.bytes) == (2, 8000)
    assert cache_usage().bytes == 0
    # A write in progress is not the cache's to remove, nor the font configuration a
    # starting process is about to read.
    assert (root / "faces" / ".faces-x.tmp").exists()
    assert (root / "fontconfig" / "fonts.conf").exists()


def test_trim_removes_least_recently_used_first(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    old = _entry(root, "old.json", 40 * MiB, age=300)
    used = _entry(root, "used.json", 40 * MiB, age=200)
    new = _entry(root, "new.json", 40 * MiB, age=100)
    touch(used)  # read just now: the most recently used
    freed = trim_cache(80 * MiB)
    assert (freed.files, freed.bytes) == (1, 40 * MiB)
    assert not old.exists() and used.exists() and new.exists()
    assert trim_cache(80 * MiB).files == 0  # within the limit: nothing to do
    freed = trim_cache(50 * MiB)
    assert not new.exists() and used.exists()


def test_face_cache_is_trimmed_to_the_setting_and_keeps_the_new_entry(tmp_path: Path) -> None:
    from creator_kit.vision.analysis import analyse, cache_dir
    from creator_kit.vision.synthetic import draw_face
    from tests.helpers import make_face_clip, still

    save_settings(Settings(cache_limit_mb=64))
    stale = _entry(tmp_path / "cache", "stale.json", 70 * MiB, age=1000)
    clip = tmp_path / "face.mp4"
    make_face_clip(clip, [(draw_face(90), still(100, 50))], duration=1.0)
    analysis = analyse(clip)
    assert len(analysis.tracks) == 1
    assert not stale.exists()
    (kept,) = cache_dir().glob("*.json")
    assert json.loads(kept.read_text())["analysis"]["tracks"]
    assert cache_usage().bytes == kept.stat().st_size


def test_cache_cli_reports_and_clears(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    _entry(root, "a.json", 2 * MiB, 10)
    env = {**os.environ}

    def cli(*args: str) -> dict[str, object]:
        done = subprocess.run([sys.executable, "-m", "creator_kit.cli", "cache", *args, "--json"],
                              capture_output=True, text=True, env=env, check=True)
        assert done.stderr == ""
        result: dict[str, object] = json.loads(done.stdout)
        return result

    info = cli("info")
    assert info == {"path": str(root), "files": 1, "bytes": 2 * MiB,
                    "limit_bytes": Settings().cache_limit_mb * MiB}
    assert cli("clear") == {"path": str(root), "files": 1, "bytes": 2 * MiB}
    assert cli("info")["files"] == 0
