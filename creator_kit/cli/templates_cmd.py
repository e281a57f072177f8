"""``creator-kit templates``: list, show, import, export and create campaign templates.

Also home of the ``--template``/``--var``/``--language``/``--logo`` flags another command can
add with :func:`add_template_options` and turn into a Project with :func:`template_project`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from creator_kit.builder import ProjectOptions, build_project
from creator_kit.core.errors import InputError
from creator_kit.core.model import Project, StickerLayer, TipCardLayer
from creator_kit.templates.format import (
    Template,
    compact_data,
)
from creator_kit.templates.manage import copy_template, export_pack, import_pack, new_template
from creator_kit.templates.store import find_template, load_entry, template_entries, user_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``templates`` subcommand and its actions."""
    p = sub.add_parser("templates", help="list, show, import, export or create templates",
                       description="Campaign templates: built-in ones and your own.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True

    ls = actions.add_parser("list", help="list the available templates")
    ls.add_argument("--json", action="store_true", help="one JSON object per template")
    ls.set_defaults(func=run_list)

    show = actions.add_parser("show", help="describe a template: texts, variables, overlays")
    show.add_argument("name", help="a template name (see 'templates list') or folder")
    show.add_argument("--json", action="store_true", help="print the template document")
    show.set_defaults(func=run_show)

    imp = actions.add_parser("import", help="install a .ckpack into your templates")
    imp.add_argument("pack", metavar="FILE.ckpack")
    imp.add_argument("--overwrite", action="store_true",
                     help="replace an installed template of the same name")
    imp.add_argument("--name", help="install under this name instead of the pack's own")
    imp.set_defaults(func=run_import)

    exp = actions.add_parser("export", help="write a template as a shareable .ckpack")
    exp.add_argument("name", help="the template to export")
    exp.add_argument("out", metavar="OUT.ckpack")
    exp.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    exp.set_defaults(func=run_export)

    new = actions.add_parser("new", help="create a template of your own to edit")
    new.add_argument("name", help="lower-case letters, digits and hyphens")
    new.add_argument("--from", dest="source", metavar="TEMPLATE",
                     help="start from a copy of this template (e.g. maskup)")
    new.add_argument("--overwrite", action="store_true",
                     help="replace your template of the same name")
    new.set_defaults(func=run_new)


def _langs(t: Template) -> str:
    return "/".join(t.languages)


def run_list(args: argparse.Namespace) -> int:
    """``templates list``: name, origin, languages and titles; a broken template is flagged."""
    rows: list[dict[str, Any]] = []
    for entry in template_entries():
        try:
            t = load_entry(entry).template
            rows.append({"name": entry.name, "origin": entry.origin, "languages": list(t.languages),
                         "title_en": t.title_en, "title_ar": t.title_ar, "error": None})
        except InputError as exc:
            rows.append({"name": entry.name, "origin": entry.origin, "languages": [],
                         "title_en": "", "title_ar": "", "error": exc.message})
    if args.json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    if not rows:
        sys.stdout.write("no templates found\n")
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        if r["error"]:
            sys.stdout.write(f"{r['name']:<{width}}  {r['origin']:<7}  unusable: {r['error']}\n")
        else:
            langs = "/".join(r["languages"])
            sys.stdout.write(f"{r['name']:<{width}}  {r['origin']:<7}  {langs:<5}  "
                             f"{r['title_en']} — {r['title_ar']}\n")
    sys.stdout.write(f"(your templates live in {user_dir()})\n")
    return 0


def describe_layer(layer: object) -> str:
    """One line about an overlay or end-card layer."""
    kind = getattr(type(layer), "KIND", type(layer).__name__)
    start = getattr(layer, "start", 0.0)
    end = getattr(layer, "end", None)
    when = f"{start:g}-{end:g} s" if end is not None else f"from {start:g} s"
    if isinstance(layer, StickerLayer):
        what = layer.name + (f" {layer.text!r}" if layer.text else "")
    elif isinstance(layer, TipCardLayer):
        what = layer.tip
    else:
        what = getattr(layer, "text", None) or getattr(layer, "path", "") or ""
        what = repr(what) if isinstance(what, str) and what else str(what)
    return f"{kind:<9} {what}  ({when})"


def run_show(args: argparse.Namespace) -> int:
    """``templates show NAME``."""
    loaded = find_template(args.name)
    t = loaded.template
    if args.json:
        sys.stdout.write(json.dumps(compact_data(t), ensure_ascii=False, indent=2) + "\n")
        return 0
    out = sys.stdout
    out.write(f"{t.name} ({loaded.origin}) — {loaded.folder}\n")
    out.write(f"  title: {t.title_en} / {t.title_ar}\n")
    if t.description_en:
        out.write(f"  {t.description_en}\n")
    if t.description_ar:
        out.write(f"  {t.description_ar}\n")
    out.write(f"  languages: {', '.join(t.languages)}; caption font "
              f"{t.caption_style.font_family} {t.caption_style.size_px:g} px\n")
    d = t.defaults
    out.write(f"  defaults: preset {d.output.preset}, reframe {d.reframe.mode}, face mask "
              f"{d.face_mask_settings.style if d.face_mask else 'off'}"
              f"{', music ' + d.audio.music if d.audio.music else ''}\n")
    out.write("  variables (--var NAME=VALUE):\n")
    for v in t.variables:
        default = v.default_for(t.languages[0])
        shown = "REQUIRED" if default is None else f"default {default!r}"
        out.write(f"    {{{v.name}}}  {v.description}  [{shown}]\n")
    out.write("  overlays:\n")
    for layer in t.overlays:
        out.write(f"    {describe_layer(layer)}\n")
    if t.end_card is not None:
        ec = t.end_card
        out.write(f"  end card: {ec.duration:g} s on {ec.background.kind}, up to "
                  f"{ec.logos.max_logos} logos (--card-logo)\n")
        for layer in ec.layers:
            out.write(f"    {describe_layer(layer)}\n")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``templates import FILE.ckpack``."""
    loaded = import_pack(args.pack, overwrite=args.overwrite, name=args.name)
    sys.stderr.write(f"installed template {loaded.name!r} in {loaded.folder}\n")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``templates export NAME OUT.ckpack``."""
    path = export_pack(args.name, args.out, overwrite=args.overwrite)
    sys.stderr.write(f"wrote {path}\n")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """``templates new NAME [--from TEMPLATE]``."""
    if args.source:
        loaded = copy_template(find_template(args.source), args.name, overwrite=args.overwrite)
    else:
        loaded = new_template(args.name, overwrite=args.overwrite)
    sys.stderr.write(f"created template {loaded.name!r}: edit {loaded.folder / 'template.json'}\n")
    return 0


# ------------------------------------------------------------- shared template options

def add_template_options(p: argparse.ArgumentParser, *, caption_and_logos: bool = False) -> None:
    """Add ``--template``, ``--var`` and ``--language`` to ``p``.

    With ``caption_and_logos`` also ``--caption`` and ``--logo``, for a command that does
    not have its own (``render`` has ``--caption``, ``--captions`` and ``--card-logo``,
    which :func:`template_project` reads too).
    """
    p.add_argument("--template", metavar="NAME",
                   help="a campaign template: a name (see 'templates list'), folder or .ckpack")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="a template variable, e.g. --var creator=@salma (repeatable)")
    p.add_argument("--language", choices=["ar", "en"], default=None,
                   help="the template's language (default: its first, Arabic for built-ins)")
    if caption_and_logos:
        p.add_argument("--caption", help="your caption text, in the template's caption style")
        p.add_argument("--logo", action="append", default=[], metavar="IMAGE",
                       help="a partner logo for the end card (1-4, repeatable)")


