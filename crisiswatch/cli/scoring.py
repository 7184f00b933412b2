"""`crisiswatch score` (add scores to any CSV) and `crisiswatch evaluate` (quality on labelled data)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from crisiswatch.errors import ConfigError, CrisiswatchError


def _scorer(name: str | None):  # noqa: ANN202
    from crisiswatch.scoring.registry import get_scorer
    from crisiswatch.settings import get_settings

    return get_scorer(name or get_settings().scorer)


def default_data_dir() -> Path:
    from crisiswatch.settings import PROJECT_ROOT, get_settings

    return get_settings().data_dir or PROJECT_ROOT.parent / "shared" / "data"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def evaluation_table(results: list) -> Table:  # list[evaluation.Result]
    from crisiswatch.scoring.evaluation import METRICS

    systems = list(results[0].metrics) if results else []
    table = Table(title="crisiswatch scoring on labelled data (dev files)")
    table.add_column("data set")
    table.add_column("rows", justify="right")
    table.add_column("metric", no_wrap=True)
    for name in systems:
        table.add_column(name, justify="right")
    table.add_column("goal", justify="right")
    table.add_column("met?", justify="center")
    for r in results:
        goals = {g.metric: g for g in r.dataset.goals}
        first = True
        for metric in METRICS:
            values = [r.metrics[s].get(metric) for s in systems]
            if all(v is None for v in values):
                continue
            goal = goals.get(metric)
            ours = r.metrics[systems[0]].get(metric)
            verdict = "" if goal is None else ("[green]pass[/]" if goal.met(ours) else "[red]fail[/]")
            table.add_row(r.dataset.title if first else "", str(r.rows) if first else "", metric,
                          *(_fmt(v) for v in values), f">= {goal.minimum:.2f}" if goal else "", verdict)
            first = False
        table.add_section()
    return table


def register(app: typer.Typer) -> None:
    """Add `score` and `evaluate` to the crisiswatch command line."""
    from crisiswatch.cli.main import fail

    @app.command("score")
    def score(
        input_csv: Path = typer.Argument(..., help="CSV with a column of texts"),
        out: Path = typer.Option(..., "--out", "-o", help="where to write the CSV with scores added"),
        text_column: str = typer.Option("text", "--text-column", help="the column holding the text"),
        lang_column: str = typer.Option(None, "--lang-column", help="optional column with X's lang code"),
        scorer: str = typer.Option(None, "--scorer", envvar="CRISISWATCH_SCORER", help="scorer name or module:Class"),
        encoding: str = typer.Option("utf-8", "--encoding", help="the input's text encoding (cp1252 or latin-1 for many spreadsheets); the output is UTF-8"),
    ) -> None:
        """Add lang, sentiment, sentiment_score, category and risk columns to any CSV (its delimiter , ; tab or | is kept)."""
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from crisiswatch.scoring.csv_file import score_csv

        progress = Progress(SpinnerColumn(), TextColumn("scored {task.completed:,.0f} rows"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)  # shown only in a terminal
        try:
            with progress:
                task = progress.add_task("score", total=None)
                n = score_csv(input_csv, out, text_column, _scorer(scorer), lang_column, encoding,
                              on_batch=lambda done: progress.update(task, completed=done))
        except CrisiswatchError as exc:
            fail(exc)
        Console(stderr=True).print(f"scored {n} row{'' if n == 1 else 's'} -> {out}")

    @app.command("evaluate")
    def evaluate(
        data_dir: Path = typer.Option(None, "--data-dir", envvar="CRISISWATCH_DATA_DIR", help="folder of labelled CSVs"),
        scorer: str = typer.Option(None, "--scorer", envvar="CRISISWATCH_SCORER", help="scorer name or module:Class"),
        every: int = typer.Option(1, "--every", min=1, help="score every Nth row only: quicker, rougher figures (for the encoder scorer)"),
    ) -> None:
        """Measure the scorer on the labelled data, side by side with VADER, against the goals."""
        from crisiswatch.scoring.evaluation import VADER_MISSING, goal_summary, run_evaluation, vader_system

        console = Console()
        try:
            results = run_evaluation(data_dir or default_data_dir(), _scorer(scorer), every=every)
        except (CrisiswatchError, ConfigError) as exc:
            fail(exc)
        console.print(evaluation_table(results))
        summary = goal_summary(results)
        met = [row for row in summary if row[4]]
        console.print(f"goals met: {len(met)} of {len(summary)}")
        for title, metric, value, goal, ok in summary:
            mark = "[green]PASS[/]" if ok else "[red]FAIL[/]"
            console.print(f"  {mark} {title}: {metric} {_fmt(value)} (goal >= {goal:.2f})")
        if vader_system() is None:
            console.print(f"[yellow]{VADER_MISSING}[/]")
