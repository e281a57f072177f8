"""Managing the user's templates: install a pack, export one, copy or create a template.

The pack format and its defensive reading live in :mod:`~creator_kit.templates.packs`; where
templates live and how a name is found, in :mod:`~creator_kit.templates.store`. This module
uses both (neither imports it), which keeps the two free of an import cycle.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from creator_kit.core.atomic import atomic_write
from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.files import open_file
from creator_kit.core.schema import load_json_document
from creator_kit.templates.format import (
    NAME_PATTERN,
    TEMPLATE_FILE,
    LoadedTemplate,
    load_template,
    save_template,
    template_from_data,
)
from creator_kit.templates.packs import CHUNK, PackLimits, load_staged, pack_files, unpack
from creator_kit.templates.store import find_template, is_builtin, user_dir


def import_pack(pack: str | Path, *, overwrite: bool = False, name: str | None = None,
                limits: PackLimits | None = None) -> LoadedTemplate:
    """Install ``pack`` into the user template folder; returns the installed template.

    ``name`` installs it under another name (the template's ``name`` is rewritten). A name
    taken by a built-in template is refused; one taken by a user template needs
    ``overwrite``. Nothing is installed unless every check passes.
    """
    pack = Path(pack)
    if name is not None and not NAME_PATTERN.match(name):
        raise InputError(f"template name {name[:60]!r} must be lower-case letters, digits and "
                         "hyphens")
    root = user_dir(create=True)
    staging = root / f".import-{secrets.token_hex(6)}"
    unpack(pack, staging, limits)
    try:
        if name is not None:
            doc_path = staging / TEMPLATE_FILE
            template = template_from_data(load_json_document(doc_path, "template"), doc_path)
            save_template(template.replace(name=name), staging)
        loaded = load_staged(staging, pack)
        final_name = loaded.template.name
        if is_builtin(final_name):
            raise InputError(f"a built-in template is already called {final_name!r}; import "
                             "it under another name (--name)", pack)
        target = root / final_name
        _install(staging, target, overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_template(target, "user")


def _install(staging: Path, target: Path, overwrite: bool) -> None:
    """Move the validated ``staging`` folder to ``target`` in one rename."""
    if os.path.lexists(target):
        if not overwrite:
            raise OutputError(f"template {target.name!r} is already installed; use --overwrite "
                              "to replace it", target)
        trash = target.parent / f".old-{target.name}-{secrets.token_hex(4)}"
        os.rename(target, trash)
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(trash, target)
            raise
        if trash.is_symlink() or not trash.is_dir():
            trash.unlink()
        else:
            shutil.rmtree(trash, ignore_errors=True)
        return
    os.rename(staging, target)


def export_pack(template: str | LoadedTemplate, out: str | Path, *, overwrite: bool = False,
                ) -> Path:
    """Zip the template (a name, path or loaded template) into ``out``; returns its path.

    The template is validated first; the pack is written to a temporary file beside ``out``
    and moved into place, never replacing an existing file without ``overwrite``.
    """
    loaded = template if isinstance(template, LoadedTemplate) else find_template(template)
    loaded = load_template(loaded.folder, loaded.origin)  # validate what is on disk now
    target = Path(out).absolute()
    if target.is_dir():
        raise OutputError("output path is a folder", target)
    if os.path.lexists(target) and not overwrite:
        raise OutputError("output already exists; use --overwrite to replace it", target,
                          key="output-exists")
    if not target.parent.is_dir():
        raise OutputError("output folder does not exist", target.parent)
    files = pack_files(loaded.folder)
    def write(fh: BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for path, arc in files:
                # Fixed timestamps and order: the same template always gives the same pack.
                info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                with open_file(path, "template file") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)

    atomic_write(target, write, what="pack", overwrite=overwrite)
    return target


def copy_template(source: LoadedTemplate, name: str, *, overwrite: bool = False
                  ) -> LoadedTemplate:
    """Copy ``source`` into the user template folder as ``name`` (``templates new --from``)."""
    if not NAME_PATTERN.match(name):
        raise InputError(f"template name {name[:60]!r} must be 1-48 lower-case letters, digits "
                         "and hyphens")
    if is_builtin(name):
        raise InputError(f"{name!r} is the name of a built-in template; choose another name")
    root = user_dir(create=True)
    staging = root / f".new-{secrets.token_hex(6)}"
    os.mkdir(staging)
    try:
        for path, arc in pack_files(source.folder):
            dst = staging / arc
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst, follow_symlinks=False)
        save_template(source.template.replace(name=name), staging)
        load_template(staging, "user")
        _install(staging, root / name, overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_template(root / name, "user")


def new_template(name: str, *, overwrite: bool = False) -> LoadedTemplate:
    """A minimal template called ``name`` in the user folder, to edit by hand."""
    from creator_kit.templates.skeleton import skeleton

    if not NAME_PATTERN.match(name):
        raise InputError(f"template name {name[:60]!r} must be 1-48 lower-case letters, digits "
                         "and hyphens")
    if is_builtin(name):
        raise InputError(f"{name!r} is the name of a built-in template; choose another name")
    root = user_dir(create=True)
    staging = root / f".new-{secrets.token_hex(6)}"
    os.mkdir(staging)
    try:
        save_template(skeleton(name), staging)
        load_template(staging, "user")
        _install(staging, root / name, overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_template(root / name, "user")
