"""What a post-mortem says, read from the store: the case, its timeline, windows, actions, follow-ups.

Everything people wrote (posts, names, event messages, notes) is escaped here with
crisiswatch.postmortem.escape (the facts of events and reasons through crisiswatch.postmortem.phrases)
before it reaches the template, which prints values as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from crisiswatch.config import BrandConfig
from crisiswatch.db.models import AdAction, Author, Brand, Case, CaseEvent, Complainant, ReplyDraft, Ticket, Window
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.postmortem.casebook import SimilarCase
from crisiswatch.postmortem.chart import ChartMark, ChartPoint
from crisiswatch.postmortem.escape import inline, key, lines, link
from crisiswatch.postmortem.formats import duration, percent, when
from crisiswatch.postmortem.phrases import event_phrase, origin_phrases
from crisiswatch.tickets.content import format_number

LEAD = timedelta(hours=6)  # the chart starts this long before the first signal
MAX_REPLY_ROWS = 100
OPEN_TICKETS = ("pending", "open", "failed")
OPEN_DRAFTS = ("pending", "flagged", "approved")


@dataclass(slots=True)
class CaseData:
    """The rows of one case, detached from their session."""

    case: Case
    brand: Brand
    events: list[CaseEvent]
    windows: list[Window]
    ads: list[AdAction]
    tickets: list[Ticket]
    drafts: list[tuple[ReplyDraft, str]]  # with the complainant's username
    now: datetime
    chart_start: datetime = field(init=False)
    chart_end: datetime = field(init=False)

    def __post_init__(self) -> None:
        c = self.case
        self.chart_start = (c.first_signal_at or c.declared_at) - LEAD
        self.chart_end = c.resolved_at or self.now


def load_case(db_url: str, case_id: int, now: datetime) -> CaseData:
    """Read everything a post-mortem needs about one case."""
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise RejectedInput(f"no case {case_id} in the database; `crisiswatch casebook list` shows the cases")
        brand = s.get(Brand, case.brand_id)
        start = (case.first_signal_at or case.declared_at) - LEAD
        end = case.resolved_at or now
        windows = list(s.scalars(select(Window).where(Window.brand_id == case.brand_id, Window.start >= start,
                                                      Window.start < end).order_by(Window.start)))
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)))
        ads = list(s.scalars(select(AdAction).where(AdAction.case_id == case_id).order_by(AdAction.id)))
        tickets = list(s.scalars(select(Ticket).where(Ticket.case_id == case_id).order_by(Ticket.id)))
        drafts = [(d, u or "") for d, u in s.execute(
            select(ReplyDraft, Author.username).outerjoin(Complainant, Complainant.id == ReplyDraft.complainant_id)
            .outerjoin(Author, Author.id == Complainant.author_id).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)).all()]
        s.expunge_all()
    return CaseData(case, brand, events, windows, ads, tickets, drafts, now)


def chart_points(data: CaseData) -> list[ChartPoint]:
    return [ChartPoint(w.start, w.end, w.volume, w.negative, w.risk) for w in data.windows]


def chart_marks(data: CaseData, labels: dict[str, str]) -> list[ChartMark]:
    c = data.case
    marks = [(c.first_signal_at, "first_signal"), (c.declared_at, "declared"), (c.resolved_at, "resolved")]
    return [ChartMark(at, labels[key]) for at, key in marks if at is not None]


def first_response(data: CaseData) -> tuple[datetime | None, str]:
    """The first action after the declaration: an ad paused, a ticket opened or a reply sent (and which)."""
    after = data.case.declared_at
    found = [(a.applied_at, "ads_paused") for a in data.ads if a.action == "pause" and a.state == "applied" and a.applied_at]
    found += [(t.created_at, "ticket_opened") for t in data.tickets if t.status in ("open", "closed")]
    found += [(d.sent_at, "reply_sent") for d, _ in data.drafts if d.sent_at]
    found = [f for f in found if f[0] >= after]
    return min(found, key=lambda f: f[0]) if found else (None, "")


def _timeline(events: list[CaseEvent], lang: str) -> list[dict[str, Any]]:
    """Each event, its detail's facts said in `lang` where it has them; runs of detector 'updated' events folded into one line."""
    out: list[dict[str, Any]] = []
    for e in events:
        if e.kind == "updated" and out and out[-1]["kind"] == "updated":
            out[-1]["repeats"] += 1
            out[-1]["until"] = when(e.at)
            continue
        out.append({"at": when(e.at), "kind": key(e.kind), "phrase": event_phrase(e.kind, e.data, lang),
                    "message": inline(e.message, 300), "repeats": 0, "until": ""})
    return out


