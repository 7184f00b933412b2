"""Every fact set crisiswatch.postmortem.phrases knows has its sentence in both languages, with its facts escaped."""

from __future__ import annotations

from typing import Any

import pytest

from crisiswatch.postmortem.phrases import EVENTS, EVIDENCE, FACTORS, ORIGIN, Spec, event_phrase, facts, origin_phrases, phrase
from crisiswatch.rendering import template_environment
from crisiswatch.settings import PROJECT_ROOT

ENV = template_environment(PROJECT_ROOT / "templates")
EVENT = ENV.from_string('{% import "postmortem/_events.j2" as events %}{{ events.detail(e, lang) }}')
FACTOR = ENV.from_string('{% import "postmortem/_reasons.j2" as reasons %}{{ reasons.factor[lang](p) }}')
EVIDENCE_NOTE = ENV.from_string('{% import "postmortem/_reasons.j2" as reasons %}{{ reasons.evidence[lang](p) }}')
ORIGIN_PART = ENV.from_string('{% import "postmortem/_reasons.j2" as reasons %}{{ reasons.origin([p], lang) }}')
SAMPLES: dict[str, Any] = {
    "text": "Soporte <b>|x", "line": "Reembolsado.\nSegunda línea", "person": "ana@example.com", "handle": "ana_b", "key": "crisis",
    "flag": True, "count": 2, "number": 1234.5, "whole": 78.4, "percent": 0.25, "when": "2026-03-06T15:45:00+00:00",
    "url": "https://jira.example/OPS-1", "terms": ["estafa"], "spread": {"quotes": 12, "other": 1},
    "factors": [{"name": "velocity", "facts": {"ratio": 3.2, "windows": 3}}], "evidence": {"code": "met", "negative": 12, "authors": 9},
}
FALLBACK = "THE STORED MESSAGE"


def sample(spec: Spec) -> dict[str, Any]:
    """Data holding every fact of `spec`, nested where the fact's name says so."""
    data: dict[str, Any] = {}
    for path, kind in spec.items():
        *outer, name = path.split(".")
        target = data
        for part in outer:
            target = target.setdefault(part, {})
        target[name] = SAMPLES[kind.rstrip("?")]
    return data


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_kind_has_a_sentence_in_both_languages(kind: str, lang: str) -> None:
    p = event_phrase(kind, sample(EVENTS[kind]), lang)
    assert p is not None and p["code"] == kind
    said = EVENT.render(e={"phrase": p, "message": FALLBACK}, lang=lang)
    assert said.strip() and FALLBACK not in said and "\n" not in said
    other = EVENT.render(e={"phrase": event_phrase(kind, sample(EVENTS[kind]), "en" if lang == "es" else "es"), "message": ""},
                         lang="en" if lang == "es" else "es")
    assert said != other or kind == "resolved"  # a resolution is the person's own words in any language


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(("template", "specs"), [(FACTOR, FACTORS), (EVIDENCE_NOTE, EVIDENCE), (ORIGIN_PART, ORIGIN)],
                         ids=["factors", "evidence", "origin"])
def test_every_reason_has_a_sentence_in_both_languages(template: Any, specs: dict[str, Spec], lang: str) -> None:
    for code, spec in specs.items():
        p = phrase(code, sample(spec), specs, lang)
        assert p is not None
        said = template.render(p=p, lang=lang)
        assert said.strip() and "\n" not in said, code


def test_facts_are_escaped_and_written_in_the_language() -> None:
    es = facts({"department": "Soporte <b>|x", "n": 1234.5, "at": "2026-03-06T15:45:00Z", "who": "ana_b", "share": 0.25},
               {"department": "text", "n": "number", "at": "when", "who": "handle", "share": "percent"}, "es")
    assert es == {"department": "Soporte &lt;b&gt;\\|x", "n": "1.234", "at": "2026-03-06 15:45 UTC", "who": "@ana\\_b", "share": "25 %"}
    assert facts({"n": 1234.5}, {"n": "number"}, "en") == {"n": "1,234"}
    said = EVENT.render(e={"phrase": event_phrase("ticket_opened", {"department": "<img src=x> *a*", "backend": "jira<b>",
                                                                    "external_key": "[x](javascript:1)"}, "es"), "message": ""}, lang="es")
    assert said == "&lt;img src=x&gt; \\*a\\*: ticket \\[x\\](javascript:1) abierto en jirab"


def test_missing_or_misshapen_facts_cannot_be_said() -> None:
    spec = EVENTS["ticket_opened"]
    full = sample(spec)
    assert event_phrase("ticket_opened", {}, "es") is None
    assert event_phrase("ticket_opened", {k: v for k, v in full.items() if k != "department"}, "es") is None
    assert event_phrase("ticket_opened", {k: v for k, v in full.items() if k != "reconciled"}, "es")["args"]["reconciled"] is False
    assert event_phrase("replies_drafted", {"created": "many", "flagged": 0}, "es") is None
    assert event_phrase("no_such_kind", full, "es") is None
    old_declared = {"risk": 80, "level": "crisis", "evidence_facts": {"code": "met", "negative": 9, "authors": 9},
                    "top": [{"name": "negative_volume", "explanation": "9 negative mentions"}]}  # factors stored before their facts
    assert event_phrase("declared", old_declared, "es") is None
    assert origin_phrases([{"code": "type", "type": "other"}, {"code": "a_new_part"}], "es") is None
    assert origin_phrases(None, "es") is None and origin_phrases([], "es") is None
