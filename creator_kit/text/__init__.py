"""Arabic-first caption text: layout and rasterising on Qt's text stack, and subtitle files.

Modules (import the one you need; only ``engine``, ``fonts`` and ``qtapp`` load Qt):

* :mod:`creator_kit.text.engine`: ``render_caption(text, style, max_width_px, highlight_word=)``
  returns a cached RGBA :class:`~creator_kit.text.engine.CaptionImage` with word boxes;
* :mod:`creator_kit.text.fonts`: bundled fonts, fallback chain, ``missing_glyphs``;
* :mod:`creator_kit.text.bidi`: cleaning, base direction, words, hashtag isolation, digits;
* :mod:`creator_kit.text.timing`: ``word_times(cue)`` and ``active_word(cue, t)``;
* :mod:`creator_kit.text.placement`: safe-zone caption area and covered-band warnings;
* :mod:`creator_kit.text.subs`: SRT/VTT/ASS import, validation, repair and export;
* :mod:`creator_kit.text.qtapp`: the on-demand ``QGuiApplication``.
"""
