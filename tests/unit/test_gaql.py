"""The GAQL subset: what crisiswatch sends parses back to what it means."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisiswatch.connectors.google_ads import gaql
from crisiswatch.errors import RejectedInput


def test_campaign_query_by_ids_round_trips() -> None:
    q = gaql.parse(gaql.campaign_query(campaign_ids=["12", "345"]))
    assert q.resource == "campaign"
    assert q.fields == gaql.CAMPAIGN_FIELDS
    assert q.conditions == (gaql.Condition("campaign.status", "=", "ENABLED"), gaql.Condition("campaign.id", "IN", (12, 345)))


def test_label_query_goes_through_campaign_label() -> None:
    q = gaql.parse(gaql.campaign_query(labels=["crisis", "it's on"]))
    assert q.resource == "campaign_label" and "label.name" in q.fields
    assert gaql.Condition("label.name", "IN", ("crisis", "it's on")) in q.conditions


def test_any_status_query_lists_the_three_statuses() -> None:
    (cond,) = gaql.parse(gaql.campaign_query(status=None)).conditions
    assert cond.op == "IN" and set(cond.value) == {"ENABLED", "PAUSED", "REMOVED"}


def test_change_status_query_has_a_date_filter_and_limit() -> None:
    text = gaql.change_status_query("111", ["5"], datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc))
    q = gaql.parse(text)
    assert q.limit == 10000 and q.resource == "change_status"
    assert gaql.Condition("change_status.last_change_date_time", ">=", "2025-03-01 09:30:00") in q.conditions
    assert gaql.Condition("change_status.campaign", "IN", ("customers/111/campaigns/5",)) in q.conditions


def test_parse_accepts_bare_enums_not_in_order_by() -> None:
    q = gaql.parse("select campaign.id from campaign where campaign.status != REMOVED and campaign.id not in (1, 2) "
                   "order by campaign.id desc limit 5")
    assert q.conditions == (gaql.Condition("campaign.status", "!=", "REMOVED"), gaql.Condition("campaign.id", "NOT_IN", (1, 2)))
    assert q.order_by == ("campaign.id",) and q.limit == 5


@pytest.mark.parametrize(
    "bad",
    ["", "SELECT FROM campaign", "SELECT campaign.id campaign", "SELECT campaign.id FROM campaign WHERE campaign.id ~ 3",
     "SELECT campaign.id FROM campaign LIMIT 0", "SELECT campaign.id FROM campaign WHERE campaign.id IN (1,",
     "SELECT campaign.id FROM campaign extra"],
)
def test_parse_rejects_what_it_does_not_understand(bad: str) -> None:
    with pytest.raises(RejectedInput):
        gaql.parse(bad)


def test_ids_must_be_digits() -> None:
    with pytest.raises(RejectedInput):
        gaql.campaign_query(campaign_ids=["1 OR 1=1"])


@pytest.mark.parametrize(
    ("cond", "value", "expected"),
    [
        (gaql.Condition("campaign.id", "IN", (1, 2)), 2, True),
        (gaql.Condition("campaign.id", "IN", (1, 2)), 3, False),
        (gaql.Condition("campaign.id", "=", "7"), 7, True),
        (gaql.Condition("campaign.status", "!=", "ENABLED"), "PAUSED", True),
        (gaql.Condition("x.t", ">=", "2025-01-02 00:00:00"), "2025-01-02 10:00:00.000001", True),
        (gaql.Condition("x.t", ">=", "2025-01-02 00:00:00"), "2025-01-01 23:59:59.999999", False),
    ],
)
def test_matches(cond: gaql.Condition, value: object, expected: bool) -> None:
    assert gaql.matches(cond, value) is expected


@given(st.text(min_size=1, max_size=40))
def test_any_label_name_survives_quoting(name: str) -> None:
    q = gaql.parse(gaql.campaign_query(labels=[name]))
    assert gaql.Condition("label.name", "IN", (name,)) in q.conditions
