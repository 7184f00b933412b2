"""The facts producers store beside their English text, made ready for the post-mortem's sentences in its language.

A timeline event keeps its English `message` (the log line) and the facts it was written from in `data`; a
detector factor keeps `facts`; the origin keeps `why`, one coded fact set per sentence. Here the facts a sentence
needs (its spec) are read and escaped like every other value of the post-mortem: text people wrote through
`inline`, code words through `key`, numbers and times in the post-mortem's language. The sentences themselves live
in templates/postmortem/_events.j2 and _reasons.j2. None means the facts cannot be said (an unknown kind, an older
event without them): the template then prints the stored English text, escaped as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from crisiswatch.postmortem.escape import inline, key, link
from crisiswatch.postmortem.formats import percent, when
from crisiswatch.tickets.content import format_number

Spec = Mapping[str, str]  # fact ('name', or 'outer.name' inside a nested dict) -> kind; a trailing '?' when it may be missing
Phrase = dict[str, Any]  # {"code": the sentence's code, "args": its escaped facts}

_ADS: Spec = {
    "dry_run": "flag", "applied": "count?", "reconciled": "count?", "planned": "count?", "already": "count?",
    "skipped": "count?", "failed": "count?", "error": "key?", "transient": "flag?", "setting": "text?",
}
_DETECTOR: Spec = {
    "risk": "whole", "level": "key", "change.from_level": "key?", "change.to_level": "key?", "top": "factors",
    "evidence_facts": "evidence",
}
EVENTS: dict[str, Spec] = {
    "declared": _DETECTOR,
    "updated": _DETECTOR,
    "origin_found": {"type": "key", "patient_zero.author": "handle?", "mentions": "number", "complainants": "number",
                     "previous_type": "key?"},
    "ads_paused": _ADS, "ads_pause_failed": _ADS, "ads_resumed": _ADS, "ads_resume_failed": _ADS,
    "ticket_opened": {"department": "text", "backend": "key", "external_key": "text", "reconciled": "flag?"},
    "ticket_failed": {"department": "text", "backend": "key", "transient": "flag?"},
    "ticket_closed": {"department": "text", "ticket_id": "count", "external_key": "text", "note": "text?",
                      "case_resolved": "flag?"},
    "ticket_close_elsewhere": {"department": "text", "ticket_id": "count", "backend": "key", "external_key": "text", "url": "url?"},
    "replies_drafted": {"created": "count", "flagged": "count"},
    "replies_decision": {"approver": "person", "approved": "count", "rejected": "count", "edited": "count", "flagged": "count"},
    "replies_sent": {"sent": "count", "public_acks": "count", "dm_closed": "count", "uncertain": "count", "failed": "count",
                     "stop": "key?", "rate_limited_until": "when?"},
    "resolved": {"resolution": "line"},
    "notes_updated": {"resolution": "line", "lessons": "line"},
}
FACTORS: dict[str, Spec] = {
    "negative_volume": {"negative": "count", "ratio": "number", "usual": "number"},
    "negative_authors": {"authors": "count", "ratio": "number"},
    "negative_share": {"share": "percent", "usual": "percent"},
    "velocity": {"ratio": "number", "windows": "count"},
    "volume": {"volume": "count", "ratio": "number", "usual": "number"},
    "negative_reach": {"reach": "number", "ratio": "number"},
    "crisis_terms": {"mentions": "count", "terms": "terms"},
}
EVIDENCE: dict[str, Spec] = {
    "too_few": {"negative": "count", "min": "count"},
    "one_voice": {"share": "percent"},
    "few_authors": {"authors": "count", "min": "count"},
    "met": {"negative": "count", "authors": "count"},
}
_SPREAD_AUTHOR: Spec = {"author": "handle", "times": "count?", "posted_at": "when"}
ORIGIN: dict[str, Spec] = {
    "no_mentions": {},
    "brand_post": {"posted_at": "when"},
    "root_post": {"author": "handle", "posted_at": "when"},
    "root": _SPREAD_AUTHOR, "most_spread": _SPREAD_AUTHOR, "earliest": _SPREAD_AUTHOR,
    "grew": {"spike_at": "when", "growth": "count", "hours": "number", "size": "number", "authors": "number", "spread": "spread"},
    "no_earlier_mention": {},
    "answered": {"took_hours": "number"},
    "waiting": {"left_hours": "number", "hours": "number"},
    "unheard": {"mentions": "count", "first_at": "when", "hours": "number"},
    "type": {"type": "key"},
}


def _count(value: Any, lang: str) -> int:
    """A number of things: an int, or the length of a list or dict of them."""
    return len(value) if isinstance(value, list | tuple | dict) else int(value)


def _when(value: Any, lang: str) -> str:
    """A time: a datetime, an ISO string or seconds since the epoch."""
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, timezone.utc)
    return when(value)


def _spread(value: Any, lang: str) -> list[dict[str, Any]]:
    """{'retweets': 637, ...} as [{'kind': 'retweets', 'n': 637}, ...] in the stored order."""
    return [{"kind": key(k), "n": int(n)} for k, n in dict(value).items()]


def _all(phrases: list[Phrase | None]) -> list[Phrase] | None:
    """The phrases, or None when one of them cannot be said."""
    return None if any(p is None for p in phrases) else [p for p in phrases if p is not None]


def _factors(value: Any, lang: str) -> list[Phrase] | None:
    """The detector's top factors (Factor.to_dict() each)."""
    return _all([phrase(f.get("name"), f.get("facts"), FACTORS, lang) for f in value])


