"""creator_kit.graphics: everything that draws a picture for the render to composite.

``render`` composes sources; ``graphics`` draws them. Each drawn source turns one model layer
into a :class:`~creator_kit.core.frames.FrameSource` and is built the same way,
``Source(layer, ctx)`` with a :class:`~creator_kit.graphics.context.DrawContext`:

* :mod:`~creator_kit.graphics.stills` (``ImageSource``): bitmap and SVG images
  (:mod:`~creator_kit.graphics.svg` rasterises SVG at the size shown);
* :mod:`~creator_kit.graphics.captions` (``CaptionSource``): captions drawn by the text engine;
* :mod:`~creator_kit.graphics.stickers` (``StickerSource``) and
  :mod:`~creator_kit.graphics.tip_cards` (``TipCardSource``): badges and safety-tip cards,
  drawn as vectors (:mod:`~creator_kit.graphics.drawing`, :mod:`~creator_kit.graphics.icons`)
  with their bilingual copy from :mod:`~creator_kit.graphics.designs`;
* :mod:`~creator_kit.graphics.face_masks`: the mask drawn over tracked faces, from the mask
  art of :mod:`~creator_kit.graphics.mask_art`;
* :mod:`~creator_kit.graphics.card_background`: the closing card's colour, gradient or picture.

Shared by all: :mod:`~creator_kit.graphics.animation` (placement, timing, enter/exit) and
:mod:`~creator_kit.graphics.slots` (automatic placement in the safe zone). Library panels list
stickers, tip cards and mask styles from :mod:`~creator_kit.graphics.designs`, which loads no
drawing code. Like ``text``, this package may use QtGui (SVG through QtSvg, words through the
text engine) and never QtWidgets.
"""
