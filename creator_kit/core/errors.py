"""Errors that creator_kit raises on purpose.

Every error carries a one-line message that names the file (when there is one) and the
problem, so the CLI can print ``error: <message>``. That English text is a contract for scripts; the
editor shows the user's language instead, so the common errors also carry a stable ``key`` and
the ``params`` the translated text needs (``gui/messages.py`` turns them into words). Keys:

- ``not-found``: the file does not exist (``kind``: what it was meant to be, English)
- ``not-a-video``: the file has no video stream
- ``incomplete-file``: the file was cut short (an interrupted copy or export)
- ``output-exists``: the output is there already and ``--overwrite`` was not given
- ``disk-full``, ``permission-denied``, ``read-only``: the system refused to read or write
- ``bad-value``: a setting or option has a value it cannot take (``field``, ``detail``)
- ``cancelled``: the user cancelled; nothing was written

An error without a key is shown with its English message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


class CreatorKitError(Exception):
    """Base class: a problem the user can act on, described in one line."""

    def __init__(self, problem: str, path: str | Path | None = None, *, key: str | None = None,
                 params: Mapping[str, object] | None = None) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        self.key = key  # stable, for translated messages; None: show ``message`` as it is
        self.params: dict[str, object] = dict(params or {})
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line text shown to the user: ``<file>: <problem>`` or just the problem."""
        text = f"{self.path}: {self.problem}" if self.path else self.problem
        # One line, always: a newline in a file name must not split the message.
        return " ".join(text.splitlines())

    def fields(self) -> dict[str, object]:
        """``key``, ``params`` (as text), ``path`` and ``problem``: what a program needs to
        say this error in another language (the render protocol's ``error`` event carries them).
        """
        return {"key": self.key, "params": {k: str(v) for k, v in self.params.items()},
                "path": self.path, "problem": self.problem}


class InputError(CreatorKitError):
    """A source file, project, template or argument cannot be used (CLI exit code 2)."""


class OutputError(CreatorKitError):
    """The output cannot be written where asked (exists, not writable, disk full...; exit 2)."""


class RenderError(CreatorKitError):
    """The render itself failed (ffmpeg error, unreadable output); nothing was written."""


class Cancelled(CreatorKitError):
    """The user cancelled; nothing was written (CLI exit code 130)."""

    def __init__(self, problem: str = "cancelled", path: str | Path | None = None, *,
                 key: str | None = None, params: Mapping[str, object] | None = None) -> None:
        # A plain "cancelled" has a key; a message that says more (what was kept) keeps its text.
        if key is None and problem == "cancelled":
            key = "cancelled"
        super().__init__(problem, path, key=key, params=params)
