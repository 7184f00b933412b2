"""Crisis terms in both languages: words that turn a complaint into a reputational risk."""

from __future__ import annotations

import re
from functools import lru_cache

from crisiswatch.scoring.matcher import PhraseSet, index_patterns
from crisiswatch.scoring.text import strip_accents

# canonical term -> regex alternatives (lower-case, accent-free, word-bounded at the start)
CRISIS_TERMS: dict[str, str] = {
    "boycott": r"boycott\w*|boicot\w*|boicotear\w*",
    "scam": r"scam\w*|estafa\w*|estafador\w*|timo\b|timador\w*|rip ?off|ripoff",
    "fraud": r"fraud\w*|defraud\w*",
    "lawsuit": r"lawsuits?|sue\b|sued\b|suing\b|class action|demanda(r|remos|re|mos|ndo)?\b|demand(e|o|aremos)\b|accion colectiva|juicio\b",
    "lawyer": r"lawyers?|attorneys?|abogad[oa]s?\b",
    "legal_complaint": r"denuncia\w*|denunci[eo]\b|formal complaint|consumer protection|profeco|facua|omic\b|sernac|indecopi|bbb\b|\bdot\b complaint",
    "racism": r"racis\w*|racial\w*",
    "discrimination": r"discriminat\w*|discrimin\w*|homophob\w*|homofob\w*|sexis\w*|xenofob\w*|xenophob\w*|transphob\w*|transfob\w*",
    "harassment": r"harass\w*|acoso\w*|acosad\w*|acosador\w*",
    "assault": r"assault\w*|agredi\w*|agresion\w*|golpe(o|aron|ado)\b",
    "poisoning": r"poison\w*|intoxica\w*|envenena\w*|food ?borne|salmonella|listeria",
    "data_leak": r"leak(ed|s)?\b|data breach|breach(ed)?\b|filtracion\w*|filtrad[oa]s?\b|fuga de datos",
    "hack": r"hack(ed|s|ers?)?\b|hacke\w*|jaque\w*",
    "privacy": r"privacy|privacidad|datos personales|personal data",
    "safety": r"unsafe|inseguro\w*|dangerous|peligros\w*|emergency landing|aterrizaje de emergencia|recall\w*|retirada del mercado",
    "injury": r"injur\w*|herid[oa]s?\b|lesion(ado|ada|es)?\b|hospitali\w*",
    "death": r"died|dead\b|death|muri[oe]\b|muert[oe]s?\b|fallec\w*",
    "fire": r"caught fire|on fire\b.{0,10}(plane|engine|store|battery)|explosion|explot\w*|incendio",
    "theft": r"stole|stolen|theft|robaron|robo\b|ladron\w*|thieves|thief",
    "corruption": r"corrupt\w*|soborn\w*|brib\w*",
    "viral": r"going viral|se hizo viral|viral\b",
    "media": r"news (crew|station)|reporters?|periodistas?|prensa\b",
}


_WORDS, PHRASES = index_patterns((p, name) for name, p in CRISIS_TERMS.items())
_PHRASES: PhraseSet[str] = PhraseSet(PHRASES)


@lru_cache(maxsize=256)
def _extra_pattern(extra: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = [re.escape(strip_accents(t.lower().strip())) for t in extra if t.strip()]
    return re.compile(r"(?<!\w)(" + "|".join(alts) + r")(?!\w)") if alts else None


def find_crisis_terms(
    tokens: list[str], low: str, extra: tuple[str, ...] = (), phrase_hits: list[str] | None = None
) -> tuple[str, ...]:
    """The canonical crisis terms in a tokenised, lower-case, accent-free text, then the brand's own terms as written."""
    found: list[str] = []
    for name in filter(None, map(_WORDS.lookup, tokens)):
        if name not in found:
            found.append(name)
    for name in _PHRASES.find(low) if phrase_hits is None else phrase_hits:
        if name not in found:
            found.append(name)
    if extra:
        rx = _extra_pattern(extra)
        if rx is not None:
            wanted = {strip_accents(t.lower().strip()): t.strip() for t in extra}
            for m in rx.finditer(low):
                term = wanted[m.group(1)]
                if term not in found:
                    found.append(term)
    return tuple(found)
