"""The `crisiswatch sandbox ...` sub-app: local stand-ins for X and Google Ads that speak the real protocols."""

from __future__ import annotations

import typer

sandbox_app = typer.Typer(no_args_is_help=True, help="Run a local sandbox of an external API (X, Google Ads).")


def ensure_sandbox_app(app: typer.Typer) -> typer.Typer:
    """Add `sandbox` to the main app once (each sandbox's register() calls this); returns the sub-app."""
    if not any(g.typer_instance is sandbox_app for g in app.registered_groups):
        app.add_typer(sandbox_app, name="sandbox")
    return sandbox_app


def register(app: typer.Typer) -> None:
    """`sandbox google-ads` adds itself to sandbox_app when its module is imported."""
    import crisiswatch.cli.sandbox_google_ads  # noqa: F401

    ensure_sandbox_app(app)
