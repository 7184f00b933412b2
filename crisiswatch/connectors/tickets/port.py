"""The TicketSink port: where a department's ticket goes, and how delivery stays idempotent.

Every backend gets a `TicketRequest` that carries an idempotency key. A backend that can be
queried (`queryable = True`: database, Jira, GitHub) implements `find` so that a ticket created
by an earlier attempt whose result was never recorded (a crash, a cut connection, a timeout) is
found instead of created again. Slack incoming webhooks cannot be queried: delivery there is
at-least-once (see `crisiswatch.connectors.tickets.slack`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from crisiswatch.errors import TransientError


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """One ticket to open for one department of one case."""

    idempotency_key: str
    case_id: int
    ticket_id: int  # our Ticket row
    department: str
    title: str
    body: str  # in the backend's own text format (Markdown, or Slack mrkdwn for Slack)
    severity: str
    sla_due_at: datetime
    jira_project: str | None = None
    jira_issue_type: str = "Task"
    github_repo: str | None = None
    labels: tuple[str, ...] = ()
    repeat: bool = False  # an earlier attempt may have been delivered (non-queryable backends)


@dataclass(frozen=True, slots=True)
class CreatedTicket:
    """Where the ticket now lives: the backend's key (OPS-12, owner/repo#5) and a web link."""

    external_key: str
    url: str = ""
    reconciled: bool = False  # found from an earlier attempt rather than created now
    extra: dict[str, str] = field(default_factory=dict)


class TicketSink(Protocol):
    """A ticket backend: the database queue, Jira, GitHub Issues or a Slack webhook."""

    name: str
    queryable: bool

    def find(self, request: TicketRequest) -> CreatedTicket | None:
        """The ticket an earlier attempt created for request.idempotency_key, if any."""
        ...

    def create(self, request: TicketRequest) -> CreatedTicket:
        """Create the ticket (one attempt); raise TransientError for what is worth retrying."""
        ...


def deliver(
    sink: TicketSink,
    request: TicketRequest,
    *,
    reconcile: bool,
    attempts: int = 3,
    backoff_seconds: float = 1.0,
    max_wait_seconds: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> CreatedTicket:
    """Create the ticket with a bounded retry; look it up first whenever an attempt may have landed.

    `reconcile` says an earlier run left this ticket unrecorded. After a transient failure the
    create may still have happened on the far side, so a queryable sink is searched before each
    retry. A wait longer than `max_wait_seconds` (a long rate limit) is left to the caller.
    """
    last: TransientError | None = None
    for attempt in range(max(1, attempts)):
        if sink.queryable and (reconcile or attempt > 0):
            try:
                found = sink.find(request)
            except TransientError as exc:
                last = exc
                found = None
                if not _wait(exc, attempt, attempts, backoff_seconds, max_wait_seconds, sleep):
                    raise
                continue
            if found is not None:
                return CreatedTicket(found.external_key, found.url, reconciled=True, extra=found.extra)
        try:
            if not sink.queryable and attempt > 0:
                request = replace(request, repeat=True)
            return sink.create(request)
        except TransientError as exc:
            last = exc
            if not _wait(exc, attempt, attempts, backoff_seconds, max_wait_seconds, sleep):
                raise
    assert last is not None
    raise last


def _wait(
    exc: TransientError, attempt: int, attempts: int, backoff: float, cap: float, sleep: Callable[[float], None]
) -> bool:
    if attempt + 1 >= attempts:
        return False
    delay = exc.retry_after if exc.retry_after is not None else backoff * (2**attempt)
    if delay > cap:
        return False
    sleep(max(0.0, delay))
    return True
