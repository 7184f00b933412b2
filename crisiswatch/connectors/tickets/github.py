"""GitHub Issues REST: issues created with an idempotency label and a hidden marker in the body."""

from __future__ import annotations

import hashlib
import re
import time

import httpx

from crisiswatch.connectors.tickets.http import raise_for_status, redact_in_logs, request
from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest
from crisiswatch.errors import ConfigError, RateLimited
from crisiswatch.settings import Settings

SERVICE = "GitHub"


def idempotency_label(key: str) -> str:
    """The label that marks the issue of one idempotency key (GitHub labels: at most 50 characters)."""
    label = "cw:" + re.sub(r"[^A-Za-z0-9_.-]", "-", key)
    if len(label) > 50:
        label = label[:41] + "-" + hashlib.sha1(key.encode()).hexdigest()[:8]
    return label


def marker(key: str) -> str:
    """A hidden HTML comment carrying the key, checked when an issue is found by label."""
    return f"<!-- crisiswatch:idempotency-key={key} -->"


class GitHubSink:
    """POST /repos/{owner}/{repo}/issues with a bearer token; the token needs write access to issues."""

    name = "github"
    queryable = True

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        if not settings.github_token:
            raise ConfigError("the GitHub ticket backend needs CRISISWATCH_GITHUB_TOKEN", setting="CRISISWATCH_GITHUB_TOKEN")
        self.api_url = settings.github_api_url.rstrip("/")
        self._token = settings.github_token.get_secret_value()
        redact_in_logs(self._token)
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(settings.tickets_timeout_seconds),
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "crisiswatch",
            },
        )

    def _check(self, response: httpx.Response, repo: str | None) -> None:
        # GitHub answers 403 (not 429) when the primary rate limit is spent
        if response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0":
            reset = float(response.headers.get("x-ratelimit-reset") or time.time() + 60)
            raise RateLimited("GitHub rate limit reached (403, x-ratelimit-remaining: 0)", reset_at=reset)
        raise_for_status(
            response,
            SERVICE,
            auth_hint="CRISISWATCH_GITHUB_TOKEN (it needs Issues: write on the repository)",
            auth_setting="CRISISWATCH_GITHUB_TOKEN",
            not_found_hint=f"repository {repo} not found, issues disabled, or CRISISWATCH_GITHUB_TOKEN cannot see it; check the department's github_repo and CRISISWATCH_GITHUB_API_URL",
            not_found_setting="CRISISWATCH_GITHUB_API_URL",
            secrets=[self._token],
        )

    def _repo(self, req: TicketRequest) -> str:
        if not req.github_repo:
            raise ConfigError(f"department {req.department!r} uses the GitHub backend but has no github_repo")
        return req.github_repo

    def find(self, req: TicketRequest) -> CreatedTicket | None:
        """List the repository's issues carrying the idempotency label (not the search index: no lag)."""
        repo = self._repo(req)
        resp = request(
            self._client, SERVICE, "GET", f"{self.api_url}/repos/{repo}/issues",
            params={"labels": idempotency_label(req.idempotency_key), "state": "all", "per_page": 10}, secrets=[self._token],
        )
        self._check(resp, repo)
        for issue in resp.json():
            if marker(req.idempotency_key) in (issue.get("body") or "") and "pull_request" not in issue:
                return CreatedTicket(external_key=f"{repo}#{issue['number']}", url=issue.get("html_url", ""))
        return None

    def create(self, req: TicketRequest) -> CreatedTicket:
        repo = self._repo(req)
        payload = {
            "title": req.title[:256],
            "body": f"{req.body.rstrip()}\n\n{marker(req.idempotency_key)}\n",
            "labels": ["crisiswatch", idempotency_label(req.idempotency_key), *req.labels],
        }
        resp = request(self._client, SERVICE, "POST", f"{self.api_url}/repos/{repo}/issues", json=payload, secrets=[self._token])
        self._check(resp, repo)
        issue = resp.json()
        return CreatedTicket(external_key=f"{repo}#{issue['number']}", url=issue.get("html_url", ""))
