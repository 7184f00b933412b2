"""`crisiswatch approve CASE`: review a case's reply drafts in the terminal and decide."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from crisiswatch.cli.common import plain
from crisiswatch.config import BrandConfig, load_config
from crisiswatch.db.models import Author, Brand, Case, Complainant, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.errors import ConfigError, CrisiswatchError, RejectedInput
from crisiswatch.replies.approval import ApprovalDecision, ApprovalResult, apply_decision
from crisiswatch.replies.text import strip_controls

OPEN_STATUSES = ("pending", "flagged", "approved", "uncertain")


def drafts_table(db_url: str, case_id: int, *, everything: bool = False) -> tuple[Table, int]:
    """A table of the case's drafts still open to a decision (all drafts with everything=True)."""
    with session_scope(db_url) as s:
        query = (
            select(ReplyDraft, Author.username)
            .join(Complainant, Complainant.id == ReplyDraft.complainant_id)
            .join(Author, Author.id == Complainant.author_id)
            .where(ReplyDraft.case_id == case_id)
            .order_by(ReplyDraft.id)
        )
        if not everything:
            query = query.where(ReplyDraft.status.in_(OPEN_STATUSES))
        rows = s.execute(query).all()
    table = Table(title=f"reply drafts of case {case_id}", show_lines=True)
    for col in ("id", "to", "channel", "lang", "status", "text"):
        table.add_column(col, overflow="fold")
    for d, username in rows:
        status = Text(d.status, style="red" if d.status in ("flagged", "uncertain") else "")
        if d.flag_reason or (d.status == "uncertain" and d.error):
            status.append("\n" + strip_controls(d.flag_reason or d.error), style="dim")
        table.add_row(str(d.id), plain("@" + username), d.channel, d.lang, status, plain(d.text))
    return table, len(rows)


def case_brand(db_url: str, case_id: int, config_path: Path | None) -> BrandConfig | None:
    """The case's brand config (for its forbidden words), when a config file is available."""
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise RejectedInput(f"no case {case_id} in the database")
        slug = s.scalar(select(Brand.slug).where(Brand.id == case.brand_id))
    if config_path is None:
        from crisiswatch.settings import get_settings

        config_path = get_settings().config_path
        if not config_path.exists():
            return None  # liability rules still apply; the brand's forbidden words need its config
    return load_config(config_path).brand(slug or "")


def _ids(text: str) -> list[int]:
    try:
        return [int(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise typer.BadParameter(f"expected draft ids separated by spaces, got {text!r}") from None


def parse_edits(values: list[str]) -> dict[int, str]:
    edits: dict[int, str] = {}
    for v in values:
        key, sep, text = v.partition("=")
        if not sep or not key.strip().isdigit():
            raise typer.BadParameter(f"--edit takes ID=TEXT, got {v!r}")
        edits[int(key)] = text.replace("\\n", "\n")
    return edits


def ask_decision(console: Console) -> ApprovalDecision | None:
    """Build a decision with prompts; None when the user quits."""
    d = ApprovalDecision()
    while True:
        choice = Prompt.ask(
            "[a] approve all  [s] approve some  [e] edit one  [r] reject  [d] done  [q] quit",
            choices=["a", "s", "e", "r", "d", "q"],
            default="d",
            console=console,
        )
        if choice == "q":
            return None
        if choice == "d":
            return d
        if choice == "a":
            d.approve_all = True
        elif choice == "s":
            d.approve += _ids(Prompt.ask("draft ids to approve", console=console))
        elif choice == "r":
            d.reject += _ids(Prompt.ask("draft ids to reject", console=console))
        elif choice == "e":
            draft_id = IntPrompt.ask("draft id to edit", console=console)
            d.edits[draft_id] = Prompt.ask("new text (\\n for a new line)", console=console).replace("\\n", "\n")


def print_result(console: Console, result: ApprovalResult) -> None:
    console.print(
        f"approved {result.approved or 'none'}, rejected {result.rejected or 'none'}, edited {result.edited or 'none'}",
        markup=False,
    )
    for i, reason in {**result.flagged, **result.ignored}.items():
        console.print(plain(f"draft {i}: {reason}"), style="yellow")


def register(app: typer.Typer) -> None:
    @app.command("approve")
    def approve(
        case_id: int = typer.Argument(..., metavar="CASE", help="the case id"),
        approve_all: bool = typer.Option(False, "--approve-all", help="approve every pending draft"),
        approve_ids: list[int] = typer.Option([], "--approve", help="approve this draft id (repeatable)"),
        reject_ids: list[int] = typer.Option([], "--reject", help="reject this draft id (repeatable)"),
        edit: list[str] = typer.Option([], "--edit", help="ID=TEXT: replace a draft's text (repeatable; \\n for a new line)"),
        approver: str = typer.Option(None, "--approver", help="who decides (default: your login name)"),
        comment: str = typer.Option("", "--comment", help="why, for the case record"),
        list_only: bool = typer.Option(False, "--list", help="only show the drafts"),
        database_url: str = typer.Option(None, envvar="CRISISWATCH_DATABASE_URL", help="SQLAlchemy URL"),
        config_path: Path = typer.Option(None, "--config", envvar="CRISISWATCH_CONFIG_PATH", help="brand config (for its forbidden words)"),
    ) -> None:
        """List a case's reply drafts and approve all or some, edit one, or reject."""
        from crisiswatch.cli.main import fail
        from crisiswatch.settings import get_settings

        out = Console(highlight=False)
        url = database_url or get_settings().database_url
        try:
            brand = case_brand(url, case_id, config_path)
            table, count = drafts_table(url, case_id, everything=list_only)
            out.print(table)
            if list_only:
                return
            flags_given = approve_all or approve_ids or reject_ids or edit
            if flags_given:
                decision = ApprovalDecision(approve_all=approve_all, approve=approve_ids, reject=reject_ids, edits=parse_edits(edit), comment=comment)
            else:
                if not count:
                    out.print("nothing waiting for a decision")
                    return
                asked = ask_decision(out)
                if asked is None or not Confirm.ask("apply this decision?", default=True, console=out):
                    out.print("nothing changed")
                    return
                decision = asked.model_copy(update={"comment": comment})
            who = approver or os.environ.get("CRISISWATCH_APPROVER") or getpass.getuser()
            result = apply_decision(url, case_id, decision, who, brand=brand)
        except (ConfigError, CrisiswatchError) as exc:
            fail(exc)
            return
        print_result(out, result)
        resume_waiting_run(out, case_id, who)


def resume_waiting_run(console: Console, case_id: int, approver: str) -> None:
    """Let a crisis run paused for this case's approval go on at once, where a Prefect API is configured.

    The decision is already stored: a run that cannot be reached sends the approved replies when its
    pause times out, so an unreachable API is a warning, not a failure.
    """
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return  # ephemeral mode: no run can be waiting in another process
    try:
        from flows.approval import resume_waiting_approval

        run_id = resume_waiting_approval(case_id, approver)
    except Exception as exc:  # noqa: BLE001 - any API trouble: the stored decision stands
        console.print(plain(f"could not reach Prefect to resume a waiting run ({type(exc).__name__}: {exc}); "
                            "the decision is stored and the run picks it up when its pause ends"), style="yellow")
        return
    if run_id is not None:
        console.print(f"resumed flow run {run_id}, which was waiting for this approval")
