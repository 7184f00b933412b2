"""The replay JSONL format: parsing, validation messages, lenient mode, make_post."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from crisiswatch.errors import RejectedInput
from crisiswatch.replay import make_post, parse_replay_line, read_replay, write_replay

T0 = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)


def test_make_post_round_trips_through_the_parser():
    line = make_post(5, "@Acme hi", author_id=9, username="ann", created_at=T0, dm_closed=True, source="web")
    post = parse_replay_line(json.dumps(line), 3)
    assert post.id == 5 and post.author_id == 9 and post.author["username"] == "ann"
    assert post.tweet["created_at"] == "2025-03-01T12:00:00.000Z" and post.tweet["source"] == "web"
    assert post.dm_closed and not post.deleted and post.lineno == 3


def test_unknown_keys_are_kept_not_fatal():
    line = make_post(5, "hi", author_id=9, username="ann", created_at=T0)
    line["future_top_level"] = {"x": 1}
    line["data"]["future_field"] = [1]
    assert parse_replay_line(json.dumps(line)).tweet["future_field"] == [1]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("data"), 'missing "data"'),
    (lambda d: d["data"].update(id="abc"), "data.id must be a numeric string"),
    (lambda d: d["data"].update(created_at="last tuesday"), "'last tuesday' is not an ISO 8601"),
    (lambda d: d["data"].pop("created_at"), "data.created_at is required"),
    (lambda d: d["data"].update(text=None), "data.text must be a string"),
    (lambda d: d["includes"].update(users=[{"id": "1"}]), "needs a numeric id and a username"),
])
def test_bad_lines_name_the_line_and_the_problem(mutate, message):
    line = make_post(5, "hi", author_id=9, username="ann", created_at=T0)
    mutate(line)
    with pytest.raises(RejectedInput, match="replay line 7") as info:
        parse_replay_line(json.dumps(line), 7)
    assert message in str(info.value)


def test_invalid_json_names_the_line():
    with pytest.raises(RejectedInput, match="replay line 2: not valid JSON"):
        parse_replay_line("{nope", 2)


def test_read_replay_strict_and_lenient(tmp_path, caplog):
    path = write_replay(tmp_path / "t.jsonl", [make_post(i, "hi", author_id=9, username="ann", created_at=T0) for i in (1, 2)])
    with path.open("a") as fh:
        fh.write("\n{broken\n")
        fh.write(json.dumps(make_post(3, "hi", author_id=9, username="ann", created_at=T0)) + "\n")
    with pytest.raises(RejectedInput, match="t.jsonl: replay line 4"):
        list(read_replay(path))
    with caplog.at_level(logging.WARNING, logger="crisiswatch.replay"):
        assert [p.id for p in read_replay(path, lenient=True)] == [1, 2, 3]
    assert "replay line 4: not valid JSON" in caplog.text
    with pytest.raises(RejectedInput, match="does not exist"):
        list(read_replay(tmp_path / "missing.jsonl"))


def test_the_replay_command_refuses_bad_input_before_any_flow_run(tmp_path):
    """One line naming the problem, no Prefect traceback, no failed run in the history (no server is even asked)."""
    from typer.testing import CliRunner

    from crisiswatch.cli.main import app
    from crisiswatch.demo.timeline import BRAND_CONFIG

    good = json.dumps(make_post(5, "hi", author_id=9, username="ann", created_at=T0))
    timeline = tmp_path / "t.jsonl"
    timeline.write_text(good + "\n" + '{"data": {"text": "\x01"\n', encoding="utf-8")
    env = {"PREFECT_API_URL": "http://127.0.0.1:9/api"}  # nothing listens there: a flow run would fail differently
    runner = CliRunner()

    result = runner.invoke(app, ["replay", str(timeline), "--config", str(BRAND_CONFIG)], env=env)
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: {timeline}: replay line 2: not valid JSON (Invalid control character at column 20)"
    )
    timeline.write_text(good + "\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", str(timeline), "--config", str(BRAND_CONFIG), "--brand", "nope"], env=env)
    assert result.exit_code == 2 and "no brand 'nope' in the config; brands: cosechaya" in result.output
