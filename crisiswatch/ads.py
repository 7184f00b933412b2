"""Pause a brand's ad spend when a crisis starts, and resume exactly what crisiswatch paused.

Every status change is an AdAction row written before the call (planned) and after it
(applied / failed), so a re-run after a crash converges on the API's actual state: a row left
'planned' is reconciled by reading the campaign, a campaign already paused by us is not touched
again, and resume re-enables only campaigns crisiswatch paused that nobody has changed since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisiswatch import clock
from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads.port import ENABLED, PAUSED, REMOVED, AdsController, Campaign
from crisiswatch.db.models import AdAction, Case, CaseEvent
from crisiswatch.db.session import session_scope
from crisiswatch.errors import AuthenticationError, ConfigError, CrisiswatchError, RejectedInput, TransientError, is_transient

PAUSE, RESUME = "pause", "resume"


@dataclass
class AdsOutcome:
    """What one pause or resume run did; keys are 'customer_id/campaign_id'."""

    case_id: int
    action: str
    dry_run: bool = False
    applied: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # dry run: would have been changed
    already: list[str] = field(default_factory=list)  # done by an earlier run
    reconciled: list[str] = field(default_factory=list)  # a crashed run's change, found applied
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        verb = "paused" if self.action == PAUSE else "resumed"
        parts = [f"would change {len(self.planned)} (dry run)" if self.dry_run else f"{verb} {len(self.applied) + len(self.reconciled)}"]
        if self.already:
            parts.append(f"{len(self.already)} already {verb}")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return f"case {self.case_id}: " + ", ".join(parts)


def _now() -> datetime:
    return clock.now()


def _key(customer_id: str, campaign_id: str) -> str:
    return f"{customer_id}/{campaign_id}"


def _rows(s: Session, case_id: int, customer_id: str, action: str) -> dict[str, AdAction]:
    q = select(AdAction).where(AdAction.case_id == case_id, AdAction.customer_id == customer_id, AdAction.action == action)
    return {r.campaign_id: r for r in s.scalars(q)}


def _plan(s: Session, rows: dict[str, AdAction], case_id: int, camp: Campaign, action: str, prev: str, new: str,
          state: str, run_id: str, error: str = "") -> AdAction:
    row = rows.get(camp.campaign_id)
    if row is None:
        row = AdAction(case_id=case_id, customer_id=camp.customer_id, campaign_id=camp.campaign_id, action=action)
        s.add(row)
        rows[camp.campaign_id] = row
    row.campaign_name, row.previous_status, row.new_status = camp.name[:255], prev, new
    row.state, row.error, row.flow_run_id, row.applied_at = state, error[:2000], run_id, None
    return row


def _apply(s: Session, controller: AdsController, customer_id: str, rows: list[AdAction], status: str,
           out: AdsOutcome) -> list[AdAction]:
    """Make the planned change in one batch and record each result; returns the rows applied."""
    s.commit()  # the plan is on record before the call
    try:
        results = controller.set_status(customer_id, [r.campaign_id for r in rows], status)
    except CrisiswatchError as exc:
        for r in rows:  # after a transient error the outcome is unknown: stay 'planned', reconciled on retry
            r.error = str(exc)[:2000]
            if not is_transient(exc):
                r.state = "failed"
                out.failed[_key(customer_id, r.campaign_id)] = str(exc)
        s.commit()
        raise
    by_id = {r.campaign_id: r for r in rows}
    done = []
    for res in results:
        row = by_id[res.campaign_id]
        if res.ok:
            row.state, row.applied_at, row.error = "applied", _now(), ""
            out.applied.append(_key(customer_id, res.campaign_id))
            done.append(row)
        else:
            row.state, row.error = "failed", res.error[:2000]
            out.failed[_key(customer_id, res.campaign_id)] = res.error
    s.commit()
    return done


def _stamp_change_times(s: Session, controller: AdsController, customer_id: str, rows: list[AdAction]) -> None:
    """Record when Google Ads says each change happened (its clock), to tell later changes by people apart."""
    if not rows:
        return
    try:
        since = min(r.applied_at or _now() for r in rows) - timedelta(days=1)
        changes = controller.last_changes(customer_id, [r.campaign_id for r in rows], since)
    except TransientError:
        return  # the local times recorded stay; still later than the change itself
    for r in rows:
        if r.campaign_id in changes:
            r.applied_at = changes[r.campaign_id]
    s.commit()


def _check_case(s: Session, case_id: int) -> None:
    if s.get(Case, case_id) is None:
        raise RejectedInput(f"no crisis case {case_id} in the database")


def _run_customers(customer_ids: Iterable[str], one: Any) -> None:
    """Run `one(customer_id)` for every customer; auth errors stop at once, others after the rest ran."""
    pending: list[CrisiswatchError] = []
    for cid in customer_ids:
        try:
            one(cid)
        except CrisiswatchError as exc:
            if isinstance(exc, AuthenticationError):
                raise
            pending.append(exc)
    transient = [e for e in pending if is_transient(e)]
    if transient:
        raise transient[0]
    if pending:
        raise pending[0]


def pause_campaigns(db_url: str, case_id: int, ads: GoogleAdsConfig, controller: AdsController, *,
                    dry_run: bool = False, run_id: str = "") -> AdsOutcome:
    """Pause the brand's ENABLED campaigns chosen by its google_ads config, recording each change."""
    out = AdsOutcome(case_id, PAUSE, dry_run)
    if ads.pause == "none" or not ads.customer_ids:
        return out
    with session_scope(db_url) as s:
        _check_case(s, case_id)

    def one(customer_id: str) -> None:
        with session_scope(db_url) as s:
            rows = _rows(s, case_id, customer_id, PAUSE)
            stamp = _reconcile(s, controller, customer_id, rows, PAUSED, out)
            targets = controller.list_campaigns(
                customer_id,
                status=ENABLED,
                campaign_ids=ads.campaign_ids if ads.pause == "ids" else None,
                labels=ads.labels if ads.pause == "label" else None,
            )
            todo = []
            for camp in targets:
                row = rows.get(camp.campaign_id)
                if row is not None and row.state == "applied":
                    out.skipped[_key(customer_id, camp.campaign_id)] = "enabled again after crisiswatch paused it: left as a person set it"
                    continue
                row = _plan(s, rows, case_id, camp, PAUSE, ENABLED, PAUSED, "dry_run" if dry_run else "planned", run_id)
                if dry_run:
                    out.planned.append(_key(customer_id, camp.campaign_id))
                else:
                    todo.append(row)
            out.already.extend(_key(customer_id, r.campaign_id) for r in rows.values()
                               if r.state == "applied" and r not in stamp and _key(customer_id, r.campaign_id) not in out.skipped)
            s.commit()
            if todo:
                stamp += _apply(s, controller, customer_id, todo, PAUSED, out)
            _stamp_change_times(s, controller, customer_id, stamp)

    _run_customers(ads.customer_ids, one)
    return out


