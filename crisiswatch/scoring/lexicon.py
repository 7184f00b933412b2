"""The word lists the lexicon scorer ships, loaded once (see lexicons/SOURCES.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from crisiswatch.scoring.matcher import TokenIndex
from crisiswatch.scoring.text import strip_accents

LEXICONS = Path(__file__).resolve().parent / "lexicons"
_ES_SUFFIXES = ("amente", "mente", "aciones", "acion", "ando", "iendo", "ados", "adas", "idos", "idas", "ado", "ada",
                "ido", "ida", "ar", "er", "ir", "os", "as", "es", "o", "a", "e")


def es_stem(word: str) -> str:
    """A crude Spanish stem: the word without its commonest inflectional ending."""
    for suf in _ES_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


@dataclass(frozen=True)
class Lexicon:
    """Valences of words (and word prefixes) and of phrases, for one language."""

    words: TokenIndex[float]
    phrase_entries: list[tuple[str, float]]
    spanish: bool


def _rows(name: str) -> list[tuple[str, float]]:
    out = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        token, _, value = line.rpartition("\t")
        out.append((token.strip(), float(value)))
    return out


def _words(name: str) -> list[str]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("# ")]


def _with_negators(index: TokenIndex[float]) -> TokenIndex[float]:
    from crisiswatch.scoring.sentiment import NEGATOR_CUE, NEGATORS

    for word in NEGATORS:
        index.words.setdefault(word, NEGATOR_CUE)
    return index


def _english_words() -> TokenIndex[float]:
    index: TokenIndex[float] = TokenIndex()
    for name in ("vader_en.tsv", "brand_en.tsv", "emoji.tsv"):
        for token, value in _rows(name):
            index.add(strip_accents(token.lower()), value)
    return _with_negators(index)


def _spanish_words() -> TokenIndex[float]:
    index: TokenIndex[float] = TokenIndex()
    for name, value in (("evomsa_es_positive.txt", 1.3), ("evomsa_es_negative.txt", -1.3)):
        for word in _words(name):
            word = strip_accents(word.lower())
            if " " in word:
                continue
            index.words[word] = value
            stem = es_stem(word)
            if stem != word and len(stem) >= 5:
                index.prefixes.setdefault(stem, value)
    index.reindex()
    for name in ("brand_es.tsv", "emoji.tsv"):
        for token, value in _rows(name):
            index.add(strip_accents(token.lower()), value)
    return _with_negators(index)


@lru_cache(maxsize=None)
def english() -> Lexicon:
    return Lexicon(_english_words(), _rows("brand_en_phrases.tsv"), spanish=False)


@lru_cache(maxsize=None)
def spanish() -> Lexicon:
    return Lexicon(_spanish_words(), _rows("brand_es_phrases.tsv"), spanish=True)


@lru_cache(maxsize=None)
def both() -> Lexicon:
    """For text in neither language: Spanish entries, English ones over them, both sets of phrases."""
    es, en = _spanish_words(), _english_words()
    words = TokenIndex({**es.words, **en.words}, {**es.prefixes, **en.prefixes}, {**es.suffixes, **en.suffixes})
    phrases = _rows("brand_en_phrases.tsv") + _rows("brand_es_phrases.tsv")
    return Lexicon(words, phrases, spanish=True)
