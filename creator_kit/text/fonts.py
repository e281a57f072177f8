"""Bundled fonts, font files chosen by the user, and the fallback chain.

creator_kit ships its fonts in ``assets/fonts`` (SIL OFL 1.1, licence files beside them) so a
caption looks the same on every machine with nothing installed:

* ``Noto Sans Arabic`` (regular, bold), drawn with ``Noto Sans`` for Latin letters;
* ``Lemonada`` (regular, bold), a rounded display face with its own Latin letters;
* ``Noto Sans Symbols2`` and a small ``Noto Color Emoji`` subset (faces, hands, hearts,
  the mask) as the last links of the fallback chain.

Every caption is drawn with a list of families (``QFont.setFamilies``): the chosen family, its
Latin partner, then the fallbacks, so Qt takes each character from the first family that has
it. Characters that no family can draw are left out with a warning rather than drawn as boxes.

The chain is hermetic: no installed font takes part unless a caption names it
(:mod:`creator_kit.text.qtapp` hides the system's fonts from Qt where it uses fontconfig). A
named family that is not bundled is looked up among the installed font files
(:func:`system_font_file`) and loaded for that caption's use, so ``"font_family": "DejaVu
Sans"`` still works on a machine that has it.
"""

from __future__ import annotations

import logging
import struct
import threading
import unicodedata
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from creator_kit.core.assets import asset_path
from creator_kit.core.errors import InputError
from creator_kit.core.files import read_file
from creator_kit.text.qtapp import ensure_qt, uses_fontconfig

log = logging.getLogger(__name__)

BUNDLED_FILES: tuple[str, ...] = (
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "Lemonada-Regular.otf",
    "Lemonada-Bold.otf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoColorEmoji-Subset.ttf",
)
DEFAULT_FAMILY = "Noto Sans Arabic"
# The family that draws what the chosen family lacks on purpose (Noto Sans Arabic has no Latin).
PARTNERS: dict[str, tuple[str, ...]] = {"Noto Sans Arabic": ("Noto Sans",)}
FALLBACK_CHAIN: tuple[str, ...] = (
    "Noto Sans Arabic",
    "Noto Sans",
    "Noto Sans Symbols2",
    "Noto Color Emoji",
)
# Where installed fonts live on fontconfig systems (Linux, the BSDs), searched when a caption
# names a family that is not bundled.
SYSTEM_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
MAX_FONT_BYTES = 64 * 1024 * 1024

_lock = threading.RLock()
_registered = False
_problems: list[str] = []
_user_fonts: dict[str, str] = {}  # resolved path -> family
# QRawFont objects are cached per thread: Qt's font engines belong to the thread that made
# them and die with it, so a raw font made on the editor's preview thread reports no glyphs
# at all once that thread has ended. ``_raw_generation`` invalidates every thread's cache
# when a font is registered.
_raw_local = threading.local()
_raw_generation = 0
_chains: dict[str, tuple[str, ...]] = {}  # cleared whenever a font is registered
_system_tried: set[str] = set()  # casefolded families looked up among installed fonts


def fonts_dir() -> Path:
    """The bundled fonts folder (``fonts`` in :func:`~creator_kit.core.assets.assets_dir`)."""
    return asset_path("fonts")


def _add_font_file(path: Path) -> str:
    """Register one font file with Qt; return its family or raise :class:`InputError`."""
    # Read through the guarded reader and hand Qt the bytes: Qt's own open would block on a
    # FIFO and read a device without end.
    data = read_file(path, "font file", MAX_FONT_BYTES)
    font_id = QFontDatabase.addApplicationFontFromData(QByteArray(data))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise InputError(
            "not a usable font file (corrupt, truncated or not TrueType/OpenType)", path
        )
    return str(families[0])


def ensure_fonts() -> tuple[str, ...]:
    """Create the Qt application if needed and register the bundled fonts once.

    Returns the problems met (one line each, also logged as warnings); a missing or corrupt
    bundled file is skipped and the fallback chain carries on without it.
    """
    global _registered
    ensure_qt()
    with _lock:
        if not _registered:
            for name in BUNDLED_FILES:
                try:
                    _add_font_file(fonts_dir() / name)
                except InputError as exc:
                    msg = f"{exc.message}; captions fall back to other fonts"
                    _problems.append(msg)
                    log.warning("%s", msg)
            _registered = True
        return tuple(_problems)


def load_font_file(path: str | Path) -> str:
    """Register a user's TTF/OTF file and return its family; :class:`InputError` if unusable."""
    global _raw_generation
    ensure_fonts()
    key = str(Path(path).resolve())
    with _lock:
        if key not in _user_fonts:
            _user_fonts[key] = _add_font_file(Path(path))
            _chains.clear()
            _raw_generation += 1
        return _user_fonts[key]


def has_family(family: str) -> bool:
    """True when Qt can draw with ``family`` (bundled, loaded from a file, or installed).

    An installed family hidden from Qt (see the module docstring) is loaded from its file
    the first time it is asked for.
    """
    global _raw_generation
    ensure_fonts()
    if QFontDatabase.hasFamily(family):
        return True
    if not uses_fontconfig():
        return False
    with _lock:
        if family.casefold() in _system_tried:
            return bool(QFontDatabase.hasFamily(family))
        _system_tried.add(family.casefold())
        path = system_font_file(family)
        if path is None:
            return False
        try:
            _add_font_file(path)
        except InputError as exc:
            log.warning("%s", exc.message)
            return False
        _chains.clear()
        _raw_generation += 1  # every thread's raw-font cache, as load_font_file does
    return bool(QFontDatabase.hasFamily(family))