def _reconcile(s: Session, controller: AdsController, customer_id: str, rows: dict[str, AdAction], target: str,
               out: AdsOutcome) -> list[AdAction]:
    """Settle rows a crashed run left 'planned' by reading each campaign; returns those found applied."""
    leftover = [r for r in rows.values() if r.state == "planned"]
    if not leftover:
        return []
    current = {c.campaign_id: c for c in controller.list_campaigns(customer_id, status=None, campaign_ids=[r.campaign_id for r in leftover])}
    found = []
    for r in leftover:
        cur = current.get(r.campaign_id)
        if cur is not None and cur.status == target:
            r.state, r.applied_at, r.error = "applied", _now(), ""
            out.reconciled.append(_key(customer_id, r.campaign_id))
            found.append(r)
        elif cur is None or cur.status == REMOVED:
            r.state, r.error = "skipped", "campaign removed or gone before the change was confirmed"
            out.skipped[_key(customer_id, r.campaign_id)] = r.error
    s.commit()
    return found


def resume_campaigns(db_url: str, case_id: int, controller: AdsController, *, dry_run: bool = False,
                     run_id: str = "") -> AdsOutcome:
    """Re-enable the campaigns crisiswatch paused for this case that are still paused and untouched since."""
    out = AdsOutcome(case_id, RESUME, dry_run)
    with session_scope(db_url) as s:
        _check_case(s, case_id)
        customers = sorted(set(s.scalars(select(AdAction.customer_id).where(AdAction.case_id == case_id, AdAction.action == PAUSE))))

    def one(customer_id: str) -> None:
        with session_scope(db_url) as s:
            pauses = _rows(s, case_id, customer_id, PAUSE)
            resumes = _rows(s, case_id, customer_id, RESUME)
            _stamp_change_times(s, controller, customer_id, _reconcile(s, controller, customer_id, pauses, PAUSED, AdsOutcome(case_id, PAUSE)))
            ours = [p for p in pauses.values() if p.state == "applied"]
            if not ours:
                return
            stamp = _reconcile(s, controller, customer_id, resumes, ENABLED, out)
            ids = [p.campaign_id for p in ours]
            current = {c.campaign_id: c for c in controller.list_campaigns(customer_id, status=None, campaign_ids=ids)}
            since = min(p.applied_at or _now() for p in ours) - timedelta(days=1)
            changed = controller.last_changes(customer_id, ids, since)
            todo = []
            for p in ours:
                key = _key(customer_id, p.campaign_id)
                res = resumes.get(p.campaign_id)
                if res is not None and res.state == "applied":
                    if res not in stamp:
                        out.already.append(key)
                    continue
                cur = current.get(p.campaign_id)
                why = _why_not_resume(p, cur, changed.get(p.campaign_id))
                camp = cur or Campaign(customer_id, p.campaign_id, p.campaign_name, "UNKNOWN")
                if why:
                    out.skipped[key] = why
                    _plan(s, resumes, case_id, camp, RESUME, camp.status, ENABLED, "skipped", run_id, why)
                    continue
                row = _plan(s, resumes, case_id, camp, RESUME, PAUSED, ENABLED, "dry_run" if dry_run else "planned", run_id)
                if dry_run:
                    out.planned.append(key)
                else:
                    todo.append(row)
            s.commit()
            if todo:
                stamp += _apply(s, controller, customer_id, todo, ENABLED, out)
            _stamp_change_times(s, controller, customer_id, stamp)

    _run_customers(customers, one)
    return out


