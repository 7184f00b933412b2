"""The bundled crisis end to end: monitor ticks → crisis declared → ads paused → origin → tickets
→ drafts → approval form answered → replies sent, through the real clients and the sandboxes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from crisiswatch.db.models import AdAction, Case, ReplyDraft, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.demo.timeline import BUNDLED_TRUTH
from flows.demo import DEMO_APPROVER, run_demo


def test_demo_crisis_end_to_end(harness: None, tmp_path: Path) -> None:
    truth = json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))
    result = run_demo(tmp_path / "demo")

    assert result.case_id is not None
    detect_by = datetime.fromisoformat(truth["crisis"]["detect_by"].replace("Z", "+00:00"))
    assert result.declared_at is not None and result.declared_at <= detect_by
    with session_scope(result.database_url) as s:
        case = s.get(Case, result.case_id)
        assert case is not None
        assert case.origin["type"] == "unheard_customer"
        assert str(case.origin["patient_zero"]["x_id"]) == str(truth["patient_zero"]["post_id"])
        paused = s.scalars(select(AdAction).where(AdAction.action == "pause")).all()
        assert {a.state for a in paused} == {"applied"} and len(paused) == 6  # the pre-paused campaign untouched
        assert s.scalar(select(func.count()).select_from(Ticket).where(Ticket.status == "open")) == 5
        sent = s.scalars(select(ReplyDraft).where(ReplyDraft.status == "sent")).all()
        assert sent and all(d.approver == DEMO_APPROVER and d.external_id for d in sent)
    assert result.response["sent"] == len(sent)
