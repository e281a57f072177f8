"""Strict conversion between plain JSON data and frozen dataclasses.

Project and template files are data only: this module turns parsed JSON into typed, ranged,
frozen dataclasses (and back) and never evaluates anything. Each dataclass field declares its
allowed range in ``field(metadata=...)`` (``min``, ``max``, ``max_len``), much like a
RangeValue in a settings schema, so validation lives next to the definition it guards.
Every error names the location inside the document (``layers[2].opacity``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from creator_kit.core.errors import InputError
from creator_kit.core.files import read_file

T = TypeVar("T")

# Hostile-document limits: a project file is small; anything larger is refused outright.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_NESTING = 64
MAX_STRING = 100_000
MAX_ITEMS = 10_000


class SchemaError(ValueError):
    """A value does not fit the schema; ``where`` is its location in the document."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where or 'document'}: {problem}")


def _reject_constant(name: str) -> float:
    raise SchemaError("", f"{name} is not allowed in this file")


# No setting needs more digits than this; Python would refuse beyond 4300 with a bare
# ValueError, and converting a huge number costs time quadratic in its length.
MAX_NUMBER_CHARS = 40


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise SchemaError("", f"a number with {len(text)} digits is not allowed in this file")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS * 2:
        raise SchemaError("", f"a number {len(text)} characters long is not allowed in this file")
    return float(text)


def load_json_document(path: Path, kind: str) -> Any:
    """Read and parse a JSON file defensively, raising :class:`InputError` naming ``path``.

    Reads through the guarded reader (a regular file, a bounded read: never a FIFO or a
    device), rejects NaN/Infinity, and limits nesting before the parser can recurse.
    """
    raw = read_file(path, f"{kind} file", MAX_DOCUMENT_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{kind} file is not UTF-8 text", path) from None
    return parse_json_text(text, kind, path)


def parse_json_text(text: str, kind: str, path: Path | str | None = None) -> Any:
    """Parse JSON text with the same limits as :func:`load_json_document`."""
    depth = _max_nesting(text)
    if depth > MAX_NESTING:
        raise InputError(f"{kind} file is nested too deeply ({depth} levels)", path)
    try:
        return json.loads(
            text, parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float
        )
    except SchemaError as exc:
        raise InputError(f"{kind} file is invalid: {exc.problem}", path) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{kind} file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            path,
        ) from None
    except RecursionError:  # belt and braces: _max_nesting should have caught it
        raise InputError(f"{kind} file is nested too deeply", path) from None


def _max_nesting(text: str) -> int:
    """Deepest bracket nesting outside strings, found without recursion."""
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > best:
                best = depth
                if best > MAX_NESTING:
                    return best
        elif ch in "]}":
            depth -= 1
    return best


def from_data(cls: type[T], data: Any, where: str = "") -> T:
    """Build dataclass ``cls`` from parsed JSON ``data``.

    Raises :class:`SchemaError` naming the location of the first value that does not fit.
    """
    return typing.cast(T, _convert(cls, data, where, None))


def check_field(cls: type, name: str, value: Any) -> Any:
    """``value`` converted and checked as field ``name`` of dataclass ``cls`` would be on load.

    The same types, ranges and lengths as a project or template file, for a value that comes
    from somewhere else (a command-line flag, a spreadsheet cell, an editor widget), so every
    source of a setting is held to one rule. Raises :class:`SchemaError` (``where`` empty).
    """
    hints, fields = _schema_of(cls, init_only=False)
    if name not in fields:
        raise TypeError(f"{cls.__name__} has no field {name!r}")  # a programming error
    return _convert(hints[name], value, "", fields[name].metadata)


