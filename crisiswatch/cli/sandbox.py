"""`crisiswatch sandbox ...`: local servers that speak the real protocols."""

from __future__ import annotations

import typer

sandbox_app = typer.Typer(help="Local sandboxes that speak the real protocols", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
