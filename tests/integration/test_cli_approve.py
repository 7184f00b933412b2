"""`crisiswatch approve CASE`: flags and prompts apply the same decision; what people wrote stays inert."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.db.models import ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.replies.drafting import draft_replies
from tests.replies_support import TEMPLATES, Person, brand_config, make_case

runner = CliRunner()


def _case(db_url: str) -> tuple[int, list[int]]:
    people = [Person("ana", "Ana [bold red]x[/] \x1b[31mRED"), Person("bob", "Bob"), Person("cy", "Cy")]
    case_id, _ = make_case(db_url, people)
    return case_id, draft_replies(db_url, case_id, brand_config(allow_public_ack=False), TEMPLATES)


def _drafts(db_url: str, case_id: int) -> list[ReplyDraft]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))


def test_non_interactive_flags(db_url: str, tmp_path: Path) -> None:
    case_id, (a, b, c) = _case(db_url)
    cfg = tmp_path / "brand.yaml"
    cfg.write_text(yaml.safe_dump(brand_config(forbidden_words=["gratis"]).model_dump(mode="json")), encoding="utf-8")
    res = runner.invoke(
        app,
        ["approve", str(case_id), "--database-url", db_url, "--config", str(cfg), "--approve", str(a), "--approve", str(b),
         "--reject", str(c), "--edit", f"{b}=Hola Bob,\\nte escribimos gratis", "--approver", "maria"],
    )
    assert res.exit_code == 0, res.output
    assert "[bold red]x[/]" in res.output and "\x1b[31m" not in res.output  # shown literally, no escape sequence
    assert "forbidden word 'gratis'" in res.output
    da, db_, dc = _drafts(db_url, case_id)
    assert (da.status, db_.status, dc.status) == ("approved", "flagged", "rejected")
    assert da.approver == "maria" and db_.text == "Hola Bob,\nte escribimos gratis" and db_.edits[0]["by"] == "maria"


def test_interactive_prompts(db_url: str) -> None:
    case_id, (a, b, c) = _case(db_url)
    answers = "\n".join(["e", str(a), "Hi Ana, we are on it.", "s", f"{a} {b}", "r", str(c), "d", "y"]) + "\n"
    res = runner.invoke(app, ["approve", str(case_id), "--database-url", db_url, "--approver", "li"], input=answers)
    assert res.exit_code == 0, res.output
    da, db_, dc = _drafts(db_url, case_id)
    assert (da.status, db_.status, dc.status) == ("approved", "approved", "rejected")
    assert da.text == "Hi Ana, we are on it." and da.edits[0]["by"] == "li"


def test_quit_changes_nothing_and_unknown_case_fails_cleanly(db_url: str) -> None:
    case_id, _ = _case(db_url)
    res = runner.invoke(app, ["approve", str(case_id), "--database-url", db_url], input="a\nq\n")
    assert res.exit_code == 0 and all(d.status == "pending" for d in _drafts(db_url, case_id))
    res = runner.invoke(app, ["approve", "999", "--database-url", db_url, "--approve-all"])
    assert res.exit_code == 2 and "no case 999" in res.output
