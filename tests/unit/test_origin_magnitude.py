"""Magnitude: mentions, people, reach, velocity, negative share, languages, influential authors."""

from __future__ import annotations

from crisiswatch.origin.magnitude import measure
from tests.unit.origin_factory import at, post


def sample() -> list:
    return [
        post(1, 10, 0.0, followers=100, lang="es"),
        post(2, 10, 0.2, followers=100, lang="es"),  # same author: counted once for reach
        post(3, 11, 0.5, followers=5000, lang="en", negative=False, metrics={"retweet_count": 50, "like_count": 49}),
        post(4, 12, 1.1, followers=20, lang="en", metrics={"retweet_count": 4}),
        post(5, 13, 1.2, followers=1000, lang="es"),
        post(6, 14, 1.3, followers=0, lang="es"),
        post(7, 15, 3.0, followers=1, lang="pt", negative=False),
    ]


def test_counts_reach_share_and_languages() -> None:
    m = measure(sample())
    assert (m.mentions, m.negative, m.unique_authors) == (7, 5, 6)
    assert m.potential_reach == 100 + 5000 + 20 + 1000 + 0 + 1
    assert m.negative_share == round(5 / 7, 4)
    assert m.languages == {"es": 4, "en": 2, "pt": 1}
    assert (m.first_at, m.last_at) == (at(0), at(3))


def test_velocity_peak_hour_and_average() -> None:
    m = measure(sample())
    assert m.peak_velocity == 3 and m.peak_at == at(0)  # 12:00-13:00 and 13:00-14:00 both hold 3: the earlier wins
    assert m.average_velocity == round(7 / 3, 2)


def test_influential_authors_negative_first_then_by_followers_times_engagement() -> None:
    top = measure(sample()).top_authors
    assert [a.username for a in top[:4]] == ["user13", "user10", "user12", "user14"]
    assert top[0].influence == 1000 and top[2].influence == 20 * 5
    positive = [a for a in top if not a.negative]
    assert [a.username for a in positive] == ["user11", "user15"] and positive[0].influence == 5000 * 100


def test_empty_and_json() -> None:
    assert measure([]).mentions == 0
    d = measure(sample()).as_dict()
    assert d["first_at"].startswith("2026-03-02T12:00") and d["top_authors"][0]["author_x_id"] == "13"