def _origin(origin: dict[str, Any], lang: str) -> dict[str, Any]:
    pz = origin.get("patient_zero") or None
    return {
        "type": key(origin.get("type")),
        "explanation": inline(origin.get("explanation") or ""),
        "why": origin_phrases(origin.get("why"), lang),
        "spike_at": when(origin.get("spike_at")),
        "thread_count": int(origin.get("thread_count") or 0),
        "complainants": int(origin.get("complainants") or 0),
        "patient_zero": None if not pz else {
            "author": inline("@" + str(pz.get("author") or "?"), defuse_mentions=False),
            "text": inline(pz.get("text") or "", 500),
            "created_at": when(pz.get("created_at")),
            "link": link(str(pz.get("url") or ""), pz.get("url")),
            "brand_post": bool(pz.get("brand_post")),
        },
        "threads": [
            {"type": key(t.get("type")), "size": int(t.get("size") or 0), "authors": int(t.get("authors") or 0),
             "negative_share": percent(t.get("negative_share")), "first_at": when(t.get("first_at")),
             "root": link(str(t.get("root")), f"https://x.com/i/web/status/{t.get('root')}") if t.get("root") else "",
             "brand_post": bool(t.get("root_is_brand_post"))}
            for t in (origin.get("threads") or [])[:5]
        ],
    }


def _magnitude(m: dict[str, Any], lang: str) -> dict[str, Any]:
    if not m:
        return {}
    langs = m.get("languages") or {}
    return {
        "mentions": format_number(m.get("mentions") or 0, lang),
        "negative": format_number(m.get("negative") or 0, lang),
        "negative_share": percent(m.get("negative_share")),
        "unique_authors": format_number(m.get("unique_authors") or 0, lang),
        "potential_reach": format_number(m.get("potential_reach") or 0, lang),
        "peak_velocity": format_number(m.get("peak_velocity") or 0, lang),
        "peak_at": when(m.get("peak_at")),
        "languages": inline(", ".join(f"{k} {v}" for k, v in langs.items())),
        "first_at": when(m.get("first_at")),
        "last_at": when(m.get("last_at")),
        "top_authors": [
            {"username": inline("@" + str(a.get("username")), defuse_mentions=False),
             "followers": format_number(a.get("followers") or 0, lang), "mentions": int(a.get("mentions") or 0)}
            for a in (m.get("top_authors") or [])[:5]
        ],
    }


def _actions(data: CaseData) -> list[dict[str, Any]]:
    """Every action taken for the case, in time order: ads, tickets, replies approved and sent."""
    rows: list[tuple[datetime, int, dict[str, Any]]] = []
    for a in data.ads:
        at = a.applied_at or a.created_at
        rows.append((at, 0, {"at": when(at), "kind": key(f"ads_{a.action}"), "state": key(a.state),
                             "detail": inline(f"{a.campaign_name} ({a.customer_id}/{a.campaign_id})"),
                             "note": inline(a.error, 160)}))
    for t in data.tickets:
        target = link(t.external_key or f"#{t.id}", t.url) if t.url else inline(t.external_key or f"#{t.id}")
        rows.append((t.created_at, 1, {"at": when(t.created_at), "kind": "ticket_opened", "state": key(t.status),
                                       "detail": f"{inline(t.department)} · {inline(t.backend)} · {target}",
                                       "note": inline(t.error, 160) if t.status == "failed" else (f"SLA {when(t.sla_due_at)}" if t.sla_due_at else "")}))
        if t.closed_at:
            rows.append((t.closed_at, 1, {"at": when(t.closed_at), "kind": "ticket_closed", "state": "closed",
                                          "detail": f"{inline(t.department)} · {target}", "note": ""}))
    replies: list[tuple[datetime, int, dict[str, Any]]] = []
    for d, username in data.drafts:
        who = inline("@" + username, defuse_mentions=False) if username else f"#{d.complainant_id}"
        if d.approved_at:
            replies.append((d.approved_at, 2, {"at": when(d.approved_at), "kind": "reply_approved", "state": key(d.status),
                                               "detail": f"{who} · {d.channel} · {d.lang}", "note": inline(d.approver, defuse_mentions=False)}))
        if d.sent_at:
            replies.append((d.sent_at, 3, {"at": when(d.sent_at), "kind": "reply_sent", "state": key(d.status),
                                           "detail": f"{who} · {d.channel} · {d.lang}", "note": inline(d.external_id)}))
    replies.sort(key=lambda r: (r[0], r[1]))
    rows += replies[:MAX_REPLY_ROWS]
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _replies(data: CaseData) -> dict[str, Any]:
    counts = Counter(key(d.status) for d, _ in data.drafts)
    approved = sorted(d.approved_at for d, _ in data.drafts if d.approved_at)
    sent = sorted(d.sent_at for d, _ in data.drafts if d.sent_at)
    shown = sum(1 for d, _ in data.drafts if d.approved_at) + len(sent)
    return {
        "total": len(data.drafts), "counts": dict(sorted(counts.items())),
        "approved": len(approved), "sent": len(sent),
        "first_approved": when(approved[0]) if approved else "", "first_sent": when(sent[0]) if sent else "",
        "last_sent": when(sent[-1]) if sent else "", "not_listed": max(0, shown - MAX_REPLY_ROWS),
    }


