"""Rule-based valence of one text: lexicon, phrases, negation, boosters, caps, emoji, "but"."""

from __future__ import annotations

import math
import re
from itertools import compress, count

from crisiswatch.scoring.lexicon import Lexicon

NEGATORS = frozenset(
    "not no never nor none nobody nothing neither cannot cant can't dont don't didnt didn't doesnt doesn't isnt isn't"
    " wasnt wasn't werent weren't wont won't wouldnt wouldn't shouldnt shouldn't couldnt couldn't havent haven't"
    " hasnt hasn't hadnt hadn't aint ain't without arent aren't"
    " ni nunca jamas tampoco nadie ningun ninguna sin".split()
)


def is_negator(token: str) -> bool:
    """A word that flips what follows: a negator of either language, or any English n't contraction."""
    return token in NEGATORS or token.endswith("n't")


BOOSTERS = {
    **dict.fromkeys("very so really extremely totally absolutely completely utterly super incredibly seriously"
                    " truly highly most such too especially".split(), 0.293),
    **dict.fromkeys("muy super tan demasiado totalmente absolutamente completamente realmente increiblemente"
                    " bastante re sumamente".split(), 0.293),
    **dict.fromkeys("slightly somewhat barely kinda sorta little poco algo apenas".split(), -0.293),
}
_WEIGHTS = (0.0, 1.0, 0.95, 0.9)
NEGATION_FACTOR = -0.74
CAPS_BOOST = 0.733
NEGATOR_CUE = -0.35  # in complaints, an unattached "no"/"never" leans negative by itself
BANG = 0.292
_BUT = frozenset(("but", "pero", "however", "aunque", "sino"))
_CAPS = re.compile(r"\b[A-ZÑ]{2,}\b")
_NONE: frozenset[str] = frozenset()


def caps_words(plain: str) -> frozenset[str]:
    """Words written in capitals, lower-cased, in a text without accents; none when the whole text is in capitals."""
    if plain.isupper():
        return _NONE
    found = _CAPS.findall(plain)
    return frozenset(w.lower() for w in found) if found else _NONE


def valence_parts(
    tokens: list[str], phrase_values: list[float], lex: Lexicon, plain: str = "", elongated: bool = False, bangs: int = 0
) -> tuple[float, float, float]:
    """The compound score, and the sums of the positive and of the negative word and phrase valences.

    plain is the text as written, without accents: its words in capitals weigh more (looked for only when a word
    carries a valence).
    """
    values = list(map(lex.words.lookup, tokens))
    hits = list(compress(count(), values))  # indexes of the words with a valence (the rest count 0)
    if not hits and not phrase_values:
        return 0.0, 0.0, 0.0
    sentiments = values.copy()  # read only at the hits
    caps = _NONE
    if plain and hits and any(tokens[i].upper() in plain for i in hits):  # capitals read only where they can count
        caps = caps_words(plain)
    for i in hits:
        v = values[i]
        if v == NEGATOR_CUE:
            continue
        tok = tokens[i]
        sign = 1.0 if v > 0 else -1.0  # type: ignore[operator]
        if caps and tok in caps:
            v += sign * CAPS_BOOST  # type: ignore[operator]
        negated = False
        for j in (1, 2, 3):
            if i < j:
                break
            prev = tokens[i - j]
            b = BOOSTERS.get(prev)
            if b is not None:
                v += sign * b * _WEIGHTS[j]  # type: ignore[operator]
            elif is_negator(prev):
                negated = True
                if sentiments[i - j] == NEGATOR_CUE:
                    sentiments[i - j] = 0.0  # the negator counts through the word it flips
        sentiments[i] = v * NEGATION_FACTOR if negated else v  # type: ignore[operator]
    but_at = -1
    if not _BUT.isdisjoint(tokens):  # the last "but" that is not a lexicon word splits the text
        but_at = max((i for i, t in enumerate(tokens) if t in _BUT and values[i] is None), default=-1)
    before = after = pos = neg = 0.0  # valence before and after the "but"
    for i in hits:
        v = sentiments[i]
        if i < but_at:
            before += v  # type: ignore[operator]
        else:
            after += v  # type: ignore[operator]
        if v > 0:  # type: ignore[operator]
            pos += v  # type: ignore[operator]
        elif v < 0:  # type: ignore[operator]
            neg += v  # type: ignore[operator]
    total = 0.5 * before + 1.5 * after if but_at >= 0 else after
    for v in phrase_values:
        total += v
        if v > 0:
            pos += v
        else:
            neg += v
    if total:
        b = min(bangs, 4) * BANG
        total += b if total > 0 else -b
        if elongated:
            total += 0.3 if total > 0 else -0.3
    return total / math.sqrt(total * total + 15.0), pos, neg
