"""Word timings for word-by-word highlighting.

Word ``i`` is the ``i``-th run of non-space characters of the cleaned cue text, in reading
(logical) order, the same numbering :func:`creator_kit.text.engine.render_caption` uses for
``highlight_word``, so highlighting is right for right-to-left lines without any mirroring.

Times come from the subtitle file when it has them (ASS ``\\k`` karaoke syllables, stored in
``Cue.words``): each word spans the syllables that make it up. Otherwise the cue's time is
shared out in proportion to each word's letters (harakat and tatweel do not count), which
follows speech closely enough for captions.
"""

from __future__ import annotations

from creator_kit.core.captions import Cue
from creator_kit.text.bidi import clean_caption_text, letter_count, split_words


def word_times(cue: Cue) -> list[tuple[float, float]]:
    """(start, end) in seconds of each word of ``cue``, in reading order."""
    text = clean_caption_text(cue.text).text
    spans = split_words(text)
    if not spans:
        return []
    start, end = float(cue.start), float(cue.end)
    if end <= start:
        return [(start, start) for _ in spans]
    if cue.words:
        from_file = _from_syllables(cue, text, spans)
        if from_file is not None:
            return from_file
    weights = [letter_count(text[s:e]) for s, e in spans]
    total = float(sum(weights))
    out: list[tuple[float, float]] = []
    t = start
    for i, w in enumerate(weights):
        nxt = end if i == len(weights) - 1 else t + (end - start) * w / total
        out.append((t, nxt))
        t = nxt
    return out


def _from_syllables(
    cue: Cue, text: str, spans: list[tuple[int, int]]
) -> list[tuple[float, float]] | None:
    """Word times from karaoke syllables whose texts, joined, give the cue text; else None."""
    assert cue.words is not None
    joined = "".join(w[2] for w in cue.words)
    if joined.strip(" \n") != text:
        # The syllables do not spell the text (edited cue): fall back to one time per word
        # only when the counts match, else let the caller share the time out.
        if len(cue.words) == len(spans):
            return [(max(cue.start, w[0]), min(cue.end, max(w[0], w[1]))) for w in cue.words]
        return None
    # Character offset of each syllable in the text (the two differ only by outer spaces).
    lead = len(joined) - len(joined.lstrip(" \n"))
    bounds: list[tuple[int, int, float, float]] = []
    pos = -lead
    for s, e, syl in cue.words:
        bounds.append((pos, pos + len(syl), s, e))
        pos += len(syl)
    out: list[tuple[float, float]] = []
    for ws, we in spans:
        times = [(s, e) for a, b, s, e in bounds if a < we and b > ws and b > a]
        if not times:
            return None
        out.append(
            (max(cue.start, min(t[0] for t in times)), min(cue.end, max(t[1] for t in times)))
        )
    return out


def active_word(cue: Cue, t: float) -> int | None:
    """Index of the word to highlight at time ``t``; None outside the cue.

    In a pause between karaoke syllables the word just spoken stays highlighted, so the
    highlight never flickers off in the middle of a cue.
    """
    if not (cue.start <= t < cue.end):
        return None
    current: int | None = None
    for i, (s, _e) in enumerate(word_times(cue)):
        if s <= t:
            current = i
    return current
