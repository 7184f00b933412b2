"""A person's decision on a case's reply drafts: approve all or some, edit, reject; all recorded.

Rules: an edit is recorded (old text, new text, who, when) and the edited text is checked
again for X's limits and the tone rules; a text that fails is 'flagged' (never approved).
A flagged draft cannot be approved until an edit fixes it. Rejection wins over approval for
the same id. Only drafts not yet handed to X can change ('pending', 'flagged', 'approved');
an 'uncertain' draft (a send whose outcome is unknown) goes back to 'approved' only when a
person approves it by id after checking on X that it was not delivered.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from crisiswatch import clock
from crisiswatch.config import BrandConfig
from crisiswatch.db.models import CaseEvent, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.replies.limits import length_problem
from crisiswatch.replies.text import strip_controls
from crisiswatch.replies.tone import tone_problems

EDITABLE = ("pending", "flagged", "approved")


class ApprovalDecision(BaseModel):
    """What a person decided about a case's drafts (also the fields of the Prefect approval form)."""

    approve_all: bool = Field(False, description="approve every pending draft of the case (flagged ones excepted)")
    approve: list[int] = Field(default_factory=list, description="ids of drafts to approve")
    reject: list[int] = Field(default_factory=list, description="ids of drafts never to send")
    edits: dict[int, str] = Field(default_factory=dict, description="draft id -> new text (checked again)")
    comment: str = Field("", description="why, for the case record")


class ApprovalResult(BaseModel):
    """What the decision changed, by draft id."""

    case_id: int
    approver: str
    approved: list[int] = Field(default_factory=list)
    rejected: list[int] = Field(default_factory=list)
    edited: list[int] = Field(default_factory=list)
    flagged: dict[int, str] = Field(default_factory=dict)
    ignored: dict[int, str] = Field(default_factory=dict)


def check_text(text: str, channel: str, brand: BrandConfig | None) -> str:
    """Every reason `text` cannot be sent on `channel`, joined; '' when it can."""
    problems = [p for p in [length_problem(text, channel)] if p] + tone_problems(text, brand.replies if brand else None)
    return "; ".join(problems)


def apply_decision(
    db_url: str,
    case_id: int,
    decision: ApprovalDecision,
    approver: str,
    *,
    brand: BrandConfig | None = None,
) -> ApprovalResult:
    """Apply a decision to the drafts of `case_id` in one transaction; `brand` adds its forbidden words."""
    approver = strip_controls(approver, keep_newlines=False).strip() or "unknown"
    now = clock.now()
    result = ApprovalResult(case_id=case_id, approver=approver)
    with session_scope(db_url) as session:
        drafts = {d.id: d for d in session.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id).with_for_update())}
        mentioned = set(decision.approve) | set(decision.reject) | set(decision.edits)
        for i in sorted(mentioned - drafts.keys()):
            result.ignored[i] = f"no draft {i} in case {case_id}"

        for i, new_text in sorted(decision.edits.items()):
            d = drafts.get(i)
            if d is None:
                continue
            if d.status not in EDITABLE:
                result.ignored[i] = f"cannot edit a draft that is {d.status!r}"
                continue
            new_text = strip_controls(new_text).strip()
            if new_text == d.text:
                continue
            d.edits = [*(d.edits or []), {"old": d.text, "new": new_text, "by": approver, "at": now.isoformat(), "comment": decision.comment}]
            d.text = new_text
            result.edited.append(i)
            reason = check_text(new_text, d.channel, brand)
            d.status, d.flag_reason = ("flagged", reason) if reason else ("pending", "")
            d.approver, d.approved_at = "", None
            if reason:
                result.flagged[i] = reason

        rejected = set(decision.reject)
        for i in sorted(rejected & drafts.keys()):
            d = drafts[i]
            if d.status not in (*EDITABLE, "uncertain"):
                result.ignored[i] = f"cannot reject a draft that is {d.status!r}"
                continue
            d.status, d.approver, d.approved_at = "rejected", approver, now
            result.rejected.append(i)

        to_approve = set(decision.approve) - rejected
        if decision.approve_all:
            to_approve |= {i for i, d in drafts.items() if d.status == "pending" and i not in rejected}
        for i in sorted(to_approve & drafts.keys()):
            d = drafts[i]
            if d.status == "flagged":
                result.ignored[i] = f"flagged ({d.flag_reason}); edit the text first"
                continue
            if d.status not in ("pending", "uncertain"):
                if d.status != "approved" or i in result.approved:
                    result.ignored[i] = f"cannot approve a draft that is {d.status!r}"
                continue
            d.status, d.approver, d.approved_at = "approved", approver, now
            result.approved.append(i)

        session.add(
            CaseEvent(
                case_id=case_id,
                kind="replies_decision",
                message=(
                    f"{approver}: {len(result.approved)} approved, {len(result.rejected)} rejected, "
                    f"{len(result.edited)} edited, {len(result.flagged)} flagged"
                ),
                data={**result.model_dump(mode="json"), "comment": decision.comment},
            )
        )
    return result
