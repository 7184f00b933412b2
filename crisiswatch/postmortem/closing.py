"""Closing a case: resolved with its resolution and lessons, its tickets closed or annotated. Idempotent."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from crisiswatch import clock
from crisiswatch.db.models import Brand, Case, CaseEvent, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.tickets.queue import close_ticket

CLOSED_HERE = ("database", "slack")  # tickets that live in crisiswatch (a Slack message has nothing to close)
CLOSE_ELSEWHERE = "ticket_close_elsewhere"


@dataclass(slots=True)
class CaseState:
    case_id: int
    brand_slug: str
    status: str
    resolution: str
    lessons: str


@dataclass(slots=True)
class CloseOutcome:
    case_id: int
    resolved_at: datetime
    already_resolved: bool
    notes_updated: bool

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "resolved_at": self.resolved_at.isoformat()}


@dataclass(slots=True)
class TicketsOutcome:
    closed: list[int] = field(default_factory=list)
    already_closed: list[int] = field(default_factory=list)
    close_elsewhere: dict[int, str] = field(default_factory=dict)  # ticket id -> where to close it
    left: dict[int, str] = field(default_factory=dict)  # ticket id -> why it was left as it is

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def case_state(db_url: str, case_id: int) -> CaseState:
    """The case's brand, status and notes."""
    with session_scope(db_url) as s:
        row = s.execute(select(Case, Brand.slug).join(Brand, Brand.id == Case.brand_id).where(Case.id == case_id)).first()
        if row is None:
            raise RejectedInput(f"no case {case_id} in the database; `crisiswatch casebook list` shows the cases")
        case, slug = row
        return CaseState(case.id, slug, case.status, case.resolution or "", case.lessons or "")


def close_case(db_url: str, case_id: int, *, resolution: str, lessons: str, now: datetime | None = None) -> CloseOutcome:
    """Mark the case resolved (once) with a 'resolved' event; on a resolved case only changed notes are stored."""
    now = now or clock.now()
    resolution, lessons = resolution.strip(), lessons.strip()
    with session_scope(db_url) as s:
        case = s.scalar(select(Case).where(Case.id == case_id).with_for_update())
        if case is None:
            raise RejectedInput(f"no case {case_id} in the database; `crisiswatch casebook list` shows the cases")
        if case.status == "resolved":
            changed = (resolution and resolution != case.resolution) or (lessons and lessons != case.lessons)
            if changed:
                case.resolution, case.lessons = resolution or case.resolution, lessons or case.lessons
                s.add(CaseEvent(case_id=case_id, at=now, kind="notes_updated", message="resolution and lessons updated",
                                data={"resolution": case.resolution, "lessons": case.lessons}))
            return CloseOutcome(case_id, case.resolved_at or now, True, bool(changed))
        case.status, case.resolved_at = "resolved", now
        case.resolution, case.lessons = resolution, lessons
        first = resolution.splitlines()[0] if resolution else ""
        s.add(CaseEvent(case_id=case_id, at=now, kind="resolved", message=first[:500],
                        data={"resolution": resolution, "lessons": lessons}))
        return CloseOutcome(case_id, now, False, False)


def settle_tickets(db_url: str, case_id: int, *, note: str = "", now: datetime | None = None) -> TicketsOutcome:
    """Close the case's crisiswatch tickets; for Jira and GitHub, record (once) where each must be closed."""
    now = now or clock.now()
    out = TicketsOutcome()
    with session_scope(db_url) as s:
        tickets = list(s.scalars(select(Ticket).where(Ticket.case_id == case_id).order_by(Ticket.id)))
        noted = {e.data.get("ticket_id") for e in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == CLOSE_ELSEWHERE))}
    for t in tickets:
        if t.status == "closed":
            out.already_closed.append(t.id)
        elif t.backend in CLOSED_HERE:
            close_ticket(db_url, t.id, note=note, now=now, case_resolved=True)
            out.closed.append(t.id)
        elif t.status == "open":
            where = t.url or f"{t.backend} {t.external_key}"
            out.close_elsewhere[t.id] = where
            if t.id not in noted:
                with session_scope(db_url) as s:
                    s.add(CaseEvent(case_id=case_id, at=now, kind=CLOSE_ELSEWHERE,
                                    message=f"{t.department}: close {t.backend} ticket {t.external_key} there: {where}, "
                                            f"then `crisiswatch tickets close {t.id}`",
                                    data={"ticket_id": t.id, "department": t.department, "backend": t.backend,
                                          "external_key": t.external_key, "url": t.url}))
        else:
            out.left[t.id] = f"{t.backend} ticket {t.status}: never opened there, nothing to close"
    return out
