"""Origin types: unheard customer vs answered customer, the brand's own post, categories."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisiswatch.config import ORIGIN_TYPES
from crisiswatch.origin.classify import category_origin, classify_threads, hearing
from crisiswatch.origin.threads import group_threads
from tests.unit.origin_factory import BRAND_ID, T0, at, own, post

DAY = timedelta(hours=24)


def customer_thread(category: str = "delivery_logistics") -> list:
    posts = [post(1, 10, -30, "@acme my order never arrived", category=category)]
    posts += [post(100 + i, 200 + i, 0.1 * i, quote=1, category=category) for i in range(10)]
    return posts


def types(posts, own_posts=(), now_hours: float = 6) -> dict[int, str]:
    threads = group_threads(posts, own_posts)
    classify_threads(threads, posts, own_posts, T0, DAY, at(now_hours))
    return {p.x_id: t.type for t in threads for p in t.posts}


def test_a_customer_nobody_answered_is_unheard() -> None:
    assert types(customer_thread())[1] == "unheard_customer"
    h = hearing(10, customer_thread(), [], T0, DAY, at(6))
    assert h.unheard and "no reply from the brand within 24 h" in h.reason and h.first_mention_at == at(-30)
    assert h.facts == {"code": "unheard", "mentions": 1, "first_at": at(-30).isoformat(), "hours": 24.0}


@pytest.mark.parametrize(
    "answer",
    [
        own(900, -29, "so sorry, DM us", reply_to=1, to_user=10),  # a reply to their post
        own(901, -20, "we are on it", conversation=1),  # in their conversation
        own(902, -10, "@user10 please DM us", to_user=10),  # addressed to them
    ],
)
def test_a_customer_answered_in_time_is_not_unheard(answer) -> None:
    got = types(customer_thread(), [answer])
    assert got[1] == "other"  # delivery_logistics has no origin type of its own
    assert not hearing(10, customer_thread(), [answer], T0, DAY, at(6)).unheard


def test_an_answer_after_the_configured_time_does_not_count() -> None:
    late = own(903, -1, "sorry for the delay", reply_to=1, to_user=10)
    assert types(customer_thread(), [late])[1] == "unheard_customer"


def test_an_answer_to_someone_else_does_not_count() -> None:
    other = own(904, -25, "hi", to_user=77)
    assert types(customer_thread(), [other])[1] == "unheard_customer"


def test_before_the_configured_time_runs_out_they_are_not_unheard_yet() -> None:
    posts = [post(1, 10, -3, "@acme my order never arrived")] + [post(100 + i, 200 + i, 0.1 * i, quote=1) for i in range(5)]
    h = hearing(10, posts, [], T0, DAY, at(1))
    assert not h.unheard and "not answered yet" in h.reason
    assert h.facts["code"] == "waiting" and h.facts["hours"] == 24.0


def test_an_author_whose_first_post_is_the_spike_is_not_unheard() -> None:
    posts = [post(1, 10, 0.5, category="service_disruption")]
    posts += [post(100 + i, 200 + i, 1, quote=1, category="service_disruption") for i in range(5)]
    assert types(posts, now_hours=48)[1] == "service_failure"


def test_the_brands_own_post_makes_a_marketing_misunderstanding() -> None:
    campaign = own(500, -6, "Our new ad!")
    posts = [post(10 + i, 100 + i, 0.1 * i, reply_to=500, category="ethics_legal") for i in range(5)]
    assert set(types(posts, [campaign]).values()) == {"marketing_misunderstanding"}


@pytest.mark.parametrize(
    ("category", "origin"),
    [
        ("service_disruption", "service_failure"),
        ("product_quality", "product_problem"),
        ("ethics_legal", "ethics_legal"),
        ("marketing_misunderstanding", "marketing_misunderstanding"),
        ("billing_payments", "other"),
    ],
)
def test_categories_map_to_origin_types(category: str, origin: str) -> None:
    posts = [post(1, 10, 0.2, category=category)] + [post(100 + i, 200 + i, 0.5, reply_to=1, category=category) for i in range(4)]
    assert types(posts)[1] == origin == category_origin(category)
    assert origin in ORIGIN_TYPES


def test_the_dominant_category_counts_negative_mentions() -> None:
    posts = [post(1, 10, 0.2, category="product_quality")]
    posts += [post(100 + i, 200 + i, 0.5, reply_to=1, category="product_quality") for i in range(2)]
    posts += [post(300 + i, 400 + i, 0.5, reply_to=1, category="service_disruption", negative=False) for i in range(5)]
    assert types(posts)[1] == "product_problem"
    assert BRAND_ID  # the brand itself never appears among authors here


def test_happy_replies_to_a_promotion_are_no_misunderstanding() -> None:
    promo = own(600, -6, "2x1 until 10 am!")
    posts = [post(10 + i, 100 + i, 0.1 * i, reply_to=600, negative=False, category="other") for i in range(9)]
    posts.append(post(30, 130, 1, reply_to=600, category="customer_service"))  # 1 in 10 negative: under the 20% bar
    assert set(types(posts, [promo]).values()) == {"other"}


def test_the_brand_answering_someone_else_in_a_shared_conversation_does_not_count() -> None:
    campaign = own(500, -40, "Our new ad!")
    posts = [post(1, 10, -30, "@acme this ad is offensive", reply_to=500, category="marketing_misunderstanding")]
    to_someone_else = own(905, -29, "@user77 thanks!", reply_to=500, to_user=77)
    h = hearing(10, posts, [campaign, to_someone_else], T0, DAY, at(6))
    assert h.unheard
