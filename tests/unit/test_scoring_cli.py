from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from crisiswatch.cli.main import app

runner = CliRunner()


def test_score_csv_adds_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,body\n1,"worst service ever, a scam"\n2,"¡Muchas gracias, excelente atención!"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", str(src), "--text-column", "body", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "body", "lang", "sentiment", "sentiment_score", "category", "risk"]
    assert rows[0]["sentiment"] == "negative" and rows[0]["lang"] == "en"
    assert rows[1]["sentiment"] == "positive" and rows[1]["lang"] == "es"
    assert float(rows[0]["risk"]) > float(rows[1]["risk"])


def test_missing_column_lists_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,body\n1,hello\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(src), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "no column 'text'" in result.output and "id, body" in result.output


def test_unknown_scorer_names_setting(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("text\nhello\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(src), "--out", str(tmp_path / "o.csv"), "--scorer", "nope"])
    assert result.exit_code == 2 and "CRISISWATCH_SCORER" in result.output


def test_evaluate_on_a_small_data_dir(tmp_path: Path) -> None:
    (tmp_path / "tass-es-dev.csv").write_text(
        "tweet_id,variant,sentiment,text\n1,es,negative,qué asco de día\n2,es,positive,me encanta\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["evaluate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "macro_f1" in result.output and "1.000" in result.output


def test_evaluate_names_every_metric_whole_in_a_narrow_terminal(tmp_path: Path) -> None:
    (tmp_path / "airline-dev.csv").write_text(
        "tweet_id,sentiment,negative_reason,text\n1,negative,Lost Luggage,you lost my bag\n2,positive,,great crew\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", "--data-dir", str(tmp_path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    table = result.output.split("goals met")[0]
    assert all(m in table for m in ("accuracy", "macro_f1", "negative_f1", "category_accuracy")), table


def test_evaluate_without_data(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data-dir", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "CRISISWATCH_DATA_DIR" in result.output


def test_evaluate_every_nth_row(tmp_path: Path) -> None:
    rows = "".join(f"{i},es,{'negative' if i % 2 else 'positive'},{'qué asco de día' if i % 2 else 'me encanta'}\n" for i in range(10))
    (tmp_path / "tass-es-dev.csv").write_text("tweet_id,variant,sentiment,text\n" + rows, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--data-dir", str(tmp_path), "--every", "3"])
    assert result.exit_code == 0, result.output
    assert " 4 " in result.output  # rows 0, 3, 6 and 9
    result = runner.invoke(app, ["evaluate", "--data-dir", str(tmp_path), "--every", "0"])
    assert result.exit_code == 2 and "--every" in result.output
