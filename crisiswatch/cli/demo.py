"""`crisiswatch demo`: the bundled crisis, end to end, on the embedded defaults."""

from __future__ import annotations

import os
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()


def _quiet_prefect(workdir: Path) -> Path:
    """Keep the demo's run history in its own Prefect home, and Prefect's console to errors only."""
    home = workdir / "prefect"
    os.environ.setdefault("PREFECT_HOME", str(home.resolve()))
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_LOGGING_INTERNAL_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    warnings.filterwarnings("ignore")
    return Path(os.environ["PREFECT_HOME"])


def _relative(path: str) -> str:
    """A path below the working directory as written from there (what `make demo` prints is short)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def summary_table(result: Any, elapsed: float) -> Table:
    from crisiswatch.demo.report import demo_summary

    table = Table(title="crisiswatch demo: what happened", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")  # a narrow terminal wraps the post-mortem's path, never cuts it
    for label, value in demo_summary(result.database_url, result.case_id):
        table.add_row(label, _relative(value) if label == "post-mortem" else value)
    table.add_row("wall time", f"{elapsed:.0f} s for {result.ticks} monitor ticks over {result.mentions:,} mentions")
    return table


def demo(
    workdir: Path = typer.Option(Path(".crisiswatch-demo"), help="where the demo keeps its database, casebook and run history"),
) -> None:
    """Replay the bundled Cosecha Ya crisis end to end: SQLite, ephemeral Prefect, local sandboxes, no credentials."""
    prefect_home = _quiet_prefect(workdir)
    console.print(
        "[bold]crisiswatch demo[/]: Cosecha Ya, a fictional delivery app from Medellín. Four calm days of Spanish and "
        "English mentions, a viral compliment, a troll, then a customer nobody answered starts a crisis.\n"
        "Everything runs through the real clients (tweepy, google-ads) against local sandboxes, in simulated time.\n"
    )
    from flows.demo import DEMO_APPROVER, run_demo  # imports Prefect: after its settings are in place

    started = time.monotonic()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("starting the sandboxes and Prefect", total=None)

        def on_tick(now: datetime, tick: dict[str, Any]) -> None:
            level = tick.get("level") or "learning"
            style = {"crisis": "bold red", "watch": "yellow"}.get(level, "green")
            bar.update(task, description=f"{now:%a %d %b %H:%M} UTC · +{tick['new_mentions']} mentions · level [{style}]{level}[/]")
            if tick.get("case_opened"):
                bar.console.print(f"[bold red]crisis declared[/] at {now:%Y-%m-%d %H:%M} UTC (simulated): case {tick['case_id']}, response run")

        result = run_demo(workdir, on_tick)
        bar.update(task, description="done", total=1, completed=1)
    elapsed = time.monotonic() - started
    if result.case_id is None:
        console.print("[bold red]The demo ended without declaring a crisis[/]: that is a bug, please report it.")
        raise typer.Exit(1)
    console.print(summary_table(result, elapsed))
    console.print(
        f"\nThe demo approved the reply drafts itself, as `{DEMO_APPROVER}`; in production a person approves them in the "
        "Prefect UI's approval form or with `crisiswatch approve`.\n"
        "Look at the runs, their artifacts (origin table, tickets, post-mortem) and the approval form in the Prefect UI:\n"
        f"  PREFECT_HOME={prefect_home} .venv/bin/prefect server start\n"
        "  then open http://127.0.0.1:4200\n"
        f"Tickets: .venv/bin/crisiswatch tickets list --database-url {result.database_url}\n",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
