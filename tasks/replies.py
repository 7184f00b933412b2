"""Prefect tasks for step 4 of the playbook: draft, apply a person's decision, send."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import ReplySender
from crisiswatch.errors import RateLimited, TransientError
from crisiswatch.replies.approval import ApprovalDecision, ApprovalResult, apply_decision
from crisiswatch.replies.drafting import draft_replies
from crisiswatch.replies.sending import SendReport, send_approved
from tasks.retry import retry_if_transient


@task(name="draft-reply-batch", retries=2, retry_delay_seconds=5, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def draft_reply_batch(db_url: str, case_id: int, brand: BrandConfig, templates_dir: Path | str) -> list[int]:
    """Draft every complainant's replies of a case (idempotent); returns the case's draft ids."""
    return draft_replies(db_url, case_id, brand, Path(templates_dir))


@task(name="apply-approval-decision", cache_policy=NO_CACHE)
def apply_approval_decision(
    db_url: str, case_id: int, decision: ApprovalDecision, approver: str, brand: BrandConfig | None = None
) -> ApprovalResult:
    return apply_decision(db_url, case_id, decision, approver, brand=brand)


@task(
    name="send-approved-replies",
    retries=3,
    retry_delay_seconds=[30, 120, 600],
    retry_condition_fn=retry_if_transient,
    cache_policy=NO_CACHE,
)
def send_approved_replies(db_url: str, case_id: int, sender: ReplySender, brand: BrandConfig) -> SendReport:
    """Send the case's approved drafts exactly once; a rate limit or transient error fails the run for a retry.

    The retry is safe: sent drafts are never sent again, 'uncertain' ones wait for a person.
    """
    report = send_approved(db_url, case_id, sender, brand)
    if report.rate_limited_until is not None:
        raise RateLimited(f"X rate limit reached for case {case_id}: {report.stopped}", reset_at=report.rate_limited_until)
    if report.stopped:
        raise TransientError(f"sending replies for case {case_id} stopped: {report.stopped}")
    return report