def to_data(obj: Any) -> Any:
    """Turn a dataclass tree into plain JSON data (tuples become lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        kind = getattr(type(obj), "KIND", None)
        if kind is not None:
            out["kind"] = kind
        for f in dataclasses.fields(obj):
            out[f.name] = to_data(getattr(obj, f.name))
        return out
    if isinstance(obj, (tuple, list)):
        return [to_data(v) for v in obj]
    return obj


def _convert(tp: Any, value: Any, where: str, meta: typing.Mapping[str, Any] | None) -> Any:
    # Fast path for the commonest case, a plain number or text of the expected type (a
    # file of caption cues is tens of thousands of them); the general code below is the rule.
    vt = type(value)
    if tp is float and vt is float and math.isfinite(value):
        _check_range(value, where, meta)
        return value
    if tp is str and vt is str and len(value) <= (meta or {}).get("max_len", MAX_STRING):
        return value
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None:
            if type(None) in options:
                return None
            raise SchemaError(where, "must not be empty (null)")
        non_null = [o for o in options if o is not type(None)]
        kinds = [o for o in non_null if dataclasses.is_dataclass(o) and hasattr(o, "KIND")]
        if kinds and len(kinds) == len(non_null):
            return _convert_tagged(kinds, value, where)
        errors = []
        for option in non_null:
            try:
                return _convert(option, value, where, meta)
            except SchemaError as exc:
                errors.append(exc.problem)
        raise SchemaError(where, " or ".join(dict.fromkeys(errors)))
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed or isinstance(value, bool) != any(
            isinstance(a, bool) for a in allowed
        ):
            shown = ", ".join(repr(a) for a in allowed)
            raise SchemaError(where, f"must be one of {shown}, not {value!r}"[:300])
        return value
    if origin is tuple:
        args = get_args(tp)
        if not isinstance(value, list):
            raise SchemaError(where, f"must be a list, not {_type_name(value)}")
        limit = (meta or {}).get("max_items", MAX_ITEMS)
        if len(value) > limit:
            raise SchemaError(where, f"has {len(value)} items; at most {limit} allowed")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{where}[{i}]", None) for i, v in enumerate(value))
        if len(value) != len(args):
            raise SchemaError(where, f"must have exactly {len(args)} items")
        return tuple(
            _convert(a, v, f"{where}[{i}]", None)
            for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if dataclasses.is_dataclass(tp):
        return _convert_dataclass(tp, value, where)
    if tp is bool:
        if not isinstance(value, bool):
            raise SchemaError(where, f"must be true or false, not {_type_name(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(where, f"must be a whole number, not {_type_name(value)}")
        _check_range(value, where, meta)
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(where, f"must be a number, not {_type_name(value)}")
        if not math.isfinite(value):
            raise SchemaError(where, "must be a finite number")
        _check_range(value, where, meta)
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise SchemaError(where, f"must be text, not {_type_name(value)}")
        limit = (meta or {}).get("max_len", MAX_STRING)
        if len(value) > limit:
            raise SchemaError(where, f"is {len(value)} characters long; at most {limit} allowed")
        return value
    raise TypeError(f"schema cannot convert to {tp!r}")  # a programming error, not bad input


def _convert_tagged(kinds: list[Any], value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise SchemaError(where, f"must be an object, not {_type_name(value)}")
    by_kind = {k.KIND: k for k in kinds}
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in by_kind:
        shown = ", ".join(sorted(by_kind))
        raise SchemaError(f"{where}.kind", f"must be one of {shown}, not {kind!r}"[:300])
    return _convert_dataclass(by_kind[kind], value, where)


def _convert_dataclass(cls: Any, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise SchemaError(where, f"must be an object, not {_type_name(value)}")
    hints, fields = _schema_of(cls, init_only=True)
    allowed = set(fields) | ({"kind"} if hasattr(cls, "KIND") else set())
    if "kind" in value and value["kind"] != getattr(cls, "KIND", value["kind"]):
        raise SchemaError(f"{where}.kind" if where else "kind", f"must be {cls.KIND!r}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise SchemaError(f"{prefix}{unknown[0]}", "is not a known setting")
    kwargs = {}
    for name, f in fields.items():
        if name in value:
            sub = f"{where}.{name}" if where else name
            kwargs[name] = _convert(hints[name], value[name], sub, f.metadata)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError(f"{where}.{name}" if where else name, "is required")
    try:
        return cls(**kwargs)
    except SchemaError as exc:  # a field checked in __post_init__ (a colour): name it in full
        raise SchemaError(f"{where}.{exc.where}" if where else exc.where, exc.problem) from None
    except ValueError as exc:  # __post_init__ cross-field checks
        raise SchemaError(where, str(exc)) from None


@functools.cache
def _schema_of(
    cls: type, *, init_only: bool
) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """The resolved type hints and the fields of dataclass ``cls``, worked out once.

    ``typing.get_type_hints`` evaluates every annotation string each time it is called: done
    per value, it made checking a project with 5,000 caption cues take seconds.
    """
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init or not init_only}
    return typing.get_type_hints(cls), fields


def _check_range(value: float, where: str, meta: typing.Mapping[str, Any] | None) -> None:
    if not meta:
        return
    lo, hi = meta.get("min"), meta.get("max")
    if lo is not None and value < lo:
        raise SchemaError(where, f"must be at least {lo}, not {value}")
    if hi is not None and value > hi:
        raise SchemaError(where, f"must be at most {hi}, not {value}")


def _type_name(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def ranged(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """A dataclass field with an allowed numeric range, checked on load."""
    return dataclasses.field(default=default, metadata={"min": lo, "max": hi})
