"""Slack incoming webhook: a notification message with blocks.

A webhook cannot be queried, so a message whose delivery was never recorded cannot be looked
up. crisiswatch chooses AT-LEAST-ONCE for Slack: a notification that may have been lost is sent
again, marked as a possible repeat, because during a crisis a department that never hears is
worse than one that hears twice. The ticket itself is the crisiswatch row (close it with
`crisiswatch tickets close`); the Slack message is how the department learns of it.
"""

from __future__ import annotations

from typing import Any

import httpx

from crisiswatch.connectors.tickets.http import raise_for_status, redact_in_logs, request
from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest
from crisiswatch.errors import ConfigError
from crisiswatch.settings import Settings

SERVICE = "Slack"
SECTION_LIMIT = 3000


def _plain(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sections(mrkdwn: str) -> list[dict[str, Any]]:
    """Section blocks of at most 3000 characters each, split on blank lines."""
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for part in mrkdwn.strip().split("\n\n"):
        part = _plain(part, SECTION_LIMIT)
        if chunk and len(chunk) + 2 + len(part) > SECTION_LIMIT:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
            chunk = part
        else:
            chunk = f"{chunk}\n\n{part}" if chunk else part
    if chunk:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return blocks[:45]


def message(req: TicketRequest) -> dict[str, Any]:
    """The webhook payload: a header, the body as sections, a context line with the key."""
    note = " (may repeat an earlier notification)" if req.repeat else ""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _plain(req.title, 150), "emoji": True}},
        *_sections(req.body),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"crisiswatch ticket CW-{req.ticket_id} · {req.idempotency_key}{note}"}]},
    ]
    return {"text": _plain(f"{req.title}{note}", 3000), "blocks": blocks}


class SlackSink:
    """POST the message to CRISISWATCH_SLACK_WEBHOOK_URL (the URL is the secret)."""

    name = "slack"
    queryable = False

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        if not settings.slack_webhook_url:
            raise ConfigError("the Slack ticket backend needs CRISISWATCH_SLACK_WEBHOOK_URL", setting="CRISISWATCH_SLACK_WEBHOOK_URL")
        self._url = settings.slack_webhook_url.get_secret_value()
        redact_in_logs(self._url)
        self._client = client or httpx.Client(timeout=httpx.Timeout(settings.tickets_timeout_seconds))

    def find(self, req: TicketRequest) -> CreatedTicket | None:
        return None

    def create(self, req: TicketRequest) -> CreatedTicket:
        resp = request(self._client, SERVICE, "POST", self._url, json=message(req), secrets=[self._url])
        raise_for_status(
            resp,
            SERVICE,
            auth_hint="CRISISWATCH_SLACK_WEBHOOK_URL (the webhook was revoked or is invalid)",
            auth_setting="CRISISWATCH_SLACK_WEBHOOK_URL",
            not_found_hint="the webhook or its channel no longer exists; create a new one and set CRISISWATCH_SLACK_WEBHOOK_URL",
            not_found_setting="CRISISWATCH_SLACK_WEBHOOK_URL",
            secrets=[self._url],
        )
        return CreatedTicket(external_key=f"CW-{req.ticket_id}", url="")
