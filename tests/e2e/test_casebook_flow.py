"""The daily casebook digest under Prefect: the index file rewritten, the recent cases published as an artifact."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from crisiswatch.postmortem.closing import close_case
from flows.casebook import DIGEST_KEY, casebook_digest
from tests.integration.test_casebook import add_brand, add_case

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=timezone.utc)


def test_digest_lists_the_days_cases_and_rewrites_the_index(harness: None, sqlite_url: str, tmp_path: Path) -> None:
    acme, globex = add_brand(sqlite_url, "acme"), add_brand(sqlite_url, "globex")
    old = add_case(sqlite_url, acme, NOW - timedelta(days=10), origin_type="unheard_customer", category="billing_payments",
                   explanation="charged twice")
    close_case(sqlite_url, old, resolution="refunded", lessons="answer billing within the hour", now=NOW - timedelta(days=9))
    closed_today = add_case(sqlite_url, acme, NOW - timedelta(days=2), origin_type="service_failure",
                            category="service_disruption", explanation="app down")
    close_case(sqlite_url, closed_today, resolution="fixed the app", lessons="", now=NOW - timedelta(hours=3))
    opened_today = add_case(sqlite_url, globex, NOW - timedelta(hours=5), origin_type="marketing_misunderstanding",
                            category="marketing_misunderstanding", explanation="promo read as mocking")

    out = casebook_digest(database_url=sqlite_url, casebook_dir=str(tmp_path / "casebook"), days=1, now=NOW)

    assert sorted(out["recent"]) == sorted([closed_today, opened_today]) and out["open"] == [opened_today]
    index = Path(out["index"]).read_text(encoding="utf-8")
    assert all(f"| {case_id} |" in index for case_id in (old, closed_today, opened_today))
    with get_client(sync_client=True) as client:
        [digest] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[DIGEST_KEY])), limit=1)
    text = str(digest.data)
    assert "2 case(s) declared or resolved since then; 1 still open" in text
    assert f"| {closed_today} |" in text and f"| {opened_today} |" in text and f"| {old} |" not in text
