"""From a spreadsheet to a checked list of render jobs, before anything is rendered.

Columns (names are case-insensitive, except the variable name after ``var:``):

``input``     one or more clip paths separated by ``;`` (played in order)
``output``    the MP4 file name inside ``--out-dir`` (``.mp4`` is added when missing)
``template``  a template name or path (the ``--template`` default when empty)
``caption``   a caption text, or ``captions``: a subtitle file (SRT, VTT, ASS)
``language``  ``ar`` or ``en`` (default: the template's first language)
``logos``     1-4 partner logo images for the end card, separated by ``;``
``var:NAME``  the value of template variable ``{NAME}``

Any ``render`` flag that sets a value can be a column too, named like the flag without its
dashes (``caption-style``, ``highlight``, ``fps``, ``music``, ``music-volume``, ``trim``,
``stickers``...; see :data:`OPTION_COLUMNS`); a filled cell applies on top of the row's
template exactly as the flag does, and an empty cell leaves the template's value.

Relative paths resolve against the spreadsheet's folder. Every row is checked completely
(files exist and are videos, the template exists and has a value for every variable, the
output stays inside the output folder and is not written twice) and each problem is
reported with its row and column, so a whole sheet can be fixed in one pass.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from creator_kit import __version__
from creator_kit.batch.sheet import Sheet, SheetRow, read_sheet
from creator_kit.builder import OptionError, ProjectOptions, build_project, check_options
from creator_kit.core.captions import Cue
from creator_kit.core.errors import InputError
from creator_kit.core.files import check_file
from creator_kit.core.model import Language, Project
from creator_kit.core.paths import check_local_path
from creator_kit.core.schema import to_data
from creator_kit.media.probe import MediaInfo, probe
from creator_kit.templates.format import VARIABLE_PATTERN, LoadedTemplate
from creator_kit.templates.store import find_template

# Columns named like a render flag: (the ProjectOptions field, how the cell is read).
# "number" and "integer" cells are numbers; "path" is a file relative to the sheet; "list"
# is several values separated by ";"; "stickers" is a list of PNG@opts specs whose file
# part is relative to the sheet.
OPTION_COLUMNS: dict[str, tuple[str, str]] = {
    "caption-style": ("caption_style", "text"),
    "highlight": ("highlight", "text"),
    "encoding": ("encoding", "text"),
    "reframe": ("reframe", "text"),
    "offset": ("offset", "number"),
    "bar-colour": ("bar_colour", "text"),
    "face-mask": ("face_mask", "text"),
    "face-tracks": ("face_tracks", "text"),
    "music": ("music", "path"),
    "music-volume": ("music_volume", "number"),
    "loudness": ("loudness", "number"),
    "audio-tail": ("audio_tail", "text"),
    "trim": ("trims", "list"),
    "stickers": ("stickers", "stickers"),
    "card": ("card", "number"),
    "card-background": ("card_background", "text"),
    "preset": ("preset", "text"),
    "fps": ("fps", "number"),
    "crf": ("crf", "integer"),
    "x264-preset": ("x264_preset", "text"),
}
KNOWN_COLUMNS = ("input", "output", "template", "caption", "captions", "language", "logos",
                 *OPTION_COLUMNS)
REQUIRED_COLUMNS = ("input", "output")
MANIFEST_NAME = ".creator-kit-batch.json"
SUMMARY_NAME = "batch-summary.csv"
# Which column fills each project option, for messages about a row.
_ROW_COLUMNS = {"clips": "input", "caption": "caption", "cues": "captions",
                "captions": "captions", "language": "language", "card_logos": "logos",
                "template": "template", "variables": "template",
                **{option: column for column, (option, _kind) in OPTION_COLUMNS.items()}}
_ROW_LABELS = {option: f"column {column!r}" for option, column in _ROW_COLUMNS.items()}
_FILE_FIELDS = frozenset({"source", "path", "music", "image", "font_file"})


@dataclass(frozen=True)
class Problem:
    """Something wrong with the sheet (``row`` None) or with one cell."""

    row: int | None
    column: str | None
    message: str
    # A stable message key and its parameters (``file``, ``column``, ``name``, ``row``), so the
    # editor can show the problem in its own language; the English ``message`` is the contract.
    key: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """``row 4, column 'input': source file not found: a.mp4``."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Job:
    """One output to make: its project, where it goes, and what identifies its inputs."""

    row: int
    name: str  # output name inside the output folder, with / separators
    output: Path
    project: Project
    inputs: tuple[str, ...]  # files whose change means the output must be made again
    settings: str  # hash of the project and creator_kit's version
    duration: float  # estimated output seconds (progress weighting)


