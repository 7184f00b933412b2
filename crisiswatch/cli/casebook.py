"""`crisiswatch casebook list|show|search|index` and `crisiswatch resolve CASE`: step 5 from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from crisiswatch.cli.common import DB_OPTION, resolve_url
from crisiswatch.errors import CrisiswatchError

out = Console()
CASEBOOK_OPTION = typer.Option(None, "--casebook-dir", envvar="CRISISWATCH_CASEBOOK_DIR", help="where post-mortems are written")


def _dir(casebook_dir: Path | None) -> Path:
    from crisiswatch.settings import Settings

    return casebook_dir or Settings().casebook_dir


def _cases_table(title: str) -> Table:
    table = Table(title=title)
    for col in ("case", "date (UTC)", "brand", "level", "origin", "category", "status", "lessons", "post-mortem"):
        table.add_column(col, overflow="fold")
    return table


def register(app: typer.Typer) -> None:
    """Add the `casebook` sub-app and the `resolve` command to the main CLI."""
    from crisiswatch.cli.main import fail

    casebook = typer.Typer(no_args_is_help=True, help="Past crises: their post-mortems, resolutions and lessons.")

    @casebook.command("list")
    def list_(
        brand: str = typer.Option(None, "--brand", help="only this brand (slug)"),
        status: str = typer.Option(None, "--status", help="open or resolved"),
        database_url: str = DB_OPTION,
    ) -> None:
        """List every case, newest first."""
        from crisiswatch.postmortem.casebook import list_cases

        try:
            cases = list_cases(resolve_url(database_url), brand_slug=brand, status=status)
        except CrisiswatchError as exc:
            fail(exc)
        table = _cases_table(f"{len(cases)} case(s)")
        for c in cases:
            table.add_row(str(c.case_id), f"{c.declared_at:%Y-%m-%d %H:%M}", c.brand_slug, c.level, c.origin_type or "-",
                          c.category, c.status, "yes" if c.has_lessons else "-",
                          (c.postmortem_path + (" (final)" if c.postmortem_final else "")) or "-")
        out.print(table)

    @casebook.command("show")
    def show(
        case_id: int = typer.Argument(..., help="case id"),
        raw: bool = typer.Option(False, "--raw", help="print the Markdown source instead of rendering it"),
        database_url: str = DB_OPTION,
    ) -> None:
        """Show a case's post-mortem (or its facts when none is written yet)."""
        from crisiswatch.postmortem.casebook import get_case

        try:
            c = get_case(resolve_url(database_url), case_id)
        except CrisiswatchError as exc:
            fail(exc)
        if c.postmortem_markdown:
            if raw:
                typer.echo(c.postmortem_markdown, nl=False)
            else:
                out.print(Markdown(c.postmortem_markdown))
            return
        table = Table(show_header=False, title=f"case {c.case_id}: no post-mortem written yet")
        for k, v in (("brand", c.brand_name), ("declared (UTC)", f"{c.declared_at:%Y-%m-%d %H:%M}"), ("level", c.level),
                     ("status", c.status), ("category", c.category), ("origin", c.origin_type), ("why", c.explanation),
                     ("resolution", c.resolution), ("lessons", c.lessons)):
            if v:
                table.add_row(k, v)
        out.print(table)

    @casebook.command("search")
    def search_(
        text: str = typer.Argument(..., help="words to look for in post-mortems, lessons, resolutions, origins"),
        limit: int = typer.Option(20, "--limit", min=1),
        database_url: str = DB_OPTION,
    ) -> None:
        """Search past cases; the best matches first."""
        from crisiswatch.postmortem.casebook import search

        try:
            hits = search(resolve_url(database_url), text, limit=limit)
        except CrisiswatchError as exc:
            fail(exc)
        table = Table(title=f"{len(hits)} case(s) matching {text!r}")
        for col in ("case", "date (UTC)", "brand", "status", "origin", "score", "matched in", "excerpt"):
            table.add_column(col, overflow="fold")
        for h in hits:
            c = h.case
            table.add_row(str(c.case_id), f"{c.declared_at:%Y-%m-%d}", c.brand_slug, c.status, c.origin_type or "-",
                          str(h.score), ", ".join(h.fields), h.snippet)
        out.print(table)

    @casebook.command("index")
    def index(database_url: str = DB_OPTION, casebook_dir: Path = CASEBOOK_OPTION) -> None:
        """Regenerate the casebook's index page (README.md)."""
        from crisiswatch.postmortem.casebook import write_index

        try:
            path = write_index(resolve_url(database_url), _dir(casebook_dir))
        except CrisiswatchError as exc:
            fail(exc)
        out.print(f"index written: {path}")

    app.add_typer(casebook, name="casebook")

    @app.command("resolve")
    def resolve_cmd(
        case_id: int = typer.Argument(..., help="case id"),
        resolution: str = typer.Option(None, "--resolution", help="how the crisis was solved (asked when missing)"),
        lessons: str = typer.Option(None, "--lessons", help="what to do differently next time (asked when missing)"),
        brand: str = typer.Option(None, "--brand", help="brand slug (default: the case's brand)"),
        config: Path = typer.Option(None, "--config", envvar="CRISISWATCH_CONFIG_PATH", help="brand config YAML"),
        database_url: str = DB_OPTION,
        keep_ads_paused: bool = typer.Option(False, "--keep-ads-paused", help="do not resume the campaigns crisiswatch paused"),
    ) -> None:
        """Close a crisis: resolved, ads resumed, tickets closed, the post-mortem made final (runs the resolve-crisis flow)."""
        from crisiswatch.postmortem.closing import case_state

        url = resolve_url(database_url)
        try:
            state = case_state(url, case_id)
        except CrisiswatchError as exc:
            fail(exc)
        if state.status != "resolved":
            if resolution is None:
                resolution = typer.prompt("How was the crisis solved?", default=state.resolution or None)
            if lessons is None:
                lessons = typer.prompt("Lessons (what to do differently next time)", default=state.lessons or "", show_default=False)
        from flows.resolve import resolve_crisis

        try:
            result = resolve_crisis(case_id, resolution=resolution, lessons=lessons, brand=brand,
                                    config_path=str(config) if config else None, database_url=url, resume_ads=not keep_ads_paused)
        except CrisiswatchError as exc:
            fail(exc)
        pm, ads, tickets = result["postmortem"], result["ads"], result["tickets"]
        out.print(f"case {case_id} resolved{' (already)' if result['case']['already_resolved'] else ''}")
        if ads:
            out.print(f"ads: {len(ads.get('applied', [])) + len(ads.get('reconciled', []))} resumed, {len(ads.get('already', []))} already, "
                      f"{len(ads.get('skipped', {}))} left as they are")
        out.print(f"tickets: {len(tickets['closed'])} closed, {len(tickets['close_elsewhere'])} to close in their system")
        for where in tickets["close_elsewhere"].values():
            out.print(f"  close there: {where}", soft_wrap=True)
        out.print(f"post-mortem (final): {pm['path']}")