def _evidence(value: Any, lang: str) -> Phrase | None:
    return phrase(value.get("code"), value, EVIDENCE, lang)


KINDS: dict[str, Callable[[Any, str], Any]] = {
    "text": lambda v, lang: inline(v, 160),
    "line": lambda v, lang: inline(next((x for x in str(v).splitlines() if x.strip()), ""), 300),  # the first line of a note
    "person": lambda v, lang: inline(v, 160, defuse_mentions=False),  # an approver: a name or an e-mail address
    "handle": lambda v, lang: inline(f"@{v}", defuse_mentions=False),  # an X username, as the rest of the post-mortem writes it
    "key": lambda v, lang: key(v),
    "flag": lambda v, lang: bool(v),
    "count": _count,
    "number": lambda v, lang: format_number(float(v), lang),
    "whole": lambda v, lang: format_number(round(float(v)), lang),
    "percent": lambda v, lang: percent(float(v)),
    "when": _when,
    "url": lambda v, lang: link(v, v),
    "terms": lambda v, lang: inline(", ".join(str(t) for t in v)),
    "spread": _spread,
    "factors": _factors,
    "evidence": _evidence,
}
_MISSING: dict[str, Any] = {"count": 0, "flag": False, "spread": [], "factors": [], "evidence": None}


def _fact(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def facts(data: Mapping[str, Any] | None, spec: Spec, lang: str) -> dict[str, Any] | None:
    """The spec's facts read from `data` and escaped, named by their last part; None when a required one is missing."""
    out: dict[str, Any] = {}
    for path, kind in spec.items():
        name, optional, kind = path.rsplit(".", 1)[-1], kind.endswith("?"), kind.rstrip("?")
        value = _fact(data or {}, path)
        try:
            out[name] = None if value is None else KINDS[kind](value, lang)
        except (TypeError, ValueError, AttributeError, OverflowError):
            out[name] = None  # stored in another shape: as good as missing
        if out[name] is None:
            if not optional:
                return None
            out[name] = _MISSING.get(kind, "")
    return out


def phrase(code: object, data: Mapping[str, Any] | None, specs: Mapping[str, Spec], lang: str) -> Phrase | None:
    """The sentence `code` of `specs` with its facts from `data`; None when the code is unknown or a fact is missing."""
    spec = specs.get(str(code))
    args = None if spec is None else facts(data, spec, lang)
    return None if args is None else {"code": key(code), "args": args}


def event_phrase(kind: str, data: Mapping[str, Any] | None, lang: str) -> Phrase | None:
    """A timeline event's detail (also the detector's reasons in Case.factors, stored like a 'declared' event's data)."""
    return phrase(kind, data, EVENTS, lang)


def origin_phrases(why: Any, lang: str) -> list[Phrase] | None:
    """The origin's explanation (Case.origin['why']), one phrase per sentence; None when one cannot be said."""
    if not isinstance(why, list) or not why:
        return None
    return _all([phrase(part.get("code"), part, ORIGIN, lang) if isinstance(part, Mapping) else None for part in why])
