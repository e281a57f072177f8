"""The user's folders creator_kit writes to: one place that names them.

* :func:`user_cache_dir`: things that can be rebuilt (face analyses, the font configuration);
  ``$CREATOR_KIT_CACHE_DIR`` when set, else the platform's user cache folder
  (``~/.cache/creator-kit`` on Linux).
* :func:`user_data_dir`: things the user made (their templates); ``$CREATOR_KIT_DATA_DIR``
  when set, else the platform's user data folder (``~/.local/share/creator-kit`` on Linux,
  ``%LOCALAPPDATA%\\creator-kit`` on Windows, ``~/Library/Application Support/creator-kit``).
* :func:`user_config_dir`: the settings file; ``$CREATOR_KIT_CONFIG_DIR`` when set, else the
  platform's user config folder (``~/.config/creator-kit`` on Linux).

Tests point both variables at temporary folders, so no test touches the real ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "creator-kit"
CACHE_ENV = "CREATOR_KIT_CACHE_DIR"
DATA_ENV = "CREATOR_KIT_DATA_DIR"
CONFIG_ENV = "CREATOR_KIT_CONFIG_DIR"


def user_cache_dir() -> Path:
    """creator_kit's cache folder (not created here)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    """creator_kit's user data folder (not created here)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    """creator_kit's config folder (not created here)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
