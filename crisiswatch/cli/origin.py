"""`crisiswatch origin`: step 2 for one case, from the command line (no Prefect run needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the origin command to the CLI."""

    @app.command("origin")
    def origin(
        case_id: int = typer.Argument(..., help="the case (crisis) id"),
        brand: str = typer.Option(..., "--brand", help="brand slug in the config"),
        config: Path = typer.Option(None, "--config", envvar="CRISISWATCH_CONFIG_PATH", help="brand config YAML"),
        database_url: str = typer.Option(None, "--database-url", envvar="CRISISWATCH_DATABASE_URL", help="SQLAlchemy URL"),
        lookback_hours: float = typer.Option(72, "--lookback-hours", help="how far before the first signal to read"),
        until: datetime = typer.Option(None, "--until", help="analysis time (UTC ISO; default now), e.g. a replay's end"),
    ) -> None:
        """Find a case's patient zero and origin type, measure its magnitude, list one complainant per person."""
        from datetime import timezone

        from rich.table import Table

        from crisiswatch.cli.main import console, fail
        from crisiswatch.config import load_config
        from crisiswatch.errors import CrisiswatchError
        from crisiswatch.origin.store import analyse_case
        from crisiswatch.settings import get_settings

        settings = get_settings()
        try:
            cfg = load_config(config or settings.config_path).brand(brand)
            when = until.replace(tzinfo=timezone.utc) if until and until.tzinfo is None else until
            report = analyse_case(database_url or settings.database_url, case_id, cfg, lookback_hours=lookback_hours, until=when)
        except CrisiswatchError as exc:
            fail(exc)
        table = Table("measure", "value", title=f"case {case_id}: origin and magnitude")
        for row in report.table_rows():
            table.add_row(row["measure"], row["value"])
        console.print(table)
