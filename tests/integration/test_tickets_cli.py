"""`crisiswatch tickets list|show|close` on a database with opened tickets."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.db.models import CaseEvent, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.settings import Settings
from crisiswatch.tickets.opening import open_case_tickets
from tests.integration.ticket_servers import GITHUB_TOKEN, GitHubServer
from tests.integration.tickets_seed import NOW, brand_config, seed_case


@pytest.fixture
def opened(db_url: str, github: GitHubServer) -> dict[str, int]:
    case_id = seed_case(db_url)
    brand = brand_config(routing=[{"departments": ["support", "engineering"]}])
    settings = Settings(_env_file=None, github_api_url=github.url, github_token=GITHUB_TOKEN)  # type: ignore[call-arg]
    outcomes = open_case_tickets(db_url, case_id, brand, settings, now=NOW)
    assert [o.status for o in outcomes] == ["opened", "opened"]
    return {o.department: o.ticket_id for o in outcomes} | {"case": case_id}  # type: ignore[dict-item]


def run(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["tickets", *args], env={"CRISISWATCH_DATABASE_URL": db_url, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_list_filters_by_case_and_status(db_url: str, opened: dict[str, int]) -> None:
    out = run(db_url, "list")
    assert "2 ticket(s)" in out and "support" in out and "engineering" in out and "https://github.com/acme/crisis/issues/1" in out
    assert "0 ticket(s)" in run(db_url, "list", "--case", str(opened["case"] + 1))
    assert "2 ticket(s)" in run(db_url, "list", "--case", str(opened["case"]), "--status", "open")
    assert "0 ticket(s)" in run(db_url, "list", "--status", "closed")


def test_show_prints_fields_and_body(db_url: str, opened: dict[str, int]) -> None:
    out = run(db_url, "show", str(opened["support"]))
    assert f"case-{opened['case']}-support" in out and "database" in out and "Resumen" in out and "Evidencia" in out


def test_close_database_ticket_records_the_note(db_url: str, opened: dict[str, int]) -> None:
    out = run(db_url, "close", str(opened["support"]), "--note", "refund issued to every affected customer")
    assert f"ticket {opened['support']} (support) closed" in out and "there too" not in out
    with session_scope(db_url) as s:
        t = s.get(Ticket, opened["support"])
        assert t is not None and t.status == "closed" and t.closed_at is not None
        ev = s.scalars(select(CaseEvent).where(CaseEvent.kind == "ticket_closed")).one()
        assert ev.data["note"] == "refund issued to every affected customer" and ev.data["previous_status"] == "open"
    assert "1 ticket(s)" in run(db_url, "list", "--status", "closed")


def test_close_external_ticket_says_where_to_close_it(db_url: str, opened: dict[str, int]) -> None:
    out = run(db_url, "close", str(opened["engineering"]))
    assert "close the github ticket acme/crisis#1 there too" in out


def test_errors_exit_2_without_trace(db_url: str, opened: dict[str, int]) -> None:
    runner = CliRunner()
    env = {"CRISISWATCH_DATABASE_URL": db_url}
    r = runner.invoke(app, ["tickets", "show", "999"], env=env)
    assert r.exit_code == 2 and "no ticket 999" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["tickets", "list", "--status", "bogus"], env=env)
    assert r.exit_code == 2 and "unknown ticket status 'bogus'" in r.output
    run(db_url, "close", str(opened["support"]))
    r = runner.invoke(app, ["tickets", "close", str(opened["support"])], env=env)
    assert r.exit_code == 2 and "already closed" in r.output
