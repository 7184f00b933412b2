"""The default scorer: lexicon and rules, Spanish and English, offline, tens of thousands of texts a second."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from crisiswatch.scoring import lexicon
from crisiswatch.scoring.categories import PHRASES as CATEGORY_PHRASES
from crisiswatch.scoring.categories import categorise
from crisiswatch.scoring.crisis import PHRASES as CRISIS_PHRASES
from crisiswatch.scoring.crisis import find_crisis_terms
from crisiswatch.scoring.decision import ASK_PHRASES, Evidence, decide, evidence
from crisiswatch.scoring.matcher import PhraseSet
from crisiswatch.scoring.sentiment import valence_parts
from crisiswatch.scoring.text import TOKEN, detect_language, normalise, squeeze, strip_accents
from crisiswatch.scoring.types import Language, Sentiment, TextScore, score_each


class Reading(NamedTuple):
    """What the lexicon and rules read in one text, before any decision."""

    lang: Language
    low: str  # lower-case, accent-free, links removed, elongations squeezed
    tokens: list[str]
    score: float  # compound valence in [-1, 1]
    evidence: Evidence
    category_hits: list[tuple[str, float]]
    crisis_hits: list[str]


def _all_phrases(lex: lexicon.Lexicon) -> PhraseSet[tuple[str, object]]:
    """Valence phrases, category phrases and crisis phrases in one set: one pass over each text."""
    entries: list[tuple[str, tuple[str, object]]] = [(p, ("v", v)) for p, v in lex.phrase_entries]
    entries += [(p, ("c", v)) for p, v in CATEGORY_PHRASES]
    entries += [(p, ("x", v)) for p, v in CRISIS_PHRASES]
    entries += [(p, ("q", True)) for p in ASK_PHRASES]
    return PhraseSet(entries)


class LexiconScorer:
    """Lexicon-and-rules scorer tuned for what people write to and about brands."""

    name = "lexicon"

    def __init__(self, crisis_terms: Iterable[str] = ()) -> None:
        self.crisis_terms = tuple(crisis_terms)
        self._lex = {"en": lexicon.english(), "es": lexicon.spanish(), "other": lexicon.both()}
        self._phrases = {lang: _all_phrases(lex) for lang, lex in self._lex.items()}

    def read(self, text: str, lang_hint: str | None = None) -> Reading:
        """Everything the rules see in one text: one normalisation, one token pass, one phrase pass."""
        clean, elongated = squeeze(normalise(text))
        plain = strip_accents(clean)
        low = plain.lower()
        tokens = TOKEN.findall(low)
        lang = detect_language(clean, lang_hint, tokens)
        values: list[float] = []
        cats: list[tuple[str, float]] = []
        terms: list[str] = []
        asks = False
        for kind, payload in self._phrases[lang].find(low):
            if kind == "q":
                asks = True
            else:
                (values if kind == "v" else cats if kind == "c" else terms).append(payload)  # type: ignore[attr-defined]
        score, pos, neg = valence_parts(tokens, values, self._lex[lang], plain, elongated, low.count("!"))
        return Reading(lang, low, tokens, score, evidence(text, low, tokens, pos, neg, asks), cats, terms)

    def text_score(self, r: Reading, sentiment: Sentiment, sentiment_score: float) -> TextScore:
        """The score of a read text once its sentiment is decided: the category and crisis terms come from the rules."""
        return TextScore(
            r.lang,
            sentiment,
            round(sentiment_score, 4),
            categorise(r.tokens, r.low, sentiment == "negative" or (r.evidence.ask and sentiment == "neutral"), r.category_hits),
            find_crisis_terms(r.tokens, r.low, self.crisis_terms, r.crisis_hits),
        )

    def score_text(self, text: str, lang_hint: str | None = None) -> TextScore:
        r = self.read(text, lang_hint)
        return self.text_score(r, decide(r.score, r.evidence), r.score)

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        return score_each(self.score_text, texts, lang_hints)
