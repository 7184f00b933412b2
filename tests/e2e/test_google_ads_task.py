"""The Prefect tasks under Prefect's test harness: transient faults are retried, bad credentials are not."""

from __future__ import annotations

from collections import Counter

import pytest
from prefect import flow

from crisiswatch.errors import AuthenticationError
from tasks.ads import RETRIES, pause_ad_spend
from tests.integration.google_ads_fixtures import CUSTOMER, actions, ads_config, events, make_case, sandbox_settings

pytestmark = pytest.mark.slow
FAST = [0.05, 0.1, 0.2, 0.4]  # the same backoff shape, in tenths of a second


@pytest.fixture(autouse=True)
def _prefect(harness: None) -> None:
    """Every test here runs against the session's temporary Prefect API."""


def run_pause(db_url: str, case_id: int, settings) -> dict:  # type: ignore[no-untyped-def]
    @flow(name="pause-under-test")
    def crisis() -> dict:
        return pause_ad_spend.with_options(retry_delay_seconds=FAST)(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    return crisis()


def test_quota_errors_are_retried_with_backoff_until_paused(sqlite_url, sandbox, settings) -> None:
    case_id = make_case(sqlite_url)
    ids = sandbox.add_campaigns(CUSTOMER, 4)
    sandbox.fail_next("quota", 2, method="SearchStream")
    out = run_pause(sqlite_url, case_id, settings)

    assert sorted(out["applied"]) == sorted(f"{CUSTOMER}/{c}" for c in ids)
    assert [e.kind for e in events(sqlite_url, case_id)] == ["ads_pause_failed", "ads_pause_failed", "ads_paused"]
    assert all(e.data["transient"] for e in events(sqlite_url, case_id)[:2])
    assert Counter(m.campaign_id for m in sandbox.api_mutations()) == Counter({c: 1 for c in ids})


def test_lost_answer_after_apply_is_retried_and_converges(sqlite_url, sandbox, settings) -> None:
    case_id = make_case(sqlite_url)
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    sandbox.fail_next("apply_then_unavailable", 1)
    out = run_pause(sqlite_url, case_id, settings)

    assert sorted(out["reconciled"]) == sorted(f"{CUSTOMER}/{c}" for c in ids)
    assert {r.state for r in actions(sqlite_url, case_id).values()} == {"applied"}
    assert Counter(m.campaign_id for m in sandbox.api_mutations()) == Counter({c: 1 for c in ids})


def test_bad_developer_token_is_not_retried(sqlite_url, sandbox) -> None:
    case_id = make_case(sqlite_url)
    sandbox.add_campaigns(CUSTOMER, 2)
    bad = sandbox_settings(sandbox, google_ads_developer_token="not-approved")
    assert RETRIES > 0
    with pytest.raises(AuthenticationError, match="CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"):
        run_pause(sqlite_url, case_id, bad)
    assert [e.kind for e in events(sqlite_url, case_id)] == ["ads_pause_failed"]  # one attempt only
    assert [c for c in sandbox.calls if c[0] == "SearchStream"] == [("SearchStream", CUSTOMER)]
