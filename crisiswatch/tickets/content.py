"""What a ticket says: evidence, origin and magnitude as template data, escaped per output format.

Text people wrote (posts, usernames) is only ever data: it is escaped here for the format it
lands in (Markdown for the database, Jira and GitHub; Slack mrkdwn) so that it cannot turn into
markup, links or @-notifications on the ticket system.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisiswatch.db.models import Author, Case, Mention, Score

Format = Literal["markdown", "slack"]
ZWSP = "\u200b"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
SEVERITIES = ("low", "medium", "high", "critical")


def post_url(username: str | None, x_id: int | str) -> str:
    """https://x.com/<username>/status/<id> (x.com/i/web/... when the author is unknown)."""
    return f"https://x.com/{username}/status/{x_id}" if username else f"https://x.com/i/web/status/{x_id}"


def one_line(text: str, limit: int = 280) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_markdown(text: str) -> str:
    """Inline Markdown for untrusted text: markup escaped, @ and # defused (no GitHub mentions or refs)."""
    text = _MD_SPECIAL.sub(r"\\\1", one_line(text))
    return text.replace("@", "@" + ZWSP).replace("#", "#" + ZWSP)


def escape_slack(text: str) -> str:
    """Slack mrkdwn for untrusted text: &, <, > as entities (no links, no <!channel>), markup defused."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([*_~`])", "\\1" + ZWSP, text)


def severity_for(case: Case) -> str:
    """critical at risk 85+, high for a crisis (or risk 70+), medium for watch (or 40+), else low."""
    risk = case.risk or 0.0
    if risk >= 85:
        return "critical"
    if case.level == "crisis" or risk >= 70:
        return "high"
    if case.level == "watch" or risk >= 40:
        return "medium"
    return "low"


def format_number(value: float | int, lang: str) -> str:
    """1,234 / 1.2M in English; 1.234 / 1,2 M in Spanish."""
    v = float(value)
    if abs(v) >= 1_000_000:
        s = f"{v / 1_000_000:.1f}"
        return f"{s.replace('.', ',')} M" if lang == "es" else f"{s}M"
    s = f"{round(v):,}" if v == round(v) or abs(v) >= 100 else f"{v:,.1f}"
    return s.translate(str.maketrans(",.", ".,")) if lang == "es" else s


def format_time(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return one_line(value, 40)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def evidence_from_db(session: Session, case: Case, mention_ids: Sequence[int] | None, start: datetime, end: datetime, limit: int = 5) -> list[dict[str, Any]]:
    """The case's most-reaching negative mentions (or its attached mentions), as evidence dicts."""
    q = select(Mention, Author.username, Score.reach, Score.category).outerjoin(Author, Author.id == Mention.author_id).outerjoin(
        Score, Score.mention_id == Mention.id
    )
    if mention_ids is not None:
        q = q.where(Mention.id.in_(list(mention_ids)[:5000]))
    else:
        q = q.where(Mention.brand_id == case.brand_id, Mention.created_at >= start, Mention.created_at <= end, Score.sentiment == "negative")
    q = q.order_by(Score.reach.desc().nulls_last(), Mention.created_at).limit(limit)
    out = []
    for mention, username, reach, category in session.execute(q).tuples():
        out.append(
            {
                "x_id": mention.x_id,
                "author": username,
                "text": mention.text,
                "url": post_url(username, mention.x_id),
                "created_at": mention.created_at,
                "lang": mention.lang,
                "category": category,
                "reach": reach,
            }
        )
    return out


def _evidence_item(item: dict[str, Any], fmt: Format, lang: str) -> dict[str, Any]:
    esc = escape_markdown if fmt == "markdown" else escape_slack
    author = str(item.get("author") or item.get("username") or "").lstrip("@")
    x_id = item.get("x_id") or item.get("id")
    url = str(item.get("url") or (post_url(author or None, x_id) if x_id else ""))
    if not url.startswith("https://"):
        url = ""
    reach = item.get("reach")
    return {
        "author": esc("@" + author) if author else "",
        "text": esc(str(item.get("text") or "")),
        "url": url,
        "created_at": format_time(item.get("created_at")),
        "reach": format_number(reach, lang) if isinstance(reach, int | float) else "",
    }


def _origin(origin: dict[str, Any] | None, fmt: Format, lang: str) -> dict[str, Any]:
    origin = origin or {}
    pz = origin.get("patient_zero") or None
    patient_zero = _evidence_item(pz, fmt, lang) if isinstance(pz, dict) else None
    esc = escape_markdown if fmt == "markdown" else escape_slack
    summary = origin.get("summary") or origin.get("explanation") or ""
    return {"type": origin.get("type") or "", "patient_zero": patient_zero, "summary": esc(str(summary)) if summary else ""}


MAGNITUDE_KEYS = ("mentions", "unique_authors", "potential_reach", "velocity_per_hour", "negative_share")


def _magnitude(magnitude: dict[str, Any] | None, lang: str) -> list[dict[str, str]]:
    magnitude = magnitude or {}
    rows = []
    for key in MAGNITUDE_KEYS:
        value = magnitude.get(key)
        if not isinstance(value, int | float):
            continue
        shown = f"{round(value * 100)} %" if key == "negative_share" else format_number(value, lang)
        rows.append({"key": key, "value": shown})
    langs = magnitude.get("languages")
    if isinstance(langs, dict) and langs:
        parts = [f"{re.sub(r'[^a-z-]', '', str(k).lower())[:8]} {format_number(v, lang)}" for k, v in langs.items() if isinstance(v, int | float)]
        if parts:
            rows.append({"key": "languages", "value": ", ".join(parts)})
    return rows


def ticket_context(
    *,
    lang: str,
    fmt: Format,
    brand_name: str,
    brand_handle: str,
    case: Case,
    department: str,
    sla_hours: float,
    sla_due_at: datetime,
    severity: str,
    categories: Sequence[str],
    evidence: Sequence[dict[str, Any]],
    idempotency_key: str,
) -> dict[str, Any]:
    """Everything the ticket templates read; every key always present (StrictUndefined)."""
    return {
        "lang": lang if lang in ("es", "en") else "en",
        "fmt": fmt,
        "brand": {"name": brand_name, "handle": brand_handle},
        "case": {
            "id": case.id,
            "level": case.level,
            "risk": round(case.risk or 0.0),
            "category": case.category,
            "declared_at": format_time(case.declared_at),
            "first_signal_at": format_time(case.first_signal_at),
        },
        "department": department,
        "sla_hours": format_number(sla_hours, lang),
        "sla_due": format_time(sla_due_at),
        "severity": severity,
        "categories": list(categories),
        "origin": _origin(case.origin, fmt, lang),
        "magnitude": _magnitude(case.magnitude, lang),
        "mentions": format_number(case.magnitude["mentions"], lang) if isinstance((case.magnitude or {}).get("mentions"), int | float) else "",
        "evidence": [_evidence_item(e, fmt, lang) for e in evidence],
        "key": idempotency_key,
    }
