"""The editor's words for the engine's errors: translated by message key, English otherwise.

The engine's errors keep one English line for the CLI (a contract for scripts); the common ones
also carry a stable ``key`` and ``params`` (see :mod:`creator_kit.core.errors`). The editor's
message boxes and status lines show :func:`user_message`, which says the same thing in the
interface language; an error without a known key shows its English message, as the CLI does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from creator_kit.core.errors import CreatorKitError

# First strong isolate ... pop: a Latin file path keeps its own direction inside an Arabic line.
FSI, PDI = "\u2068", "\u2069"


# The translated text of each message key; the English here is what translators see, not what
# an English interface shows (that is the engine's own, more precise message).
_MARKED: dict[str, object] = {  # QT_TRANSLATE_NOOP returns its text (typed as object)
    "not-found": QT_TRANSLATE_NOOP("Messages", "file not found"),
    "not-a-video": QT_TRANSLATE_NOOP("Messages",
                                     "this file is not a video that creator-kit can use"),
    "incomplete-file": QT_TRANSLATE_NOOP("Messages", "the file is incomplete: its end is "
                                                     "missing (an interrupted copy or export?)"),
    "output-exists": QT_TRANSLATE_NOOP("Messages", "a file with this name already exists; "
                                                   "choose another name or allow replacing it"),
    "disk-full": QT_TRANSLATE_NOOP("Messages", "the disk is full; free some space and try again"),
    "permission-denied": QT_TRANSLATE_NOOP("Messages", "permission denied: this file or folder "
                                                       "cannot be read or written by you"),
    "read-only": QT_TRANSLATE_NOOP("Messages",
                                   "the folder is on a read-only disk; choose another folder"),
    "bad-value": QT_TRANSLATE_NOOP("Messages", "“{field}” cannot take this value: {detail}"),
    "cancelled": QT_TRANSLATE_NOOP("Messages", "cancelled; nothing was written"),
    "unknown-template": QT_TRANSLATE_NOOP("Messages", "there is no template called “{name}”; "
                                                      "the templates are: {available}"),
    # Problems of a batch sheet (creator_kit.batch.jobs.Problem.key).
    "batch-unknown-column": QT_TRANSLATE_NOOP("Messages", "this column is not one creator-kit "
                                                          "knows; check its spelling"),
    "batch-missing-column": QT_TRANSLATE_NOOP("Messages", "the sheet needs this column"),
    "batch-no-input": QT_TRANSLATE_NOOP("Messages", "no source clip in this row"),
    "batch-no-output": QT_TRANSLATE_NOOP("Messages", "no output file name in this row"),
    "batch-no-template": QT_TRANSLATE_NOOP("Messages", "no template: fill in this column or "
                                                       "choose a template above"),
    "batch-duplicate-output": QT_TRANSLATE_NOOP("Messages", "“{name}” is also the output of "
                                                            "row {row}; each row needs its "
                                                            "own file name"),
    "batch-no-rows": QT_TRANSLATE_NOOP("Messages", "the sheet has a header row but no rows "
                                                   "below it"),
}
TEXTS: dict[str, str] = {key: str(text) for key, text in _MARKED.items()}


def event_message(error: Mapping[str, Any]) -> str:
    """:func:`user_message` for the render protocol's ``error`` event (a child process's error)."""
    message = str(error.get("message", ""))
    key, problem, params = error.get("key"), error.get("problem"), error.get("params")
    if not isinstance(key, str) or not isinstance(problem, str) or not isinstance(params, dict):
        return message
    path = error.get("path")
    return user_message(CreatorKitError(problem, path if isinstance(path, str) else None,
                                        key=key, params=params))


def _fill(text: str, params: Mapping[str, object]) -> str:
    for name, value in params.items():
        # Names, files and lists are Latin more often than not: each keeps its own order.
        shown = f"{FSI}{value}{PDI}" if name in ("name", "available") else str(value)
        text = text.replace("{" + name + "}", shown)
    return text


def problem_message(problem: object) -> str:
    """One line for a problem of a batch sheet (``batch.jobs.Problem``), in the interface
    language when its key is known, else its English message (as the CLI prints it)."""
    message = str(getattr(problem, "message", problem))
    key = getattr(problem, "key", None)
    params = dict(getattr(problem, "params", ()) or ())
    source = TEXTS.get(key or "")
    text = None if source is None else QCoreApplication.translate("Messages", source)
    if text is None or text == source:
        return message
    from creator_kit.gui.numbers import num

    if "row" in params:
        params["row"] = num(str(params["row"]))
    text = _fill(text, params)
    if "file" in params:  # an input file the row names: first, in its own direction
        text = f"{FSI}{params['file']}{PDI}: {text}"
    return " ".join(text.splitlines())


def user_message(exc: BaseException) -> str:
    """One line for the user about ``exc``, in the interface language when its key is known."""
    if not isinstance(exc, CreatorKitError):
        return str(exc)
    source = TEXTS.get(exc.key or "")
    text = None if source is None else QCoreApplication.translate("Messages", source)
    if text is None or text == source:  # no key, or no translation: the engine's own words
        return exc.message
    detail = exc.params.get("detail")
    text = (text.replace("{field}", str(exc.params.get("field", "")))
            .replace("{detail}", str(detail if detail is not None else exc.problem)))
    text = _fill(text, {k: v for k, v in exc.params.items() if k in ("name", "available")})
    if exc.path:
        text = f"{FSI}{exc.path}{PDI}: {text}"
    return " ".join(text.splitlines())
