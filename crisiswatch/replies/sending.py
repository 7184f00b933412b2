"""Sending approved drafts exactly once: claim, commit, call X, record.

For each approved draft: its status becomes 'sending' (an atomic compare-and-set, committed)
BEFORE the call to X; after the call, external_id, sent_at and status 'sent' are recorded.
So a draft is handed to X at most once, even with two runs at the same time.

A draft found in 'sending' when a run starts was left by a crash between the call and the
record: nobody knows whether X got it. Policy: it is never re-sent blindly. If the sender
can look sent messages up (the optional `SentReplyLookup` protocol below), a draft found on X
is recorded as 'sent' with its X id; otherwise it becomes 'uncertain' for a person to check
(approving it again by id, after checking X, sends it once more). A transient error during
the call (timeout, 5xx) is just as ambiguous, so that draft too becomes 'uncertain' and the
batch stops for a retry; a RateLimited (429, certainly not delivered) puts the draft back to
'approved' and stops the batch cleanly: everything not sent stays 'approved' for the retry.

DMs first. A person whose DMs are closed gets the approved public acknowledgement (a reply
to their latest complaint) if the brand allows public replies; otherwise the DM draft is
just marked 'dm_closed'. When the DM went out, the public draft is 'not_needed'.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field
from sqlalchemy import select, update

from crisiswatch import clock
from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import DirectMessagesClosed, ReplySender
from crisiswatch.db.models import Author, CaseEvent, Complainant, Mention, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.errors import AuthenticationError, CrisiswatchError, RateLimited, TransientError


@runtime_checkable
class SentReplyLookup(Protocol):
    """Optional for a ReplySender: find what was already created on X (None when not found)."""

    def find_dm(self, user_id: int, text: str) -> str | None: ...

    def find_reply(self, in_reply_to_tweet_id: int, text: str) -> str | None: ...


class SendReport(BaseModel):
    """What one call to send_approved did, by draft id."""

    case_id: int
    sent: list[int] = Field(default_factory=list)
    public_acks: list[int] = Field(default_factory=list, description="public drafts sent because DMs were closed")
    dm_closed: list[int] = Field(default_factory=list)
    not_needed: list[int] = Field(default_factory=list)
    uncertain: list[int] = Field(default_factory=list)
    recovered: list[int] = Field(default_factory=list, description="left 'sending' by a crash, found on X, recorded as sent")
    failed: dict[int, str] = Field(default_factory=dict)
    waiting: list[int] = Field(default_factory=list, description="public drafts waiting for approval after a closed DM")
    rate_limited_until: float | None = None
    stopped: str = ""
    stop: str = Field("", description="why the batch stopped, as a code: rate_limited | credentials | transient")


def _now() -> datetime:
    return clock.now()


def _set(db_url: str, draft_id: int, from_status: tuple[str, ...], **values: object) -> bool:
    """Compare-and-set one draft's columns in its own transaction; True when it matched."""
    with session_scope(db_url) as session:
        res = session.execute(
            update(ReplyDraft).where(ReplyDraft.id == draft_id, ReplyDraft.status.in_(from_status)).values(**values)
        )
        return res.rowcount == 1


def _targets(db_url: str, case_id: int) -> tuple[list[ReplyDraft], dict[int, int], dict[int, int]]:
    """The case's drafts, each complainant's X user id and each mention's X id."""
    with session_scope(db_url) as session:
        drafts = list(session.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))
        users = dict(
            session.execute(
                select(Complainant.id, Author.x_id).join(Author, Author.id == Complainant.author_id).where(Complainant.case_id == case_id)
            ).all()
        )
        mention_ids = {d.mention_id for d in drafts}
        tweets = dict(session.execute(select(Mention.id, Mention.x_id).where(Mention.id.in_(mention_ids))).all()) if mention_ids else {}
    return drafts, users, tweets


def _lookup(sender: ReplySender, draft: ReplyDraft, user_id: int, tweet_id: int) -> str | None:
    if not isinstance(sender, SentReplyLookup):
        return None
    if draft.channel == "dm":
        return sender.find_dm(user_id, draft.text)
    return sender.find_reply(tweet_id, draft.text)


def _recover(db_url: str, sender: ReplySender, drafts: list[ReplyDraft], users: dict[int, int], tweets: dict[int, int], report: SendReport) -> None:
    for d in drafts:
        if d.status != "sending":
            continue
        try:
            found = _lookup(sender, d, users.get(d.complainant_id, 0), tweets.get(d.mention_id, 0))
        except CrisiswatchError:
            found = None
        if found:
            if _set(db_url, d.id, ("sending",), status="sent", external_id=str(found), sent_at=_now(), error=""):
                d.status = "sent"
                report.recovered.append(d.id)
        elif _set(db_url, d.id, ("sending",), status="uncertain", error="left 'sending' by an interrupted run: check on X before approving it again"):
            d.status = "uncertain"
            report.uncertain.append(d.id)


