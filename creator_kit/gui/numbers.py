"""Numbers and times as the interface shows them: Western (0-9) or Eastern Arabic (٠-٩) digits.

The choice is the ``digits`` setting (:mod:`creator_kit.core.settings`): ``western``,
``eastern``, or ``auto``, which follows the locale: Eastern Arabic digits in the Arabic
interface when the system's Arabic locale writes them (Egypt, the Gulf, the Levant; also
plain ``ar``, whose default country in Qt is Egypt), Western digits for an Arabic locale that
writes them (Morocco, Algeria, Tunisia, the Emirates) and for the English interface.

:func:`set_digits` applies it once at start-up: it also makes the matching ``QLocale`` the
default, so every spin box and Qt-formatted number created afterwards shows (and accepts) the
same digits. Text the editor formats itself goes through :func:`num`, :func:`timecode`,
:func:`clock` and :func:`size_text`.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale

from creator_kit.gui.app import tr

_EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_PERCENT = re.compile(r"(?<=\d)%")
ARABIC_DECIMAL = "\u066b"  # ٫
ARABIC_PERCENT = "\u066a"  # ٪


def _locale_writes_eastern(locale: QLocale) -> bool:
    return locale.zeroDigit() == "\u0660"


def resolve(choice: str, lang: str, system: QLocale | None = None) -> str:
    """``western`` or ``eastern`` for the ``digits`` setting ``choice`` in interface ``lang``."""
    if choice in ("western", "eastern"):
        return choice
    if lang != "ar":
        return "western"
    loc = QLocale.system() if system is None else system
    if loc.language() != QLocale.Language.Arabic:
        loc = QLocale(QLocale.Language.Arabic)  # an Arabic interface on a non-Arabic system
    return "eastern" if _locale_writes_eastern(loc) else "western"


def set_digits(choice: str, lang: str, system: QLocale | None = None) -> str:
    """Apply the ``digits`` setting for interface ``lang``; returns ``western`` or ``eastern``."""
    digits = resolve(choice, lang, system)
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty("ck_digits", digits)
    # Spin boxes read the default locale when they are made: Eastern digits come from Arabic
    # (Egypt), Western ones from the C locale (no group separators, "." for decimals).
    QLocale.setDefault(number_locale(digits))
    return digits


def digits() -> str:
    """The digits in force: ``western`` or ``eastern``."""
    app = QCoreApplication.instance()
    value = app.property("ck_digits") if app is not None else None
    return "eastern" if value == "eastern" else "western"


def number_locale(which: str | None = None) -> QLocale:
    """The QLocale whose number format matches ``which`` (default: the digits in force)."""
    if (which or digits()) == "eastern":
        return QLocale(QLocale.Language.Arabic, QLocale.Country.Egypt)
    loc = QLocale.c()
    loc.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return loc


def num(text: str) -> str:
    """``text`` with its digits (and decimal points and percent signs after digits) localised."""
    if digits() != "eastern":
        return text
    text = _PERCENT.sub(ARABIC_PERCENT, _DECIMAL.sub(ARABIC_DECIMAL, text))
    return text.translate(_EASTERN)


def parse_number(text: str) -> float:
    """A number typed in either digits (``1.5``, ``١٫٥``, ``1,5``); raises ValueError."""
    western = text.strip().translate(_TO_WESTERN).replace(ARABIC_DECIMAL, ".").replace(",", ".")
    return float(western)


def percent_format() -> str:
    """A QProgressBar format: the percentage (in the locale's digits) and the matching sign."""
    return "%p" + (ARABIC_PERCENT if digits() == "eastern" else "%")


def timecode(t: float, decimals: int = 2) -> str:
    """``m:ss.ff`` (minutes, seconds with ``decimals`` places) in the digits in force."""
    t = max(0.0, t)
    width = 3 + decimals if decimals else 2
    return num(f"{int(t // 60)}:{t % 60:0{width}.{decimals}f}")


def clock(seconds: float | None) -> str:
    """``m:ss`` for a duration such as the time left, or ``--:--`` when unknown."""
    if seconds is None:
        return "--:--"
    s = int(round(seconds))
    return num(f"{s // 60}:{s % 60:02d}")


def size_text(n_bytes: int) -> str:
    """A file size for people: ``12.3 MB`` (translated unit, digits in force)."""
    if n_bytes < 1024**2:
        return tr("Numbers", "{0} KB").format(num(f"{n_bytes / 1024:.0f}"))
    if n_bytes < 1024**3:
        return tr("Numbers", "{0} MB").format(num(f"{n_bytes / 1024**2:.1f}"))
    return tr("Numbers", "{0} GB").format(num(f"{n_bytes / 1024**3:.2f}"))
