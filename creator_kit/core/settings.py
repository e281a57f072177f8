"""The user's settings: a small, versioned, validated JSON file in the platform's config folder.

The file lives at ``<config dir>/settings.json``, where the config dir is
``$CREATOR_KIT_CONFIG_DIR`` when set (tests point it at a temporary folder), else the platform's
user config folder (``~/.config/creator-kit`` on Linux, ``%LOCALAPPDATA%\\creator-kit`` on
Windows, ``~/Library/Application Support/creator-kit`` on macOS)::

    {"schema_version": 1, "language": "auto", "digits": "auto", "default_preset": "tiktok",
     "default_template": "", "autosave_seconds": 60, "cache_limit_mb": 2048}

Reading never fails: a missing file gives the defaults; a file that is not JSON, not an object,
or holds a value out of range is *corrupt*: it is moved aside (``settings.json.corrupt-<time>``,
so nothing the user wrote is lost) and the defaults are used, with a one-line message saying so.
A file written by a newer creator_kit (a higher ``schema_version``) is left untouched and the
defaults are used for this run, again with a message. Older versions are migrated step by step
(:data:`MIGRATIONS`), as napari's settings do. Writing goes through the one atomic writer, so a
crash mid-save leaves the previous file whole.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from creator_kit.core.atomic import atomic_write
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.presets import PROFILES
from creator_kit.core.user_dirs import user_config_dir

SCHEMA_VERSION = 1
SETTINGS_FILE = "settings.json"

Language = Literal["auto", "en", "ar"]
Digits = Literal["auto", "western", "eastern"]

LANGUAGES: tuple[str, ...] = ("auto", "en", "ar")
DIGITS: tuple[str, ...] = ("auto", "western", "eastern")
# Autosave: 0 turns it off; otherwise between 10 s (often enough to lose little, rarely enough
# not to stall a slow disk) and an hour.
AUTOSAVE_RANGE = (10, 3600)
# Cache limit in MiB: 64 MiB holds a few hundred face analyses; 1 TiB is "no real limit".
CACHE_LIMIT_RANGE = (64, 1024 * 1024)
# The same rule as template names (templates.format.NAME_PATTERN), restated here because core
# sits below templates; "" means "no default template".
_TEMPLATE_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Settings:
    """Everything the user can set once for every project (see the module docstring)."""

    language: Language = "auto"  # "auto" follows the system locale
    digits: Digits = "auto"  # Western (0-9) or Eastern Arabic (٠-٩); "auto" follows the language
    default_preset: str = "tiktok"  # an export profile name (core.presets.PROFILES)
    default_template: str = ""  # a template name, or "" for none
    autosave_seconds: int = 60  # 0 turns autosave off
    cache_limit_mb: int = 2048  # the cache is trimmed to this, least recently used first

    def to_data(self) -> dict[str, Any]:
        """The JSON object written to the settings file."""
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}


@dataclass(frozen=True)
class LoadedSettings:
    """What :func:`load_settings` found: the settings in force and, when it matters, why."""

    settings: Settings
    path: Path
    message: str | None = None  # one line for the user when the file was not used as is
    moved_to: Path | None = None  # where a corrupt file was moved


def config_dir() -> Path:
    """creator_kit's config folder (:func:`core.user_dirs.user_config_dir`)."""
    return user_config_dir()


def settings_path() -> Path:
    """The settings file's path (it may not exist yet)."""
    return config_dir() / SETTINGS_FILE


# Migrations from version N (the key) to N + 1, applied in order to the raw JSON object.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}, not {value!r:.40}",
                         key="bad-value", params={"field": name, "value": value})
    return value


def _int_in(name: str, value: object, lo: int, hi: int, *, zero_ok: bool = False) -> int:
    # bool is an int in Python; a settings file saying true for a number is still wrong.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, not {value!r:.40}",
                         key="bad-value", params={"field": name, "value": value})
    if not (lo <= value <= hi or (zero_ok and value == 0)):
        extra = " (or 0 for off)" if zero_ok else ""
        raise InputError(f"{name} must be between {lo} and {hi}{extra}, not {value}",
                         key="bad-value", params={"field": name, "value": value})
    return value


