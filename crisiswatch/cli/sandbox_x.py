"""`crisiswatch sandbox x`: serve a replay timeline as a local X API v2."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from crisiswatch.cli.sandbox import ensure_sandbox_app
from crisiswatch.errors import CrisiswatchError

console = Console(stderr=True)


def sandbox_x(
    timeline: Path = typer.Option(..., "--timeline", help="replay file (JSONL, one X API v2 stream message a line)"),
    host: str = typer.Option("127.0.0.1", help="address to bind"),
    port: int = typer.Option(8700, help="port to bind (0: any free port)"),
    start: str = typer.Option(None, help="simulated start instant, ISO 8601 (default: the first post's time)"),
    speed: float = typer.Option(0.0, help="simulated seconds per real second (0: frozen; move it via /_sandbox/clock)"),
    bearer_token: str = typer.Option("sandbox-token", help="bearer token to accept (a sandbox value, printed)"),
    account: str = typer.Option(None, help="username the OAuth 1.0a user context acts as (the brand)"),
    lenient: bool = typer.Option(False, help="skip bad replay lines (logged) instead of refusing the file"),
) -> None:
    """Serve TIMELINE as X API v2 (mentions, recent search, counts, users, posts, DMs) until Ctrl-C."""
    import time

    from crisiswatch.connectors.x.sandbox import XSandbox

    started = time.monotonic()
    try:
        sb = XSandbox(timeline, host=host, port=port, start=start, speed=speed, bearer_token=bearer_token,
                      account=account, lenient=lenient)
    except (CrisiswatchError, ValueError, OSError) as exc:
        console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    console.print(f"loaded {len(sb.store)} posts, {len(sb.store.users)} users in {time.monotonic() - started:.1f}s; "
                  f"clock at {sb.clock.now().isoformat()} (speed {speed})", highlight=False)
    console.print(f"X sandbox serving on {sb.base_url}  (admin: {sb.base_url}/_sandbox/)", highlight=False)
    print(f"export CRISISWATCH_X_API_BASE_URL={sb.base_url}")
    print(f"export CRISISWATCH_X_BEARER_TOKEN={bearer_token}", flush=True)
    try:
        sb.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")


def register(app: typer.Typer) -> None:
    ensure_sandbox_app(app).command("x")(sandbox_x)
