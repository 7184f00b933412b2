"""The `crisiswatch` command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from crisiswatch.errors import CrisiswatchError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Watch a brand on X and run the crisis playbook.")
console = Console(stderr=True)


def fail(exc: CrisiswatchError) -> None:
    """Print a crisiswatch error without a stack trace and exit 2."""
    console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    raise typer.Exit(2)


@app.command("init-db")
def init_db(database_url: str = typer.Option(None, envvar="CRISISWATCH_DATABASE_URL", help="SQLAlchemy URL")) -> None:
    """Create or upgrade the database schema (Alembic)."""
    from crisiswatch.db.session import upgrade_database
    from crisiswatch.settings import get_settings

    url = database_url or get_settings().database_url
    try:
        upgrade_database(url)
    except CrisiswatchError as exc:
        fail(exc)
    console.print(f"database ready: {url.split('@')[-1]}")


@app.command("check-config")
def check_config(path: Path = typer.Argument(..., help="brand config YAML")) -> None:
    """Validate a brand config file and print what it declares."""
    from crisiswatch.config import load_config

    try:
        cfg = load_config(path)
    except CrisiswatchError as exc:
        fail(exc)
    for b in cfg.brands:
        console.print(f"{b.slug}: @{b.handle}, {len(b.queries)} queries, {len(b.departments)} departments, languages {', '.join(b.languages)}, time zone {b.timezone}")

def _register_commands() -> None:
    """Each command group lives in its own module and adds itself to the app."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"crisiswatch.cli.{name}").register(app)


COMMAND_MODULES = ["scoring", "demo_timeline", "tickets", "sandbox_x", "sandbox", "origin", "approve", "demo", "casebook", "replay"]
_register_commands()
