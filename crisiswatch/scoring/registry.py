"""Find a text scorer by name: built-in, an installed entry point, or a dotted path."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.types import TextScorer

ENTRY_POINT_GROUP = "crisiswatch.scorers"
SETTING = "CRISISWATCH_SCORER"


def _lexicon() -> TextScorer:
    from crisiswatch.scoring.lexicon_scorer import LexiconScorer

    return LexiconScorer()


def _hybrid() -> TextScorer:
    from crisiswatch.scoring.hybrid_scorer import HybridScorer

    return HybridScorer()


def _encoder() -> TextScorer:
    from crisiswatch.scoring.encoder_scorer import EncoderScorer

    return EncoderScorer()


BUILTIN: dict[str, Callable[[], TextScorer]] = {"lexicon": _lexicon, "hybrid": _hybrid, "encoder": _encoder}


def _check(obj: object, name: str) -> TextScorer:
    scorer = obj() if isinstance(obj, type) or (callable(obj) and not hasattr(obj, "score_texts")) else obj
    if not callable(getattr(scorer, "score_texts", None)):
        raise ConfigError(f"scorer {name!r} has no score_texts(texts, lang_hints) method", setting=SETTING)
    return scorer  # type: ignore[return-value]


def available() -> list[str]:
    """Built-in names and installed entry points."""
    return sorted({*BUILTIN, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})


def get_scorer(name: str) -> TextScorer:
    """The scorer called `name`: "lexicon", "hybrid", "encoder", an entry point in group crisiswatch.scorers, or "package.module:Class"."""
    if name in BUILTIN:
        return BUILTIN[name]()
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
        return _check(ep.load(), name)
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"scorer {name!r}: cannot import module {module_name!r} ({exc})", setting=SETTING) from None
        try:
            obj = getattr(module, attr)
        except AttributeError:
            raise ConfigError(f"scorer {name!r}: module {module_name!r} has no {attr!r}", setting=SETTING) from None
        return _check(obj, name)
    raise ConfigError(
        f"unknown scorer {name!r}; use one of {', '.join(available())}, or 'package.module:Class'", setting=SETTING
    )
