"""Step 4's human gate: pause the crisis flow until a person approves, edits or rejects the drafts."""

from __future__ import annotations

from uuid import UUID

from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import StateType
from prefect.context import FlowRunContext
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, resume_flow_run
from prefect.input import RunInput
from pydantic import Field
from sqlalchemy import select

from crisiswatch.config import BrandConfig
from crisiswatch.db.models import Author, Complainant, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.postmortem.escape import inline
from crisiswatch.replies.approval import ApprovalDecision, ApprovalResult
from tasks.replies import apply_approval_decision


class ApprovalInput(RunInput):
    """The form shown in the Prefect UI when the crisis flow waits for reply approval."""

    approve_all: bool = Field(False, description="approve every pending draft (flagged ones excepted)")
    approve: list[int] = Field(default_factory=list, description="ids of drafts to approve")
    reject: list[int] = Field(default_factory=list, description="ids of drafts never to send")
    edits: dict[int, str] = Field(default_factory=dict, description="draft id -> new text (checked again)")
    comment: str = Field("", description="why, for the case record")
    approver: str = Field("", description="your name, recorded with the decision")

    def decision(self) -> ApprovalDecision:
        return ApprovalDecision(**self.model_dump(exclude={"approver"}))

    def decides_nothing(self) -> bool:
        """Nothing to apply: the form was sent empty, or the decision was taken elsewhere (`crisiswatch approve`)."""
        return not (self.approve_all or self.approve or self.reject or self.edits)


def approval_key(case_id: int) -> str:
    """The pause key of a case's approval: how `crisiswatch approve` finds the run waiting for it."""
    return f"reply-approval-{case_id}"


PAUSED_RUNS = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED])))


def resume_waiting_approval(case_id: int, approver: str) -> UUID | None:
    """Resume the run paused for this case's approval, once a decision was applied outside the form; its id, or None."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=PAUSED_RUNS, limit=200)
    for run in runs:
        if run.state is not None and run.state.state_details.pause_key == approval_key(case_id):
            resume_flow_run(run.id, run_input={"approver": approver, "comment": "decided with crisiswatch approve"})
            return run.id
    return None


def markdown_literal(text: str) -> str:
    """Text people wrote, shown literally in Markdown: one line, every special character escaped."""
    return inline(text, defuse_mentions=False)


def drafts_description(db_url: str, case_id: int) -> tuple[str, int]:
    """A Markdown table of the case's drafts waiting for a decision, and how many there are."""
    with session_scope(db_url) as s:
        rows = s.execute(
            select(ReplyDraft, Author.username)
            .join(Complainant, Complainant.id == ReplyDraft.complainant_id)
            .join(Author, Author.id == Complainant.author_id)
            .where(ReplyDraft.case_id == case_id, ReplyDraft.status.in_(("pending", "flagged", "uncertain")))
            .order_by(ReplyDraft.id)
        ).all()
    lines = [
        f"## Replies of case {case_id} waiting for approval",
        "",
        "Approve all or some, edit (draft id -> new text) or reject. Flagged drafts must be edited first.",
        "",
        "| id | to | channel | status | text |",
        "| --- | --- | --- | --- | --- |",
    ]
    for draft, username in rows:
        status = draft.status + (f": {markdown_literal(draft.flag_reason)}" if draft.flag_reason else "")
        lines.append(f"| {draft.id} | @{markdown_literal(username)} | {draft.channel} | {status} | {markdown_literal(draft.text)} |")
    return "\n".join(lines), len(rows)


@flow(name="request-reply-approval", log_prints=False)
def request_approval(
    db_url: str,
    case_id: int,
    timeout_seconds: int = 3600,
    brand: BrandConfig | None = None,
    poll_interval_seconds: int = 10,
) -> ApprovalResult | None:
    """Pause until a person submits the approval form; apply it. None when nothing waits or on timeout."""
    logger = get_run_logger()
    description, waiting = drafts_description(db_url, case_id)
    if not waiting:
        logger.info("case %s: no reply drafts waiting for approval", case_id)
        return None
    form = ApprovalInput.with_initial_data(description=description)
    try:
        answer = pause_flow_run(
            wait_for_input=form, timeout=timeout_seconds, poll_interval=poll_interval_seconds, key=approval_key(case_id)
        )
    except FlowPauseTimeout:
        logger.warning("case %s: nobody approved the %d reply drafts within %ss; they stay pending, nothing is sent", case_id, waiting, timeout_seconds)
        return None
    if answer.decides_nothing():
        logger.info("case %s: resumed by %s with no decision in the form (%s)", case_id, answer.approver or "someone", answer.comment or "-")
        return None
    ctx = FlowRunContext.get()
    approver = answer.approver.strip() or f"prefect-ui (flow run {ctx.flow_run.id if ctx and ctx.flow_run else '?'})"
    return apply_approval_decision(db_url, case_id, answer.decision(), approver, brand)
