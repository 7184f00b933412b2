"""open_case_tickets against local Jira, GitHub and Slack servers that check every request."""

from __future__ import annotations

import json
import logging
from collections import Counter

from sqlalchemy import select

from crisiswatch.db.models import CaseEvent, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.settings import Settings
from crisiswatch.tickets import opening
from crisiswatch.tickets.opening import open_case_tickets
from tests.integration.ticket_servers import (
    GITHUB_TOKEN,
    JIRA_EMAIL,
    JIRA_TOKEN,
    SLACK_PATH,
    GitHubServer,
    JiraServer,
    SlackServer,
)
from tests.integration.tickets_seed import NOW, TWEETS, brand_config, seed_case

SECRETS = (JIRA_TOKEN, GITHUB_TOKEN, SLACK_PATH.rsplit("/", 1)[-1])


def make_settings(db_url: str, jira: JiraServer, github: GitHubServer, slack: SlackServer, **kw: object) -> Settings:
    values: dict[str, object] = dict(
        database_url=db_url, jira_base_url=jira.url, jira_email=JIRA_EMAIL, jira_api_token=JIRA_TOKEN,
        github_api_url=github.url, github_token=GITHUB_TOKEN, slack_webhook_url=slack.webhook_url,
        tickets_retry_backoff_seconds=0.01, tickets_timeout_seconds=5,
    )
    values.update(kw)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def creates_per_key(jira: JiraServer, github: GitHubServer, slack: SlackServer) -> Counter[str]:
    """How many creates each idempotency key caused, over the three servers."""
    c: Counter[str] = Counter()
    for issue in jira.creates:
        c.update(lb.removeprefix("crisiswatch-") for lb in issue["fields"]["labels"] if lb.startswith("crisiswatch-case-"))
    for issue in github.creates:
        c.update(lb["name"].removeprefix("cw:") for lb in issue["labels"] if lb["name"].startswith("cw:"))
    for msg in slack.creates:
        text = msg["blocks"][-1]["elements"][0]["text"]
        c.update(w for w in text.split() if w.startswith("case-"))
    return c


def tickets(db_url: str) -> dict[str, Ticket]:
    with session_scope(db_url) as s:
        return {t.department: t for t in s.scalars(select(Ticket))}


def events(db_url: str, kind: str) -> list[CaseEvent]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(CaseEvent).where(CaseEvent.kind == kind).order_by(CaseEvent.id)))


def test_one_ticket_per_routed_department_on_every_backend(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    settings = make_settings(db_url, jira, github, slack)
    outcomes = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)

    # routing: rule 1 (everyone) then rule 2 (service_disruption); legal's rule does not match
    assert [(o.department, o.status) for o in outcomes] == [
        ("support", "opened"), ("comms", "opened"), ("ops", "opened"), ("engineering", "opened")
    ]
    assert jira.violations == github.violations == slack.violations == []
    assert creates_per_key(jira, github, slack) == {f"case-{case_id}-{d}": 1 for d in ("comms", "ops", "engineering")}

    rows = tickets(db_url)
    assert {d: (t.backend, t.status) for d, t in rows.items()} == {
        "support": ("database", "open"), "comms": ("slack", "open"), "ops": ("jira", "open"), "engineering": ("github", "open")
    }
    assert rows["ops"].external_key == "OPS-1" and rows["ops"].url == f"{jira.url}/browse/OPS-1"
    assert rows["engineering"].external_key == "acme/crisis#1" and rows["engineering"].url == "https://github.com/acme/crisis/issues/1"
    assert rows["support"].external_key == f"CW-{rows['support'].id}"
    assert rows["support"].idempotency_key == f"case-{case_id}-support"
    # SLA: now + the department's sla_hours
    assert rows["comms"].sla_due_at == NOW.replace(hour=13) and rows["engineering"].sla_due_at == NOW.replace(hour=20)

    # the body (brand's first language: Spanish) carries summary, origin, magnitude, evidence with links
    body = rows["support"].body
    for part in ("## Resumen", "## Origen", "cliente no escuchado", "## Magnitud", "1.234", "1,2 M", "80 %", "## Evidencia",
                 f"https://x.com/maria_g/status/{TWEETS[0][0]}", "Vence:** 2025-03-04 14:00 UTC", "alta"):
        assert part in body, part
    # tweet text is data: no template evaluation, no markup, no links, no @-mentions on GitHub
    assert "{{ 7\\*7 }}" in body and "\\[gratis\\](http://evil.example)" in body
    assert "@acme llevo" not in body and "@\u200bacme llevo" in body
    assert rows["support"].title.startswith("[CRISIS · alta] Acme Telecom: caída del servicio · 1.234 menciones")

    # Jira received ADF with the X link as a link mark; GitHub the Markdown with a hidden key marker
    desc = json.dumps(jira.creates[0]["fields"]["description"])
    assert f'"href": "https://x.com/maria_g/status/{TWEETS[0][0]}"' in desc
    assert "evil.example" in desc and '"href": "http://evil.example"' not in desc
    assert jira.creates[0]["fields"]["issuetype"] == {"name": "Task"}
    gh = github.creates[0]
    assert f"<!-- crisiswatch:idempotency-key=case-{case_id}-engineering -->" in gh["body"]
    assert {lb["name"] for lb in gh["labels"]} >= {"crisiswatch", f"cw:case-{case_id}-engineering"}
    # Slack got mrkdwn links and escaped text
    slack_text = json.dumps(slack.creates[0]["blocks"])
    assert f"<https://x.com/maria_g/status/{TWEETS[0][0]}|ver en X>" in slack_text and "http://evil.example" in slack_text
    assert "<http://evil" not in slack_text

    opened = events(db_url, "ticket_opened")
    assert sorted(e.data["department"] for e in opened) == ["comms", "engineering", "ops", "support"]