def system_font_file(family: str) -> Path | None:
    """An installed font file whose family is ``family`` (regular style first), or None."""
    wanted = family.casefold()
    found: list[tuple[int, Path]] = []
    for folder in SYSTEM_FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
                continue
            names = _family_names(path)
            if wanted in names:
                # Prefer the plain face: a file named like "...-Regular" or without a style.
                stem = path.stem.casefold()
                rank = 0 if stem.endswith("regular") or "-" not in stem else 1
                found.append((rank, path))
    return min(found)[1] if found else None


def _family_names(path: Path) -> set[str]:
    """The family names (name IDs 1 and 16) in a font file's ``name`` table, casefolded."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            offsets = [0]
            if head[:4] in (b"ttcf",):
                count = struct.unpack(">I", head[8:12])[0]
                offsets = list(struct.unpack(f">{min(count, 64)}I", fh.read(4 * min(count, 64))))
            names: set[str] = set()
            for base in offsets:
                fh.seek(base + 4)
                (tables,) = struct.unpack(">H", fh.read(2))
                fh.seek(base + 12)
                directory = fh.read(16 * min(tables, 128))
                for i in range(0, len(directory), 16):
                    tag, _sum, offset, _length = struct.unpack(">4sIII", directory[i : i + 16])
                    if tag == b"name":
                        names |= _read_names(fh, offset)
            return names
    except (OSError, struct.error, ValueError):
        return set()


def _read_names(fh: BinaryIO, offset: int) -> set[str]:
    fh.seek(offset)
    _fmt, count, strings = struct.unpack(">HHH", fh.read(6))
    records = fh.read(12 * min(count, 512))
    names: set[str] = set()
    for i in range(0, len(records), 12):
        platform, encoding, _lang, name_id, length, pos = struct.unpack(
            ">HHHHHH", records[i : i + 12]
        )
        if name_id not in (1, 16):
            continue
        fh.seek(offset + strings + pos)
        raw = fh.read(length)
        if platform in (0, 3):
            names.add(raw.decode("utf-16-be", "replace").casefold())
        elif platform == 1 and encoding == 0:
            names.add(raw.decode("mac_roman", "replace").casefold())
    return names


def font_chain(family: str) -> tuple[str, ...]:
    """The families a caption in ``family`` is drawn with, in order, without duplicates.

    Only families that are actually available are listed; the bundled chain and any system
    emoji font come after the chosen family and its Latin partner.
    """
    with _lock:
        if family not in _chains:
            wanted = (family, *PARTNERS.get(family, ()), *FALLBACK_CHAIN)
            _chains[family] = tuple(f for f in dict.fromkeys(wanted) if has_family(f))
        return _chains[family]


def _raw_cache() -> dict[str, QRawFont]:
    cache: dict[str, QRawFont] | None = getattr(_raw_local, "fonts", None)
    if cache is None or getattr(_raw_local, "generation", -1) != _raw_generation:
        cache = _raw_local.fonts = {}
        _raw_local.generation = _raw_generation
    return cache


def _raw_font(family: str) -> QRawFont | None:
    with _lock:
        raw_cache = _raw_cache()
        if family not in raw_cache:
            if not has_family(family):
                return None
            font = QFont()
            font.setFamilies([family])
            font.setPixelSize(32)
            raw = QRawFont.fromFont(font)
            # fromFont may hand back a substitute when the family lacks a style; check the name.
            if not raw.isValid() or raw.familyName().casefold() != family.casefold():
                return None
            raw_cache[family] = raw
        return raw_cache[family]


def _needs_glyph(ch: str) -> bool:
    cp = ord(ch)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return False  # variation selectors pick a glyph; they have none of their own
    return unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")


def missing_glyphs(text: str, family: str, *, with_fallbacks: bool = False) -> list[str]:
    """The distinct characters of ``text`` that ``family`` cannot draw, in order of appearance.

    With ``with_fallbacks`` the whole :func:`font_chain` is consulted, so the result is what
    would be drawn as a box. Spaces, controls and variation selectors never count. An
    unavailable ``family`` lacks everything.
    """
    ensure_fonts()
    families = font_chain(family) if with_fallbacks else (family,)
    raws = [r for r in (_raw_font(f) for f in families) if r is not None]
    missing: list[str] = []
    for ch in dict.fromkeys(text):
        if _needs_glyph(ch) and not any(r.supportsCharacter(ord(ch)) for r in raws):
            missing.append(ch)
    return missing


def describe_chars(chars: list[str], limit: int = 8) -> str:
    """``'ژ' (U+0698), ...`` for a warning message, at most ``limit`` characters named."""
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def is_symbol(ch: str) -> bool:
    """True for emoji and pictographic symbols, which are expected to come from a fallback font."""
    return unicodedata.category(ch) in ("So", "Sk") or ord(ch) >= 0x1F000


def ass_size_ratio(family: str) -> float:
    """Font size libass needs per pixel of em for ``family`` to match our rendering.

    libass (like VSFilter) sizes a font so that its Windows ascent plus descent (OS/2 table)
    equals the requested size, while Qt sizes the em; a tall-metric font such as Noto Sans
    Arabic (about 2.1 em) would come out at half size without this factor. 1.0 if unknown.
    """
    raw = _raw_font(family)
    if raw is None:
        return 1.0
    os2, head = raw.fontTable("OS/2").data(), raw.fontTable("head").data()
    if len(os2) < 78 or len(head) < 20:
        return 1.0
    win_ascent, win_descent = struct.unpack(">HH", os2[74:78])
    (units_per_em,) = struct.unpack(">H", head[18:20])
    if not units_per_em or not (win_ascent + win_descent):
        return 1.0
    return float(win_ascent + win_descent) / float(units_per_em)
