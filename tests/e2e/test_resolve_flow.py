"""The resolve-crisis flow under Prefect: ads we paused resumed (only those), tickets closed, post-mortem final, artifacts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
)
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import Brand, Case, CaseEvent, PostMortem, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.settings import get_settings
from flows.approval import PAUSED_RUNS
from flows.resolve import resolve_crisis
from tasks.postmortem import artifact_key, write_postmortem
from tests.integration.postmortem_demo import BRAND_YAML, add_demo_campaigns, load_demo_store, open_demo_case

pytestmark = pytest.mark.slow
LESSONS = "- Responder cada queja de cobro en menos de 1 hora\n- Reembolsar primero, explicar después"


@pytest.fixture(autouse=True)
def _prefect(harness: None) -> None:
    """Every test here runs against the session's temporary Prefect API."""


@pytest.fixture
def demo_env(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[GoogleAdsSandbox, dict[str, Any]]]:
    """The Google Ads sandbox with the demo brand's accounts, and the environment pointing crisiswatch at it."""
    with GoogleAdsSandbox() as sb:
        enabled, paused = add_demo_campaigns(sb)
        for k, v in sb.env().items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("CRISISWATCH_DATABASE_URL", sqlite_url)
        monkeypatch.setenv("CRISISWATCH_CONFIG_PATH", str(BRAND_YAML))
        monkeypatch.setenv("CRISISWATCH_CASEBOOK_DIR", str(tmp_path / "casebook"))
        monkeypatch.setenv("CRISISWATCH_ADS_DRY_RUN", "false")
        monkeypatch.delenv("CRISISWATCH_GOOGLE_ADS_LOGIN_CUSTOMER_ID", raising=False)
        get_settings.cache_clear()
        yield sb, {"enabled": enabled, "paused": paused}
    get_settings.cache_clear()


def read_artifacts(key: str, since: datetime) -> list[Any]:
    """This test's versions of an artifact (the session's Prefect API is shared with other tests)."""
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return sorted((a for a in found if a.created >= since), key=lambda a: a.created)


def test_resolve_resumes_our_campaigns_closes_tickets_and_finalises_the_postmortem(sqlite_url: str, demo_env) -> None:
    sb, campaigns = demo_env
    demo = open_demo_case(sqlite_url, load_demo_store(sqlite_url), settings=get_settings())
    case_id = demo.case_id
    for cid, ids in campaigns["enabled"].items():
        assert all(sb.status(cid, c) == "PAUSED" for c in ids)

    started = datetime.now(timezone.utc)

    @flow(name="crisis-draft-under-test")
    def draft() -> dict:
        return write_postmortem(sqlite_url, case_id, "cosechaya")

    drafted = draft()
    assert drafted["artifact_key"] == artifact_key(case_id) == f"case-{case_id}-postmortem" and not drafted["final"]
    mutations = len(sb.api_mutations())

    out = resolve_crisis(case_id, resolution="Reembolso de los dos cobros y llamada a la clienta.", lessons=LESSONS)

    # only the campaigns crisiswatch paused are enabled again; those paused in advance stay paused
    for cid, ids in campaigns["enabled"].items():
        assert all(sb.status(cid, c) == "ENABLED" for c in ids)
    for cid, ids in campaigns["paused"].items():
        assert all(sb.status(cid, c) == "PAUSED" for c in ids)
    resumed = sb.api_mutations()[mutations:]
    assert sorted(m.campaign_id for m in resumed) == sorted(c for ids in campaigns["enabled"].values() for c in ids)
    assert len(out["ads"]["applied"]) == 5

    with session_scope(sqlite_url) as s:
        case = s.get(Case, case_id)
        tickets = list(s.scalars(select(Ticket).where(Ticket.case_id == case_id)))
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        pm = s.scalar(select(PostMortem).where(PostMortem.case_id == case_id))
    assert case.status == "resolved" and case.resolved_at is not None and case.lessons == LESSONS.strip()
    assert tickets and all(t.status == "closed" and t.closed_at for t in tickets)
    assert kinds.count("resolved") == 1 and kinds.count("ticket_closed") == len(tickets) and "ads_resumed" in kinds

    # the final post-mortem: file, row, the closed case's facts
    path = Path(out["postmortem"]["path"])
    assert pm.final and pm.path == str(path.resolve()) and path.read_text(encoding="utf-8") == pm.markdown
    md = pm.markdown
    assert "> Versión final: el caso está cerrado." in md
    assert f"| Resuelta | {case.resolved_at - timedelta(hours=5):%Y-%m-%d %H:%M} UTC-5 |" in md  # Medellín's clock
    assert "- Responder cada queja de cobro en menos de 1 hora" in md and "- Reembolsar primero, explicar después" in md
    assert "Campaña aún pausada" not in md and "Ticket abierto" not in md
    actions = md.split("## Acciones", 1)[1].split("\n## ", 1)[0]
    assert actions.count("| anuncio reactivado |") == 5 and actions.count("| ticket cerrado |") == len(tickets)
    index = (path.parent / "README.md").read_text(encoding="utf-8")
    assert f"| {case_id} | Cosecha Ya | crisis | unheard\\_customer | billing\\_payments | resolved (final) | ✓ |" in index

    # the artifact's history, read back through the Prefect API: the draft, then the final version
    versions = read_artifacts(artifact_key(case_id), started)
    assert len(versions) == 2 and versions[0].type == versions[1].type == "markdown"
    assert "> Borrador" in versions[0].data and "> Versión final" in versions[1].data
    assert "Reembolsar primero, explicar después" in versions[1].data
    assert "](data:image/svg+xml;base64," in versions[1].data  # the chart travels with the artifact

    # resolving again changes nothing
    again = resolve_crisis(case_id, resolution="otra cosa", lessons="")
    assert len(sb.api_mutations()) == mutations + 5
    assert again["case"]["already_resolved"] and sorted(again["ads"]["already"]) == sorted(out["ads"]["applied"])
    with session_scope(sqlite_url) as s:
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        assert s.get(Case, case_id).lessons == LESSONS.strip()
        assert len(list(s.scalars(select(PostMortem).where(PostMortem.case_id == case_id)))) == 1
    assert kinds.count("resolved") == 1 and kinds.count("ticket_closed") == len(tickets)