def validate(data: Mapping[str, Any]) -> Settings:
    """The :class:`Settings` that a current-version JSON object describes.

    Keys that are absent take their defaults (a file saved before a setting existed stays
    valid); unknown keys and out-of-range values raise :class:`InputError` naming the key.
    """
    known = {f.name for f in fields(Settings)} | {"schema_version"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"unknown setting {unknown[0]!r:.40}")
    values: dict[str, Any] = {}
    if "language" in data:
        values["language"] = _choice("language", data["language"], LANGUAGES)
    if "digits" in data:
        values["digits"] = _choice("digits", data["digits"], DIGITS)
    if "default_preset" in data:
        values["default_preset"] = _choice(
            "default_preset", data["default_preset"], tuple(PROFILES)
        )
    if "default_template" in data:
        name = data["default_template"]
        if not isinstance(name, str) or len(name) > 48 or not set(name) <= _TEMPLATE_NAME_CHARS:
            raise InputError(f"default_template must be a template name, not {name!r:.40}")
        values["default_template"] = name
    if "autosave_seconds" in data:
        values["autosave_seconds"] = _int_in(
            "autosave_seconds", data["autosave_seconds"], *AUTOSAVE_RANGE, zero_ok=True
        )
    if "cache_limit_mb" in data:
        values["cache_limit_mb"] = _int_in(
            "cache_limit_mb", data["cache_limit_mb"], *CACHE_LIMIT_RANGE
        )
    return replace(Settings(), **values)


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"schema_version must be a whole number from 1, not {version!r:.40}")
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    return data


class _Newer(Exception):
    """The file comes from a newer creator_kit: leave it alone."""


def _parse(text: str) -> Settings:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON ({str(exc)[:60]})") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object")
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise _Newer(version)
    return validate(_migrate(data))


def load_settings(path: Path | None = None, *, move_corrupt: bool = True) -> LoadedSettings:
    """The settings in force (see the module docstring); never raises for a bad file.

    ``move_corrupt=False`` leaves a corrupt file where it is (the defaults are still used): for
    library code that only needs a value and has no one to show the message to, so the move
    and its message happen when the app or the CLI next loads the settings.
    """
    p = settings_path() if path is None else path
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings(), p)
    except OSError as exc:
        return LoadedSettings(
            Settings(), p, f"{p}: cannot read settings ({exc.strerror}); using the defaults"
        )
    try:
        return LoadedSettings(_parse(raw.decode("utf-8")), p)
    except _Newer as exc:
        return LoadedSettings(
            Settings(),
            p,
            f"{p}: settings from a newer creator_kit (schema_version {exc.args[0]}); "
            "using the defaults and leaving the file as it is",
        )
    except (InputError, UnicodeDecodeError) as exc:
        problem = exc.problem if isinstance(exc, InputError) else "not UTF-8 text"
    if not move_corrupt:
        return LoadedSettings(
            Settings(), p, f"{p}: settings file is corrupt ({problem}); using the defaults"
        )
    aside = p.with_name(f"{p.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        # A plain move to a fresh name (the corrupt file is kept, not written): no atomic save.
        p.rename(aside)
    except OSError as exc:
        return LoadedSettings(
            Settings(),
            p,
            f"{p}: settings file is corrupt ({problem}) and could not be moved aside "
            f"({exc.strerror}); using the defaults",
        )
    return LoadedSettings(
        Settings(),
        p,
        f"{p}: settings file is corrupt ({problem}); moved it to {aside.name} and using "
        "the defaults",
        aside,
    )


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` atomically (validated first); returns the file's path.

    Raises :class:`OutputError` when the folder cannot be written.
    """
    p = settings_path() if path is None else path
    validate(asdict(settings))  # a Settings built by hand with bad values is never written
    text = json.dumps(settings.to_data(), indent=2, ensure_ascii=False) + "\n"
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write settings ({exc.strerror})", p) from None
    atomic_write(p, text, what="settings")
    return p


__all__ = [
    "CACHE_LIMIT_RANGE",
    "AUTOSAVE_RANGE",
    "DIGITS",
    "LANGUAGES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "LoadedSettings",
    "Settings",
    "config_dir",
    "load_settings",
    "save_settings",
    "settings_path",
    "validate",
]
