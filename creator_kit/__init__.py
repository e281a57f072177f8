"""creator_kit: offline vertical awareness-challenge videos with correct Arabic captions."""

__version__ = "0.1.0"

import logging as _logging

# A library's log records are for the application to show or not: without this, Python's
# last-resort handler printed every caption warning a second time on stderr, unprefixed,
# beside the ``warning:`` line the CLI prints from the warning callback.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
