"""What a user asked for, before it is a Project: one typed set of options for every front end.

The command line fills :class:`ProjectOptions` from its flags, a batch row from its columns
and the editor from its widgets; :func:`creator_kit.builder.build_project` turns it into a
Project. ``None`` (or an empty tuple) means "not given": the template's value, the loaded
project's value or creator_kit's default stays. Values stay in the form a user types them
(numbers, colour strings, ``[N:]START:END`` trims, ``PNG@x=..`` sticker specs) so every front
end hands over the same thing and the builder checks all of it with the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from creator_kit.core.captions import Cue
from creator_kit.core.errors import InputError

# The name of each option on the command line, used in messages unless a front end gives
# its own (a batch row names its columns).
FLAG_LABELS: dict[str, str] = {
    "clips": "-i",
    "trims": "--trim",
    "reframe": "--reframe",
    "offset": "--offset",
    "bar_colour": "--bar-colour",
    "stickers": "--sticker",
    "template": "--template",
    "variables": "--var",
    "language": "--language",
    "face_mask": "--face-mask",
    "face_tracks": "--face-tracks",
    "caption": "--caption",
    "captions": "--captions",
    "cues": "--captions",
    "caption_style": "--caption-style",
    "highlight": "--highlight",
    "encoding": "--encoding",
    "music": "--music",
    "music_volume": "--music-volume",
    "source_audio": "--no-source-audio",
    "normalise": "--no-normalise",
    "loudness": "--loudness",
    "audio_tail": "--audio-tail",
    "card": "--card",
    "card_background": "--card-background",
    "card_logos": "--card-logo",
    "preset": "--preset",
    "fps": "--fps",
    "crf": "--crf",
    "x264_preset": "--x264-preset",
}


class OptionError(InputError):
    """An option's value cannot be used; ``option`` names it, ``detail`` is the problem alone.

    The message starts with the option's label (``--fps: must be at most 60.0, not 1e9``) so
    the CLI can print it as it is; a batch row reports ``detail`` under the option's column.
    """

    def __init__(self, option: str, label: str, detail: str) -> None:
        self.option = option
        self.detail = detail
        super().__init__(f"{label}: {detail}", key="bad-value",
                         params={"field": label, "detail": detail})


@dataclass(frozen=True)
class ProjectOptions:
    """Everything a user can choose for one video; see the module docstring for ``None``.

    Fields mirror ``creator-kit render``'s flags (``FLAG_LABELS``): ``clips`` (paths played
    in order), ``trims`` (``[N:]START:END`` specs), ``stickers`` (``PNG@x=,y=,w=,...``
    specs), ``template`` (a name, folder or .ckpack) with ``variables`` and ``language``,
    ``caption`` text or ``captions`` (a subtitle file; ``cues`` instead when the caller has
    read it already), ``card`` (the closing card's seconds), ``card_background``
    (``#rrggbb``, ``gradient:#top:#bottom``, ``last-frame`` or an image path),
    ``card_logos``, ``source_audio`` and ``normalise`` (False for the ``--no-...`` flags),
    and the output settings. ``labels`` renames options in messages (option -> label).
    """

    clips: tuple[str, ...] = ()
    trims: tuple[str, ...] = ()
    reframe: str | None = None
    offset: float | None = None
    bar_colour: str | None = None
    stickers: tuple[str, ...] = ()
    template: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None
    face_mask: str | None = None
    face_tracks: str | None = None
    caption: str | None = None
    captions: str | None = None
    cues: tuple[Cue, ...] | None = None
    caption_style: str | None = None
    highlight: str | None = None
    encoding: str | None = None
    music: str | None = None
    music_volume: float | None = None
    source_audio: bool | None = None
    normalise: bool | None = None
    loudness: float | None = None
    audio_tail: str | None = None
    card: float | None = None
    card_background: str | None = None
    card_logos: tuple[str, ...] = ()
    preset: str | None = None
    fps: float | None = None
    crf: int | None = None
    x264_preset: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, option: str) -> str:
        """How messages name ``option``: the front end's label, else the command-line flag."""
        return self.labels.get(option) or FLAG_LABELS.get(option, option)

    def error(self, option: str, detail: str) -> OptionError:
        """An :class:`OptionError` for ``option`` (raise it)."""
        return OptionError(option, self.label(option), detail)