def parse_vars(items: Sequence[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` to ``{"a": "1", "b": "x=y"}``; a malformed item is an InputError."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--var {item[:60]!r} must look like NAME=VALUE")
        out[name.strip()] = value
    return out


def template_project(args: argparse.Namespace, clips: Sequence[str]) -> Project | None:
    """The Project the template options describe, or ``None`` when no ``--template`` was given.

    Reads, when the command has them: ``caption`` (text) or ``captions`` (subtitle file),
    ``logo``/``card_logo`` (end-card logos), ``preset``, ``reframe``, ``face_mask`` (a mask
    style: the face mask on in that style) and ``music``; each applies on top of the template
    through the one project builder (:func:`creator_kit.builder.build_project`).
    """
    if not getattr(args, "template", None):
        return None
    options = ProjectOptions(
        clips=tuple(clips),
        template=args.template,
        variables=parse_vars(getattr(args, "var", None) or []),
        language=getattr(args, "language", None),
        caption=getattr(args, "caption", None),
        captions=getattr(args, "captions", None),
        card_logos=tuple(getattr(args, "logo", None) or getattr(args, "card_logo", None) or []),
        preset=getattr(args, "preset", None),
        reframe=getattr(args, "reframe", None),
        face_mask=getattr(args, "face_mask", None),
        music=getattr(args, "music", None),
        labels={"card_logos": "--logo"} if hasattr(args, "logo") else {},
    )
    return build_project(options)
