"""`crisiswatch sandbox google-ads`: a local Google Ads API the real client talks to unchanged."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import typer
import yaml

from crisiswatch.cli.sandbox import sandbox_app


@sandbox_app.command("google-ads")
def google_ads(
    campaigns: int = typer.Option(5, "--campaigns", help="demo campaigns per customer (ignored with --seed)"),
    customers: list[str] = typer.Option(["1234567890"], "--customer", help="customer ids to create (repeatable)"),
    seed: Path | None = typer.Option(None, "--seed", exists=True, dir_okay=False, help="YAML/JSON: {customers: [{id, campaigns: [...]}]}"),
    port: int = typer.Option(8701, help="gRPC port (0: any free port)"),
    oauth_port: int = typer.Option(0, help="OAuth token endpoint port (0: any free port)"),
    label: str = typer.Option("crisis-pausable", help="label put on every other demo campaign"),
) -> None:
    """Serve Google Ads (gRPC + TLS) and its OAuth token endpoint on 127.0.0.1 until Ctrl-C."""
    from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox

    sb = GoogleAdsSandbox(port=port, oauth_port=oauth_port, set_roots_env=False)
    if seed is not None:
        sb.seed(yaml.safe_load(seed.read_text(encoding="utf-8")))
    else:
        for cid in customers:
            cid = sb.add_customer(cid)
            for i in range(campaigns):
                sb.add_campaign(cid, f"Demo campaign {i + 1}", labels=[label] if i % 2 == 0 else [])
    sb.start()
    typer.echo("# Google Ads sandbox (API %s) on %s; export these, then run crisiswatch:" % (sb.api_version, sb.endpoint))
    for key, value in sb.env().items():
        typer.echo(f"export {key}={value}")
    typer.echo("# customers: " + json.dumps({c: len(sb.statuses(c)) for c in sb.state.customers}))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
        typer.echo("# sandbox stopped; mutations made: %d" % len(sb.api_mutations()))


def register(app: typer.Typer) -> None:
    """The command lives on the `sandbox` sub-app, registered by crisiswatch.cli.sandbox."""
