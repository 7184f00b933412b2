"""One complainant per affected person, with their own messages."""

from __future__ import annotations

from crisiswatch.origin.complainants import complainants
from tests.unit.origin_factory import BRAND_ID, post


def test_one_case_per_person_with_a_negative_mention() -> None:
    posts = [
        post(3, 10, 2, category="delivery_logistics", lang="es"),
        post(1, 10, 0, category="delivery_logistics", lang="es"),
        post(2, 10, 1, negative=False, category="other", lang="es"),  # kept: part of their conversation
        post(4, 11, 0.5, category="billing_payments", lang="en"),
        post(5, 12, 0.7, negative=False),  # never negative: not a complainant
        post(6, BRAND_ID, 0.8),  # the brand itself
    ]
    cases = complainants(posts, brand_user_id=BRAND_ID, languages=("es", "en"))
    assert [c.username for c in cases] == ["user10", "user11"]
    first = cases[0]
    assert first.x_ids == [1, 2, 3] and first.mention_ids == [100001, 100002, 100003]
    assert (first.category, first.lang, first.author_id) == ("delivery_logistics", "es", 5010)
    assert (cases[1].category, cases[1].lang) == ("billing_payments", "en")


def test_category_is_the_dominant_one_of_their_negative_mentions_and_lang_falls_back() -> None:
    posts = [
        post(1, 10, 0, category="billing_payments", lang="pt"),
        post(2, 10, 1, category="service_disruption", lang="pt"),
        post(3, 10, 2, category="service_disruption", lang="und"),
    ]
    (c,) = complainants(posts, languages=("es", "en"))
    assert c.category == "service_disruption" and c.lang == "es"  # no es/en post: the brand's first language


def test_trolls_are_kept_but_flagged() -> None:
    posts = [post(i, 66, 0.01 * i, followers=0) for i in range(1, 13)] + [post(50, 10, 0)]
    cases = {c.username: c for c in complainants(posts)}
    assert cases["user66"].flags == ("high_volume", "no_audience") and len(cases["user66"].posts) == 12
    assert cases["user10"].flags == ()


def test_the_brand_handle_is_never_a_complainant_even_without_its_id() -> None:
    p = post(1, 77, 0)
    brand_post = type(p)(**{**{f: getattr(p, f) for f in p.__slots__}, "username": "Acme"})
    assert complainants([brand_post], brand_handle="acme") == []


def test_a_retweet_alone_makes_no_complainant() -> None:
    posts = [post(1, 10, 0), post(2, 11, 1, retweet=1), post(3, 12, 1, retweet=1), post(4, 12, 2, reply_to=1)]
    cases = {c.username: c for c in complainants(posts)}
    assert set(cases) == {"user10", "user12"} and cases["user12"].x_ids == [3, 4]
