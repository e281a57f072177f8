"""Reading a batch spreadsheet (CSV or XLSX) defensively into rows of text cells.

A spreadsheet may come from anyone, so reading it is bounded: file size, rows, columns and
cell length are capped; an XLSX file (a zip) has its entries' declared sizes checked before
openpyxl opens it, and openpyxl reads it in read-only, values-only mode (formulas are not
evaluated: their cached values are used). Rows are numbered as the spreadsheet shows them
(the header is usually row 1), so every message can name the row a person would look at.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file, read_file

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_XLSX_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_XLSX_ENTRIES = 5_000
MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_CELL = 10_000


@dataclass(frozen=True)
class SheetRow:
    """One non-empty data row: its spreadsheet row number and its cells by column name."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet's header (``columns``, as written, stripped) and non-empty data rows."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    empty_rows: int = 0


def _cell_text(value: Any) -> str:
    """A cell value as the text a person sees (12.0 -> "12", dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _decode_csv(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("spreadsheet is not readable UTF-16 text", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Arabic Windows saves "CSV" in the ANSI code page, Windows-1256.
    try:
        return data.decode("cp1256")
    except UnicodeDecodeError:
        raise InputError("spreadsheet is neither UTF-8 nor Windows-1256 text; save it as "
                         "'CSV UTF-8'", path) from None


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    text = _decode_csv(read_file(path, "spreadsheet", MAX_CSV_BYTES), path)
    if "\x00" in text:
        raise InputError("spreadsheet contains binary data, not CSV text", path)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS + 1:
                raise InputError(f"spreadsheet has more than {MAX_ROWS} rows", path)
    except csv.Error as exc:
        raise InputError(f"spreadsheet is not valid CSV (line {reader.line_num}: {exc})",
                         path) from None
    return rows


def _check_xlsx_zip(data: bytes, path: Path) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        # NotImplementedError: zip features Python does not read (a newer zip version)
        raise InputError(f"not a readable XLSX file ({exc})", path) from None
    if len(infos) > MAX_XLSX_ENTRIES:
        raise InputError(f"XLSX file has {len(infos)} parts; refusing it", path)
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNPACKED:
        raise InputError(f"XLSX file unpacks to {total // 2**20} MB (limit "
                         f"{MAX_XLSX_UNPACKED // 2**20} MB); refusing it", path)


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    data = read_file(path, "spreadsheet", MAX_XLSX_BYTES)
    _check_xlsx_zip(data, path)
    import openpyxl  # imported here: a CSV batch never pays for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError(f"not a readable XLSX file ({type(exc).__name__}: {exc})"[:300],
                         path) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise InputError("XLSX file has no worksheet", path)
        for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS + 1,
                                                     values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise InputError(f"spreadsheet has more than {MAX_ROWS} rows", path)
            rows.append((number, [_cell_text(v) for v in values]))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot read XLSX file ({type(exc).__name__}: {exc})"[:300],
                         path) from None
    finally:
        wb.close()
    return rows


def read_sheet(path: str | Path) -> Sheet:
    """Read a CSV or XLSX batch sheet: its header row and non-empty rows (cells stripped).

    Raises :class:`InputError` naming the file for unreadable, oversized or hostile files,
    a missing header, a duplicate or empty column name over data, or too many columns.
    """
    p = Path(path)
    check_file(p, "spreadsheet")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(p)
    elif suffix in (".csv", ".tsv", ".txt"):
        raw = _read_csv(p)
    else:
        raise InputError("spreadsheet must be a .csv or .xlsx file", p)
    rows = [(n, [c.strip() for c in cells]) for n, cells in raw]
    header_at = next((i for i, (_, cells) in enumerate(rows) if any(cells)), None)
    if header_at is None:
        raise InputError("spreadsheet is empty", p)
    header_no, header = rows[header_at]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise InputError(f"spreadsheet has more than {MAX_COLUMNS} columns", p)
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            raise InputError(f"column {name!r} appears twice in the header (row {header_no})", p)
        seen[key] = i
    data: list[SheetRow] = []
    empty = 0
    for number, cells in rows[header_at + 1:]:
        if not any(cells):
            empty += 1
            continue
        for i, value in enumerate(cells):
            if value and (i >= len(header) or not header[i]):
                raise InputError(f"row {number}: a value in column {i + 1} has no column name "
                                 "in the header", p)
            if len(value) > MAX_CELL:
                raise InputError(f"row {number}, column {header[i]!r}: cell is too long "
                                 f"({len(value)} characters)", p)
        data.append(SheetRow(number, {header[i]: cells[i] if i < len(cells) else ""
                                      for i in range(len(header)) if header[i]}))
    return Sheet(p, tuple(h for h in header if h), tuple(data), empty)
