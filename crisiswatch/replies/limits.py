"""X's length limits: 280 weighted characters for a public reply (the @handle included), 10,000 for a DM.

Public replies are counted like X counts posts (twitter-text v3 weighting): code points in the
Latin, Greek, Cyrillic and similar ranges and a few punctuation ranges weigh 1, everything else
(CJK, emoji, ...) weighs 2, and a URL weighs 23 whatever its length. An emoji made of several
code points (a ZWJ family, a skin tone) is counted per code point, so it may weigh more than
X's count: the error is always on the safe side (a draft is flagged, never rejected by X).
DMs are counted in code points (X's DM limit is 10,000 characters).
"""

from __future__ import annotations

import re
import unicodedata

PUBLIC_LIMIT = 280
DM_LIMIT = 10_000
URL_WEIGHT = 23
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)


def _char_weight(ch: str) -> int:
    cp = ord(ch)
    return 1 if any(lo <= cp <= hi for lo, hi in _LIGHT_RANGES) else 2


def weighted_length(text: str) -> int:
    """The length X counts for a post: weights 1 or 2 per code point, 23 per URL."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for m in _URL.finditer(text):
        total += sum(_char_weight(c) for c in text[pos : m.start()]) + URL_WEIGHT
        pos = m.end()
    return total + sum(_char_weight(c) for c in text[pos:])


def limit_for(channel: str) -> int:
    if channel == "public":
        return PUBLIC_LIMIT
    if channel == "dm":
        return DM_LIMIT
    raise ValueError(f"unknown reply channel {channel!r}; expected 'dm' or 'public'")


def measured_length(text: str, channel: str) -> int:
    """The length the channel's limit applies to."""
    return weighted_length(text) if channel == "public" else len(unicodedata.normalize("NFC", text))


def length_problem(text: str, channel: str) -> str | None:
    """Why `text` cannot be sent on `channel` as it is, or None when it fits."""
    if not text.strip():
        return "the text is empty"
    n, limit = measured_length(text, channel), limit_for(channel)
    if n > limit:
        unit = "weighted characters, as X counts them" if channel == "public" else "characters"
        return f"{channel} reply is {n} {unit}, over X's limit of {limit}; shorten it (it is never cut automatically)"
    return None
