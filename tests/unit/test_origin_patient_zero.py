"""Patient zero: the thread that drives the spike, then the post it spreads from."""

from __future__ import annotations

from datetime import timedelta

from crisiswatch.origin.patient_zero import driving_thread, find_patient_zero, spike_growth
from crisiswatch.origin.threads import group_threads
from tests.unit.origin_factory import T0, own, post


def spreading_complaint() -> list:
    """user10 complains twice; from the spike on, people quote and retweet the second post."""
    posts = [
        post(1, 10, -30, "@acme my luggage has been lost for three days and nobody answers me"),
        post(2, 10, -2, "@acme still nothing about my luggage, three days without clothes", reply_to=1, conversation=1),
    ]
    posts += [post(100 + i, 200 + i, 0.1 * i, quote=2) for i in range(12)]
    posts += [post(300 + i, 400 + i, 0.2 + 0.1 * i, retweet=100) for i in range(5)]
    return posts


def test_the_driving_thread_is_the_one_that_grows_at_the_spike_not_the_biggest() -> None:
    old_storm = [post(1000 + i, 2000 + i, -20 + 0.01 * i, quote=7777) for i in range(40)]  # over before the spike
    threads = group_threads(spreading_complaint() + old_storm)
    chosen = driving_thread(threads, T0)
    assert chosen is not None and {p.x_id for p in chosen.posts} >= {1, 2, 100}
    big = max(threads, key=lambda t: t.size)
    assert big is not chosen and spike_growth(big, T0, timedelta(hours=3)) == 0


def test_patient_zero_is_the_earliest_post_of_the_author_the_thread_spreads_from() -> None:
    threads = group_threads(spreading_complaint())
    pz = find_patient_zero(threads, {}, T0, "acme")
    assert pz is not None and pz.x_id == 1 and pz.username == "user10" and not pz.is_brand_post
    assert pz.url == "https://x.com/user10/status/1"
    assert "user10" in pz.why and "+16 negative mentions" in pz.why  # 17 after, 1 (post 2) before
    assert [f["code"] for f in pz.why_facts] == ["root_post", "grew"] and pz.why_facts[1]["growth"] == 16
    assert pz.why_facts[1]["spread"] == {"quotes": 12, "retweets": 5, "other": 1, "replies": 1} and "(12 quotes, 5 retweets, 1 other posts" in pz.why


def test_root_outside_the_case_falls_back_to_the_most_quoted_author() -> None:
    outside = 999
    posts = [post(1, 10, -1, quote=outside), post(2, 11, -0.5, quote=outside), post(3, 11, -0.2, reply_to=outside)]
    posts += [post(10 + i, 100 + i, 0.1 * i, retweet=2) for i in range(6)]  # user11's quote is the one spreading
    posts += [post(30, 101, 1, retweet=1)]
    threads = group_threads(posts)
    pz = find_patient_zero(threads, {}, T0, "acme")
    assert pz is not None and pz.username == "user11" and pz.x_id == 2
    assert "retweeted, quoted or replied to most" in pz.why
    assert pz.why_facts[0]["code"] == "most_spread" and f"({pz.why_facts[0]['times']} times)" in pz.why


def test_a_thread_rooted_at_the_brand_names_the_brand_post() -> None:
    campaign = own(500, -6, "Guess who is coming to dinner? #newflavour")
    posts = [post(10 + i, 100 + i, 0.1 * i, reply_to=500) for i in range(8)]
    threads = group_threads(posts, [campaign])
    pz = find_patient_zero(threads, {500: campaign}, T0, "acme")
    assert pz is not None and pz.is_brand_post and pz.x_id == 500 and pz.url == "https://x.com/acme/status/500"
    assert pz.why_facts[0] == {"code": "brand_post", "posted_at": campaign.created_at.isoformat()}


def test_no_mentions_no_patient_zero() -> None:
    assert find_patient_zero([], {}, T0, "acme") is None


def test_a_root_in_the_case_is_patient_zero_even_when_its_author_posted_earlier_in_the_thread() -> None:
    posts = [
        post(1, 10, -25, "@acme day one without my order #acmenuncallega"),  # joined only by the hashtag
        post(2, 10, -0.5, "@acme I was charged twice and the order never came #acmenuncallega"),
    ]
    posts += [post(100 + i, 200 + i, 0.1 * i, retweet=2) for i in range(8)]
    posts += [post(300 + i, 400 + i, 0.1 * i, reply_to=2) for i in range(4)]
    threads = group_threads(posts)
    pz = find_patient_zero(threads, {}, T0, "acme")
    assert pz is not None and pz.x_id == 2 and "is the root" in pz.why
    assert pz.why_facts[0]["code"] == "root_post" and pz.why_facts[0]["author"] == pz.username
