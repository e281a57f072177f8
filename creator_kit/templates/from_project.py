"""Save the look of a project as a template of the user's own ("save as template").

The template keeps what makes the look: the caption style and placement, the stickers and
tip cards, the face mask and reframe settings, the output preset, loudness, and the closing
card (its background, its texts and stickers, its length clamped to what templates allow).
Clips, the caption's words, image files and the music bed are the creator's own and are
left out, so the template applies to anyone's clips.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

from creator_kit.core.errors import InputError, OutputError
from creator_kit.core.model import (
    CaptionLayer,
    FaceMaskLayer,
    ImageLayer,
    Project,
    StickerLayer,
    TipCardLayer,
)
from creator_kit.templates.format import (
    NAME_PATTERN,
    EndCard,
    LoadedTemplate,
    Template,
    TemplateDefaults,
    load_template,
    save_template,
)
from creator_kit.templates.store import is_builtin, user_dir


def template_from_project(project: Project, name: str, title_ar: str, title_en: str) -> Template:
    """A template with ``project``'s look; raises InputError for a name templates cannot use."""
    if not NAME_PATTERN.match(name):
        raise InputError(f"template name {name[:60]!r} must be 1-48 lower-case letters, digits "
                         "and hyphens")
    captions = [la for la in project.layers if isinstance(la, CaptionLayer)]
    masks = [la for la in project.layers if isinstance(la, FaceMaskLayer)]
    overlays = tuple(dataclasses.replace(la, id="") for la in project.layers
                     if isinstance(la, (StickerLayer, TipCardLayer)))
    fields: dict[str, object] = {}
    if captions:
        fields["caption_style"] = captions[0].style
        if captions[0].placement is not None:
            fields["caption_placement"] = captions[0].placement
    end_card = None
    if project.card is not None:
        card = project.card
        end_card = EndCard(
            duration=min(5.0, max(2.0, card.duration)),
            background=card.background if card.background.kind != "image"
            else dataclasses.replace(card.background, kind="colour", image=None),
            layers=tuple(dataclasses.replace(la, id="") for la in card.layers
                         if not isinstance(la, ImageLayer)),
        )
    defaults = TemplateDefaults(
        output=project.output,
        reframe=project.reframe,
        face_mask=bool(masks),
        face_mask_settings=masks[0].settings if masks else TemplateDefaults().face_mask_settings,
        audio=dataclasses.replace(project.audio, music=None),
    )
    try:
        return Template(name=name, title_ar=title_ar or name, title_en=title_en or name,
                        overlays=overlays, end_card=end_card, defaults=defaults,
                        **fields)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(f"template {name!r}: {exc}") from None


def save_project_as_template(project: Project, name: str, title_ar: str, title_en: str,
                             *, overwrite: bool = False) -> LoadedTemplate:
    """Write the look of ``project`` as user template ``name``; returns it loaded and validated.

    Refuses a built-in template's name, and an existing user template unless ``overwrite``.
    """
    template = template_from_project(project, name, title_ar, title_en)
    if is_builtin(name):
        raise InputError(f"{name!r} is a built-in template; choose another name")
    target = user_dir(create=True) / name
    if target.exists() and not overwrite:
        raise OutputError("a template with this name exists already", target)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        save_template(template, staging)
        load_template(staging, "user")  # validate before it replaces anything
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return load_template(target, "user")
