"""Parsing X pages into MentionRecords, and client-side rate budgets."""

from __future__ import annotations

import json
import time

import pytest

from crisiswatch.connectors.x.parsing import parse_page, sanitize
from crisiswatch.connectors.x.rate_limit import RateBudget
from crisiswatch.errors import RateLimited


def tweet(i, **kw):
    t = {"id": str(i), "text": f"post {i}", "created_at": "2025-03-01T12:00:00.000Z", "author_id": "7", "lang": "en"}
    t.update(kw)
    return t


def test_good_page_with_authors():
    body = {"data": [tweet(2), tweet(1)], "includes": {"users": [{"id": "7", "username": "ann", "name": "Ann",
            "public_metrics": {"followers_count": 12}}]}, "meta": {"next_token": "abc", "result_count": 2}}
    page = parse_page(body, where="t")
    assert [m.x_id for m in page.mentions] == [2, 1] and page.max_id == 2 and page.next_token == "abc"
    assert page.mentions[0].author.followers == 12 and page.mentions[0].raw["text"] == "post 2"


def test_bad_posts_are_rejected_with_reasons():
    body = {"data": [tweet(5, created_at=None), tweet(6, text=5), {"id": "x"}, "junk", tweet(4, author_id="me"), tweet(3)],
            "errors": [{"resource_id": "9", "resource_type": "tweet", "title": "Not Found Error", "detail": "gone"}]}
    page = parse_page(body, where="t")
    assert [m.x_id for m in page.mentions] == [3]
    assert page.max_id == 9
    reasons = " | ".join(page.rejected)
    for expected in ("5: created_at None", "6: text is missing", "x: id 'x' is not a numeric", "not a JSON object",
                     "4: author_id 'me'", "9: not available (Not Found Error: gone)"):
        assert expected in reasons


def test_lone_surrogates_are_replaced_and_the_post_kept():
    raw = '{"data":[{"id":"1","text":"a\\ud800b","created_at":"2025-03-01T12:00:00Z"}]}'
    page = parse_page(json.loads(raw), where="t")
    assert page.mentions[0].text == "a\ufffdb"
    page.mentions[0].text.encode("utf-8")
    assert sanitize({"k\x00": ["\udfff"]}) == ({"k\ufffd": ["\ufffd"]}, 2)


@pytest.mark.parametrize("body", [[], "x", {"data": {"id": "1"}}, {"data": None}, {}])
def test_odd_pages_never_crash(body):
    assert parse_page(body, where="t").mentions == []


def test_budget_waits_within_max_wait_and_raises_beyond():
    b = RateBudget("mentions")
    slept = []
    b.update({"x-rate-limit-limit": "2", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()) + 30)})
    with pytest.raises(RateLimited) as info:
        b.acquire(max_wait=5, sleep=slept.append)
    assert info.value.retry_after > 25 and slept == []
    b.acquire(max_wait=60, sleep=slept.append)
    assert 25 < slept[0] < 32 and b.remaining is None


def test_budget_counts_down_between_responses():
    b = RateBudget("search")
    b.update({"x-rate-limit-remaining": "1", "x-rate-limit-reset": str(int(time.time()) + 100)})
    b.acquire(max_wait=0)
    with pytest.raises(RateLimited):
        b.acquire(max_wait=0)
