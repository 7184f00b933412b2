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
import pytest

from flows.demo import DEMO_APPROVER, DemoResult, run_demo


@pytest.fixture(scope="module")
def demo(harness: None, tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_crisis_end_to_end(demo: DemoResult) -> None:
    truth = json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))
    result = demo

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


def test_rerunning_the_crisis_response_does_nothing_twice(demo: DemoResult, tmp_path: Path) -> None:
    from crisiswatch.demo.timeline import BRAND_CONFIG
    from flows.crisis import crisis_response
    from flows.demo import sandboxes

    result = demo
    assert result.case_id is not None

    def snapshot() -> tuple[int, int, int, int]:
        with session_scope(result.database_url) as s:
            return (
                s.scalar(select(func.count()).select_from(AdAction)) or 0,
                s.scalar(select(func.count()).select_from(Ticket)) or 0,
                s.scalar(select(func.count()).select_from(ReplyDraft)) or 0,
                s.scalar(select(func.count()).select_from(ReplyDraft).where(ReplyDraft.status == "sent")) or 0,
            )

    before = snapshot()
    # a fresh pair of sandboxes: the X one has sent nothing yet, so any re-send would show there
    with sandboxes(tmp_path / "again") as sb:
        import os

        from crisiswatch.settings import get_settings

        saved = {k: os.environ.get(k) for k in sb.env}
        os.environ.update({k: v for k, v in sb.env.items() if k != "CRISISWATCH_DATABASE_URL"})
        get_settings.cache_clear()
        try:
            again = crisis_response(case_id=result.case_id, brand="cosechaya", config_path=str(BRAND_CONFIG),
                                    database_url=result.database_url, until=result.declared_at)
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
            get_settings.cache_clear()
        assert sb.x.sent() == {"posts": [], "dms": []}
        assert sb.ads.api_mutations() == []
    assert snapshot() == before
    assert all(t["status"] in ("already_open", "opened") for t in again["tickets"])
    assert not any(t["status"] == "opened" for t in again["tickets"])
