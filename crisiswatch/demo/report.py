"""What the demo shows at the end: the case as the database recorded it."""

from __future__ import annotations

from sqlalchemy import func, select

from crisiswatch.db.models import AdAction, Case, PostMortem, ReplyDraft, Ticket
from crisiswatch.db.session import session_scope


def demo_summary(db_url: str, case_id: int) -> list[tuple[str, str]]:
    """Label/value rows: detection, ads, tickets, drafts, post-mortem."""
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        if case is None:
            return [("case", f"{case_id} not found")]
        paused = s.scalars(select(AdAction).where(AdAction.case_id == case_id, AdAction.action == "pause")).all()
        tickets = s.scalars(select(Ticket).where(Ticket.case_id == case_id).order_by(Ticket.id)).all()
        drafts = dict(
            s.execute(select(ReplyDraft.status, func.count()).where(ReplyDraft.case_id == case_id).group_by(ReplyDraft.status)).all()
        )
        postmortem = s.scalar(select(PostMortem.path).where(PostMortem.case_id == case_id))
        pz = (case.origin or {}).get("patient_zero") or {}
        applied = [a for a in paused if a.state == "applied"]
        rows = [
            ("first signal", f"{case.first_signal_at:%Y-%m-%d %H:%M} UTC" if case.first_signal_at else "-"),
            ("detected at", f"{case.declared_at:%Y-%m-%d %H:%M} UTC (risk {case.risk:.0f}/100, {case.category})"),
            ("origin", f"{case.origin.get('type', '-')}: @{pz.get('author', '?')} {pz.get('url', '')}".strip()),
            ("magnitude", f"{case.magnitude.get('mentions', 0):,} mentions, {case.magnitude.get('unique_authors', 0):,} people"),
            ("ads paused", f"{len(applied)} campaigns" + (f" ({len(paused) - len(applied)} not applied)" if len(paused) > len(applied) else "")),
            ("tickets", ", ".join(f"{t.department} ({t.status})" for t in tickets) or "-"),
            ("reply drafts", ", ".join(f"{n} {status}" for status, n in sorted(drafts.items())) or "-"),
            ("post-mortem", postmortem or "not written yet"),
        ]
    return rows
