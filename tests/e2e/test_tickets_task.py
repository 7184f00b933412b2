"""The open_tickets Prefect task: artifacts published, only TransientError retried."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.states import Failed

from crisiswatch.errors import AuthenticationError, RateLimited, RejectedInput, TransientError
from crisiswatch.settings import get_settings
from tasks.tickets import open_tickets, retry_if_transient
from tests.integration.ticket_servers import GITHUB_TOKEN, JIRA_EMAIL, JIRA_TOKEN, GitHubServer, JiraServer, running
from tests.integration.tickets_seed import brand_config, seed_case


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[JiraServer, GitHubServer]]:
    with running(JiraServer()) as jira, running(GitHubServer()) as github:
        for k, v in {"JIRA_BASE_URL": jira.url, "JIRA_EMAIL": JIRA_EMAIL, "JIRA_API_TOKEN": JIRA_TOKEN, "GITHUB_API_URL": github.url,
                     "GITHUB_TOKEN": GITHUB_TOKEN, "TICKETS_RETRY_BACKOFF_SECONDS": "0.01"}.items():
            monkeypatch.setenv(f"CRISISWATCH_{k}", v)
        get_settings.cache_clear()
        yield jira, github  # type: ignore[misc]
    get_settings.cache_clear()


BRAND = dict(routing=[{"departments": ["support", "ops", "engineering"]}])


def test_retry_condition_only_transient() -> None:
    assert retry_if_transient(None, None, Failed(data=TransientError("503")))
    assert retry_if_transient(None, None, Failed(data=RateLimited("429", reset_at=0)))
    assert not retry_if_transient(None, None, Failed(data=AuthenticationError("401", setting="CRISISWATCH_JIRA_API_TOKEN")))
    assert not retry_if_transient(None, None, Failed(data=RejectedInput("no case")))
    assert not retry_if_transient(None, None, Failed(data=ValueError("bug")))


def test_task_opens_tickets_publishes_artifacts_and_retries_transient(harness: None, servers, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    jira, github = servers
    case_id = seed_case(sqlite_url)
    github.fail_next = [503] * 3  # outlasts the in-adapter attempts: the task fails transiently once, then Prefect retries it
    task = open_tickets.with_options(retry_delay_seconds=0)

    @flow
    def run() -> list[dict]:
        return task(sqlite_url, case_id, brand_config(**BRAND))

    outcomes = run()
    assert [(o["department"], o["status"]) for o in outcomes] == [("support", "already_open"), ("ops", "already_open"), ("engineering", "opened")]
    assert len(jira.creates) == len(github.creates) == 1
    with get_client(sync_client=True) as client:
        keys = [f"case-{case_id}-ticket-ops", f"case-{case_id}-ticket-engineering", f"case-{case_id}-tickets"]
        arts = {a.key: a for a in client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))}
    assert set(arts) == set(keys)
    assert f"{jira.url}/browse/OPS-1" in str(arts[f"case-{case_id}-ticket-ops"].data)
    assert "https://github.com/acme/crisis/issues/1" in str(arts[f"case-{case_id}-ticket-engineering"].data)
    assert arts[f"case-{case_id}-tickets"].type == "table"


def test_permanent_failure_is_not_retried(harness: None, servers, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    task = open_tickets.with_options(retry_delay_seconds=0)

    @flow
    def run() -> tuple[bool, str, str]:
        state = task(sqlite_url, 424242, brand_config(**BRAND), return_state=True)
        return state.is_failed(), str(state.state_details.task_run_id), str(state.message)

    failed, task_run_id, message = run()
    assert failed and "no case 424242" in message
    with get_client(sync_client=True) as client:
        assert client.read_task_run(task_run_id).run_count == 1  # retries=3, but RejectedInput is not transient
