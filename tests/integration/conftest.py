"""Local HTTP servers that stand in for the ticket backends, one per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.ticket_servers import GitHubServer, JiraServer, SlackServer, running


@pytest.fixture
def jira() -> Iterator[JiraServer]:
    with running(JiraServer()) as s:
        yield s  # type: ignore[misc]


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    with running(GitHubServer()) as s:
        yield s  # type: ignore[misc]


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with running(SlackServer()) as s:
        yield s  # type: ignore[misc]
