"""Errors that creator_kit raises on purpose.

Every error carries a one-line message that names the file (when there is one) and the
problem, so the CLI can print ``error: <message>`` and the GUI can show it unchanged.
"""

from __future__ import annotations

from pathlib import Path


class CreatorKitError(Exception):
    """Base class: a problem the user can act on, described in one line."""

    def __init__(self, problem: str, path: str | Path | None = None) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line text shown to the user: ``<file>: <problem>`` or just the problem."""
        text = f"{self.path}: {self.problem}" if self.path else self.problem
        # One line, always: a newline in a file name must not split the message.
        return " ".join(text.splitlines())


class InputError(CreatorKitError):
    """A source file, project, template or argument cannot be used (CLI exit code 2)."""


class OutputError(CreatorKitError):
    """The output cannot be written where asked (exists, not writable, disk full...; exit 2)."""


class RenderError(CreatorKitError):
    """The render itself failed (ffmpeg error, unreadable output); nothing was written."""


class Cancelled(CreatorKitError):
    """The user cancelled; nothing was written (CLI exit code 130)."""

    def __init__(self, problem: str = "cancelled", path: str | Path | None = None) -> None:
        super().__init__(problem, path)
