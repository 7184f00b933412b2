"""Text normalisation, tokenisation and fast language identification (es / en / other)."""

from __future__ import annotations

import re
from itertools import repeat

from crisiswatch.scoring.types import Language

_ACCENTS = tuple(zip("áéíóúüàèìòùâêîôûÁÉÍÓÚÜÀÈÌÒÙ", "aeiouuaeiouaeiouAEIOUUAEIOU", strict=True))
_URL = re.compile(r"https?://\S+|www\.\S+")
HANDLE = re.compile(r"@\w+")  # an @handle, as written
_ELONGATED = re.compile(r"(\w)\1{2,}")
_TRIPLE = re.compile(r"(.)\1\1")  # any character three times: a quick gate before the \w back-reference scan
_ENTITY = re.compile(r"&(amp|lt|gt|quot);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}
# words (with an inner apostrophe), hashtags, emoticons, emoji, ! and ?
TOKEN = re.compile(
    r"\w+(?:['’]\w+)*|[:;=8][-o'^]?[()\[\]dDpP/\\|*$@3]+|[)(][-o']?[:;=]|<3|"
    r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55]|[!?]"
)

_EN_CUES = frozenset(
    "the and you your to is are was were for of my it this that with have has not but on at be just what"
    " i me we they will would can can't don't didn't it's i'm im get got been from thanks thank why how"
    " when please an so our no u ur an out there ever all any do does did if or its he she us them their by as"
    " about up now who which you're i've i'll isn't won't good bad great best worst service help time today"
    " day still again never always ".split()
)
_ES_CUES = frozenset(
    "el la los las de del que y en un una es por con para no se lo al le su sus mi mis me más mas pero"
    " muy ya está esta este esto son hay como qué que ni nos les fue ser han he ha yo también tambien"
    " porque sin todo gracias hoy vuelo vuelos".split()
)
_ES_CHARS = re.compile(r"[ñ¿¡áéíóúÁÉÍÓÚÑ]")
# frequent words of the languages most often mistaken for Spanish or English, none of them a Spanish or English cue
# above nor a common word of either (so no "dos", "mes", "bien", "pelo", "volo", "per", "die"); written accent-free, as
# the tokens see them (ã, õ and ç are kept)
_OTHER_LANGUAGE_WORDS = {
    "pt": (
        "não nao voce voces vc vcs obrigado obrigada muito muita uma em das pra ao meu minha isso isto voo ou eu estou"
        " tem ainda hoje depois agora mais quando onde são sao vai foi bom boa ele ela tambem essa esse numa então"
        " entao fazer atendimento nem seu sua cade"
    ),
    "fr": (
        "et est pas je vous nous une des du avec dans ce cette qui ne ma merci c'est j'ai n'est il elle aux vol"
        " bonjour toujours encore rien suis sont avoir fait votre depuis chez leur aussi alors quoi ça"
    ),
    "it": (
        "non sono della questo questa grazie ancora sempre anche molto gli nel perche hanno essere tutto tutti"
        " ciao ho abbiamo stato"
    ),
    "de": (
        "und ist nicht ich der das mit fur auf ein eine zu wir danke flug noch schon sehr aber bitte dass habe haben"
        " wird kein keine nur auch mein meine heute"
    ),
}
_OTHER_LETTERS = re.compile(r"[ãõçœßäöëïÃÕÇ]")


def normalise(text: str) -> str:
    """Lower-case text without URLs or HTML entities; @mentions kept (rules may look at them)."""
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
    return text


def strip_accents(text: str) -> str:
    """Vowels without their accents (ñ kept); a few C-level replaces beat str.translate's per-character look-ups."""
    if text.isascii():
        return text
    for accented, plain in _ACCENTS:
        if accented in text:
            text = text.replace(accented, plain)
    return text


def squeeze(text: str) -> tuple[str, bool]:
    """Shorten letters repeated three times or more to two ("soooo" -> "soo"); True if any were."""
    triple = _TRIPLE.search(text)
    if triple is None or _ELONGATED.search(text, triple.start()) is None:
        return text, False
    return _ELONGATED.sub(r"\1\1", text), True


_SKIP_HINTS = frozenset(("und", "zxx", "qme", "qht", "qam", "qct", "qst"))
_CUES = {**dict.fromkeys(_EN_CUES, 1), **dict.fromkeys((strip_accents(w) for w in _ES_CUES), -1)}
for _w in _EN_CUES & _ES_CUES:
    _CUES[_w] = 0
_CUE_WORDS = frozenset(_CUES)
_NO_CUE = repeat(0)  # endless: map(_CUES.get, tokens, _NO_CUE) reads a missing word as 0
_OTHER_CUES = {w: lang for lang, words in _OTHER_LANGUAGE_WORDS.items() for w in words.split() if w not in _CUES}
_OTHER_CUE_WORDS = frozenset(_OTHER_CUES)


def language_from_hint(hint: str | None) -> Language | None:
    """X's `lang`: es and en kept, other real languages are `other`; und/None mean detect."""
    if not hint or hint in _SKIP_HINTS:
        return None
    h = hint.lower()[:2]
    return "es" if h == "es" else "en" if h == "en" else "other"


def detect_language(text: str, hint: str | None = None, tokens: list[str] | None = None) -> Language:
    """es / en / other from X's lang hint when it is a real language, else from stopword and letter cues."""
    known = language_from_hint(hint) if hint else None
    if known is not None:
        return known
    if tokens is None:
        tokens = TOKEN.findall(strip_accents(_URL.sub(" ", text).lower()))
    spanish_letters = not text.isascii() and _ES_CHARS.search(text) is not None
    if not spanish_letters and _CUE_WORDS.isdisjoint(tokens):
        return "other"
    if not _OTHER_CUE_WORDS.isdisjoint(tokens) and _another_language(text, tokens):
        return "other"
    score = sum(map(_CUES.get, tokens, _NO_CUE)) - (2 if spanish_letters else 0)
    return "en" if score > 0 else "es" if score < 0 else ("es" if spanish_letters else "en")


def _another_language(text: str, tokens: list[str]) -> bool:
    """True when the words of Portuguese, French, Italian or German, with the letters neither Spanish nor English
    writes (ã, ç, ß...), outnumber both the Spanish and the English cues (at least two of them): such texts share
    enough words with Spanish to be read as Spanish otherwise."""
    counts = dict.fromkeys(_OTHER_LANGUAGE_WORDS, 0)
    en = es = 0
    for t in tokens:
        cue = _CUES.get(t)
        if cue is not None:
            en += cue > 0
            es += cue < 0
        elif t in _OTHER_CUES:
            counts[_OTHER_CUES[t]] += 1
    best = max(counts.values()) + (0 if text.isascii() else len(_OTHER_LETTERS.findall(text)))
    return best >= 2 and best > en and best > es
