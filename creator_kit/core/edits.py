"""Pure edit operations: each takes a :class:`Project` and returns a new one.

The editor wraps every one of these in an undoable command, but they are plain functions on
immutable data, so the CLI, templates, batch scripts and tests use exactly the same edits.
Layers are found by their stable ``id`` (see :mod:`creator_kit.core.model`), clips by their
position. Every operation raises :class:`EditError` (a ``ValueError``) when the edit cannot
be made: an unknown id, a value out of range, removing the last clip; the project passed in
is never changed (it cannot be: it is frozen).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from creator_kit.core.captions import STYLES, CaptionStyle, Cue
from creator_kit.core.model import (
    Animation,
    CaptionLayer,
    CardLayer,
    ClipRef,
    ClosingCard,
    FaceMaskLayer,
    Layer,
    Placement,
    Project,
    new_layer_id,
)
from creator_kit.core.schema import SchemaError, from_data, to_data

Where = Literal["clips", "card"]


class EditError(ValueError):
    """An edit that cannot be made; the message says why in words a user can read."""


def _replace(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` checked as strictly as a loaded file (types, ranges, words).

    Problems are reported as :class:`EditError`.
    """
    known = {f.name for f in dataclasses.fields(obj)}
    for name in changes:
        if name not in known:
            raise EditError(f"{type(obj).__name__} has no setting {name!r}")
    try:
        new = dataclasses.replace(obj, **changes)
        # A round trip through the schema applies the same checks a project file gets.
        from_data(type(new), to_data(new))
    except SchemaError as exc:
        raise EditError(str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise EditError(str(exc)) from None
    return new


# -- finding layers ----------------------------------------------------------------------------


def iter_layers(project: Project) -> Iterator[tuple[Where, int, Layer | CardLayer]]:
    """Every layer with where it lives (``clips`` or ``card``) and its index there."""
    for i, layer in enumerate(project.layers):
        yield "clips", i, layer
    if project.card is not None:
        for i, card_layer in enumerate(project.card.layers):
            yield "card", i, card_layer


def layer_ids(project: Project) -> list[str]:
    """The ids of all layers, clip layers first, back to front."""
    return [layer.id for _, _, layer in iter_layers(project)]


def locate(project: Project, layer_id: str) -> tuple[Where, int]:
    """Where the layer ``layer_id`` lives and its index; EditError when there is none."""
    for where, i, layer in iter_layers(project):
        if layer.id == layer_id:
            return where, i
    raise EditError(f"the project has no layer {layer_id!r}")


def find_layer(project: Project, layer_id: str) -> Layer | CardLayer:
    """The layer called ``layer_id``; EditError when there is none."""
    where, i = locate(project, layer_id)
    if where == "clips":
        return project.layers[i]
    assert project.card is not None
    return project.card.layers[i]


def _with_layers(project: Project, where: Where, layers: tuple[Any, ...]) -> Project:
    if where == "clips":
        return project.replace(layers=layers)
    if project.card is None:
        raise EditError("the project has no closing card")
    return project.replace(card=dataclasses.replace(project.card, layers=layers))


def _layers_of(project: Project, where: Where) -> tuple[Any, ...]:
    if where == "clips":
        return project.layers
    if project.card is None:
        raise EditError("the project has no closing card")
    return project.card.layers


# -- layers ------------------------------------------------------------------------------------


def add_layer(
    project: Project, layer: Layer | CardLayer, *, where: Where = "clips", index: int | None = None
) -> tuple[Project, str]:
    """Add ``layer`` (on top, or at ``index``) and return the new project and the layer's id.

    A layer without an id, or with one already in use, gets a fresh ``<kind>-<n>`` id.
    """
    if where == "card" and isinstance(layer, FaceMaskLayer):
        raise EditError("a face mask cannot go on the closing card")
    taken = set(layer_ids(project))
    if not layer.id or layer.id in taken:
        layer = dataclasses.replace(layer, id=new_layer_id(layer.KIND, taken))
    layers = list(_layers_of(project, where))
    layers.insert(len(layers) if index is None else max(0, min(index, len(layers))), layer)
    return _with_layers(project, where, tuple(layers)), layer.id


def remove_layer(project: Project, layer_id: str) -> Project:
    """The project without the layer ``layer_id``."""
    where, i = locate(project, layer_id)
    layers = list(_layers_of(project, where))
    del layers[i]
    return _with_layers(project, where, tuple(layers))


def replace_layer(project: Project, layer_id: str, layer: Layer | CardLayer) -> Project:
    """Put ``layer`` in place of the layer ``layer_id``, keeping that id."""
    where, i = locate(project, layer_id)
    if where == "card" and isinstance(layer, FaceMaskLayer):
        raise EditError("a face mask cannot go on the closing card")
    layers = list(_layers_of(project, where))
    layers[i] = dataclasses.replace(layer, id=layer_id)
    return _with_layers(project, where, tuple(layers))


def update_layer(project: Project, layer_id: str, **changes: Any) -> Project:
    """Change some fields of the layer ``layer_id`` (``start=1.0, opacity=0.5``...)."""
    if "id" in changes:
        raise EditError("a layer's id cannot be changed")
    return replace_layer(project, layer_id, _replace(find_layer(project, layer_id), **changes))


def move_layer(project: Project, layer_id: str, index: int) -> Project:
    """Move the layer ``layer_id`` to ``index`` in its stack (0 is the back)."""
    where, i = locate(project, layer_id)
    layers = list(_layers_of(project, where))
    layer = layers.pop(i)
    layers.insert(max(0, min(index, len(layers))), layer)
    return _with_layers(project, where, tuple(layers))


def set_layer_time(project: Project, layer_id: str, start: float, end: float | None) -> Project:
    """Show the layer from ``start`` to ``end`` seconds (``None``: to the end)."""
    if end is not None and end <= start:
        raise EditError(f"a layer must end after it starts ({start:.2f} s)")
    return update_layer(project, layer_id, start=max(0.0, start), end=end)


def set_animation(project: Project, layer_id: str, which: Literal["enter", "exit"],
                  **changes: Any) -> Project:
    """Change the layer's entrance (``which="enter"``) or exit animation.

    ``changes`` are fields of :class:`~creator_kit.core.model.Animation`: ``kind`` (``none``,
    ``fade``, ``slide``, ``pop``), ``duration`` (seconds, 0-10) and ``direction`` (``up``,
    ``down``, ``left``, ``right``: where a slide comes from or goes to).
    """
    if which not in ("enter", "exit"):
        raise EditError(f"{which!r} is not an animation; use 'enter' or 'exit'")
    layer = find_layer(project, layer_id)
    if isinstance(layer, FaceMaskLayer):
        raise EditError("a face mask fades in and out; it has no entrance or exit animation")
    return update_layer(project, layer_id, **{which: _replace(getattr(layer, which), **changes)})


def set_placement(project: Project, layer_id: str, placement: Placement | None) -> Project:
    """Put the layer at ``placement`` (``None``: its automatic slot, for captions and stickers)."""
    layer = find_layer(project, layer_id)
    if isinstance(layer, FaceMaskLayer):
        raise EditError("a face mask follows the faces; it has no placement")
    if placement is None and not hasattr(layer, "slot") and not isinstance(layer, CaptionLayer):
        raise EditError("an image layer needs a placement")
    return update_layer(project, layer_id, placement=placement)


# -- clips -------------------------------------------------------------------------------------


def _check_clip_index(project: Project, index: int) -> None:
    if not 0 <= index < len(project.clips):
        raise EditError(f"there is no clip {index + 1} (the project has {len(project.clips)})")


def add_clip(project: Project, clip: ClipRef, index: int | None = None) -> Project:
    """Add ``clip`` at the end (or at ``index``)."""
    clips = list(project.clips)
    clips.insert(len(clips) if index is None else max(0, min(index, len(clips))), clip)
    return project.replace(clips=tuple(clips))


def remove_clip(project: Project, index: int) -> Project:
    """The project without clip ``index``; the last clip cannot be removed."""
    _check_clip_index(project, index)
    if len(project.clips) == 1:
        raise EditError("a project needs at least one clip")
    clips = list(project.clips)
    del clips[index]
    return project.replace(clips=tuple(clips))


def move_clip(project: Project, index: int, to: int) -> Project:
    """Move clip ``index`` so that it plays at position ``to``."""
    _check_clip_index(project, index)
    clips = list(project.clips)
    clip = clips.pop(index)
    clips.insert(max(0, min(to, len(clips))), clip)
    return project.replace(clips=tuple(clips))


def trim_clip(project: Project, index: int, start: float, end: float | None) -> Project:
    """Use ``start``..``end`` seconds of clip ``index``'s source (``end`` None: to its end)."""
    _check_clip_index(project, index)
    if start < 0:
        raise EditError("a clip cannot start before its source does")
    clips = list(project.clips)
    clips[index] = _replace(clips[index], start=start, end=end)
    return project.replace(clips=tuple(clips))


def relink(project: Project, mapping: dict[str, str]) -> Project:
    """Replace every file path found in ``mapping`` (old path -> new path), anywhere in it."""
    from creator_kit.core.project_io import map_paths

    relinked: Project = map_paths(project, lambda p: mapping.get(p, p))
    return relinked


# -- reframe, captions, face mask ---------------------------------------------------------------


def set_reframe(project: Project, **changes: Any) -> Project:
    """Change the reframe settings (``mode="fill", offset_x=0.3``...)."""
    return project.replace(reframe=_replace(project.reframe, **changes))


def _caption(project: Project, layer_id: str) -> CaptionLayer:
    layer = find_layer(project, layer_id)
    if not isinstance(layer, CaptionLayer):
        raise EditError(f"layer {layer_id!r} is not a caption")
    return layer


def set_caption_text(project: Project, layer_id: str, text: str) -> Project:
    """Set the caption's one text (cues, when it has them, are kept)."""
    _caption(project, layer_id)
    return update_layer(project, layer_id, text=text)


def set_caption_style(project: Project, layer_id: str, style: CaptionStyle) -> Project:
    """Give the caption ``style``."""
    _caption(project, layer_id)
    return update_layer(project, layer_id, style=style)


def update_caption_style(project: Project, layer_id: str, **changes: Any) -> Project:
    """Change some fields of the caption's style (``size=0.06, colour="#ffffff"``...)."""
    style = _replace(_caption(project, layer_id).style, **changes)
    return update_layer(project, layer_id, style=style)


def set_highlight(project: Project, layer_id: str, mode: Literal["none", "words"]) -> Project:
    """Light up each word as it is spoken (``words``) or not (``none``)."""
    _caption(project, layer_id)
    return update_layer(project, layer_id, highlight=mode)


def set_cues(project: Project, layer_id: str, cues: tuple[Cue, ...]) -> Project:
    """Replace the caption's timed cues."""
    _caption(project, layer_id)
    return update_layer(project, layer_id, cues=tuple(cues))


def update_cue(project: Project, layer_id: str, index: int, **changes: Any) -> Project:
    """Change cue ``index`` of the caption (``start``, ``end``, ``text``)."""
    cues = list(_caption(project, layer_id).cues)
    if not 0 <= index < len(cues):
        raise EditError(f"the caption has no cue {index + 1}")
    cue = _replace(cues[index], **changes)
    if "text" in changes and cue.words:
        cue = dataclasses.replace(cue, words=None)  # word timings no longer match the text
    cues[index] = cue
    return update_layer(project, layer_id, cues=tuple(cues))


def _face_mask(project: Project, layer_id: str) -> FaceMaskLayer:
    layer = find_layer(project, layer_id)
    if not isinstance(layer, FaceMaskLayer):
        raise EditError(f"layer {layer_id!r} is not a face mask")
    return layer


def update_face_mask(project: Project, layer_id: str, **changes: Any) -> Project:
    """Change the face-mask settings (``style="n95"``, ``tracks=(1, 3)`` or ``None``...)."""
    settings = _replace(_face_mask(project, layer_id).settings, **changes)
    return update_layer(project, layer_id, settings=settings)


# -- closing card, audio, output ----------------------------------------------------------------


def set_card(project: Project, card: ClosingCard | None) -> Project:
    """Give the project ``card`` (``None`` removes the closing card)."""
    return project.replace(card=card)


def update_card(project: Project, **changes: Any) -> Project:
    """Change the closing card's fields (``duration=4.0``); adds a default card if none."""
    return project.replace(card=_replace(project.card or ClosingCard(), **changes))


def update_card_background(project: Project, **changes: Any) -> Project:
    """Change the closing card's background (``kind="gradient", colour="#112233"``...)."""
    card = project.card or ClosingCard()
    return project.replace(card=_replace(card, background=_replace(card.background, **changes)))


# The texts a closing card holds, by what they are. A card made from a template has its
# headline (the template's slogan), the campaign hashtags, a call to action and the creator's
# handle as plain caption layers; the project format has no field naming them, so they are
# told apart by how templates make them: the hashtags line is made of hashtags, the call to
# action is drawn on a box (a button), the headline is the biggest of the other texts, the
# handle an ``@name`` (or the template's handle line left empty). A text added through
# ``set_card_text`` gets the id ``card-<role>``, which says it outright.
CardRole = Literal["headline", "hashtags", "cta", "handle"]
CARD_ROLES: tuple[CardRole, ...] = ("headline", "hashtags", "cta", "handle")

# Where a text added to the card goes, and how it looks: the layout of the bundled templates'
# cards (headline above the hashtags, the call to action on a box below them).
_CARD_TEXT_LOOKS: dict[str, tuple[CaptionStyle, Placement]] = {
    "headline": (STYLES["clean"].replace(size_px=66.0),
                 Placement(x=0.5, y=0.36, anchor="bottom", width=0.8)),
    "hashtags": (STYLES["clean"].replace(size_px=50.0, fill="#ffd84d"),
                 Placement(x=0.5, y=0.38, anchor="top", width=0.8)),
    "cta": (STYLES["bold-box"].replace(size_px=46.0),
            Placement(x=0.5, y=0.47, anchor="top", width=0.8)),
    "handle": (STYLES["clean"].replace(size_px=38.0, fill="#ffffffcc"),
               Placement(x=0.5, y=0.645)),
}


def _is_tag_line(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w.startswith("#") for w in words)


def _has_box(layer: CaptionLayer) -> bool:
    box = layer.style.box
    return box is not None and box.opacity > 0


def card_texts(project: Project, keep: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which caption of the closing card is its ``headline``, ``hashtags``, ``cta``, ``handle``.

    Returns role -> layer id for the roles the card has (an empty dict without a card).
    ``keep`` (role -> id, an earlier answer) holds its roles while those captions are still on
    the card, so a line being retyped (the hashtags cleared to type new ones) keeps its role.
    Otherwise a caption with the id ``card-<role>`` has that role; the first caption made only
    of hashtags is the hashtags line, the first one on a box the call to action, the
    biggest of the rest the headline, and the first ``@name`` (or empty one) left the handle.
    """
    if project.card is None:
        return {}
    captions = [la for la in project.card.layers if isinstance(la, CaptionLayer)]
    ids = {la.id for la in captions}
    roles: dict[str, str] = {}
    for role, layer_id in (keep or {}).items():
        if role in CARD_ROLES and layer_id in ids and layer_id not in roles.values():
            roles[role] = layer_id
    for layer in captions:
        role = layer.id.removeprefix("card-")
        if layer.id.startswith("card-") and role in CARD_ROLES and role not in roles \
                and layer.id not in roles.values():
            roles[role] = layer.id
    free = [la for la in captions if la.id not in roles.values()]
    if "hashtags" not in roles:
        tags = next((la for la in free if _is_tag_line(la.text)), None)
        if tags is not None:
            roles["hashtags"] = tags.id
            free.remove(tags)
    if "cta" not in roles:
        button = next((la for la in free if _has_box(la)), None)
        if button is not None:
            roles["cta"] = button.id
            free.remove(button)
    if "headline" not in roles:
        # A handle (``@name``, or the template's handle line left empty) is not a headline.
        words = [la for la in free if la.text.strip() and not la.text.lstrip().startswith("@")]
        if words:
            roles["headline"] = max(words, key=lambda la: la.style.size_px).id
            free = [la for la in free if la.id != roles["headline"]]
    if "handle" not in roles:
        handle = next((la for la in free
                       if not la.cues and (not la.text.strip()
                                           or la.text.lstrip().startswith("@"))), None)
        if handle is not None:
            roles["handle"] = handle.id
    return {role: roles[role] for role in CARD_ROLES if role in roles}


def set_card_text(project: Project, role: CardRole, text: str,
                  keep: Mapping[str, str] | None = None) -> Project:
    """Set the closing card's ``role`` text (``headline``, ``hashtags``, ``cta``, ``handle``).

    The caption :func:`card_texts` finds for ``role`` (given ``keep``) gets ``text``; a card
    without that text gets a new caption ``card-<role>`` laid out as the bundled templates lay
    it out (and a project without a card gets a default card). Empty text on a card without
    that caption changes nothing.
    """
    if role not in CARD_ROLES:
        raise EditError(f"{role!r} is not a closing-card text; use one of {', '.join(CARD_ROLES)}")
    layer_id = card_texts(project, keep).get(role)
    if layer_id is not None:
        return set_caption_text(project, layer_id, text)
    if not text:
        return project
    if project.card is None:
        project = set_card(project, ClosingCard())
    style, placement = _CARD_TEXT_LOOKS[role]
    layer = CaptionLayer(text=text, style=style, placement=placement,
                         enter=Animation(kind="pop", duration=0.4),
                         id=f"card-{role}")
    return add_layer(project, layer, where="card")[0]


def update_audio(project: Project, **changes: Any) -> Project:
    """Change the audio settings (``music="bed.mp3", music_volume=0.3``...)."""
    return project.replace(audio=_replace(project.audio, **changes))


def update_output(project: Project, **changes: Any) -> Project:
    """Change the output settings (``preset="reels", crf=18``...)."""
    return project.replace(output=_replace(project.output, **changes))


def set_profile(project: Project, preset: Literal["tiktok", "reels", "shorts"]) -> Project:
    """Export for platform ``preset``."""
    return update_output(project, preset=preset)
