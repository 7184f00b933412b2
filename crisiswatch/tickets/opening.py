"""Step 3 of the playbook: one ticket per routed department, opened exactly once.

For each department the Ticket row (status `pending`) is committed BEFORE the backend is
called, and the external key, link and status `open` are recorded after. Re-running skips open
and closed tickets; a `pending` or `failed` one is reconciled first where the backend can be
queried (Jira: JQL on an idempotency label; GitHub: issues listed by an idempotency label and
checked for a hidden marker), so a crash between the call and the record never opens a second
ticket. Slack is at-least-once (see connectors/tickets/slack.py). A failing backend is recorded
(`failed`, the error, a `ticket_failed` CaseEvent) and the other departments go on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crisiswatch import clock
from crisiswatch.config import BrandConfig, Department
from crisiswatch.connectors.tickets import build_sink
from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest, TicketSink, deliver
from crisiswatch.db.models import Brand, Case, CaseEvent, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.errors import CrisiswatchError, RejectedInput, is_transient
from crisiswatch.rendering import render
from crisiswatch.settings import Settings
from crisiswatch.tickets import routing
from crisiswatch.tickets.content import evidence_from_db, severity_for, ticket_context

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TicketOutcome:
    """What happened to one department's ticket in this run."""

    department: str
    backend: str
    status: str  # opened | reconciled | already_open | closed | failed
    ticket_id: int | None
    idempotency_key: str
    external_key: str = ""
    url: str = ""
    sla_due_at: datetime | None = None
    error: str = ""
    transient: bool = False  # the failure is worth retrying (the Prefect task retries these)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sla_due_at"] = self.sla_due_at.isoformat() if self.sla_due_at else None
        return d


def department_slug(name: str) -> str:
    """Lowercase letters, digits and dashes; a short hash keeps distinct names distinct."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "dept"
    if slug != name:
        slug = f"{slug[:40]}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    return slug[:60]


def idempotency_key(case_id: int, department: str) -> str:
    """One ticket per department per case: f"case-{case_id}-{department_slug(department)}"."""
    return f"case-{case_id}-{department_slug(department)}"


def _record_opened(db_url: str, ticket_id: int, created: CreatedTicket, now: datetime) -> None:
    """Write the backend's key and link, status open, and a ticket_opened CaseEvent."""
    with session_scope(db_url) as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        t.external_key, t.url, t.status, t.error = created.external_key, created.url, "open", ""
        s.add(
            CaseEvent(
                case_id=t.case_id,
                at=now,
                kind="ticket_opened",
                message=f"{t.department}: {t.backend} ticket {created.external_key}" + (" (found from an earlier attempt)" if created.reconciled else ""),
                data={"ticket_id": t.id, "department": t.department, "backend": t.backend, "external_key": created.external_key,
                      "url": created.url, "reconciled": created.reconciled, "sla_due_at": t.sla_due_at.isoformat() if t.sla_due_at else None},
            )
        )


def _record_failed(db_url: str, ticket_id: int, error: str, transient: bool, now: datetime) -> None:
    with session_scope(db_url) as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        t.status, t.error = "failed", error
        s.add(
            CaseEvent(
                case_id=t.case_id, at=now, kind="ticket_failed", message=f"{t.department}: {t.backend} ticket failed: {error}",
                data={"ticket_id": t.id, "department": t.department, "backend": t.backend, "error": error, "transient": transient},
            )
        )


def _claim(db_url: str, row: Ticket) -> tuple[Ticket, bool]:
    """Insert the pending row, or return the existing one; True when it existed before."""
    with session_scope(db_url) as s:
        existing = s.scalar(select(Ticket).where(Ticket.idempotency_key == row.idempotency_key))
        if existing is not None:
            return existing, True
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            existing = s.scalar(select(Ticket).where(Ticket.idempotency_key == row.idempotency_key))
            assert existing is not None
            return existing, True
        return row, False