def _open_case(db_url: str, case_id: int, category: str) -> None:
    """An open crisis case of the brand Cosecha Ya."""
    with session_scope(db_url) as s:
        brand = Brand(slug="cosechaya", name="Cosecha Ya", handle="CosechaYa")
        s.add(brand)
        s.flush()
        s.add(Case(id=case_id, brand_id=brand.id, level="crisis", category=category))


def test_resolve_asks_for_resolution_and_lessons_with_a_form(sqlite_url: str, demo_env) -> None:
    _open_case(sqlite_url, 7001, "delivery_logistics")
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(resolve_crisis(7001, form_poll_seconds=1)), daemon=True)
    worker.start()

    paused = None
    deadline = time.monotonic() + 60
    with get_client(sync_client=True) as client:
        while paused is None and time.monotonic() < deadline:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["resolve-crisis"])),
                flow_run_filter=PAUSED_RUNS,
            )
            paused = next((r for r in runs if r.name == "resolve-crisis-case-7001"), None)
            time.sleep(0.3)
    assert paused is not None, "the flow never paused for its form"
    with session_scope(sqlite_url) as s:
        assert s.get(Case, 7001).status == "open"  # nothing closed before the answer
    resume_flow_run(paused.id, run_input={"resolution": "Repartidor cambiado; pedidos reenviados.", "lessons": "Avisar de retrasos antes"})
    worker.join(60)
    assert results and results[0]["case"]["already_resolved"] is False
    with session_scope(sqlite_url) as s:
        case = s.get(Case, 7001)
        assert (case.status, case.resolution, case.lessons) == ("resolved", "Repartidor cambiado; pedidos reenviados.", "Avisar de retrasos antes")
    md = Path(results[0]["postmortem"]["path"]).read_text(encoding="utf-8")
    assert "- Avisar de retrasos antes" in md and "Repartidor cambiado; pedidos reenviados." in md


def test_resolve_command_runs_the_flow(sqlite_url: str, demo_env) -> None:
    from typer.testing import CliRunner

    from crisiswatch.cli.main import app

    _open_case(sqlite_url, 7002, "customer_service")
    with session_scope(sqlite_url) as s:
        s.add(Ticket(case_id=7002, department="legal", backend="jira", idempotency_key="j1", external_key="LEG-7",
                     url="https://jira.example/browse/LEG-7", status="open"))
    args = ["resolve", "7002", "--resolution", "Disculpa pública y reembolso.", "--lessons", "Revisar los textos con legal"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "case 7002 resolved" in result.output and "https://jira.example/browse/LEG-7" in result.output
    with session_scope(sqlite_url) as s:
        assert s.get(Case, 7002).status == "resolved"
        ticket = s.scalar(select(Ticket).where(Ticket.case_id == 7002))
        notes = [e for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == 7002, CaseEvent.kind == "ticket_close_elsewhere"))]
    assert ticket.status == "open" and len(notes) == 1 and "LEG-7" in notes[0].message  # closed in Jira, not by us
    again = CliRunner().invoke(app, ["resolve", "7002"])
    assert again.exit_code == 0 and "resolved (already)" in again.output
    with session_scope(sqlite_url) as s:
        assert len(list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == 7002, CaseEvent.kind == "ticket_close_elsewhere")))) == 1
