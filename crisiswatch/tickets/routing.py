"""Which departments a case goes to: the brand's routing rules over its categories and origin type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crisiswatch.config import BrandConfig, RoutingRule
from crisiswatch.db.models import Case, Complainant, Mention, Score


def rule_matches(rule: RoutingRule, categories: Iterable[str], origin_type: str | None) -> bool:
    """A rule matches a case of one of its categories OR of one of its origin types; an empty rule matches all."""
    if not rule.categories and not rule.origin_types:
        return True
    if set(rule.categories) & set(categories):
        return True
    return origin_type is not None and origin_type in rule.origin_types


def route(brand: BrandConfig, categories: Iterable[str], origin_type: str | None) -> list[str]:
    """Departments for a case, in rule order then the rule's department order, each once."""
    cats = list(categories)
    out: list[str] = []
    for rule in brand.routing:
        if rule_matches(rule, cats, origin_type):
            for dep in rule.departments:
                if dep not in out:
                    out.append(dep)
    return out


def case_mention_ids(session: Session, case: Case) -> list[int] | None:
    """Mention ids the origin analysis attached to the case (its complainants' and patient zero); None when it attached none."""
    ids: list[int] = []
    for (mention_ids,) in session.execute(select(Complainant.mention_ids).where(Complainant.case_id == case.id)):
        ids.extend(int(i) for i in mention_ids or [])
    if not ids:
        return None
    pz = (case.origin or {}).get("patient_zero") or {}
    if pz.get("x_id") is not None:
        try:
            x_id = int(pz["x_id"])
        except (TypeError, ValueError):
            x_id = None
        if x_id is not None:
            found = session.scalar(select(Mention.id).where(Mention.brand_id == case.brand_id, Mention.x_id == x_id))
            if found is not None:
                ids.append(found)
    return list(dict.fromkeys(ids)) or None


def case_window(case: Case, window_minutes: int, now: datetime) -> tuple[datetime, datetime]:
    """The case's span when no mention is attached to it: first signal (or one window before declaration) to resolution or now."""
    start = case.first_signal_at or (case.declared_at - timedelta(minutes=window_minutes))
    return start, case.resolved_at or now


def category_counts(session: Session, case: Case, window_minutes: int, now: datetime) -> Counter[str]:
    """How many of the case's negative mentions fall in each category."""
    ids = case_mention_ids(session, case)
    counts: Counter[str] = Counter()
    if ids is not None:
        for chunk in _chunks(ids, 500):
            q = select(Score.category, func.count()).where(Score.mention_id.in_(chunk)).group_by(Score.category)
            counts.update(dict(session.execute(q).tuples().all()))
        return counts
    start, end = case_window(case, window_minutes, now)
    q = (
        select(Score.category, func.count())
        .join(Mention, Mention.id == Score.mention_id)
        .where(Mention.brand_id == case.brand_id, Mention.created_at >= start, Mention.created_at <= end, Score.sentiment == "negative")
        .group_by(Score.category)
    )
    counts.update(dict(session.execute(q).tuples().all()))
    return counts


def case_categories(session: Session, case: Case, window_minutes: int, now: datetime, extra: Iterable[str] = ()) -> list[str]:
    """The case's main category first, then its mentions' and complainants' categories by frequency."""
    counts = category_counts(session, case, window_minutes, now)
    for (cat,) in session.execute(select(Complainant.category).where(Complainant.case_id == case.id)):
        counts[cat] += 1
    for cat in extra:
        counts[cat] += 1
    ordered = [case.category] + [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return list(dict.fromkeys(c for c in ordered if c))


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
