"""The bundled crisis end to end under Prefect: monitor ticks → crisis declared → ads paused →
origin → tickets → drafts → approval form answered → replies sent → post-mortem → resolve,
through the real clients and the sandboxes, with the artifacts read back through the client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlalchemy import func, select

from crisiswatch.db.models import AdAction, Case, PostMortem, ReplyDraft, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TRUTH
from crisiswatch.settings import environment
from flows.demo import DEMO_APPROVER, DemoResult, DemoSandboxes, run_demo, sandboxes

TRUTH = json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_sandboxes(harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSandboxes]:
    with sandboxes(tmp_path_factory.mktemp("demo")) as sb:
        yield sb


@pytest.fixture(scope="module")
def demo(demo_sandboxes: DemoSandboxes) -> DemoResult:
    workdir = Path(demo_sandboxes.env["CRISISWATCH_CASEBOOK_DIR"]).parent
    return run_demo(workdir, running=demo_sandboxes)


def _artifacts(prefix: str) -> dict[str, list]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_=prefix)))
    by_key: dict[str, list] = {}
    for a in sorted(found, key=lambda a: a.created):
        by_key.setdefault(a.key, []).append(a)
    return by_key


def test_demo_crisis_end_to_end(demo: DemoResult, demo_sandboxes: DemoSandboxes) -> None:
    result = demo
    assert result.case_id is not None
    detect_by = datetime.fromisoformat(TRUTH["crisis"]["detect_by"].replace("Z", "+00:00"))
    assert result.declared_at is not None and result.declared_at <= detect_by
    with session_scope(result.database_url) as s:
        case = s.get(Case, result.case_id)
        assert case is not None
        assert case.origin["type"] == "unheard_customer"
        assert str(case.origin["patient_zero"]["x_id"]) == str(TRUTH["patient_zero"]["post_id"])
        paused = s.scalars(select(AdAction).where(AdAction.action == "pause")).all()
        assert {a.state for a in paused} == {"applied"} and len(paused) == 6  # the pre-paused campaign untouched
        assert s.scalar(select(func.count()).select_from(Ticket).where(Ticket.status == "open")) == 5
        sent = s.scalars(select(ReplyDraft).where(ReplyDraft.status == "sent")).all()
        assert sent and all(d.approver == DEMO_APPROVER and d.external_id for d in sent)
        postmortem = s.scalar(select(PostMortem).where(PostMortem.case_id == result.case_id))
        assert postmortem is not None and not postmortem.final and Path(postmortem.path).is_file()
    assert result.response["sent"] == len(sent)
    x_sent = demo_sandboxes.x.sent()
    assert len(x_sent["dms"]) + len(x_sent["posts"]) == len(sent)  # each approved text reached X once

    key = f"case-{result.case_id}-"
    artifacts = _artifacts(key + "%")
    assert artifacts[key + "progress"][-1].data == 100.0
    origin_rows = json.loads(artifacts[key + "origin"][-1].data)
    assert any("vale_ortizg" in json.dumps(row) for row in origin_rows)
    assert len(json.loads(artifacts[key + "tickets"][-1].data)) == 5
    markdown = artifacts[key + "postmortem"][-1].data
    assert "@vale\\_ortizg" in markdown or "vale_ortizg" in markdown


def test_resolve_resumes_what_was_paused_and_finalises(demo: DemoResult, demo_sandboxes: DemoSandboxes) -> None:
    from flows.resolve import resolve_crisis

    assert demo.case_id is not None and demo.declared_at is not None
    with environment(demo_sandboxes.env):
        done = resolve_crisis(
            case_id=demo.case_id, resolution="Refunds issued; charging bug fixed.", lessons="Answer every complaint within an hour.",
            brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=demo.database_url, now=demo.declared_at + timedelta(hours=6),
        )
    assert done
    statuses = demo_sandboxes.ads.statuses("1234567890")
    assert sorted(statuses.values()).count("PAUSED") == 1  # only the campaign paused before the crisis
    with session_scope(demo.database_url) as s:
        case = s.get(Case, demo.case_id)
        assert case is not None and case.status == "resolved" and "hour" in case.lessons
        assert s.scalar(select(func.count()).select_from(Ticket).where(Ticket.status == "open")) == 0
        assert s.scalar(select(PostMortem.final).where(PostMortem.case_id == demo.case_id)) is True
    versions = _artifacts(f"case-{demo.case_id}-postmortem")[f"case-{demo.case_id}-postmortem"]
    assert len(versions) >= 2 and "Answer every complaint within an hour" in versions[-1].data


def test_the_summary_shows_the_whole_postmortem_path_in_an_80_column_terminal(demo: DemoResult, monkeypatch) -> None:  # noqa: ANN001
    from rich.console import Console

    from crisiswatch.cli.demo import summary_table

    with session_scope(demo.database_url) as s:
        path = Path(s.scalars(select(PostMortem.path).where(PostMortem.case_id == demo.case_id)).one())
    monkeypatch.chdir(path.parent.parent.parent)  # where `make demo` runs: the path is printed from there
    console = Console(width=80, record=True)
    console.print(summary_table(demo, 64.0))
    screen = console.export_text()
    assert max(len(line) for line in screen.splitlines()) <= 80 and "…" not in screen
    cells = "".join(line.split("│")[2].strip() for line in screen.splitlines() if line.count("│") == 3)
    assert str(path.relative_to(Path.cwd())) in cells


def test_rerunning_the_crisis_response_does_nothing_twice(demo: DemoResult, tmp_path: Path) -> None:
    from flows.crisis import crisis_response

    assert demo.case_id is not None

    def snapshot() -> tuple[int, int, int, int]:
        with session_scope(demo.database_url) as s:
            return (
                s.scalar(select(func.count()).select_from(AdAction).where(AdAction.action == "pause")) or 0,
                s.scalar(select(func.count()).select_from(Ticket)) or 0,
                s.scalar(select(func.count()).select_from(ReplyDraft)) or 0,
                s.scalar(select(func.count()).select_from(ReplyDraft).where(ReplyDraft.status == "sent")) or 0,
            )

    before = snapshot()
    # fresh sandboxes: the X one has sent nothing yet, so any re-send would show there
    with sandboxes(tmp_path / "again") as sb, environment({k: v for k, v in sb.env.items() if k != "CRISISWATCH_DATABASE_URL"}):
        # drafts for people who joined later wait for a person: nobody answers the form this time
        again = crisis_response(case_id=demo.case_id, brand="cosechaya", config_path=str(BRAND_CONFIG),
                                database_url=demo.database_url, until=demo.declared_at, approval_timeout_seconds=2)
        assert sb.x.sent() == {"posts": [], "dms": []}
        assert sb.ads.api_mutations() == []
    assert snapshot() == before
    assert not any(t["status"] == "opened" for t in again["tickets"])
