"""The one colour format of creator_kit, and its parser.

Every colour in a project, template or command line (caption fill, outline, shadow and
highlight, sticker and tip-card accents, card backgrounds, the bar colour of ``fit``, the
template palette) is written the same way:

* ``#rgb``, ``#rrggbb`` or ``#rrggbbaa`` in hexadecimal, upper or lower case (``aa`` is the
  opacity, ``ff`` opaque; ``#rgb`` doubles each digit), or
* one of the CSS colour names in :data:`NAMES` (their CSS values, opaque).

Model objects check their colours when they are built (:func:`check_colours`), so a bad
colour is refused with the field's name before anything is rendered.
"""

from __future__ import annotations

import re

from creator_kit.core.schema import SchemaError

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

# CSS named colours (CSS Color Module Level 4 values) that a campaign is likely to want.
NAMES: dict[str, str] = {
    "black": "#000000",
    "white": "#ffffff",
    "red": "#ff0000",
    "lime": "#00ff00",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "orange": "#ffa500",
    "gray": "#808080",
    "grey": "#808080",
    "navy": "#000080",
    "teal": "#008080",
    "transparent": "#00000000",
}

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
FORMAT = "#rgb, #rrggbb, #rrggbbaa or a colour name such as white"


def parse_colour(value: str) -> RGBA:
    """``value`` as an (r, g, b, a) tuple of 0-255 ints; ValueError naming the format otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"colour must be text ({FORMAT}), not {type(value).__name__}")
    text = NAMES.get(value.strip().lower(), value.strip())
    if not _HEX.fullmatch(text):
        raise ValueError(f"colour {value!r:.40} must look like {FORMAT}")
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    a = int(digits[6:8], 16) if len(digits) == 8 else 255
    return r, g, b, a


def parse_rgb(value: str) -> RGB:
    """``value`` as an (r, g, b) tuple, its opacity ignored (for opaque uses: bars, cards)."""
    r, g, b, _a = parse_colour(value)
    return r, g, b


def check_colours(obj: object, *fields: str) -> None:
    """Raise :class:`~creator_kit.core.schema.SchemaError` naming the first bad colour field.

    For ``__post_init__`` of model dataclasses: ``fields`` are attribute names holding colour
    text (``None`` values are skipped).
    """
    for name in fields:
        value = getattr(obj, name)
        if value is None:
            continue
        try:
            parse_colour(value)
        except ValueError as exc:
            raise SchemaError(name, str(exc)) from None