def test_english_body_when_asked(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url, origin={}, magnitude={})
    outcomes = open_case_tickets(db_url, case_id, brand_config(languages=["en", "es"]), make_settings(db_url, jira, github, slack), now=NOW)
    assert all(o.status == "opened" for o in outcomes)
    body = tickets(db_url)["support"].body
    assert "## Summary" in body and "## Evidence" in body and "Not determined yet." in body and "view on X" in body
    assert "## Resumen" not in body


def test_rerun_opens_no_ticket_twice(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    settings = make_settings(db_url, jira, github, slack)
    first = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
    second = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
    assert [o.status for o in second] == ["already_open"] * 4
    assert [(o.external_key, o.url) for o in second] == [(o.external_key, o.url) for o in first]
    assert set(creates_per_key(jira, github, slack).values()) == {1} and len(jira.creates) == len(github.creates) == len(slack.creates) == 1
    assert len(tickets(db_url)) == 4 and len(events(db_url, "ticket_opened")) == 4


class SimulatedCrash(BaseException):
    """The process dies: nothing after it runs."""


def test_crash_between_call_and_record_then_rerun(db_url: str, jira, github, slack, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    settings = make_settings(db_url, jira, github, slack)
    crashed: set[int] = set()
    real = opening._record_opened

    def crash_once(db: str, ticket_id: int, created, now):  # type: ignore[no-untyped-def]
        if ticket_id not in crashed:
            crashed.add(ticket_id)
            raise SimulatedCrash(f"crash after creating ticket {ticket_id}")
        return real(db, ticket_id, created, now)

    monkeypatch.setattr(opening, "_record_opened", crash_once)
    crashes = 0
    while True:
        try:
            outcomes = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
            break
        except SimulatedCrash:
            crashes += 1
            assert crashes <= 4
    assert crashes == 4  # every department crashed once between its call and its record
    assert {o.department: o.status for o in outcomes} == {"support": "already_open", "comms": "already_open", "ops": "already_open", "engineering": "reconciled"}
    statuses = {d: t.status for d, t in tickets(db_url).items()}
    assert statuses == {"support": "open", "comms": "open", "ops": "open", "engineering": "open"}
    counts = creates_per_key(jira, github, slack)
    # Jira and GitHub were found by their idempotency label: still one ticket each
    assert counts[f"case-{case_id}-ops"] == 1 and counts[f"case-{case_id}-engineering"] == 1
    assert len(jira.creates) == len(github.creates) == 1
    # Slack cannot be queried: at-least-once, the repeat says so
    assert counts[f"case-{case_id}-comms"] == 2
    assert "may repeat an earlier notification" in slack.creates[1]["text"]
    reconciled = [e for e in events(db_url, "ticket_opened") if e.data["reconciled"]]
    assert sorted(e.data["department"] for e in reconciled) == ["engineering", "ops"]


def test_connection_dropped_after_create_is_reconciled(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    jira.drop_after_create = 1
    github.drop_after_create = 1
    outcomes = open_case_tickets(db_url, case_id, brand_config(), make_settings(db_url, jira, github, slack), now=NOW)
    by = {o.department: o for o in outcomes}
    assert by["ops"].status == "reconciled" and by["ops"].external_key == "OPS-1"
    assert by["engineering"].status == "reconciled" and by["engineering"].external_key == "acme/crisis#1"
    assert len(jira.creates) == len(github.creates) == 1
    assert jira.violations == github.violations == []


def test_5xx_then_success_is_retried(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    jira.fail_next = [503]
    github.fail_next = [502, 500]
    slack.fail_next = [500]
    outcomes = open_case_tickets(db_url, case_id, brand_config(), make_settings(db_url, jira, github, slack), now=NOW)
    assert [o.status for o in outcomes] == ["opened"] * 4
    assert len(jira.creates) == len(github.creates) == 1 and len(slack.creates) == 1
    # before each retry of a create the queryable backends were searched
    assert [r["method"] for r in jira.requests] == ["POST", "GET", "POST"]
    assert [r["method"] for r in github.requests] == ["POST", "GET", "POST", "GET", "POST"]


def test_persistent_outage_is_failed_transient_then_rerun_opens(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    github.fail_next = [503] * 3
    settings = make_settings(db_url, jira, github, slack)
    outcomes = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
    eng = next(o for o in outcomes if o.department == "engineering")
    assert eng.status == "failed" and eng.transient and "GitHub failed (503)" in eng.error
    assert [o.status for o in outcomes if o.department != "engineering"] == ["opened"] * 3
    failed = events(db_url, "ticket_failed")
    assert len(failed) == 1 and failed[0].data["transient"] is True
    assert tickets(db_url)["engineering"].status == "failed"

    again = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
    assert {o.department: o.status for o in again}["engineering"] == "opened"
    assert len(github.creates) == 1 and len(jira.creates) == 1 and len(slack.creates) == 1


def test_refused_credentials_name_the_setting_and_do_not_block_others(db_url: str, jira, github, slack, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    case_id = seed_case(db_url)
    bad = make_settings(db_url, jira, github, slack, jira_api_token="wrong-token-000")
    outcomes = open_case_tickets(db_url, case_id, brand_config(), bad, now=NOW)
    by = {o.department: o for o in outcomes}
    assert by["ops"].status == "failed" and not by["ops"].transient
    assert "Jira refused the credentials (401): check CRISISWATCH_JIRA_EMAIL and CRISISWATCH_JIRA_API_TOKEN" in by["ops"].error
    assert [by[d].status for d in ("support", "comms", "engineering")] == ["opened"] * 3
    assert len([r for r in jira.requests if r["method"] == "POST"]) == 1  # auth errors are not retried
    ev = events(db_url, "ticket_failed")
    assert len(ev) == 1 and "CRISISWATCH_JIRA_API_TOKEN" in ev[0].message

    # fixed credentials: the failed ticket is opened on the next run, the others are not touched
    again = open_case_tickets(db_url, case_id, brand_config(), make_settings(db_url, jira, github, slack), now=NOW)
    assert {o.department: o.status for o in again} == {"support": "already_open", "comms": "already_open", "ops": "opened", "engineering": "already_open"}
    assert len(jira.creates) == 1

    # no secret anywhere: logs, ticket bodies, errors, events
    with session_scope(db_url) as s:
        stored = json.dumps([[t.title, t.body, t.error, t.url] for t in s.scalars(select(Ticket))])
        stored += json.dumps([[e.message, e.data] for e in s.scalars(select(CaseEvent))])
    for secret in (*SECRETS, "wrong-token-000"):
        assert secret not in stored and secret not in caplog.text


def test_missing_settings_fail_that_department_only(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url)
    settings = make_settings(db_url, jira, github, slack, jira_base_url=None, jira_api_token=None, slack_webhook_url=None)
    outcomes = open_case_tickets(db_url, case_id, brand_config(), settings, now=NOW)
    by = {o.department: o for o in outcomes}
    assert by["ops"].status == "failed" and "CRISISWATCH_JIRA_BASE_URL, CRISISWATCH_JIRA_API_TOKEN" in by["ops"].error
    assert by["comms"].status == "failed" and "CRISISWATCH_SLACK_WEBHOOK_URL" in by["comms"].error
    assert by["support"].status == by["engineering"].status == "opened"


def test_legal_rule_matches_on_origin_type(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url, category="billing_payments", origin={"type": "ethics_legal"})
    outcomes = open_case_tickets(db_url, case_id, brand_config(), make_settings(db_url, jira, github, slack), now=NOW)
    # the window's mentions include service_disruption ones, so ops and engineering are routed too
    assert [o.department for o in outcomes] == ["support", "comms", "ops", "engineering", "legal"]
    assert tickets(db_url)["legal"].external_key == "LEGAL-1"


def test_explicit_evidence_is_used(db_url: str, jira, github, slack) -> None:  # type: ignore[no-untyped-def]
    case_id = seed_case(db_url, category="other")
    evidence = [{"x_id": 42, "author": "someone", "text": "muy mal", "category": "ethics_legal"}]
    brand = brand_config(routing=[{"categories": ["ethics_legal"], "departments": ["support"]}])
    outcomes = open_case_tickets(db_url, case_id, brand, make_settings(db_url, jira, github, slack), evidence=evidence, now=NOW)
    assert [o.department for o in outcomes] == ["support"]
    body = tickets(db_url)["support"].body
    assert "https://x.com/someone/status/42" in body and "maria\\_g" not in body.split("## Evidencia")[1]
