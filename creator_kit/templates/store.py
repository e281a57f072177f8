"""Where templates live and how a name becomes a loaded template.

* Built-in templates ship in ``assets/templates/<name>/`` (``$CREATOR_KIT_ASSETS/templates``
  when that variable is set).
* The user's own and imported templates live in ``<data dir>/templates/<name>/``, where the
  data dir is ``$CREATOR_KIT_DATA_DIR`` when set (tests point it at a temporary folder), else
  the platform's user data folder (``~/.local/share/creator-kit`` on Linux,
  ``%LOCALAPPDATA%\\creator-kit`` on Windows, ``~/Library/Application Support/creator-kit``).

A user template cannot take a built-in template's name, so ``maskup`` always means the
campaign that ships with creator_kit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from creator_kit.core.assets import asset_path
from creator_kit.core.errors import InputError
from creator_kit.core.user_dirs import user_data_dir
from creator_kit.templates.format import (
    NAME_PATTERN,
    TEMPLATE_FILE,
    LoadedTemplate,
    load_template,
)
from creator_kit.templates.packs import open_pack

Origin = Literal["builtin", "user"]




def builtin_dir() -> Path:
    """The folder of built-in templates."""
    return asset_path("templates")


def data_dir() -> Path:
    """creator_kit's user data folder (``$CREATOR_KIT_DATA_DIR`` when set)."""
    return user_data_dir()


def user_dir(create: bool = False) -> Path:
    """The folder of the user's own and imported templates (made when ``create``)."""
    folder = data_dir() / "templates"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class TemplateEntry:
    """A template found on disk (not yet validated)."""

    name: str
    folder: Path
    origin: Origin


def _scan(folder: Path, origin: Origin) -> list[TemplateEntry]:
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return []
    return [TemplateEntry(c.name, c, origin) for c in children
            if NAME_PATTERN.match(c.name) and not c.is_symlink() and c.is_dir()
            and (c / TEMPLATE_FILE).is_file()]


def template_entries() -> list[TemplateEntry]:
    """Built-in then user templates, by name; a user folder named like a built-in is ignored."""
    builtin = _scan(builtin_dir(), "builtin")
    taken = {e.name for e in builtin}
    user = [e for e in _scan(user_dir(), "user") if e.name not in taken]
    return builtin + user


def available_names() -> list[str]:
    """The names ``find_template`` accepts."""
    return [e.name for e in template_entries()]


def is_builtin(name: str) -> bool:
    """True when ``name`` is a built-in template."""
    return any(e.name == name for e in _scan(builtin_dir(), "builtin"))


def unknown_template(name: str) -> InputError:
    """The error for a template name that does not exist, listing the ones that do."""
    names = available_names()
    listed = ", ".join(names) if names else "none installed"
    return InputError(f"unknown template {name[:60]!r}; available templates: {listed}",
                      key="unknown-template", params={"name": name[:60], "available": listed})


def load_entry(entry: TemplateEntry) -> LoadedTemplate:
    """Load and validate a template found by :func:`template_entries`."""
    loaded = load_template(entry.folder, entry.origin)
    if loaded.template.name != entry.name:
        raise InputError(f"the template in folder {entry.name!r} is called "
                         f"{loaded.template.name!r}; rename one of them", entry.folder)
    return loaded


def find_template(spec: str) -> LoadedTemplate:
    """The template called ``spec``, or at the path ``spec`` (a folder, template.json or .ckpack).

    An unknown name raises :class:`InputError` listing the available templates.
    """
    if NAME_PATTERN.match(spec):
        for entry in template_entries():
            if entry.name == spec:
                return load_entry(entry)
    looks_like_path = ("/" in spec or os.sep in spec or spec.endswith((".json", ".ckpack"))
                       or Path(spec).is_dir())
    if not looks_like_path:
        raise unknown_template(spec)
    path = Path(spec)
    if spec.endswith(".ckpack"):
        return open_pack(path)
    if not path.exists():
        raise InputError("template not found", path)
    return load_template(path, "file")
