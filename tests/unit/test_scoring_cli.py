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


def _score(src: Path, out: Path, *extra: str):  # noqa: ANN202
    return runner.invoke(app, ["score", str(src), "--out", str(out), *extra])


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_spreadsheets_semicolons_and_tabs_are_read_and_kept(tmp_path: Path) -> None:
    for delimiter in (";", "\t"):
        src = tmp_path / "in.csv"
        src.write_text(f'id{delimiter}text\n1{delimiter}"qué mal servicio, una estafa"\n', encoding="utf-8")
        result = _score(src, tmp_path / "out.csv")
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"), delimiter=delimiter))
        assert rows[0]["text"] == "qué mal servicio, una estafa" and rows[0]["sentiment"] == "negative"
        assert rows[0]["lang"] == "es"


def test_a_delimiter_inside_quotes_does_not_decide(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('"id;n","text; comment"\n1,"awful; truly awful"\n', encoding="utf-8")
    result = _score(src, tmp_path / "out.csv", "--text-column", "text; comment")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert rows[0]["id;n"] == "1" and rows[0]["sentiment"] == "negative"


def test_a_windows_spreadsheet_needs_its_encoding_and_nothing_is_overwritten_before(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = ["id,text"] + [f"{i},todo bien con el pedido {i}" for i in range(2500)] + ["2500,café frío y pésimo servicio"]
    src.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    out = tmp_path / "out.csv"
    out.write_text("last week's scores\n", encoding="utf-8")
    result = _score(src, out)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "line 2502" in message and "--encoding cp1252" in message and "0xe9" in message
    assert out.read_text(encoding="utf-8") == "last week's scores\n" and _leftovers(tmp_path) == []

    result = _score(src, out, "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    scored = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(scored) == 2501 and scored[-1]["text"] == "café frío y pésimo servicio"
    assert scored[-1]["sentiment"] == "negative"


def test_a_row_wider_than_the_header_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,fine\n2,late again, and rude\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _score(src, out)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "line 3: 3 fields where the header has 2" in message and "quoted" in message
    assert not out.exists() and _leftovers(tmp_path) == []


def test_unknown_encoding_and_a_folder_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("text\nhello\n", encoding="utf-8")
    result = _score(src, tmp_path / "o.csv", "--encoding", "klingon")
    assert result.exit_code == 2 and "unknown --encoding 'klingon'" in " ".join(result.output.split())
    result = _score(tmp_path, tmp_path / "o.csv")
    assert result.exit_code == 2 and "is a folder, not a file" in " ".join(result.output.split())


def test_progress_is_heard_after_each_batch(tmp_path: Path) -> None:
    from crisiswatch.scoring.csv_file import score_csv
    from crisiswatch.scoring.lexicon_scorer import LexiconScorer

    src = tmp_path / "in.csv"
    src.write_text("text\n" + "".join(f"all good {i}\n" for i in range(2500)), encoding="utf-8")
    heard: list[int] = []
    assert score_csv(src, tmp_path / "out.csv", "text", LexiconScorer(), on_batch=heard.append) == 2500
    assert heard == [1000, 2000, 2500]