@dataclass(frozen=True)
class BatchPlan:
    """The checked sheet: jobs to run, or the problems that stop the batch."""

    sheet: Path
    out_dir: Path
    jobs: tuple[Job, ...]
    problems: tuple[Problem, ...]
    rows: int
    empty_rows: int

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix."""
        return not self.problems

    def report(self) -> list[str]:
        """One line per problem, each naming the sheet, the row and the column."""
        return [f"{self.sheet}: {p.describe()}" for p in self.problems]


def column_problems(columns: tuple[str, ...], has_default_template: bool) -> list[Problem]:
    """Unknown (with the closest known name), malformed and missing columns."""
    problems: list[Problem] = []
    present: set[str] = set()
    known_list = [*KNOWN_COLUMNS, "var:NAME"]
    for raw in columns:
        name = raw.strip()
        low = column_key(name)
        if low.startswith("var:"):
            var = name[4:].strip()
            if not VARIABLE_PATTERN.match(var):
                problems.append(Problem(None, raw, f"{var!r} is not a valid variable name "
                                        "(letters, digits and _)"))
            continue
        if low in KNOWN_COLUMNS:
            present.add(low)
            continue
        guess = difflib.get_close_matches(low, list(KNOWN_COLUMNS), n=1, cutoff=0.6)
        if not guess and ":" not in name and name.replace("_", "").isidentifier():
            hint = f"; for a template variable name the column var:{name}"
        else:
            hint = ""
        did = f"; did you mean {guess[0]!r}?" if guess else ""
        problems.append(Problem(None, raw, f"unknown column{did} known columns are "
                                f"{', '.join(known_list)}{hint}", "batch-unknown-column",
                                (("column", raw),)))
    required = list(REQUIRED_COLUMNS) + ([] if has_default_template else ["template"])
    for col in required:
        if col not in present:
            extra = " (or pass --template)" if col == "template" else ""
            problems.append(Problem(None, col, f"required column is missing{extra}",
                                    "batch-missing-column", (("column", col),)))
    return problems


def column_key(name: str) -> str:
    """How a column name is matched: case and ``_`` versus ``-`` do not matter."""
    return name.strip().casefold().replace("_", "-")


def output_name(value: str) -> str:
    """The normalised output name for an ``output`` cell; InputError when it is not usable."""
    check_local_path(value)
    if "\\" in value:
        raise InputError("use / between folders in an output name, not \\")
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).drive:
        raise InputError(f"{value!r} is an absolute path; give a file name inside --out-dir")
    parts = value.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise InputError(f"{value!r} leaves the output folder; give a file name inside it")
    if any(p.startswith(".") for p in parts):
        raise InputError(f"{value!r}: output names may not start with a dot")
    path = PurePosixPath(value)
    if not path.suffix:
        path = path.with_suffix(".mp4")
    elif path.suffix.lower() != ".mp4":
        raise InputError(f"{value!r} must be an .mp4 file")
    if str(path).casefold() in (MANIFEST_NAME.casefold(), SUMMARY_NAME.casefold()):
        raise InputError(f"{value!r} is the name of the batch's own bookkeeping file")
    return str(path)


def settings_hash(project: Project) -> str:
    """A hash of everything that decides the output (and of the creator_kit version)."""
    doc = json.dumps(to_data(project), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{__version__}\n{doc}".encode()).hexdigest()


def project_files(project: Project) -> list[str]:
    """Every local file the project reads (clips, images, music, fonts), without duplicates."""
    found: dict[str, None] = {}

    def walk(obj: Any) -> None:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if f.name in _FILE_FIELDS and isinstance(value, str):
                    found[value] = None
                else:
                    walk(value)
        elif isinstance(obj, tuple):
            for v in obj:
                walk(v)

    walk(project)
    return list(found)


class _RowChecker:
    """Checks rows against caches of templates and probed files shared by the whole sheet."""

    def __init__(self, sheet: Sheet, default_template: str | None) -> None:
        self.sheet = sheet
        self.base = sheet.path.parent.absolute()
        self.default_template = default_template
        self._templates: dict[str, LoadedTemplate | InputError] = {}
        self._probes: dict[str, MediaInfo | InputError] = {}
        self.columns = {column_key(c): c for c in sheet.columns
                        if not c.casefold().startswith("var:")}
        self.var_columns = {c.strip()[4:].strip(): c for c in sheet.columns
                            if c.casefold().startswith("var:")}

    def cell(self, row: SheetRow, name: str) -> str:
        col = self.columns.get(name)
        return row.cells.get(col, "") if col is not None else ""

    def flag_cells(self, row: SheetRow, problem: Callable[[str, str], None]) -> dict[str, Any]:
        """The filled option columns of ``row`` as ProjectOptions values (cells read as text)."""
        out: dict[str, Any] = {}
        for column, (option, kind) in OPTION_COLUMNS.items():
            raw = self.cell(row, column).strip()
            if not raw:
                continue
            try:
                out[option] = self._cell_value(raw, kind)
            except InputError as exc:
                problem(column, exc.problem)
            except (ValueError, OverflowError):
                what = "a whole number" if kind == "integer" else "a number"
                problem(column, f"{raw[:40]!r} is not {what}")
        return out

    def _cell_value(self, raw: str, kind: str) -> Any:
        if kind == "number":
            return float(raw)
        if kind == "integer":
            return int(float(raw)) if float(raw).is_integer() else int(raw)
        if kind == "path":
            return str(self.path(raw))
        items = [s.strip() for s in raw.split(";") if s.strip()]
        if kind == "stickers":
            specs = []
            for spec in items:
                file, at, opts = spec.partition("@")
                specs.append(f"{self.path(file)}{at}{opts}")
            return tuple(specs)
        if kind == "list":
            return tuple(items)
        return raw

    def path(self, value: str) -> Path:
        check_local_path(value)
        p = Path(value)
        return p if p.is_absolute() else self.base / p

    def template(self, spec: str) -> LoadedTemplate:
        hit = self._templates.get(spec)
        if hit is None:
            try:
                # A path in the template column is relative to the sheet like any other.
                looks_like_path = "/" in spec or spec.endswith((".json", ".ckpack"))
                hit = find_template(str(self.path(spec)) if looks_like_path else spec)
            except InputError as exc:
                hit = exc
            self._templates[spec] = hit
        if isinstance(hit, InputError):
            raise hit
        return hit

    def probe(self, path: Path) -> MediaInfo:
        key = str(path)
        hit = self._probes.get(key)
        if hit is None:
            try:
                hit = probe(path)
            except InputError as exc:
                hit = exc
            self._probes[key] = hit
        if isinstance(hit, InputError):
            raise hit
        return hit

    def check(self, row: SheetRow, out_dir: Path) -> tuple[Job | None, list[Problem]]:
        problems: list[Problem] = []
        n = row.number

        def problem(column: str | None, message: str, key: str | None = None,
                    **params: str) -> None:
            problems.append(Problem(n, column, message, key, tuple(params.items())))

        # Sources: each must exist and be a readable video.
        clips: list[str] = []
        duration = 0.0
        raw_inputs = [s.strip() for s in self.cell(row, "input").split(";") if s.strip()]
        if not raw_inputs:
            problem("input", "no source clip given", "batch-no-input")
        for value in raw_inputs:
            try:
                p = self.path(value)
            except InputError as exc:
                problem("input", exc.problem)
                continue
            try:
                check_file(p, "source file")
            except InputError as exc:
                problem("input", f"{exc.problem}: {value}", exc.key, file=value)
                continue
            try:
                info = self.probe(p)
                duration += info.duration or 0.0
            except InputError as exc:
                problem("input", f"{value}: {exc.problem}", exc.key, file=value)
                continue
            clips.append(str(p))

        name: str | None = None
        out_value = self.cell(row, "output")
        if not out_value:
            problem("output", "no output file name given", "batch-no-output")
        else:
            try:
                name = output_name(out_value)
            except InputError as exc:
                problem("output", exc.problem)

        spec = self.cell(row, "template") or self.default_template
        loaded: LoadedTemplate | None = None
        if not spec:
            problem("template", "no template: fill this column or pass --template",
                    "batch-no-template")
        else:
            try:
                loaded = self.template(spec)
            except InputError as exc:
                problem("template", exc.message, exc.key,
                        **{k: str(v) for k, v in exc.params.items()})

        raw_language = self.cell(row, "language").strip().lower()
        language: Language | None = None
        if raw_language == "ar":
            language = "ar"
        elif raw_language == "en":
            language = "en"
        elif raw_language:
            problem("language", f"{raw_language!r} is not a language creator_kit knows; use "
                    "ar or en")

        flags = self.flag_cells(row, problem)
        try:  # every value checked now, by the same rules as the command line's flags
            check_options(ProjectOptions(labels=_ROW_LABELS, **flags),
                          clip_count=len(raw_inputs))
        except OptionError as exc:
            problem(_ROW_COLUMNS.get(exc.option), exc.detail)
            flags = {}

        caption = self.cell(row, "caption") or None
        cues: tuple[Cue, ...] | None = None
        subs_value = self.cell(row, "captions")
        subs_path: Path | None = None
        if caption and subs_value:
            problem("captions", "give a caption text or a subtitle file, not both")
        elif subs_value:
            try:
                subs_path = self.path(subs_value)
                from creator_kit.text.subs import fix, load_subs

                cues = fix(load_subs(subs_path, flags.get("encoding")).cues)
                if not cues:
                    problem("captions", f"{subs_value}: no usable subtitles")
            except InputError as exc:
                problem("captions", exc.message)

        logos: list[str] = []
        for value in (s.strip() for s in self.cell(row, "logos").split(";")):
            if not value:
                continue
            try:
                p = self.path(value)
            except InputError as exc:
                problem("logos", exc.problem)
                continue
            try:
                check_file(p, "logo file")
            except InputError as exc:
                problem("logos", f"{exc.problem}: {value}")
            logos.append(str(p))

        variables: dict[str, str] = {}
        if loaded is not None:
            tpl = loaded.template
            lang: Language = language or tpl.languages[0]
            if lang not in tpl.languages:
                problem("language", f"template {tpl.name!r} has no {lang!r} version "
                        f"(it has {', '.join(tpl.languages)})")
            for var_name, col in self.var_columns.items():
                value = row.cells.get(col, "")
                if tpl.variable(var_name) is None:
                    if value:
                        declared = ", ".join(v.name for v in tpl.variables) or "none"
                        problem(col, f"template {tpl.name!r} has no variable {var_name!r} "
                                f"(its variables: {declared})")
                    continue
                if value:
                    variables[var_name] = value
            for var in tpl.variables:
                if var.name not in variables and var.default_for(lang) is None:
                    problem(f"var:{var.name}", f"variable {{{var.name}}} of template "
                            f"{tpl.name!r} has no value and no default")

        if problems or loaded is None or name is None:
            return None, problems
        options = ProjectOptions(
            clips=tuple(clips), variables=variables, language=language, caption=caption,
            cues=cues, card_logos=tuple(logos), labels=_ROW_LABELS, **flags)
        try:
            project = build_project(options, template=loaded)
        except OptionError as exc:
            problem(_ROW_COLUMNS.get(exc.option), exc.detail)
            return None, problems
        except InputError as exc:
            column = "logos" if logos and "image" in exc.problem else None
            problem(column, exc.message)
            return None, problems
        inputs = project_files(project)
        if subs_path is not None:
            inputs.append(str(subs_path))
        card = project.card.duration if project.card is not None else 0.0
        return Job(n, name, out_dir / name, project, tuple(inputs), settings_hash(project),
                   max(duration, 0.1) + card), problems


def plan_batch(sheet_path: str | Path, out_dir: str | Path, *,
               default_template: str | None = None,
               on_row: Callable[[int], None] | None = None) -> BatchPlan:
    """Read and check a batch sheet; the plan lists jobs, or every problem found.

    Raises :class:`InputError` only when the sheet itself cannot be read; problems in
    columns and rows are collected in the plan (``plan.ok`` is False) so they can all be
    shown at once.
    """
    sheet = read_sheet(sheet_path)
    out = Path(out_dir).absolute()
    problems = column_problems(sheet.columns, default_template is not None)
    if problems:
        return BatchPlan(sheet.path, out, (), tuple(problems), len(sheet.rows), sheet.empty_rows)
    checker = _RowChecker(sheet, default_template)
    jobs: list[Job] = []
    owners: dict[str, int] = {}
    for row in sheet.rows:
        if on_row is not None:
            on_row(row.number)
        job, found = checker.check(row, out)
        problems.extend(found)
        try:
            name: str | None = output_name(checker.cell(row, "output"))
        except InputError:
            name = None  # already reported by check()
        if name is not None:
            key = name.casefold()
            if key in owners:
                problems.append(Problem(row.number, "output", f"{name!r} is also the output "
                                        f"of row {owners[key]}; each row needs its own name",
                                        "batch-duplicate-output",
                                        (("name", name), ("row", str(owners[key])))))
                continue
            owners[key] = row.number
        if job is not None:
            jobs.append(job)
    if not sheet.rows:
        problems.append(Problem(None, None, "the spreadsheet has a header but no rows",
                                "batch-no-rows"))
    return BatchPlan(sheet.path, out, tuple(jobs), tuple(problems), len(sheet.rows),
                     sheet.empty_rows)
