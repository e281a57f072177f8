"""The built-in library of drawn graphics and their bilingual copy.

Stickers and tip cards are named in a project (``StickerLayer.name``, ``TipCardLayer.tip``);
this module holds what each name means: its icon, its look and its words in Arabic and
English. Library panels list :data:`STICKERS`, :data:`TIPS` and :data:`MASK_STYLES` from here
without loading any drawing code.
"""

from __future__ import annotations

from dataclasses import dataclass

from creator_kit.core.face_settings import MASK_STYLES
from creator_kit.core.model import Language, StickerLayer, StickerName, TipName


@dataclass(frozen=True)
class Words:
    """The same words in Arabic and English."""

    ar: str
    en: str

    def get(self, language: Language) -> str:
        """The words in ``language``."""
        return self.ar if language == "ar" else self.en


@dataclass(frozen=True)
class StickerSpec:
    """A library sticker: its drawing (``icon``), layout (``look``) and default label."""

    icon: str
    look: str  # "badge" (pill: icon + label), "round" (icon only), "marker" (icon over big label)
    label: Words | None
    description: str


@dataclass(frozen=True)
class TipSpec:
    """A library tip card: title, numbered steps and icon."""

    icon: str
    title: Words
    steps: tuple[Words, ...]


STICKERS: dict[StickerName, StickerSpec] = {
    "mask-up": StickerSpec(
        "face-mask",
        "badge",
        Words("ارتدِ الكمامة", "Mask up"),
        "a face wearing a mask with «ارتدِ الكمامة» / Mask up",
    ),
    "mask": StickerSpec("mask", "round", None, "a round badge with a face mask"),
    "keep-distance": StickerSpec(
        "distance",
        "marker",
        Words("٢ متر", "2 m"),
        "a distance marker: two people, an arrow and 2 m",
    ),
    "wash-hands": StickerSpec(
        "hands",
        "badge",
        Words("اغسل يديك", "Wash your hands"),
        "a hand with soap bubbles and water drops",
    ),
    "avoid-crowds": StickerSpec(
        "crowd", "badge", Words("تجنّب الزحام", "Avoid crowds"), "a crossed-out crowd"
    ),
    "thank-you-heroes": StickerSpec(
        "heart", "badge", Words("شكرًا أبطالنا", "Thank you heroes"), "a heart with a medical cross"
    ),
    "be-responsible": StickerSpec(
        "shield", "badge", Words("خليك مسئول", "Be responsible"), "a shield with a tick"
    ),
    "together": StickerSpec(
        "together",
        "badge",
        Words("معًا ضد الكورونا", "Together against corona"),
        "three people side by side under a heart",
    ),
}

TIPS: dict[TipName, TipSpec] = {
    "wear-mask": TipSpec(
        "face-mask",
        Words("كيف ترتدي الكمامة", "How to wear a mask"),
        (
            Words("نظّف يديك قبل لمسها", "Clean your hands first"),
            Words("غطِّ الأنف والفم", "Cover your nose and mouth"),
            Words("اضبط الجانبين بلا فراغات", "Fit the sides, no gaps"),
        ),
    ),
    "remove-mask": TipSpec(
        "dispose",
        Words("كيف تخلع الكمامة", "How to take it off"),
        (
            Words("أمسكها من الأربطة فقط", "Hold it by the ear loops"),
            Words("لا تلمس مقدمتها", "Don't touch the front"),
            Words("ارمِها في سلة مغلقة واغسل يديك", "Bin it, then wash your hands"),
        ),
    ),
    "wash-hands": TipSpec(
        "hands",
        Words("اغسل يديك جيدًا", "Wash your hands well"),
        (
            Words("بالماء والصابون", "With soap and water"),
            Words("لمدة ٢٠ ثانية على الأقل", "For at least 20 seconds"),
            Words("بين الأصابع وتحت الأظافر", "Between fingers, under nails"),
        ),
    ),
    "keep-distance": TipSpec(
        "distance",
        Words("حافظ على التباعد", "Keep your distance"),
        (
            Words("ابقَ على بُعد مترين", "Stay 2 metres apart"),
            Words("سلِّم من بعيد بلا مصافحة", "Greet without a handshake"),
        ),
    ),
    "avoid-crowds": TipSpec(
        "crowd",
        Words("تجنّب الزحام", "Avoid crowds"),
        (
            Words("ابتعد عن الأماكن المزدحمة", "Stay away from crowded places"),
            Words("اختر الأماكن المفتوحة", "Choose open-air places"),
            Words("اخرج في أوقات الهدوء", "Go out at quiet times"),
        ),
    ),
}


def sticker_label(layer: StickerLayer) -> str | None:
    """The label drawn on ``layer``: its own ``text`` or the library's words in its language."""
    if layer.text is not None:
        return layer.text
    spec = STICKERS[layer.name]
    return spec.label.get(layer.language) if spec.label is not None else None


__all__ = ["MASK_STYLES", "STICKERS", "TIPS", "StickerSpec", "TipSpec", "Words", "sticker_label"]
