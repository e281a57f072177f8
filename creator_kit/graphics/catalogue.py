"""What the editor's library lists: stickers, tip cards, mask styles, templates and fonts.

Listing needs no drawing: this module imports nothing of the render engine, Qt, NumPy,
Pillow or OpenCV (only the words of :mod:`creator_kit.graphics.designs`), so a library panel or a
script can show the choices at once and draw thumbnails later, in the background. Titles
are in Arabic and English: a sticker's own label, a tip card's title.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from creator_kit.core.assets import asset_path
from creator_kit.core.face_settings import MASK_STYLES
from creator_kit.core.model import STICKER_NAMES, TIP_NAMES
from creator_kit.graphics.designs import STICKERS, TIPS

Kind = Literal["sticker", "tip-card", "mask", "template", "font"]


@dataclass(frozen=True)
class Entry:
    """One library item: its kind, the name a project uses, and titles in both languages.

    ``preview`` is an image file to show as it is (mask styles, template thumbnails), when
    there is one; stickers and tip cards are drawn by the engine at thumbnail size instead.
    """

    kind: Kind
    name: str
    title_ar: str
    title_en: str
    preview: Path | None = None
    description: str = ""

    def title(self, language: str) -> str:
        """The title in ``language`` (``ar`` or ``en``)."""
        return self.title_ar if language == "ar" else self.title_en


_STICKER_TITLES: dict[str, tuple[str, str]] = {
    "mask-up": ("ارتدِ الكمامة", "Mask up"),
    "mask": ("كمامة", "Mask badge"),
    "keep-distance": ("٢ متر", "Keep distance"),
    "wash-hands": ("اغسل يديك", "Wash hands"),
    "avoid-crowds": ("تجنّب الزحام", "Avoid crowds"),
    "thank-you-heroes": ("شكرًا أبطالنا", "Thank you heroes"),
    "be-responsible": ("خليك مسئول", "Be responsible"),
    "together": ("معًا ضد الكورونا", "Together"),
}
_TIP_TITLES: dict[str, tuple[str, str]] = {
    "wear-mask": ("كيف ترتدي الكمامة", "How to wear a mask"),
    "remove-mask": ("كيف تخلع الكمامة", "How to take it off"),
    "wash-hands": ("اغسل يديك جيدًا", "Wash your hands"),
    "keep-distance": ("حافظ على التباعد", "Keep your distance"),
    "avoid-crowds": ("تجنّب الزحام", "Avoid crowds"),
}
_MASK_TITLES: dict[str, tuple[str, str]] = {
    "surgical": ("كمامة طبية", "Surgical"),
    "cloth": ("كمامة قماش", "Cloth"),
    "n95": ("كمامة N95", "N95"),
}
_FONT_FILES: dict[str, str] = {
    "Noto Sans Arabic": "NotoSansArabic-Regular.ttf",
    "Noto Sans": "NotoSans-Regular.ttf",
    "Lemonada": "Lemonada-Regular.otf",
}


def stickers() -> list[Entry]:
    """The built-in stickers and badges, in library order, titled by their own label."""
    out = []
    for n in STICKER_NAMES:
        spec = STICKERS.get(n)
        label = spec.label if spec is not None else None
        ar, en = (label.ar, label.en) if label is not None else _STICKER_TITLES.get(n, (n, n))
        out.append(Entry("sticker", n, ar, en,
                         description=spec.description if spec is not None else ""))
    return out


def tip_cards() -> list[Entry]:
    """The built-in safety-tip cards, titled by the card's title."""
    out = []
    for n in TIP_NAMES:
        spec = TIPS.get(n)
        ar, en = (spec.title.ar, spec.title.en) if spec is not None else _TIP_TITLES.get(n, (n, n))
        out.append(Entry("tip-card", n, ar, en))
    return out


def masks() -> list[Entry]:
    """The face-mask styles, each with its preview image when it is there."""
    out = []
    for style in MASK_STYLES:
        png = asset_path("masks", f"{style}.png")
        ar, en = _MASK_TITLES.get(style, (style, style))
        out.append(Entry("mask", style, ar, en, preview=png if png.is_file() else None))
    return out


def fonts() -> list[Entry]:
    """The bundled font families captions can use."""
    folder = asset_path("fonts")
    return [Entry("font", family, family, family, description=str(folder / file))
            for family, file in _FONT_FILES.items() if (folder / file).is_file()]


def templates(user_folder: Path | None = None) -> list[Entry]:
    """Built-in (then user) templates with their titles, read from each ``template.json``.

    Only the titles are read here; a template is validated when it is applied. A folder whose
    file cannot be read is listed under its folder name so it can still be picked (and its
    problem reported then). ``preview`` is the template's ``thumbnail.png`` when it has one.
    """
    out: list[Entry] = []
    seen: set[str] = set()
    for folder in (asset_path("templates"), user_folder):
        if folder is None:
            continue
        try:
            children = sorted(p for p in folder.iterdir() if (p / "template.json").is_file())
        except OSError:
            continue
        for child in children:
            if child.name in seen:
                continue
            seen.add(child.name)
            title_ar = title_en = child.name
            description = ""
            try:
                if (child / "template.json").stat().st_size < 1_000_000:
                    doc = json.loads((child / "template.json").read_text(encoding="utf-8"))
                    title_ar = str(doc.get("title_ar", child.name))[:200]
                    title_en = str(doc.get("title_en", child.name))[:200]
                    description = str(doc.get("description_en", ""))[:2000]
            except (OSError, ValueError, AttributeError):
                pass
            thumb = child / "thumbnail.png"
            out.append(Entry("template", child.name, title_ar, title_en,
                             preview=thumb if thumb.is_file() else None,
                             description=description))
    return out
