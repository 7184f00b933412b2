"""Per-brand tone rules: forbidden words never appear, and no reply admits liability."""

from __future__ import annotations

import re
import unicodedata

from crisiswatch.config import ReplyConfig

# Phrases that admit fault or legal liability. Matched on a normalised text (case, accents and
# invisible characters ignored), as whole words. Drafts never contain them; an edited text
# that does is flagged for a person.
LIABILITY_PATTERNS: tuple[str, ...] = (
    # Spanish
    r"(es|fue|ha sido|era) (toda )?(nuestra|mi) culpa",
    r"nuestra culpa",
    r"por nuestra culpa",
    r"culpa (es )?nuestra",
    r"admitimos",
    r"admito",
    r"reconocemos (nuestra|la|toda la) (culpa|responsabilidad)",
    r"(asumimos|aceptamos) (toda |la |plena |nuestra )*responsabilidad",
    r"somos (los )?(unicos )?responsables",
    r"(fue|hubo) (una )?negligencia (nuestra|de nuestra parte)",
    r"nos declaramos culpables",
    # English
    r"(we are|we're|we were|we are fully|we're fully) (liable|responsible for|at fault|to blame|guilty)",
    r"(our|my) fault",
    r"we admit",
    r"we (accept|take) (full |the |all )*(liability|responsibility|blame)",
    r"(admission|admit) of (liability|fault|guilt)",
    r"(our|my) (negligence|mistake caused)",
    r"we (were|was) negligent",
    r"liable",
)
_LIABILITY = [re.compile(rf"(?<!\w){p}(?!\w)") for p in LIABILITY_PATTERNS]
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def normalise(text: str) -> str:
    """Lower case, accents and invisible characters removed, spaces collapsed: what rules match on."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKD", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s’'`´]+", lambda m: " " if m.group().isspace() else "'", text)


def _word_pattern(word: str) -> re.Pattern[str]:
    words = normalise(word).split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)")


def tone_problems(text: str, replies: ReplyConfig | None = None) -> list[str]:
    """Every tone rule `text` breaks: liability admissions, then the brand's forbidden words."""
    norm = normalise(text)
    norm_apos = norm.replace("'", " ")
    problems: list[str] = []
    for pattern, rx in zip(LIABILITY_PATTERNS, _LIABILITY, strict=True):
        m = rx.search(norm) or rx.search(norm_apos)
        if m:
            problems.append(f"admits liability ({m.group()!r}); rephrase without admitting fault")
    for word in (replies.forbidden_words if replies else []):
        if normalise(word).strip() and _word_pattern(word).search(norm):
            problems.append(f"contains the forbidden word {word!r} (brand replies.forbidden_words)")
    return problems