def _follow_ups(data: CaseData) -> list[dict[str, str]]:
    """What is still open: tickets, reply drafts, campaigns crisiswatch paused and did not resume."""
    out = []
    for t in data.tickets:
        if t.status in OPEN_TICKETS:
            where = link(t.external_key or f"#{t.id}", t.url) if t.url else inline(t.external_key or f"#{t.id}")
            out.append({"kind": key(f"ticket_{t.status}"), "detail": f"{inline(t.department)} · {inline(t.backend)} · {where}",
                        "note": f"SLA {when(t.sla_due_at)}" if t.sla_due_at else ""})
    counts = Counter(d.status for d, _ in data.drafts if d.status in OPEN_DRAFTS)
    for status, n in sorted(counts.items()):
        out.append({"kind": key(f"drafts_{status}"), "detail": str(n), "note": ""})
    resumed = {(a.customer_id, a.campaign_id): a for a in data.ads if a.action == "resume"}
    for a in data.ads:
        if a.action == "pause" and a.state == "applied":
            r = resumed.get((a.customer_id, a.campaign_id))
            if r is None or r.state != "applied":
                out.append({"kind": "campaign_paused", "detail": inline(f"{a.campaign_name} ({a.customer_id}/{a.campaign_id})"),
                            "note": inline(r.error, 200) if r is not None else ""})
    return out


def _similar(similar: list[SimilarCase]) -> list[dict[str, Any]]:
    out = []
    for sc in similar:
        c = sc.case
        name = c.postmortem_path.replace("\\", "/").rsplit("/", 1)[-1] if c.postmortem_path else ""
        out.append({
            "case_id": c.case_id, "date": f"{c.declared_at:%Y-%m-%d}", "brand": inline(c.brand_name), "level": key(c.level),
            "status": key(c.status), "category": key(c.category), "origin_type": key(c.origin_type), "reasons": sc.reasons,
            "score": f"{sc.score:.2f}", "lessons": lines(c.lessons), "resolution": lines(c.resolution),
            "file": name,
        })
    return out


def template_context(data: CaseData, brand: BrandConfig, *, lang: str, chart_file: str, chart_alt: str,
                     final: bool, similar: list[SimilarCase]) -> dict[str, Any]:
    """The variables of templates/postmortem.md.j2 (every string from people already escaped)."""
    c = data.case
    first_at, first_kind = first_response(data)
    return {
        "lang": lang,
        "final": final,
        "generated_at": when(data.now),
        "brand": {"name": inline(brand.name), "handle": inline(brand.handle), "slug": brand.slug},
        "case": {
            "id": c.id, "level": key(c.level), "status": key(c.status), "risk": f"{c.risk:.0f}", "category": key(c.category),
            "first_signal_at": when(c.first_signal_at), "declared_at": when(c.declared_at), "resolved_at": when(c.resolved_at),
            "resolution": lines(c.resolution), "lessons": lines(c.lessons),
            "explanation": inline((c.factors or {}).get("explanation") or "", 400),
            "why": event_phrase("declared", c.factors, lang),
        },
        "times": {
            "to_detect": duration(c.declared_at - c.first_signal_at) if c.first_signal_at else "",
            "to_first_response": duration(first_at - c.declared_at) if first_at else "",
            "first_response_at": when(first_at), "first_response_kind": key(first_kind),
            "open_for": duration((c.resolved_at or data.now) - c.declared_at),
        },
        "timeline": _timeline(data.events, lang),
        "origin": _origin(c.origin or {}, lang),
        "magnitude": _magnitude(c.magnitude or {}, lang),
        "chart": {"file": chart_file, "alt": inline(chart_alt), "windows": len(data.windows),
                  "from": when(data.windows[0].start if data.windows else data.chart_start),
                  "to": when(min(data.chart_end, data.windows[-1].end) if data.windows else data.chart_end)},
        "actions": _actions(data),
        "replies": _replies(data),
        "follow_ups": _follow_ups(data),
        "similar": _similar(similar),
    }
