"""Jira Cloud REST v3: issues created with an ADF description, found again by an idempotency label."""

from __future__ import annotations

import re
from typing import Any

import httpx

from crisiswatch.connectors.tickets.adf import markdown_to_adf
from crisiswatch.connectors.tickets.http import raise_for_status, redact_in_logs, request
from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest
from crisiswatch.errors import ConfigError
from crisiswatch.settings import Settings

SERVICE = "Jira"
AUTH_HINT = "CRISISWATCH_JIRA_EMAIL and CRISISWATCH_JIRA_API_TOKEN"


def idempotency_label(key: str) -> str:
    """The Jira label that marks the issue of one idempotency key (no spaces, at most 255)."""
    return "crisiswatch-" + re.sub(r"[^A-Za-z0-9_.-]", "-", key)[:240]


def _jql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class JiraSink:
    """POST /rest/api/3/issue with basic auth (account email + API token)."""

    name = "jira"
    queryable = True

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        missing = [
            name
            for name, value in (
                ("CRISISWATCH_JIRA_BASE_URL", settings.jira_base_url),
                ("CRISISWATCH_JIRA_EMAIL", settings.jira_email),
                ("CRISISWATCH_JIRA_API_TOKEN", settings.jira_api_token),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"the Jira ticket backend needs {', '.join(missing)}", setting=missing[0])
        assert settings.jira_base_url and settings.jira_email and settings.jira_api_token
        self.base_url = settings.jira_base_url.rstrip("/")
        self._token = settings.jira_api_token.get_secret_value()
        redact_in_logs(self._token)
        self._client = client or httpx.Client(
            auth=httpx.BasicAuth(settings.jira_email, self._token),
            timeout=httpx.Timeout(settings.tickets_timeout_seconds),
            headers={"Accept": "application/json", "User-Agent": "crisiswatch"},
        )

    def _check(self, response: httpx.Response, project: str | None) -> None:
        raise_for_status(
            response,
            SERVICE,
            auth_hint=AUTH_HINT,
            auth_setting="CRISISWATCH_JIRA_API_TOKEN",
            not_found_hint=f"check CRISISWATCH_JIRA_BASE_URL and the department's jira_project ({project})",
            not_found_setting="CRISISWATCH_JIRA_BASE_URL",
            secrets=[self._token],
        )

    def _issue(self, key: str) -> CreatedTicket:
        return CreatedTicket(external_key=key, url=f"{self.base_url}/browse/{key}")

    def find(self, req: TicketRequest) -> CreatedTicket | None:
        """Search by the idempotency label (GET /rest/api/3/search/jql)."""
        jql = f"project = {_jql_string(req.jira_project or '')} AND labels = {_jql_string(idempotency_label(req.idempotency_key))}"
        resp = request(
            self._client, SERVICE, "GET", f"{self.base_url}/rest/api/3/search/jql",
            params={"jql": jql, "fields": "summary,labels", "maxResults": 1}, secrets=[self._token],
        )
        self._check(resp, req.jira_project)
        issues = resp.json().get("issues") or []
        return self._issue(issues[0]["key"]) if issues else None

    def create(self, req: TicketRequest) -> CreatedTicket:
        if not req.jira_project:
            raise ConfigError(f"department {req.department!r} uses the Jira backend but has no jira_project")
        fields: dict[str, Any] = {
            "project": {"key": req.jira_project},
            "issuetype": {"name": req.jira_issue_type},
            "summary": req.title[:255],
            "description": markdown_to_adf(req.body),
            "labels": ["crisiswatch", idempotency_label(req.idempotency_key), *req.labels],
        }
        resp = request(
            self._client, SERVICE, "POST", f"{self.base_url}/rest/api/3/issue", json={"fields": fields}, secrets=[self._token]
        )
        self._check(resp, req.jira_project)
        return self._issue(resp.json()["key"])