def _why_not_resume(paused: AdAction, current: Campaign | None, last_change: datetime | None) -> str:
    """Empty when crisiswatch may re-enable this campaign; else the reason it must not."""
    if paused.previous_status != ENABLED:
        return f"was {paused.previous_status} before the crisis"
    if current is None:
        return "campaign no longer exists"
    if current.status != PAUSED:
        return f"now {current.status}: changed after crisiswatch paused it"
    if last_change is not None and paused.applied_at is not None and last_change > paused.applied_at:
        return f"changed by someone else at {last_change.isoformat()} after crisiswatch paused it"
    return ""


def record_event(db_url: str, case_id: int, kind: str, message: str, data: dict[str, Any] | None = None) -> None:
    """Append one event ('ads_paused', 'ads_pause_failed', 'ads_resumed', ...) to the case timeline."""
    with session_scope(db_url) as s:
        s.add(CaseEvent(case_id=case_id, kind=kind, message=message, data=data or {}))


def require_customers(ads: GoogleAdsConfig, brand_slug: str) -> None:
    """A brand that pauses ads must say which accounts."""
    if ads.pause != "none" and not ads.customer_ids:
        raise ConfigError(f"brand {brand_slug!r} pauses ads ({ads.pause}) but lists no google_ads.customer_ids",
                          setting="CRISISWATCH_CONFIG_PATH")