def open_case_tickets(
    db_url: str,
    case_id: int,
    brand: BrandConfig,
    settings: Settings,
    *,
    evidence: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
    lang: str | None = None,
) -> list[TicketOutcome]:
    """Open (or find) one ticket per department the brand's routing sends this case to."""
    now = now or clock.now()
    lang = lang or brand.languages[0]
    window = brand.thresholds.window_minutes
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise RejectedInput(f"no case {case_id} in the database")
        slug = s.scalar(select(Brand.slug).where(Brand.id == case.brand_id))
        if slug != brand.slug:
            raise RejectedInput(f"case {case_id} belongs to brand {slug!r}, not {brand.slug!r}")
        s.expunge(case)
        extra = [str(e["category"]) for e in evidence or [] if e.get("category")]
        categories = routing.case_categories(s, case, window, now, extra=extra)
        if evidence is None:
            ids = routing.case_mention_ids(s, case)
            start, end = routing.case_window(case, window, now)
            evidence = evidence_from_db(s, case, ids, start, end)
    departments = routing.route(brand, categories, (case.origin or {}).get("type"))
    severity = severity_for(case)
    outcomes = []
    for name in departments:
        outcomes.append(
            _open_one(db_url, case, brand, brand.department(name), settings, categories, evidence, severity, lang, now)
        )
    return outcomes


def _open_one(
    db_url: str,
    case: Case,
    brand: BrandConfig,
    dep: Department,
    settings: Settings,
    categories: list[str],
    evidence: list[dict[str, Any]],
    severity: str,
    lang: str,
    now: datetime,
) -> TicketOutcome:
    key = idempotency_key(case.id, dep.name)
    sla_due = now + timedelta(hours=dep.sla_hours)

    def ctx(fmt: str) -> dict[str, Any]:
        return ticket_context(
            lang=lang, fmt=fmt, brand_name=brand.name, brand_handle=brand.handle, case=case, department=dep.name,  # type: ignore[arg-type]
            sla_hours=dep.sla_hours, sla_due_at=sla_due, severity=severity, categories=categories, evidence=evidence, idempotency_key=key,
        )

    md = ctx("markdown")
    title = render(settings.templates_dir, "tickets/title.txt.j2", **md).strip()
    body = render(settings.templates_dir, "tickets/ticket.md.j2", **md)
    row, existed = _claim(
        db_url,
        Ticket(case_id=case.id, department=dep.name, backend=dep.backend, idempotency_key=key, status="pending",
               severity=severity, title=title[:255], body=body, sla_due_at=sla_due, created_at=now),
    )
    base = dict(department=dep.name, backend=row.backend, ticket_id=row.id, idempotency_key=key, sla_due_at=row.sla_due_at)
    if existed and row.status in ("open", "closed"):
        status = "already_open" if row.status == "open" else "closed"
        return TicketOutcome(status=status, external_key=row.external_key, url=row.url, **base)  # type: ignore[arg-type]
    try:
        sink: TicketSink = build_sink(row.backend, settings)
        # Slack's mrkdwn differs from Markdown: its own template; every other backend takes the stored body
        native = render(settings.templates_dir, "tickets/slack.j2", **ctx("slack")) if row.backend == "slack" else (row.body or body)
        request = TicketRequest(
            idempotency_key=key, case_id=case.id, ticket_id=row.id, department=dep.name, title=row.title or title,
            body=native, severity=row.severity,
            sla_due_at=row.sla_due_at or sla_due, jira_project=dep.jira_project, jira_issue_type=dep.jira_issue_type,
            github_repo=dep.github_repo, labels=(f"severity-{row.severity}",), repeat=existed,
        )
        created = deliver(
            sink, request, reconcile=existed, attempts=settings.tickets_max_attempts,
            backoff_seconds=settings.tickets_retry_backoff_seconds,
        )
    except Exception as exc:  # noqa: BLE001 - one backend failing must not block the other departments
        message = str(exc) if isinstance(exc, CrisiswatchError) else f"unexpected {type(exc).__name__}: {exc}"
        transient = is_transient(exc)
        log.warning("ticket for %s (case %s) failed: %s", dep.name, case.id, message)
        _record_failed(db_url, row.id, message, transient, now)
        return TicketOutcome(status="failed", error=message, transient=transient, **base)  # type: ignore[arg-type]
    _record_opened(db_url, row.id, created, now)
    status = "reconciled" if created.reconciled else "opened"
    return TicketOutcome(status=status, external_key=created.external_key, url=created.url, **base)  # type: ignore[arg-type]
