"""`crisiswatch replay`: detection over a replay file in simulated time."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from crisiswatch.errors import CrisiswatchError

console = Console()


def check_inputs(timeline: Path, config: Path, brand: str | None) -> None:
    """Refuse a bad config, an unknown brand or a bad replay line before a flow run is made (about 20 µs a line)."""
    from crisiswatch.config import load_config
    from crisiswatch.replay import read_replay

    cfg = load_config(config)
    if brand:
        cfg.brand(brand)
    for _ in read_replay(timeline):
        pass


def replay(
    timeline: Path = typer.Argument(..., exists=True, dir_okay=False, help="replay file (JSONL, X API v2 stream messages)"),
    config: Path = typer.Option(..., "--config", exists=True, dir_okay=False, help="brand config YAML"),
    report: Path = typer.Option(None, "--report", help="write the JSON report (windows, cases) here"),
    brand: str = typer.Option(None, help="brand slug when the config has several"),
    scorer: str = typer.Option("lexicon", envvar="CRISISWATCH_SCORER", help="text scorer"),
) -> None:
    """Run the scoring and the detector over TIMELINE in simulated time (one flow run); report windows and cases."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        check_inputs(timeline, config, brand)
        from flows.replay import replay as replay_flow

        result = replay_flow(str(timeline), str(config), brand, str(report) if report else None, scorer)
    except CrisiswatchError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    table = Table(title=f"{len(result['windows'])} windows judged, {len(result['cases'])} case(s)")
    for col in ("declared at", "first signal", "risk", "category"):
        table.add_column(col)
    for c in result["cases"]:
        table.add_row(c["declared_at"], c["first_signal_at"], f"{c['risk']:.0f}", c["category"])
    console.print(table)
    if report:
        console.print(f"report: {report}")


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