def _send_one(db_url: str, sender: ReplySender, d: ReplyDraft, user_id: int, tweet_id: int, report: SendReport) -> str:
    """Claim, call, record one draft; returns its final status ('' when another run claimed it)."""
    if not _set(db_url, d.id, ("approved",), status="sending", error=""):
        return ""
    try:
        if d.channel == "dm":
            external_id = sender.send_dm(user_id, d.text)
        else:
            external_id = sender.post_reply(tweet_id, d.text)
    except DirectMessagesClosed as exc:
        _set(db_url, d.id, ("sending",), status="dm_closed", error=str(exc) or "the person does not accept DMs from the brand")
        report.dm_closed.append(d.id)
        return "dm_closed"
    except RateLimited as exc:
        _set(db_url, d.id, ("sending",), status="approved")
        report.rate_limited_until = exc.reset_at
        report.stop, report.stopped = "rate_limited", f"rate limited until {datetime.fromtimestamp(exc.reset_at, timezone.utc).isoformat()}"
        raise
    except AuthenticationError as exc:
        _set(db_url, d.id, ("sending",), status="approved", error=str(exc))
        report.stop, report.stopped = "credentials", f"credentials refused: {exc}"
        raise
    except TransientError as exc:
        _set(db_url, d.id, ("sending",), status="uncertain", error=f"{exc}; may or may not have reached X: check before approving again")
        report.uncertain.append(d.id)
        report.stop, report.stopped = "transient", f"transient error: {exc}"
        raise
    except CrisiswatchError as exc:
        _set(db_url, d.id, ("sending",), status="failed", error=str(exc))
        report.failed[d.id] = str(exc)
        return "failed"
    except Exception as exc:
        _set(db_url, d.id, ("sending",), status="uncertain", error=f"unexpected {type(exc).__name__}: {exc}")
        report.uncertain.append(d.id)
        raise
    # 'uncertain' too: a concurrent run may have judged this in-flight draft abandoned.
    _set(db_url, d.id, ("sending", "uncertain"), status="sent", external_id=str(external_id), sent_at=_now(), error="")
    report.sent.append(d.id)
    return "sent"


def awaiting_send(db_url: str, case_id: int) -> int:
    """How many of the case's drafts a send run has to deal with: approved, or left 'sending' by a crash.

    A re-run of the crisis flow sends these even when nobody approves anything new in that run:
    the approval was given before the crash, and a 'sending' leftover must be settled (uncertain).
    """
    from sqlalchemy import func

    with session_scope(db_url) as session:
        return session.scalar(
            select(func.count()).select_from(ReplyDraft).where(ReplyDraft.case_id == case_id, ReplyDraft.status.in_(("approved", "sending")))
        ) or 0


def send_approved(db_url: str, case_id: int, sender: ReplySender, brand: BrandConfig) -> SendReport:
    """Send every approved draft of a case exactly once, DMs first; see the module docstring.

    Rate limits and transient errors end the batch (SendReport.rate_limited_until, .stopped);
    an AuthenticationError or an unexpected error is raised after the state is recorded.
    """
    report = SendReport(case_id=case_id)
    drafts, users, tweets = _targets(db_url, case_id)
    _recover(db_url, sender, drafts, users, tweets, report)
    by_person: dict[int, dict[str, ReplyDraft]] = {}
    for d in drafts:
        by_person.setdefault(d.complainant_id, {})[d.channel] = d
    try:
        for complainant_id, pair in by_person.items():
            dm, public = pair.get("dm"), pair.get("public")
            user_id = users.get(complainant_id, 0)
            if dm is not None and dm.status == "approved":
                dm.status = _send_one(db_url, sender, dm, user_id, tweets.get(dm.mention_id, 0), report) or dm.status
            if public is None or public.status not in ("approved", "pending"):
                continue
            if dm is not None and dm.status == "sent":
                if _set(db_url, public.id, ("approved", "pending"), status="not_needed"):
                    report.not_needed.append(public.id)
            elif dm is None or dm.status in ("dm_closed", "rejected"):
                if not brand.replies.allow_public_ack:
                    continue
                if public.status == "pending":
                    report.waiting.append(public.id)
                elif _send_one(db_url, sender, public, user_id, tweets.get(public.mention_id, 0), report) == "sent":
                    report.public_acks.append(public.id)
    except TransientError:
        pass  # the batch stops here (report.stopped says why); what was not sent stays 'approved'
    finally:
        _record(db_url, report)
    return report


def _record(db_url: str, report: SendReport) -> None:
    if not (report.sent or report.dm_closed or report.uncertain or report.failed or report.recovered or report.not_needed or report.stopped):
        return
    with session_scope(db_url) as session:
        session.add(
            CaseEvent(
                case_id=report.case_id,
                kind="replies_sent",
                message=(
                    f"{len(report.sent)} replies sent ({len(report.public_acks)} public), {len(report.dm_closed)} DMs closed, "
                    f"{len(report.uncertain)} uncertain, {len(report.failed)} failed" + (f"; stopped: {report.stopped}" if report.stopped else "")
                ),
                data=report.model_dump(mode="json"),
            )
        )
