"""`crisiswatch tickets list|show|close`: the department tickets of crisis cases."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from crisiswatch.cli.common import DB_OPTION, plain, resolve_url
from crisiswatch.errors import CrisiswatchError
from crisiswatch.replies.text import strip_controls

out = Console()


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def register(app: typer.Typer) -> None:
    """Add the `tickets` sub-app to the main CLI."""
    from crisiswatch.cli.main import fail

    tickets = typer.Typer(no_args_is_help=True, help="Department tickets opened for crisis cases.")

    @tickets.command("list")
    def list_(
        case: int = typer.Option(None, "--case", help="only this case"),
        status: str = typer.Option(None, "--status", help="pending, open, failed or closed"),
        database_url: str = DB_OPTION,
    ) -> None:
        """List tickets."""
        from crisiswatch.tickets.queue import list_tickets

        try:
            rows = list_tickets(resolve_url(database_url), case_id=case, status=status)
        except CrisiswatchError as exc:
            fail(exc)
        table = Table(title=f"{len(rows)} ticket(s)")
        for col in ("id", "case", "department", "backend", "status", "severity", "external", "SLA due (UTC)", "title"):
            table.add_column(col, overflow="fold")
        for t in rows:
            table.add_row(str(t.id), str(t.case_id), plain(t.department), plain(t.backend), plain(t.status), plain(t.severity),
                          plain(t.url or t.external_key), _when(t.sla_due_at), plain(t.title))
        out.print(table)

    @tickets.command("show")
    def show(ticket_id: int = typer.Argument(..., help="ticket id"), database_url: str = DB_OPTION) -> None:
        """Show one ticket with its body."""
        from crisiswatch.tickets.queue import get_ticket

        try:
            t = get_ticket(resolve_url(database_url), ticket_id)
        except CrisiswatchError as exc:
            fail(exc)
        table = Table(show_header=False, title=f"ticket {t.id}")
        table.add_column(style="bold")
        table.add_column()
        for k, v in (("title", t.title), ("case", str(t.case_id)), ("department", t.department), ("backend", t.backend),
                     ("status", t.status), ("severity", t.severity), ("external key", t.external_key), ("link", t.url),
                     ("SLA due (UTC)", _when(t.sla_due_at)), ("created (UTC)", _when(t.created_at)),
                     ("closed (UTC)", _when(t.closed_at)), ("idempotency key", t.idempotency_key), ("error", t.error)):
            if v:
                table.add_row(k, plain(v))
        out.print(table)
        out.print(Markdown(strip_controls(t.body or "")))

    @tickets.command("close")
    def close(
        ticket_id: int = typer.Argument(..., help="ticket id"),
        note: str = typer.Option("", "--note", help="how it was solved (kept in the case timeline)"),
        database_url: str = DB_OPTION,
    ) -> None:
        """Close a ticket in crisiswatch (external Jira/GitHub tickets are closed in their system)."""
        from crisiswatch.tickets.queue import close_ticket

        try:
            t = close_ticket(resolve_url(database_url), ticket_id, note=note)
        except CrisiswatchError as exc:
            fail(exc)
        out.print(Text(f"ticket {t.id} ({strip_controls(t.department)}) closed"))
        if t.backend in ("jira", "github") and t.external_key:
            out.print(plain(f"close the {t.backend} ticket {t.external_key} there too: {t.url}"), soft_wrap=True)

    app.add_typer(tickets, name="tickets")
