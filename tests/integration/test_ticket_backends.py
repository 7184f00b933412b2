"""Each HTTP ticket backend against its local server: errors mapped, secrets kept out of messages."""

from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest

from crisiswatch.connectors.tickets import build_sink
from crisiswatch.connectors.tickets.github import GitHubSink
from crisiswatch.connectors.tickets.jira import JiraSink
from crisiswatch.connectors.tickets.port import TicketRequest, deliver
from crisiswatch.connectors.tickets.slack import SlackSink
from crisiswatch.errors import AuthenticationError, ConfigError, RateLimited, TransientError
from crisiswatch.settings import Settings
from tests.integration.ticket_servers import (
    GITHUB_TOKEN,
    JIRA_EMAIL,
    JIRA_TOKEN,
    SLACK_PATH,
    GitHubServer,
    JiraServer,
    SlackServer,
)


def req(**kw: object) -> TicketRequest:
    values: dict[str, object] = dict(
        idempotency_key="case-7-ops", case_id=7, ticket_id=3, department="ops", title="[CRISIS · high] Acme: outage",
        body="## Summary\n\nSomething **bad** [post](https://x.com/a/status/1)\n", severity="high",
        sla_due_at=datetime(2025, 1, 1, tzinfo=timezone.utc), jira_project="OPS", github_repo="acme/crisis",
    )
    values.update(kw)
    return TicketRequest(**values)  # type: ignore[arg-type]


def settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **{"tickets_timeout_seconds": 2, **kw})  # type: ignore[arg-type]


def jira_sink(server: JiraServer, token: str = JIRA_TOKEN) -> JiraSink:
    return JiraSink(settings(jira_base_url=server.url, jira_email=JIRA_EMAIL, jira_api_token=token))


def test_jira_create_and_find(jira: JiraServer) -> None:
    sink = jira_sink(jira)
    assert sink.find(req()) is None
    created = sink.create(req())
    assert (created.external_key, created.url) == ("OPS-1", f"{jira.url}/browse/OPS-1")
    assert sink.find(req()) is not None and sink.find(req()).external_key == "OPS-1"  # type: ignore[union-attr]
    assert sink.find(req(idempotency_key="case-7-other")) is None
    assert jira.violations == []
    post = next(r for r in jira.requests if r["method"] == "POST")
    assert post["path"] == "/rest/api/3/issue" and post["body"]["fields"]["description"]["type"] == "doc"


def test_jira_401_names_the_settings_and_hides_the_token(jira: JiraServer) -> None:
    with pytest.raises(AuthenticationError) as exc:
        jira_sink(jira, token="not-the-token").create(req())
    assert "Jira refused the credentials (401): check CRISISWATCH_JIRA_EMAIL and CRISISWATCH_JIRA_API_TOKEN" in str(exc.value)
    assert "not-the-token" not in str(exc.value)


def test_jira_unknown_project_is_a_config_error(jira: JiraServer) -> None:
    with pytest.raises(ConfigError, match="valid project is required"):
        jira_sink(jira).create(req(jira_project="NOPE"))


def test_jira_429_is_rate_limited_with_retry_after(jira: JiraServer) -> None:
    jira.fail_next = [429]
    jira.fail_headers = {"Retry-After": "120"}
    with pytest.raises(RateLimited) as exc:
        jira_sink(jira).create(req())
    assert 115 <= (exc.value.retry_after or 0) <= 120
    # a wait that long is left to the Prefect retry: deliver does not sleep it
    jira.fail_next = [429]
    slept: list[float] = []
    with pytest.raises(RateLimited):
        deliver(jira_sink(jira), req(), reconcile=False, attempts=3, sleep=slept.append)
    assert slept == []


def test_jira_timeout_and_refused_connection_are_transient(jira: JiraServer) -> None:
    jira.delay = 0.5
    sink = JiraSink(settings(jira_base_url=jira.url, jira_email=JIRA_EMAIL, jira_api_token=JIRA_TOKEN, tickets_timeout_seconds=0.2))
    with pytest.raises(TransientError, match="Jira did not answer in time"):
        sink.find(req())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = JiraSink(settings(jira_base_url=f"http://127.0.0.1:{port}", jira_email=JIRA_EMAIL, jira_api_token=JIRA_TOKEN))
    with pytest.raises(TransientError, match="Jira connection failed: ConnectError"):
        closed.create(req())


def test_github_create_find_and_errors(github: GitHubServer) -> None:
    sink = GitHubSink(settings(github_api_url=github.url, github_token=GITHUB_TOKEN))
    created = sink.create(req())
    assert created.external_key == "acme/crisis#1" and created.url == "https://github.com/acme/crisis/issues/1"
    assert sink.find(req()).external_key == "acme/crisis#1"  # type: ignore[union-attr]
    assert github.violations == []
    with pytest.raises(ConfigError, match="repository acme/missing not found"):
        sink.create(req(github_repo="acme/missing"))
    bad = GitHubSink(settings(github_api_url=github.url, github_token="ghp_wrong"))
    with pytest.raises(AuthenticationError, match="GitHub refused the credentials \\(401\\): check CRISISWATCH_GITHUB_TOKEN") as exc:
        bad.create(req())
    assert "ghp_wrong" not in str(exc.value)
    github.fail_next = [403]
    github.fail_headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}
    with pytest.raises(RateLimited):
        sink.create(req())


def test_slack_blocks_and_errors(slack: SlackServer) -> None:
    sink = SlackSink(settings(slack_webhook_url=slack.webhook_url))
    long_body = "\n\n".join(f"• item {i} " + "x" * 200 for i in range(40))  # > 3000 characters
    sink.create(req(body=long_body))
    assert slack.violations == [] and len(slack.creates) == 1
    sections = [b for b in slack.creates[0]["blocks"] if b["type"] == "section"]
    assert len(sections) >= 3 and all(len(b["text"]["text"]) <= 3000 for b in sections)
    slack.revoked = True
    with pytest.raises(AuthenticationError, match="CRISISWATCH_SLACK_WEBHOOK_URL") as exc:
        sink.create(req())
    assert "slacksecret789" not in str(exc.value)
    wrong = SlackSink(settings(slack_webhook_url=slack.url + "/services/T000/B000/gone"))
    with pytest.raises(ConfigError, match="CRISISWATCH_SLACK_WEBHOOK_URL"):
        wrong.create(req())


def test_missing_settings_are_named() -> None:
    with pytest.raises(ConfigError) as exc:
        build_sink("jira", settings())
    assert "CRISISWATCH_JIRA_BASE_URL, CRISISWATCH_JIRA_EMAIL, CRISISWATCH_JIRA_API_TOKEN" in str(exc.value)
    with pytest.raises(ConfigError, match="CRISISWATCH_GITHUB_TOKEN"):
        build_sink("github", settings())
    with pytest.raises(ConfigError, match="CRISISWATCH_SLACK_WEBHOOK_URL"):
        build_sink("slack", settings())
    assert build_sink("database", settings()).name == "database"
    assert SLACK_PATH.startswith("/services/")
