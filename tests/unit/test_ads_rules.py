"""Which paused campaigns crisiswatch may resume, and which failures its tasks retry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from prefect.states import Completed, Failed

from crisiswatch.ads import AdsOutcome, _why_not_resume
from crisiswatch.connectors.google_ads.port import Campaign
from crisiswatch.db.models import AdAction
from crisiswatch.errors import AuthenticationError, ConfigError, RateLimited, TransientError
from tasks.ads import RETRY_DELAYS, retry_transient

T = datetime(2025, 5, 1, 12, 0, tzinfo=timezone.utc)


def paused(prev: str = "ENABLED") -> AdAction:
    return AdAction(campaign_id="9", action="pause", previous_status=prev, new_status="PAUSED", state="applied", applied_at=T)


def camp(status: str) -> Campaign:
    return Campaign("1", "9", "c", status)


@pytest.mark.parametrize(
    ("row", "current", "changed", "reason"),
    [
        (paused(), camp("PAUSED"), T, ""),
        (paused(), camp("PAUSED"), None, ""),
        (paused(), camp("PAUSED"), T - timedelta(seconds=1), ""),
        (paused(), camp("PAUSED"), T + timedelta(microseconds=1), "someone else"),
        (paused(), camp("ENABLED"), T, "now ENABLED"),
        (paused(), camp("REMOVED"), T, "now REMOVED"),
        (paused(), None, None, "no longer exists"),
        (paused("PAUSED"), camp("PAUSED"), T, "was PAUSED before"),
    ],
)
def test_why_not_resume(row: AdAction, current: Campaign | None, changed: datetime | None, reason: str) -> None:
    why = _why_not_resume(row, current, changed)
    assert (why == "") if not reason else (reason in why)


@pytest.mark.parametrize(
    ("exc", "retry"),
    [
        (TransientError("UNAVAILABLE"), True),
        (RateLimited("quota", reset_at=0), True),
        (AuthenticationError("bad token", setting="CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"), False),
        (ConfigError("no customer", setting="CRISISWATCH_CONFIG_PATH"), False),
        (ValueError("bug"), False),
    ],
)
def test_retry_only_transient_errors(exc: Exception, retry: bool) -> None:
    assert retry_transient(None, None, Failed(data=exc)) is retry  # type: ignore[arg-type]


def test_completed_states_are_not_retried_and_backoff_grows() -> None:
    assert retry_transient(None, None, Completed(data=1)) is False  # type: ignore[arg-type]
    delays = RETRY_DELAYS(4)
    assert delays == sorted(delays) and delays[0] < delays[-1]


def test_outcome_summary() -> None:
    out = AdsOutcome(3, "pause", applied=["1/2", "1/3"], skipped={"1/4": "x"}, failed={"1/5": "y"})
    assert out.summary() == "case 3: paused 2, 1 skipped, 1 failed" and not out.ok
    assert "would change 1 (dry run)" in AdsOutcome(3, "resume", dry_run=True, planned=["1/2"]).summary()
