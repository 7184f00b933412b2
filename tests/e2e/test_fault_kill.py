"""The worker killed in the middle of the crisis response, then the flow re-run: nothing done twice,
nothing lost, the case complete.

The response runs in a child process (tests/e2e/crash_driver.py) against this session's Prefect API
and the sandboxes of the test; the child SIGKILLs itself at the chosen side effect. The re-run is
in-process. The sandboxes' own logs (Google Ads mutations, X posts and DMs) are the witnesses. Each kill
runs on SQLite and on PostgreSQL (the declared case's rows copied into a fresh schema).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from crisiswatch.db.models import CaseEvent, ReplyDraft, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.demo.timeline import BRAND_CONFIG
from crisiswatch.settings import environment
from flows.demo import approve_when_paused, sandboxes
from tests.e2e.crash_driver import KILLED_MARK
from tests.e2e.prove_support import FAKE, OTHER_SECRETS, DeclaredCase, Effects, effects

REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS_TO_PAUSE = 6  # crisiswatch/demo/ads.yaml: 7 campaigns, one already paused


def _run_child(case: DeclaredCase, kill_at: str) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "tests.e2e.crash_driver", "--case", str(case.case_id), "--until", case.declared_at.isoformat(),
         "--config", str(BRAND_CONFIG), "--kill-at", kill_at],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=240,
    )


def _sent_keys(sent: dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    return [("dm", d["participant_id"], d["text"]) for d in sent["dms"]] + \
           [("public", p["in_reply_to_tweet_id"], p["text"]) for p in sent["posts"]]


@pytest.mark.slow
@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("kill_at", ["ads", "tickets:2", "send:2"])
def test_killed_crisis_response_rerun_does_nothing_twice_and_completes(
    declared_case: DeclaredCase, kill_at: str, store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    case_id = declared_case.case_id
    if store == "postgresql":  # the store production runs on: row locks, and a killed client's open transaction
        db_url = declared_case.copy_into(request.getfixturevalue("postgres_db_url"))
    else:
        db_url = declared_case.copy_to(tmp_path)
    with sandboxes(tmp_path, FAKE) as sb, environment({**sb.env, **OTHER_SECRETS, "CRISISWATCH_DATABASE_URL": db_url}):
        stop = threading.Event()
        approve_when_paused(stop)
        try:
            child = _run_child(declared_case, kill_at)
            assert child.returncode == -signal.SIGKILL and KILLED_MARK in child.stdout, child.stdout[-3000:] + child.stderr[-3000:]
            at_kill: Effects = effects(db_url, case_id)
            sent_at_kill = _sent_keys(sb.x.sent())
            if kill_at == "ads":
                assert sb.ads.api_mutations() and at_kill.ads_applied == 0  # paused in Google Ads, not yet on record
            elif kill_at == "tickets:2":
                assert at_kill.tickets_open == 2 and at_kill.tickets >= 3  # the third row claimed, never recorded
            else:
                assert at_kill.sending == 1 and at_kill.sent == 2 and len(sent_at_kill) == 3

            again = declared_case.run_response(db_url)
        finally:
            stop.set()
        final = effects(db_url, case_id)
        mutations = sb.ads.api_mutations()
        sent = _sent_keys(sb.x.sent())

    # each campaign paused exactly once, all of them on record
    paused = Counter((m.customer_id, m.campaign_id) for m in mutations if m.new_status == "PAUSED")
    assert len(paused) == CAMPAIGNS_TO_PAUSE and set(paused.values()) == {1}, paused
    assert final.ads_applied == CAMPAIGNS_TO_PAUSE and "error" not in again["ads"]
    # each ticket opened once
    with session_scope(db_url) as s:
        tickets = s.scalars(select(Ticket).where(Ticket.case_id == case_id)).all()
        opened = Counter(e.data["ticket_id"] for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                                                      CaseEvent.kind == "ticket_opened")))
        drafts = s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id)).all()
    assert tickets and {t.status for t in tickets} == {"open"}
    assert len({t.department for t in tickets}) == len(tickets) and opened == Counter({t.id: 1 for t in tickets})
    # each reply handed to X at most once; nothing approved left behind
    assert len(sent) == len(set(sent)), Counter(sent).most_common(3)
    assert final.sending == 0
    assert final.sent > 0 and len(sent) == final.sent + final.uncertain
    uncertain = [d for d in drafts if d.status == "uncertain"]
    # approved and unsent only where the person's DM is uncertain: their public reply waits for that check
    waiting = {d.complainant_id for d in drafts if d.status == "approved"}
    assert waiting <= {d.complainant_id for d in uncertain}, waiting
    if kill_at == "send:2":
        # the draft X accepted just before the kill was never re-sent: a person checks it
        assert len(uncertain) == 1
        assert sum(1 for k in sent if k[2] == uncertain[0].text) == 1 and sent_at_kill[-1][2] == uncertain[0].text
    else:
        assert not uncertain and final.approved == 0
