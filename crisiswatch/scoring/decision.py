"""From valence to a label: neutral first, unless the text carries clear evidence of a complaint or of praise.

People write to brands to ask, to inform and to share news as often as to complain. A question, a
request for information or a headline with a link is neutral unless it also carries a complaint
phrase or strong words; a complaint is negative even when it says "thanks" ("thanks for the 3 hour
delay"). The rules are hand-written and general (any brand, both languages).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from crisiswatch.scoring.types import Sentiment

# a question or a request for information: its first word (after @handles) ...
ASK_STARTS = frozenset(
    "can could will would do does did is are was were have has how what when where which who whom any anyone anybody"
    " should may might am wondering question"
    " como donde cuando cuanto cuanta cuantos cuantas cual cuales quien quienes hay puedo podeis pueden podrian"
    " podrias sabeis saben alguien".split()
)
# ... or one of these phrases anywhere (regular expressions on lower-case, accent-free text; matched in the
# scorer's single phrase pass)
ASK_PHRASES = (
    r"(can|could|would) (you|u|i|we|someone|somebody|anyone)\b",
    r"how (do|can|does|long|much|many|would|should)\b",
    r"is (there|it possible)\b|are there\b",
    r"any (word|update|news|info|information|chance|way|idea|plans?)\b",
    r"please (let|tell|send|confirm|advise|follow|dm|check)\b|(pls|plz) (follow|dm|advise|confirm)\b",
    r"follow (me|back|for)\b|wondering\b|looking for\b|i need to know\b|do you know\b",
    r"alguien sabe\b|(me|nos) (podeis|pueden|podrian|podrias|puedes|puede)\b|se puede\b|hay (algun|alguna)\b",
    r"(quisiera|quiero|queria|necesito) saber\b|informacion (sobre|de)\b|saber si\b",
)
_FIRST_SECOND = frozenset(
    "i i'm im i've ive i'd i'll me my mine we we're our us you your you're u ur yours"
    " yo mi mis me nos nuestro nuestra nuestros nuestras tu tus te ti vos os vuestro vuestra usted ustedes"
    " estoy tengo he voy llevo".split()
)


class Evidence(NamedTuple):
    """What the decision looks at besides the compound score."""

    ask: bool  # a question or a request for information
    headline: bool  # a link and no first or second person: news, an announcement, a share
    pos: float  # summed positive valence
    neg: float  # summed negative valence (<= 0)


NEG_EVIDENCE = -1.0  # summed negative valence that makes a text a complaint even when it asks something
MIXED_NEG = -1.0
MIXED_POS_WEIGHT = 0.5
ASK_POSITIVE_AT = 0.6  # a question is positive only when clearly so
HEADLINE_NEGATIVE_AT = -0.05
HEADLINE_POSITIVE_AT = 0.3
NEGATIVE_AT = -0.05
POSITIVE_AT = 0.3


def first_word(low: str) -> str:
    """The first word that is not an @handle."""
    for word in low.split(None, 6):
        if word[0] not in "@.":
            return word.strip(",:;!¿¡\"'")
    return ""


def evidence(raw: str, low: str, tokens: list[str], pos: float, neg: float, asks: bool = False) -> Evidence:
    """The cues of one text (raw as written, low lower-case and accent-free without links; asks: an ASK_PHRASES hit)."""
    ask = asks or "?" in low or first_word(low) in ASK_STARTS
    headline = ("http" in raw or "www." in raw) and _FIRST_SECOND.isdisjoint(tokens)
    return Evidence(ask, headline, pos, neg)


def decide(score: float, ev: Evidence) -> Sentiment:
    """negative / neutral / positive: neutral unless there is clear evidence."""
    complaint = ev.neg <= NEG_EVIDENCE
    if ev.neg <= MIXED_NEG and score > 0:
        # praise next to a real complaint is mostly politeness or sarcasm ("thanks for the 3 hour delay")
        total = ev.pos * MIXED_POS_WEIGHT + ev.neg
        score = total / math.sqrt(total * total + 15.0)
    if ev.ask and not complaint:
        return "positive" if score >= ASK_POSITIVE_AT else "neutral"
    if ev.headline:
        if score <= HEADLINE_NEGATIVE_AT:
            return "negative"
        return "positive" if score >= HEADLINE_POSITIVE_AT else "neutral"
    if score <= NEGATIVE_AT:
        return "negative"
    return "positive" if score >= POSITIVE_AT else "neutral"
