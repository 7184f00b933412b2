"""The real tweepy client, through crisiswatch's connector, against the local X sandbox."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest

from crisiswatch.connectors.x.client import TweepyMentionSource, TweepyReplySender, make_tweepy_client
from crisiswatch.connectors.x.port import DirectMessagesClosed, MentionSource, ReplySender
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.errors import AuthenticationError, ConfigError, RateLimited, TransientError
from crisiswatch.replay import make_post
from crisiswatch.settings import Settings
from tests.integration.x_helpers import BRAND, BRAND_ID, T0, brand_line, client_for, mentions_timeline, settings_for


@pytest.fixture
def sb250():
    with XSandbox([brand_line(), *mentions_timeline(250)], start=T0 + timedelta(days=1)) as sb:
        yield sb


def source(sb: XSandbox, **kw) -> TweepyMentionSource:
    kw.setdefault("backoff_seconds", 0.01)
    return TweepyMentionSource(client_for(sb), **kw)


def test_adapters_satisfy_the_ports(sb250):
    src: MentionSource = source(sb250)
    snd: ReplySender = TweepyReplySender(client_for(sb250))
    assert src.lookup_user(BRAND).x_id == BRAND_ID and snd is not None


def test_lookup_user_reads_the_brand(sb250):
    brand = source(sb250).lookup_user("@acmeair")
    assert (brand.x_id, brand.username, brand.verified, brand.followers) == (BRAND_ID, BRAND, True, 50_000)
    with pytest.raises(ConfigError, match="no user @nobody_here"):
        source(sb250).lookup_user("nobody_here")


def test_250_mentions_come_in_three_pages_newest_first(sb250):
    page = source(sb250).fetch_mentions(BRAND_ID, None)
    assert sb250.requests("mentions") == 3
    ids = [m.x_id for m in page.mentions]
    assert ids == list(range(1249, 999, -1))
    assert page.newest_id == 1249 and page.rejected == []
    m = page.mentions[0]
    assert m.author is not None and m.author.username == "flyer" + str(249 % 7)
    assert m.raw["id"] == "1249" and m.created_at == T0 + timedelta(minutes=249)
    assert m.lang == "en" and m.metrics["retweet_count"] == 0


def test_since_id_returns_only_newer_posts_and_excludes_the_brand(sb250):
    sb250.add_posts([make_post(2000, f"@{BRAND} thanks for flying with us", author_id=BRAND_ID, username=BRAND,
                               created_at=T0 + timedelta(hours=5))])
    page = source(sb250).fetch_mentions(BRAND_ID, since_id=1240, exclude_author_id=BRAND_ID)
    assert [m.x_id for m in page.mentions] == list(range(1249, 1240, -1))
    assert page.newest_id == 2000  # the brand's own post moves the cursor but is not returned
    assert source(sb250).fetch_mentions(BRAND_ID, since_id=2000).mentions == []


def test_only_posts_before_the_sandbox_clock_are_visible(sb250):
    sb250.clock.set(T0 + timedelta(minutes=9, seconds=30))
    assert len(source(sb250).fetch_mentions(BRAND_ID, None).mentions) == 10
    sb250.clock.advance(60 * 10)
    assert len(source(sb250).fetch_mentions(BRAND_ID, None).mentions) == 20


@pytest.fixture
def search_sb():
    lines = [
        brand_line(),
        make_post(1, "AcmeAir lost my bag #fail", author_id=7, username="ann", created_at=T0),
        make_post(2, "Flying acmeair tomorrow, excited", author_id=8, username="bob", created_at=T0, lang="en"),
        make_post(3, "RT @ann: AcmeAir lost my bag #fail", author_id=9, username="cat", created_at=T0,
                  referenced_tweets=[{"type": "retweeted", "id": "1"}]),
        make_post(4, "AcmeAir perdió mi maleta", author_id=10, username="dan", created_at=T0, lang="es"),
        make_post(5, "customer service at Acme Air is slow", author_id=7, username="ann", created_at=T0),
        make_post(6, "@AcmeAir thanks, all fixed", author_id=8, username="bob", created_at=T0, in_reply_to_user_id=BRAND_ID,
                  referenced_tweets=[{"type": "replied_to", "id": "100"}]),
        make_post(7, "AcmeAir official update on delays", author_id=BRAND_ID, username=BRAND, created_at=T0),
    ]
    with XSandbox(lines, start=T0 + timedelta(hours=1)) as sb:
        yield sb


@pytest.mark.parametrize("query, expected", [
    ("acmeair", {1, 2, 3, 4, 7, 100}),
    ("acmeair -is:retweet", {1, 2, 4, 7, 100}),
    ('"acme air"', {5}),
    ("#fail -is:retweet", {1}),
    ("acmeair lang:es", {4}),
    ("(acmeair OR \"acme air\") from:ann", {1, 5}),
    ("@acmeair is:reply", {6}),
    ("acmeair -from:bob -#fail", {4, 7, 100}),
])
def test_search_queries(search_sb, query, expected):
    page = source(search_sb).search_recent(query, None)
    assert {m.x_id for m in page.mentions} == expected


def test_search_leaves_out_the_brand(search_sb):
    page = source(search_sb).search_recent("acmeair OR thanks", None, exclude_author_id=BRAND_ID)
    assert {m.x_id for m in page.mentions} == {1, 2, 3, 4, 6}


def test_invalid_query_names_the_problem(search_sb):
    with pytest.raises(ConfigError, match="query"):
        source(search_sb).search_recent('"unterminated', None)


def test_counts(sb250):
    buckets = source(sb250).recent_counts("flight late", T0, T0 + timedelta(hours=5), "hour")
    assert [b.count for b in buckets] == [60, 60, 60, 60, 10]
    assert buckets[0].start == T0 and buckets[-1].end == T0 + timedelta(hours=5)


def test_rate_limit_spent_waits_for_the_reset(sb250):
    sb250.set_rate_limit("mentions", 2, window_seconds=1.5)
    started = time.monotonic()
    page = source(sb250, max_wait_seconds=5).fetch_mentions(BRAND_ID, None)
    assert len(page.mentions) == 250 and sb250.requests("mentions") == 3  # never sent a request into a 429
    assert time.monotonic() - started >= 0.5


def test_rate_limit_beyond_max_wait_raises_then_returns_partial(sb250):
    sb250.set_rate_limit("mentions", 1, window_seconds=600)
    src = source(sb250, max_wait_seconds=1)
    page = src.fetch_mentions(BRAND_ID, None)
    assert len(page.mentions) == 100 and page.newest_id is None and page.rate_limited_until > time.time() + 500
    with pytest.raises(RateLimited) as info:
        src.fetch_mentions(BRAND_ID, None)
    assert info.value.reset_at == page.rate_limited_until and sb250.requests("mentions") == 1


def test_429_from_x_waits_for_the_reset_then_succeeds(sb250):
    sb250.set_rate_limit("mentions", 100, window_seconds=1.0)
    sb250.inject_fault("mentions", status=429)
    page = source(sb250, max_wait_seconds=5).fetch_mentions(BRAND_ID, None)
    assert len(page.mentions) == 250 and sb250.requests("mentions") == 4


def test_5xx_are_retried_then_give_up(sb250):
    sb250.inject_fault("mentions", status=503, count=2)
    assert len(source(sb250, retries=3).fetch_mentions(BRAND_ID, None).mentions) == 250
    sb250.inject_fault("mentions", status=500, count=4)
    with pytest.raises(TransientError, match="failed 4 times, last: server error 500"):
        source(sb250, retries=3).fetch_mentions(BRAND_ID, None)


def test_timeout_is_retried(sb250):
    sb250.inject_fault("mentions", delay=1.5)
    client = make_tweepy_client(settings_for(sb250, x_timeout_seconds=0.5))
    page = TweepyMentionSource(client, backoff_seconds=0.01).fetch_mentions(BRAND_ID, None)
    assert len(page.mentions) == 250 and sb250.requests("mentions") == 4


def test_cut_connection_is_retried(sb250, caplog):
    sb250.inject_fault("mentions", cut=True)
    with caplog.at_level(logging.WARNING, logger="crisiswatch.x"):
        page = source(sb250).fetch_mentions(BRAND_ID, None)
    assert len(page.mentions) == 250
    assert "connection failed or was cut" in caplog.text


def test_truncated_body_is_retried(sb250):
    sb250.inject_fault("mentions", truncated=True)
    assert len(source(sb250).fetch_mentions(BRAND_ID, None).mentions) == 250


def test_malformed_page_is_stored_or_rejected_never_a_crash(caplog):
    lines = [brand_line(), *mentions_timeline(20)]
    lines.append(make_post(3000, f"@{BRAND} deleted one", author_id=600, username="gone", created_at=T0, deleted=True))
    lines.append(make_post(3001, f"@{BRAND} withheld one", author_id=601, username="hid", created_at=T0, withheld=True))
    with XSandbox(lines, start=T0 + timedelta(days=1)) as sb:
        sb.inject_fault("mentions", malformed=True)
        with caplog.at_level(logging.WARNING, logger="crisiswatch.x"):
            page = source(sb).fetch_mentions(BRAND_ID, None)
    by_id = {m.x_id: m for m in page.mentions}
    # page 1 (malformed, 100 requested) holds 20 posts + 2 errors: one garbage post rejected, 19 kept
    assert len(page.mentions) == 19 and len(page.rejected) == 3
    assert page.newest_id == 3001
    texts = [m.text for m in page.mentions]
    assert any(len(t) == 20_000 for t in texts)
    assert any("\ufffd" in t and "broken" in t for t in texts)
    assert any("עברית" in t and "شكوى" in t for t in texts)
    assert any("😡" in t for t in texts)
    assert any("x_future_field" in m.raw for m in page.mentions)
    assert all(m.author is None for m in page.mentions)  # includes were missing
    for t in texts:
        t.encode("utf-8")  # storable
    assert "created_at 'yesterday-ish' is not an ISO 8601 timestamp" in caplog.text
    assert "3000: not available (Not Found Error" in caplog.text
    assert "3001: not available (Authorization Error" in caplog.text
    assert "replaced 2 invalid character(s)" in caplog.text
    assert "no includes.users" in caplog.text
    assert by_id[1000].text.startswith("@AcmeAir") or 1000 not in by_id


def test_401_fails_fast_naming_the_setting(sb250):
    client = make_tweepy_client(settings_for(sb250, x_bearer_token="wrong"))
    with pytest.raises(AuthenticationError, match="CRISISWATCH_X_BEARER_TOKEN"):
        TweepyMentionSource(client).fetch_mentions(BRAND_ID, None)
    assert sb250.requests("mentions") == 1


def test_missing_token_is_a_config_error(sb250):
    with pytest.raises(ConfigError, match="CRISISWATCH_X_BEARER_TOKEN"):
        make_tweepy_client(Settings(_env_file=None, x_api_base_url=sb250.base_url))  # type: ignore[call-arg]
    client = make_tweepy_client(settings_for(sb250, x_bearer_token=None))
    with pytest.raises(ConfigError, match="CRISISWATCH_X_BEARER_TOKEN"):
        TweepyMentionSource(client)
    client = make_tweepy_client(settings_for(sb250, x_access_token=None))
    with pytest.raises(ConfigError, match="CRISISWATCH_X_ACCESS_TOKEN"):
        TweepyReplySender(client)


def test_bearer_token_is_never_logged(sb250, caplog):
    client = make_tweepy_client(settings_for(sb250, x_bearer_token="s3cret-bearer"))
    sb250.bearer_token = "s3cret-bearer"
    with caplog.at_level(logging.DEBUG):
        TweepyMentionSource(client).fetch_mentions(BRAND_ID, None)
    assert "s3cret-bearer" not in caplog.text


def test_reply_and_dm_are_recorded(sb250):
    sender = TweepyReplySender(client_for(sb250))
    post_id = sender.post_reply(1249, "Sorry about the delay, we are on it.")
    event_id = sender.send_dm(503, "Please send us your booking reference.")
    sent = sb250.sent()
    assert sent["posts"] == [{"id": post_id, "text": "Sorry about the delay, we are on it.",
                              "in_reply_to_tweet_id": "1249", "created_at": sent["posts"][0]["created_at"], "auth": "oauth"}]
    assert sent["dms"][0]["dm_event_id"] == event_id and sent["dms"][0]["participant_id"] == "503"
    assert int(post_id) > 1249


def test_dm_closed_raises_direct_messages_closed():
    lines = [brand_line(), make_post(1, f"@{BRAND} help", author_id=77, username="private", created_at=T0, dm_closed=True)]
    with XSandbox(lines, start=T0 + timedelta(hours=1)) as sb:
        with pytest.raises(DirectMessagesClosed, match="77"):
            TweepyReplySender(client_for(sb)).send_dm(77, "hello")
        assert sb.sent()["dms"] == []


def test_reply_is_not_retried_when_the_outcome_is_unknown(sb250):
    sb250.inject_fault("create_tweet", status=503)
    with pytest.raises(TransientError, match="outcome is unknown"):
        TweepyReplySender(client_for(sb250)).post_reply(1249, "hello")
    assert sb250.requests("create_tweet") == 1


def test_admin_api_over_http(sb250):
    import requests

    r = requests.post(sb250.base_url + "/_sandbox/clock", json={"advance": 60})
    assert r.json()["now"] == "2025-03-02T12:01:00.000Z"
    line = json.dumps(make_post(5000, f"@{BRAND} live post", author_id=9, username="live", created_at=T0))
    assert requests.post(sb250.base_url + "/_sandbox/posts", data=line).json()["added"] == 1
    requests.post(sb250.base_url + "/_sandbox/faults", json={"endpoint": "mentions", "status": 503})
    requests.post(sb250.base_url + "/_sandbox/rate_limits", json={"endpoint": "mentions", "limit": 50})
    page = source(sb250).fetch_mentions(BRAND_ID, since_id=1249)
    assert [m.x_id for m in page.mentions] == [5000]
    r = requests.get(sb250.base_url + "/2/users/42/mentions", headers={"Authorization": "Bearer sandbox-token"})
    assert r.headers["x-rate-limit-limit"] == "50" and int(r.headers["x-rate-limit-reset"]) > time.time()
    assert requests.get(sb250.base_url + "/_sandbox/sent").json() == {"posts": [], "dms": []}


def test_waiting_on_one_budget_does_not_block_other_threads(sb250):
    import threading

    sb250.set_rate_limit("mentions", 1, window_seconds=1.5)
    src = source(sb250, max_wait_seconds=5)
    done: dict[str, float] = {}
    started = time.monotonic()

    def mentions() -> None:
        src.fetch_mentions(BRAND_ID, None)
        done["mentions"] = time.monotonic() - started

    t = threading.Thread(target=mentions)
    t.start()
    time.sleep(0.2)  # the mentions thread is now waiting for its window
    src.search_recent("flight", None)
    done["search"] = time.monotonic() - started
    t.join()
    assert done["search"] < 1.0 < done["mentions"]
