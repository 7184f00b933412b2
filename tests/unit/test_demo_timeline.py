"""The bundled demo timeline: never drifts from its generator, and tells the story it claims."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.config import load_config
from crisiswatch.demo.posts import TWITTER_EPOCH_MS
from crisiswatch.demo.timeline import (
    BRAND_CONFIG,
    BUNDLED_TIMELINE,
    BUNDLED_TRUTH,
    generate_timeline,
    write_timeline,
)
from crisiswatch.errors import RejectedInput

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BOGOTA = timedelta(hours=-5)


def _when(line: dict[str, Any]) -> datetime:
    return datetime.strptime(line["data"]["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _refs(line: dict[str, Any]) -> dict[str, str]:
    return {r["type"]: r["id"] for r in line["data"].get("referenced_tweets", [])}


@pytest.fixture(scope="module")
def lines() -> list[dict[str, Any]]:
    return [json.loads(x) for x in BUNDLED_TIMELINE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_id(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {x["data"]["id"]: x for x in lines}


def test_bundled_files_are_what_the_generator_makes() -> None:
    tl = generate_timeline()
    hint = "regenerate with `python -m crisiswatch.demo.timeline` and commit the files"
    assert tl.jsonl().encode("utf-8") == BUNDLED_TIMELINE.read_bytes(), hint
    assert tl.truth_json().encode("utf-8") == BUNDLED_TRUTH.read_bytes(), hint
    assert BUNDLED_TIMELINE.stat().st_size < 3_200_000


def test_lines_follow_the_replay_format(lines: list[dict[str, Any]], by_id: dict[str, Any]) -> None:
    seen: set[str] = set()
    for line in lines:
        assert set(line) <= {"data", "includes", "matching_rules", "sandbox"}
        d = line["data"]
        for key in ("id", "text", "created_at", "author_id", "lang", "conversation_id", "public_metrics"):
            assert key in d, (key, d)
        assert d["id"].isdigit() and d["author_id"].isdigit() and ISO_MS.match(d["created_at"])
        assert d["lang"] in {"es", "en"} and d["text"].strip()
        assert set(d["public_metrics"]) == {"retweet_count", "reply_count", "like_count", "quote_count", "impression_count"}
        (user,) = line["includes"]["users"]
        assert user["id"] == d["author_id"] and user["username"] and user["name"]
        assert isinstance(user["verified"], bool)
        assert set(user["public_metrics"]) == {"followers_count", "following_count", "tweet_count", "listed_count"}
        assert line["matching_rules"] and all(r["id"].isdigit() and r["tag"] for r in line["matching_rules"])
        assert d["conversation_id"] in seen or d["conversation_id"] == d["id"]
        for ref_id in _refs(line).values():
            assert ref_id in seen, "a referenced post must come earlier in the file"
        if "replied_to" in _refs(line):
            assert d["in_reply_to_user_id"] == by_id[_refs(line)["replied_to"]]["data"]["author_id"]
        else:
            assert "in_reply_to_user_id" not in d
        for m in d.get("entities", {}).get("mentions", []):
            assert d["text"][m["start"]:m["end"]] == "@" + m["username"]
        for h in d.get("entities", {}).get("hashtags", []):
            assert d["text"][h["start"]:h["end"]] == "#" + h["tag"]
        seen.add(d["id"])


def test_ids_are_snowflakes_increasing_with_time(lines: list[dict[str, Any]]) -> None:
    ids = [int(x["data"]["id"]) for x in lines]
    assert ids == sorted(set(ids))
    times = [_when(x) for x in lines]
    assert times == sorted(times)
    for i, line in zip(ids, lines, strict=True):
        assert (i >> 22) + TWITTER_EPOCH_MS == int(_when(line).timestamp() * 1000)


def test_every_kind_of_mention_is_there(lines: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    tags = Counter(r["tag"] for x in lines for r in x["matching_rules"])
    assert set(tags) == {r["tag"] for r in truth["rules"]}
    brand_id = truth["brand"]["user_id"]
    for line in lines:
        own = line["data"]["author_id"] == brand_id
        assert (line["matching_rules"] == [{"id": "1765432109876543206", "tag": "brand_posts"}]) == own
    langs = Counter(x["data"]["lang"] for x in lines)
    assert langs["es"] > 0.7 * len(lines) and langs["en"] > 0.08 * len(lines)
    text = " ".join(x["data"]["text"].lower() for x in lines)
    for word in ("parce", "qué chimba", "domicilio", "pedido", "me llegó", "estafa", "demanda", "boicot", "scam"):
        assert word in text, word


def _local_hour_volumes(lines: list[dict[str, Any]], truth: dict[str, Any],
                        leave_out: frozenset[str] = frozenset()) -> dict[tuple[int, int], int]:
    start = datetime.fromisoformat(truth["generator"]["start"].replace("Z", "+00:00"))
    out: Counter[tuple[int, int]] = Counter()
    for line in lines:
        if line["data"]["author_id"] != truth["brand"]["user_id"] and line["data"]["id"] not in leave_out:
            h = int((_when(line) - start).total_seconds() // 3600)
            out[(h // 24, h % 24)] += 1
    return out


def test_calm_days_follow_a_daily_cycle(lines: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    events = frozenset(truth["viral"]["reaction_ids"] + truth["troll"]["post_ids"])
    vol = _local_hour_volumes(lines, truth, events)
    for day in range(truth["generator"]["calm_days"]):
        night = sum(vol[(day, h)] for h in range(1, 6))
        lunch = sum(vol[(day, h)] for h in range(12, 14))
        assert lunch > 3 * night, (day, night, lunch)
        assert 150 <= sum(vol[(day, h)] for h in range(24)) <= 600


def test_crisis_volume_is_over_3x_the_same_hours_of_calm_days(lines: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    vol = _local_hour_volumes(lines, truth)
    calm = truth["generator"]["calm_days"]
    mean = {h: sum(vol[(d, h)] for d in range(calm)) / calm for h in range(24)}
    start = datetime.fromisoformat(truth["crisis"]["start"].replace("Z", "+00:00")) + BOGOTA
    hours = range(start.hour + 1, start.hour + 10)
    assert all(vol[(calm, h)] > 3 * mean[h] for h in hours), [(h, vol[(calm, h)], mean[h]) for h in hours]
    assert sum(vol[(calm, h)] for h in hours) > 3 * sum(mean[h] for h in hours)
    assert vol[(calm, start.hour - 1)] < 3 * max(mean[start.hour - 1], 1), "the crisis must not start before its start"
    assert truth["crisis"]["hours_over_3x"][:2] == [start.hour, start.hour + 1]
    assert truth["crisis"]["start"] < truth["crisis"]["first_alarm_window"]["start"] < truth["crisis"]["detect_by"]


def test_patient_zero_was_never_answered_while_others_were(lines: list[dict[str, Any]], truth: dict[str, Any],
                                                           by_id: dict[str, Any]) -> None:
    pz, brand_id = truth["patient_zero"], truth["brand"]["user_id"]
    earlier = [by_id[i] for i in pz["earlier_post_ids"]]
    assert len(earlier) >= 3 and all(x["data"]["author_id"] == pz["author_id"] for x in earlier)
    assert all("@cosechaya" in x["data"]["text"].lower() for x in earlier)
    assert _when(by_id[pz["post_id"]]) - _when(earlier[0]) >= timedelta(hours=24)
    brand_replies = [x for x in lines if x["data"]["author_id"] == brand_id and "replied_to" in _refs(x)]
    answered = {_refs(x)["replied_to"] for x in brand_replies}
    pz_posts = {x["data"]["id"] for x in lines if x["data"]["author_id"] == pz["author_id"]}
    assert not answered & pz_posts and not pz["brand_replied"]
    # the same day the brand kept answering other people
    lo, hi = _when(earlier[0]), _when(earlier[-1])
    assert sum(1 for x in brand_replies if lo <= _when(x) <= hi) >= 10
    # and it answered most calm-day complaints within an hour
    first_answer = {}
    for x in brand_replies:
        first_answer.setdefault(_refs(x)["replied_to"], _when(x))
    complaints = truth["calm"]["complaint_ids"]
    quick = sum(1 for c in complaints if c in first_answer and first_answer[c] - _when(by_id[c]) <= timedelta(hours=1))
    assert len(complaints) >= 100 and quick / len(complaints) > 0.65
    assert quick == truth["calm"]["complaints_answered_within_1h"]


def test_the_thread_goes_viral_and_many_people_join(lines: list[dict[str, Any]], truth: dict[str, Any],
                                                    by_id: dict[str, Any]) -> None:
    pz, crisis = truth["patient_zero"], truth["crisis"]
    thread = by_id[pz["post_id"]]
    assert thread["data"]["created_at"] == crisis["start"]
    reacting = [x for x in lines if pz["post_id"] in _refs(x).values()]
    kinds = Counter(t for x in reacting for t in _refs(x) if _refs(x)[t] == pz["post_id"])
    assert kinds["retweeted"] > 300 and kinds["quoted"] > 50 and kinds["replied_to"] > 100
    assert thread["data"]["public_metrics"]["retweet_count"] == kinds["retweeted"]
    infl = by_id[crisis["influencer"]["post_id"]]
    assert _refs(infl) == {"quoted": pz["post_id"]}
    assert infl["includes"]["users"][0]["public_metrics"]["followers_count"] >= 100_000
    posts = [by_id[i] for i in crisis["post_ids"]]
    assert 1500 <= len(posts) <= 3000
    authors = {x["data"]["author_id"] for x in posts}
    assert len(authors) > 800 and len(crisis["complainant_author_ids"]) > 300
    assert {"es", "en"} == {x["data"]["lang"] for x in posts}
    assert all(truth["marketing"]["post_id"] not in _refs(x).values() for x in posts)


def test_troll_is_one_loud_author_nobody_joins(lines: list[dict[str, Any]], truth: dict[str, Any],
                                               by_id: dict[str, Any]) -> None:
    troll = truth["troll"]
    posts = [by_id[i] for i in troll["post_ids"]]
    assert len(posts) >= 50 and {x["data"]["author_id"] for x in posts} == {troll["author_id"]}
    assert max(map(_when, posts)) - min(map(_when, posts)) < timedelta(days=1)
    ids = set(troll["post_ids"])
    assert not any(ids & set(_refs(x).values()) for x in lines)
    per_author = Counter(x["data"]["author_id"] for x in lines if x["data"]["author_id"] != truth["brand"]["user_id"])
    assert per_author.most_common(1)[0][0] == troll["author_id"]


def test_marketing_misreadings_reference_the_brand_post(truth: dict[str, Any], by_id: dict[str, Any]) -> None:
    mk = truth["marketing"]
    post = by_id[mk["post_id"]]
    assert post["data"]["author_id"] == truth["brand"]["user_id"] and mk["origin_type"] == "marketing_misunderstanding"
    assert len(mk["misread_ids"]) > 100
    for i in mk["misread_ids"] + mk["other_reaction_ids"]:
        refs = _refs(by_id[i])
        assert mk["post_id"] in refs.values() and truth["patient_zero"]["post_id"] not in refs.values()
        assert by_id[i]["data"]["author_id"] != truth["patient_zero"]["author_id"]
    assert set(mk["misread_ids"]).isdisjoint(truth["crisis"]["post_ids"])


def test_viral_post_is_the_calm_days_most_shared(truth: dict[str, Any], lines: list[dict[str, Any]],
                                                 by_id: dict[str, Any]) -> None:
    crisis_day = truth["counts"]["by_day"]
    assert "viral" in crisis_day[1]
    viral = by_id[truth["viral"]["post_id"]]
    calm_end = truth["patient_zero"]["earlier_post_times"][0]
    others = [x for x in lines if x["data"]["created_at"] < calm_end and x["data"]["id"] != viral["data"]["id"]]
    top = max(x["data"]["public_metrics"]["retweet_count"] for x in others)
    assert viral["data"]["public_metrics"]["retweet_count"] > 5 * max(top, 1)
    assert viral["data"]["public_metrics"]["like_count"] > 1000


def test_some_complainants_have_closed_dms(lines: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    closed = {x["data"]["author_id"] for x in lines if x.get("sandbox") == {"dm_closed": True}}
    assert closed == set(truth["dm_closed_author_ids"]) and len(closed) >= 5
    assert all(x.get("sandbox") for x in lines if x["data"]["author_id"] in closed)
    assert closed & set(truth["crisis"]["complainant_author_ids"])
    assert truth["patient_zero"]["author_id"] not in closed


def test_same_seed_same_bytes_other_seed_other_story() -> None:
    a = generate_timeline(3, calm_days=2, scale=0.3)
    b = generate_timeline(3, calm_days=2, scale=0.3)
    c = generate_timeline(4, calm_days=2, scale=0.3)
    assert a.jsonl() == b.jsonl() and a.truth == b.truth
    assert a.jsonl() != c.jsonl()


def test_scale_multiplies_the_crowds_and_keeps_the_story() -> None:
    small, big = generate_timeline(scale=0.5), generate_timeline(scale=2.0)
    ratio = big.truth["crisis"]["posts"] / small.truth["crisis"]["posts"]
    assert 3.5 < ratio < 4.5
    assert all(x["matching_rules"] for x in big.lines + small.lines)
    assert 3.5 < big.truth["counts"]["by_phase"]["calm"] / small.truth["counts"]["by_phase"]["calm"] < 4.5
    tiny = generate_timeline(scale=0.05)
    assert len(tiny.truth["patient_zero"]["earlier_post_ids"]) == 5 and tiny.truth["patient_zero"]["thread_ids"]


def test_calm_days_and_start_are_honoured() -> None:
    start = datetime(2025, 11, 3, 5, 0, tzinfo=UTC)
    tl = generate_timeline(calm_days=2, start=start, scale=0.2)
    assert tl.lines[0]["data"]["created_at"] >= "2025-11-03T05:00:00.000Z"
    assert tl.truth["crisis"]["start"].startswith("2025-11-05T14:")
    assert tl.lines[-1]["data"]["created_at"] < "2025-11-06T05:00:00.000Z"
    assert len(tl.truth["counts"]["by_day"]) == 3


@pytest.mark.parametrize("kwargs", [{"calm_days": 0}, {"scale": 0}, {"start": datetime(2026, 3, 2)}])
def test_bad_arguments_say_what_is_wrong(kwargs: dict[str, Any]) -> None:
    with pytest.raises(RejectedInput, match=next(iter(kwargs))):
        generate_timeline(**kwargs)


def test_brand_config_is_valid_and_matches_the_timeline(truth: dict[str, Any]) -> None:
    brand = load_config(BRAND_CONFIG).brand("cosechaya")
    assert brand.handle == truth["brand"]["handle"] and str(brand.user_id) == truth["brand"]["user_id"]
    assert brand.languages == ["es", "en"] and len(brand.handle) <= 15
    covered = {c for r in brand.routing for c in r.categories} | {o for r in brand.routing for o in r.origin_types}
    needed = set(truth["crisis"]["categories"]) | {truth["crisis"]["origin_type"], truth["marketing"]["origin_type"]}
    assert needed <= covered
    assert {"estafa", "demanda", "boicot"} <= {t.lower() for t in brand.crisis_terms}
    assert brand.google_ads.pause == "all" and brand.google_ads.customer_ids


def test_write_timeline_sorted_with_truth_beside(tmp_path: Path) -> None:
    tl = generate_timeline(5, calm_days=1, scale=0.1)
    jsonl, truth = write_timeline(tmp_path / "out" / "t.jsonl", tl)
    assert truth == tmp_path / "out" / "truth.json"
    rows = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    assert rows == tl.lines and json.loads(truth.read_text(encoding="utf-8")) == tl.truth


def test_cli_writes_files_and_prints_counts(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo-timeline", "--out", str(tmp_path), "--seed", "2", "--scale", "0.2",
                                      "--calm-days", "2"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo-timeline.jsonl").exists() and (tmp_path / "truth.json").exists()
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert f"{truth['counts']['total']:,} posts" in result.output and "crisis" in result.output
    bad = CliRunner().invoke(app, ["demo-timeline", "--out", str(tmp_path), "--calm-days", "0"])
    assert bad.exit_code == 2 and "calm_days" in bad.output


def test_counts_add_up(truth: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    counts = truth["counts"]
    assert counts["total"] == len(lines) == sum(counts["by_phase"].values())
    per_day: defaultdict[str, int] = defaultdict(int)
    for day in counts["by_day"]:
        for phase, n in day.items():
            per_day[phase] += n
    assert dict(per_day) == counts["by_phase"]
