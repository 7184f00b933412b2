"""The ticket queue in the store: list, show and close tickets (any backend)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from crisiswatch import clock
from crisiswatch.db.models import CaseEvent, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput

STATUSES = ("pending", "open", "failed", "closed")


def list_tickets(db_url: str, *, case_id: int | None = None, status: str | None = None) -> list[Ticket]:
    """Tickets, newest case first, optionally of one case and one status."""
    if status is not None and status not in STATUSES:
        raise RejectedInput(f"unknown ticket status {status!r}; expected one of {', '.join(STATUSES)}")
    with session_scope(db_url) as s:
        q = select(Ticket).order_by(Ticket.case_id.desc(), Ticket.id)
        if case_id is not None:
            q = q.where(Ticket.case_id == case_id)
        if status is not None:
            q = q.where(Ticket.status == status)
        return list(s.scalars(q))


def get_ticket(db_url: str, ticket_id: int) -> Ticket:
    with session_scope(db_url) as s:
        t = s.get(Ticket, ticket_id)
        if t is None:
            raise RejectedInput(f"no ticket {ticket_id}; `crisiswatch tickets list` shows them")
        return t


def close_ticket(db_url: str, ticket_id: int, *, note: str = "", now: datetime | None = None, case_resolved: bool = False) -> Ticket:
    """Mark a ticket closed in the store and add a ticket_closed CaseEvent (the external ticket is closed there)."""
    now = now or clock.now()
    with session_scope(db_url) as s:
        t = s.get(Ticket, ticket_id)
        if t is None:
            raise RejectedInput(f"no ticket {ticket_id}; `crisiswatch tickets list` shows them")
        if t.status == "closed":
            raise RejectedInput(f"ticket {ticket_id} is already closed (at {t.closed_at:%Y-%m-%d %H:%M} UTC)" if t.closed_at else f"ticket {ticket_id} is already closed")
        previous = t.status
        t.status, t.closed_at = "closed", now
        why = note or ("case resolved" if case_resolved else "")
        s.add(
            CaseEvent(
                case_id=t.case_id, at=now, kind="ticket_closed",
                message=f"{t.department}: ticket {t.external_key or t.id} closed" + (f": {why}" if why else ""),
                data={"ticket_id": t.id, "department": t.department, "backend": t.backend, "external_key": t.external_key,
                      "previous_status": previous, "note": note, "case_resolved": case_resolved},
            )
        )
        return t
