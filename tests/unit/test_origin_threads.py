"""Threads: conversations, quotes and retweets, shared links, rare hashtags, near-duplicate text."""

from __future__ import annotations

from crisiswatch.origin.neardup import near_duplicate_pairs, normalise
from crisiswatch.origin.threads import group_threads, normalise_url
from tests.unit.origin_factory import own, post


def members(threads) -> list[set[int]]:
    return sorted(({p.x_id for p in t.posts} for t in threads), key=min)


def test_replies_in_one_conversation_form_one_thread() -> None:
    posts = [
        post(1, 10, -2),
        post(2, 11, -1, reply_to=1),
        post(3, 12, 0, reply_to=2, conversation=1),  # a reply to a reply: same conversation
        post(4, 13, 0.5),
    ]
    threads = group_threads(posts)
    assert members(threads) == [{1, 2, 3}, {4}]
    first = threads[0]
    assert first.root_id == 1 and first.root_in_case and not first.root_is_brand
    assert first.links["conversation"] >= 2


def test_quotes_and_retweets_of_a_post_outside_the_case_share_its_root() -> None:
    outside = 999
    posts = [post(1, 10, 0, quote=outside), post(2, 11, 0.1, retweet=outside), post(3, 12, 0.2, reply_to=outside), post(4, 13, 0.3)]
    threads = group_threads(posts)
    assert members(threads) == [{1, 2, 3}, {4}]
    assert threads[0].root_id == outside and not threads[0].root_in_case


def test_a_retweet_of_a_quote_traces_to_the_original() -> None:
    posts = [post(1, 10, 0), post(2, 11, 1, quote=1), post(3, 12, 2, retweet=2), post(4, 13, 2, retweet=2)]
    (thread,) = group_threads(posts)
    assert thread.root_id == 1


def test_replies_to_a_brand_post_are_rooted_at_the_brand() -> None:
    campaign = own(500, -5, "Our new campaign!")
    posts = [post(1, 10, 0, reply_to=500), post(2, 11, 1, quote=500), post(3, 12, 1, reply_to=1, conversation=500)]
    (thread,) = group_threads(posts, [campaign])
    assert thread.root_id == 500 and thread.root_is_brand and not thread.root_in_case


def test_shared_links_join_specific_pages_not_home_pages() -> None:
    posts = [
        post(1, 10, 0, urls=("https://news.example.com/acme-recall?utm_source=tw",)),
        post(2, 11, 1, urls=("http://www.news.example.com/acme-recall/",)),
        post(3, 12, 1, urls=("https://acme.com/",)),
        post(4, 13, 2, urls=("https://acme.com",)),
        post(5, 14, 2, urls=("https://x.com/someone/status/1",)),  # a link to post 1 is a quote of it
    ]
    assert members(group_threads(posts)) == [{1, 2, 5}, {3}, {4}]
    assert normalise_url("https://twitter.com/a/status/77") == ("p", 77)
    assert normalise_url("https://t.co/abc") is None


def test_rare_hashtags_join_but_brand_and_ubiquitous_ones_do_not() -> None:
    filler = [post(100 + i, 200 + i, 0.1 * i, hashtags=("everywhere",)) for i in range(8)]
    posts = filler + [
        post(1, 10, 0, hashtags=("acmelostmybag", "acme")),
        post(2, 11, 1, hashtags=("acmelostmybag", "everywhere")),
        post(3, 12, 1, hashtags=("acme",)),
        post(4, 13, 2, hashtags=("acme",)),
    ]
    groups = members(group_threads(posts, ignore_hashtags={"acme"}))
    assert {1, 2} in groups and {3} in groups and {4} in groups
    assert all(len(g) == 1 for g in groups if g & set(range(100, 108)))  # "everywhere" is in 9 of 12 posts


def test_near_duplicate_texts_join_and_different_texts_do_not() -> None:
    posts = [
        post(1, 10, 0, "@acme my flight 2231 was cancelled and nobody at the desk answers questions"),
        post(2, 11, 1, "RT @user10: @acme my flight 2231 was cancelled and nobody at the desk answers questions!!"),
        post(3, 12, 1, "@acme My flight 2231 was cancelled and nobody at the desk answers questions https://t.co/x"),
        post(4, 13, 2, "@acme my flight 2231 was great and the crew at the desk answered all questions kindly today"),
        post(5, 14, 2, "@acme cancelled"),  # too short to compare
        post(6, 15, 3, "@acme cancelled"),
    ]
    assert members(group_threads(posts)) == [{1, 2, 3}, {4}, {5}, {6}]


def test_normalise_strips_accents_links_handles_and_rt() -> None:
    assert normalise("RT @a: ¡Qué SERVICIO tan malo! @acme https://t.co/x") == ["que", "servicio", "tan", "malo"]


def test_near_duplicates_scale_to_thousands_of_copies() -> None:
    texts = [f"@acme day {i % 50} the app is down again and I cannot pay my bills at all" for i in range(3000)]
    pairs = near_duplicate_pairs(texts)
    # every text is linked to an earlier one (transitively one group), without comparing all pairs
    linked = {j for _, j in pairs}
    assert linked == set(range(1, 3000)) - {0}
    assert len(pairs) < 3000 * 10


def test_the_same_short_reply_under_two_different_posts_joins_nothing() -> None:
    posts = [
        post(1, 10, 0, reply_to=500, text="@acme until when does the promo last please"),
        post(2, 11, 1, reply_to=600, text="@acme until when does the promo last please"),
    ]
    assert members(group_threads(posts, [own(500, -3), own(600, -2)])) == [{1}, {2}]
