"""`crisiswatch demo-timeline`: write the demo story's replay file and its ground truth."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the demo-timeline command to the CLI."""

    @app.command("demo-timeline")
    def demo_timeline(
        out: Path = typer.Option(..., "--out", help="folder for demo-timeline.jsonl and truth.json"),
        seed: int = typer.Option(7, "--seed", help="random seed (same seed, same bytes)"),
        scale: float = typer.Option(1.0, "--scale", help="multiplies every crowd's volume (28 is about 100k posts)"),
        calm_days: int = typer.Option(4, "--calm-days", help="ordinary days before the crisis day"),
    ) -> None:
        """Generate the demo timeline (Cosecha Ya's calm days and crisis) and its truth.json."""
        from crisiswatch.cli.main import fail
        from crisiswatch.demo.timeline import generate_timeline, write_timeline
        from crisiswatch.errors import CrisiswatchError

        try:
            timeline = generate_timeline(seed, calm_days=calm_days, scale=scale)
        except CrisiswatchError as exc:
            fail(exc)
        jsonl, truth = write_timeline(out / "demo-timeline.jsonl", timeline, out / "truth.json")
        counts = timeline.truth["counts"]
        crisis = timeline.truth["crisis"]
        phases = ", ".join(f"{k} {v}" for k, v in counts["by_phase"].items())
        typer.echo(f"{jsonl} ({jsonl.stat().st_size:,} bytes): {counts['total']:,} posts "
                   f"by {counts['unique_authors']:,} authors")
        typer.echo(f"  per phase: {phases}")
        typer.echo(f"  crisis starts {crisis['start']} (patient zero @{timeline.truth['patient_zero']['username']}), "
                   f"detect by {crisis.get('detect_by', 'n/a')}")
        typer.echo(f"{truth} ({truth.stat().st_size:,} bytes)")
