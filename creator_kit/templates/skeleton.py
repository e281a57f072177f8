"""The starting point of ``creator-kit templates new NAME``: a small, valid template to edit."""

from __future__ import annotations

from creator_kit.core.captions import STYLES, Box, Shadow
from creator_kit.core.model import (
    Animation,
    Background,
    CaptionLayer,
    Placement,
    StickerLayer,
)
from creator_kit.templates.format import EndCard, LogoArea, Template, TemplateVariable


def skeleton(name: str) -> Template:
    """A template with a sticker, a caption slot, an end card with hashtags and a CTA."""
    tag_style = STYLES["clean"].replace(
        font_family="Lemonada", size_px=58.0, weight=700,
        shadow=Shadow(offset_x=0.0, offset_y=3.0, blur=8.0))
    cta_style = STYLES["bold-box"].replace(
        size_px=52.0, box=Box(colour="#0b7a75", opacity=1.0, padding=22.0, radius=30.0))
    return Template(
        name=name,
        title_ar="حملتي",
        title_en="My campaign",
        description_en="Edit template.json: texts, colours, stickers, tip cards, end card.",
        variables=(
            TemplateVariable("hashtags", "the campaign hashtags on the end card",
                             ar="#لاتنسواالكمامة #MaskUp", en="#MaskUp #لاتنسواالكمامة"),
            TemplateVariable("cta", "the call to action on the end card",
                             ar="ارتدِ الكمامة واحمِ غيرك", en="Wear a mask, protect others"),
        ),
        overlays=(StickerLayer(name="mask-up", start=0.2, end=4.0),),
        end_card=EndCard(
            duration=3.0,
            background=Background(kind="gradient", colour="#0b3d4f", colour2="#0b7a75"),
            layers=(
                CaptionLayer(text="{cta}", style=cta_style,
                             placement=Placement(x=0.5, y=0.36),
                             enter=Animation(kind="pop", duration=0.4)),
                CaptionLayer(text="{hashtags}", style=tag_style, start=0.3,
                             placement=Placement(x=0.5, y=0.5),
                             enter=Animation(kind="slide", duration=0.5, direction="up")),
            ),
            logos=LogoArea(y=0.66),
        ),
    )
