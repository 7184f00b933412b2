"""The approval pause under a real (temporary) Prefect server: resumed with input, or timed out."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.flow_runs import resume_flow_run
from prefect.input.actions import read_flow_run_input
from sqlalchemy import select
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.db.models import CaseEvent, ReplyDraft
from crisiswatch.db.session import session_scope, upgrade_database
from crisiswatch.errors import AuthenticationError, RateLimited
from crisiswatch.replies.approval import ApprovalDecision, apply_decision
from crisiswatch.replies.drafting import draft_replies
from flows.approval import PAUSED_RUNS, request_approval
from tasks.replies import send_approved_replies
from tests.replies_support import TEMPLATES, FakeSender, Person, brand_config, make_case


@pytest.fixture
def prefect_server(harness: None) -> None:
    """The session's temporary Prefect API."""


@pytest.fixture
def case(tmp_path: Path) -> tuple[str, int, list[int]]:
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    upgrade_database(url)
    case_id, _ = make_case(url, [Person("ana", "Ana [x](http://e.vil) **b**"), Person("bob", "Bob"), Person("cy", "Cy")])
    ids = draft_replies(url, case_id, brand_config(allow_public_ack=False), TEMPLATES)
    return url, case_id, ids


@flow(name="crisis-replies-under-test")
def _crisis(db_url: str, case_id: int, timeout_seconds: int):  # type: ignore[no-untyped-def]
    return request_approval(db_url, case_id, timeout_seconds=timeout_seconds, brand=brand_config(), poll_interval_seconds=1)


def _paused_run(deadline: float):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_run_filter=PAUSED_RUNS)
            if runs:
                return runs[0]
            time.sleep(0.3)
    raise AssertionError("the approval subflow never paused")


def _start_and_pause(url: str, case_id: int, timeout_seconds: int):  # type: ignore[no-untyped-def]
    """The approval flow started in a thread, once it has paused: the thread, where its result lands, the paused run."""
    out: dict[str, object] = {}
    t = threading.Thread(target=lambda: out.setdefault("result", _crisis(url, case_id, timeout_seconds)), daemon=True)
    t.start()
    return t, out, _paused_run(time.monotonic() + 60)


def _statuses(url: str, case_id: int) -> list[str]:
    with session_scope(url) as s:
        return list(s.scalars(select(ReplyDraft.status).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))


def test_a_person_resumes_the_flow_with_a_decision(prefect_server: None, case: tuple[str, int, list[int]]) -> None:
    url, case_id, (a, b, c) = case
    t, out, run = _start_and_pause(url, case_id, 30)
    # The form's description lists the drafts, with what people wrote escaped for Markdown.
    description = read_flow_run_input(f"paused-reply-approval-{case_id}-description", flow_run_id=run.id)
    assert f"| {a} | @ana | dm | pending |" in description and "\\[x\\](http://e.vil)" in description and "[x](" not in description
    resume_flow_run(run.id, run_input={"approve": [a, b], "reject": [c], "edits": {str(b): "Hi Bob, we are on it."}, "approver": "maria"})
    t.join(60)
    result = out["result"]
    assert result.approved == [a, b] and result.rejected == [c] and result.edited == [b] and result.approver == "maria"
    assert _statuses(url, case_id) == ["approved", "approved", "rejected"]


def test_crisiswatch_approve_resumes_the_waiting_run(prefect_server: None, case: tuple[str, int, list[int]]) -> None:
    url, case_id, (a, b, c) = case
    t, out, run = _start_and_pause(url, case_id, 120)
    cli = CliRunner().invoke(app, ["approve", str(case_id), "--approve", str(a), "--reject", str(c),
                                   "--approver", "maria", "--database-url", url])
    assert cli.exit_code == 0, cli.output
    assert f"resumed flow run {run.id}" in cli.output
    t.join(60)
    assert not t.is_alive(), "the run kept waiting for its pause to time out"
    assert out["result"] is None  # the form carried no decision: the CLI's stands, applied once
    assert _statuses(url, case_id) == ["approved", "pending", "rejected"]
    with session_scope(url) as s:
        decisions = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "replies_decision")))
    assert [e.data["approver"] for e in decisions] == ["maria"]
    # nothing else waits for this case: a second decision resumes no run
    again = CliRunner().invoke(app, ["approve", str(case_id), "--approve", str(b), "--approver", "maria", "--database-url", url])
    assert again.exit_code == 0 and "resumed flow run" not in again.output


def test_on_timeout_the_drafts_stay_pending(prefect_server: None, case: tuple[str, int, list[int]]) -> None:
    url, case_id, _ = case
    assert _crisis(url, case_id, 2) is None
    assert _statuses(url, case_id) == ["pending", "pending", "pending"]


class _LimitedOnce(FakeSender):
    """Rate limited on the second message only, once; counts calls."""

    calls: int = 0

    def send_dm(self, user_id: int, text: str) -> str:
        self.calls += 1
        if self.calls == 2:
            raise RateLimited("429", reset_at=time.time())
        return super().send_dm(user_id, text)


class _Refused(FakeSender):
    calls: int = 0

    def send_dm(self, user_id: int, text: str) -> str:
        self.calls += 1
        raise AuthenticationError("401 Unauthorized", setting="CRISISWATCH_X_ACCESS_TOKEN")


def test_send_task_retries_rate_limits_only(prefect_server: None, case: tuple[str, int, list[int]]) -> None:
    url, case_id, ids = case
    apply_decision(url, case_id, ApprovalDecision(approve_all=True), "maria")
    task = send_approved_replies.with_options(retry_delay_seconds=0)
    limited = _LimitedOnce()

    @flow
    def send(sender):  # type: ignore[no-untyped-def]
        return task(url, case_id, sender, brand_config())

    report = send(limited)
    assert limited.calls == 4 and len(limited.outbox) == 3  # 1 sent, 429, then a retry sent the other 2
    assert sorted(report.sent) == sorted(ids[1:]) and _statuses(url, case_id) == ["sent"] * 3

    url2, case2 = url, case_id
    with session_scope(url2) as s:
        for d in s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case2)):
            d.status = "approved"
    refused = _Refused()
    with pytest.raises(AuthenticationError):
        send(refused)
    assert refused.calls == 1  # never retried: the credentials must be fixed
    assert _statuses(url, case_id) == ["approved"] * 3
