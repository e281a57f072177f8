"""The project builder: user choices (flags, a batch row, editor widgets) to one Project.

* :mod:`.options`: :class:`ProjectOptions`, the typed choices every front end fills, and
  :class:`OptionError`, which names the option (its flag, column or widget) at fault;
* :mod:`.build`: :func:`build_project`, which starts from a loaded project, a template or the
  defaults and applies every given option on top, checked with the project file's rules.

It sits between ``batch`` and ``templates`` in the layer order: the command line, the batch
planner and the editor all build projects here, so they cannot drift apart.
"""

from creator_kit.builder.build import (
    build_project,
    check_options,
    parse_background,
    parse_sticker,
    parse_trims,
)
from creator_kit.builder.options import FLAG_LABELS, OptionError, ProjectOptions

__all__ = [
    "FLAG_LABELS", "OptionError", "ProjectOptions", "build_project", "check_options",
    "parse_background", "parse_sticker", "parse_trims",
]
