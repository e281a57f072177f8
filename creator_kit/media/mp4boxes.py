"""A small, defensive reader for the box (atom) structure of MP4 and MOV files.

It answers the two questions libavformat does not expose: where the ``moov`` index sits
relative to the media data (``moov`` first is what ``-movflags +faststart`` produces and what
upload services want), and which tracks carry edit lists (``moov/trak/edts/elst``).

The reader treats the file as hostile: every size is checked against the bytes that actually
exist before anything is read, reads are bounded, the nesting it follows is fixed
(``moov -> trak -> edts|mdia``) rather than recursive, and the number of boxes it visits is
capped. Any inconsistency raises :class:`BoxError` with a one-line description.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from creator_kit.core.files import open_file

# Top-level box types that only an ISO base-media file (MP4, MOV, 3GP...) starts with.
_LEADING_TYPES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"})
# A 10-minute 4K export has a moov of a few MB; anything far bigger is not worth reading.
MAX_MOOV_BYTES = 64 * 1024**2
MAX_TOP_LEVEL_BOXES = 100_000
MAX_CHILD_BOXES = 10_000


class BoxError(ValueError):
    """The box structure is damaged, truncated or implausible (message is one line)."""


@dataclass(frozen=True)
class Box:
    """One box header: its four-character type, where it starts and how long it is."""

    type: str
    offset: int
    size: int
    header_size: int

    @property
    def payload_offset(self) -> int:
        """Offset of the first byte after the header."""
        return self.offset + self.header_size

    @property
    def end(self) -> int:
        """Offset just past the box."""
        return self.offset + self.size


@dataclass(frozen=True)
class EditEntry:
    """One ``elst`` entry: a span of ``segment_duration`` (movie timescale) showing media from
    ``media_time`` (track timescale; -1 means an empty edit, i.e. a gap) at ``media_rate``."""

    segment_duration: int
    media_time: int
    media_rate: float


@dataclass(frozen=True)
class TrackEdits:
    """The edit list of one track, with what is needed to judge it."""

    track_id: int
    handler: str  # "vide", "soun", ...
    timescale: int  # of the track's media (mdhd); 0 when unknown
    entries: tuple[EditEntry, ...]


@dataclass(frozen=True)
class Mp4Layout:
    """What the box walk found: top-level box order and per-track edit lists."""

    top_level: tuple[Box, ...]
    edits: tuple[TrackEdits, ...]

    @property
    def moov_offset(self) -> int | None:
        """Offset of the first ``moov`` box, or None."""
        return next((b.offset for b in self.top_level if b.type == "moov"), None)

    @property
    def mdat_offset(self) -> int | None:
        """Offset of the first ``mdat`` box, or None."""
        return next((b.offset for b in self.top_level if b.type == "mdat"), None)

    @property
    def moov_before_mdat(self) -> bool | None:
        """True when the index precedes the media data (faststart); None without both boxes."""
        moov, mdat = self.moov_offset, self.mdat_offset
        if moov is None or mdat is None:
            return None
        return moov < mdat


def looks_like_iso_bmff(head: bytes) -> bool:
    """True when the first bytes of a file look like an MP4/MOV box header."""
    return len(head) >= 8 and head[4:8] in _LEADING_TYPES


def _type_name(raw: bytes) -> str:
    return raw.decode("latin-1")


def _printable(raw: bytes) -> bool:
    # Box types are four printable characters; QuickTime metadata keys use 0xA9 ("©nam").
    return all(0x20 <= c <= 0x7E or c == 0xA9 for c in raw)


def _iter_file_boxes(f: BinaryIO, file_size: int) -> Iterator[Box]:
    """Top-level boxes of an open file, each header checked against the real file size."""
    pos = 0
    count = 0
    while pos < file_size:
        count += 1
        if count > MAX_TOP_LEVEL_BOXES:
            raise BoxError(f"more than {MAX_TOP_LEVEL_BOXES} top-level boxes")
        if file_size - pos < 8:
            raise BoxError(f"truncated box header at offset {pos}")
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            raise BoxError(f"truncated box header at offset {pos}")
        size, raw_type = struct.unpack(">I4s", head)
        if not _printable(raw_type):
            raise BoxError(f"no valid box at offset {pos} (not an MP4/MOV structure)")
        header = 8
        if size == 1:
            ext = f.read(8)
            if len(ext) < 8:
                raise BoxError(f"truncated 64-bit box size at offset {pos}")
            size = struct.unpack(">Q", ext)[0]
            header = 16
        elif size == 0:
            # "Extends to the end of the file": legal for the last box only, by definition.
            size = file_size - pos
        name = _type_name(raw_type)
        if size < header:
            raise BoxError(f"box {name!r} at offset {pos} has an impossible size {size}")
        if size > file_size - pos:
            raise BoxError(
                f"box {name!r} at offset {pos} claims {size} bytes but only "
                f"{file_size - pos} remain (file is incomplete or damaged)"
            )
        yield Box(name, pos, size, header)
        pos += size


def _iter_children(buf: bytes, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(type, payload start, payload end) of the boxes inside ``buf[start:end]``."""
    pos = start
    count = 0
    while pos + 8 <= end:
        count += 1
        if count > MAX_CHILD_BOXES:
            raise BoxError(f"more than {MAX_CHILD_BOXES} boxes inside one box")
        size, raw_type = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise BoxError("truncated 64-bit box size inside moov")
            size = struct.unpack_from(">Q", buf, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        name = _type_name(raw_type)
        if size < header or size > end - pos:
            raise BoxError(f"box {name!r} inside moov has an impossible size {size}")
        yield name, pos + header, pos + size
        pos += size
    # A few bytes of padding after the last child are tolerated, as players do.


def _full_box_version(buf: bytes, start: int, end: int, minimum: int) -> int:
    if end - start < minimum:
        raise BoxError("box inside moov is too short for its own fields")
    return buf[start]


def _parse_elst(buf: bytes, start: int, end: int) -> tuple[EditEntry, ...]:
    version = _full_box_version(buf, start, end, 8)
    (count,) = struct.unpack_from(">I", buf, start + 4)
    entry_size = 20 if version == 1 else 12
    # The count is untrusted: it must fit the bytes that are really there.
    if count * entry_size > end - start - 8:
        raise BoxError(f"edit list claims {count} entries but holds fewer")
    entries = []
    pos = start + 8
    for _ in range(count):
        if version == 1:
            seg, media_time = struct.unpack_from(">Qq", buf, pos)
        else:
            seg, media_time = struct.unpack_from(">Ii", buf, pos)
        rate_int, rate_frac = struct.unpack_from(">hH", buf, pos + entry_size - 4)
        entries.append(EditEntry(seg, media_time, rate_int + rate_frac / 65536))
        pos += entry_size
    return tuple(entries)


def _parse_trak(buf: bytes, start: int, end: int) -> TrackEdits | None:
    track_id = 0
    handler = ""
    timescale = 0
    entries: tuple[EditEntry, ...] | None = None
    for name, s, e in _iter_children(buf, start, end):
        if name == "tkhd":
            version = _full_box_version(buf, s, e, 24)
            track_id = struct.unpack_from(">I", buf, s + (20 if version == 1 else 12))[0]
        elif name == "edts":
            for sub, ss, se in _iter_children(buf, s, e):
                if sub == "elst":
                    entries = _parse_elst(buf, ss, se)
        elif name == "mdia":
            for sub, ss, se in _iter_children(buf, s, e):
                if sub == "mdhd":
                    version = _full_box_version(buf, ss, se, 24)
                    timescale = struct.unpack_from(">I", buf, ss + (20 if version == 1 else 12))[0]
                elif sub == "hdlr":
                    _full_box_version(buf, ss, se, 12)
                    handler = _type_name(buf[ss + 8 : ss + 12])
    if entries is None:
        return None
    return TrackEdits(track_id, handler, timescale, entries)


def read_layout(path: str | Path) -> Mp4Layout:
    """Walk the top-level boxes of ``path`` and the edit lists inside its ``moov``.

    Raises :class:`BoxError` for a truncated or inconsistent structure, ``InputError`` when
    the path is not a readable regular file and ``OSError`` when reading it fails.
    """
    with open_file(path, "file") as f:
        file_size = os.fstat(f.fileno()).st_size
        boxes = tuple(_iter_file_boxes(f, file_size))
        moov = next((b for b in boxes if b.type == "moov"), None)
        edits: list[TrackEdits] = []
        if moov is not None:
            payload_size = moov.size - moov.header_size
            if payload_size > MAX_MOOV_BYTES:
                raise BoxError(f"moov box of {moov.size} bytes is implausibly large")
            f.seek(moov.payload_offset)
            buf = f.read(payload_size)
            if len(buf) != payload_size:
                raise BoxError("moov box is cut short (file is incomplete)")
            try:
                for name, s, e in _iter_children(buf, 0, len(buf)):
                    if name == "trak":
                        track = _parse_trak(buf, s, e)
                        if track is not None:
                            edits.append(track)
            except struct.error as exc:  # pragma: no cover - every read is range-checked first
                raise BoxError(f"damaged moov box ({exc})") from None
    return Mp4Layout(boxes, tuple(edits))
