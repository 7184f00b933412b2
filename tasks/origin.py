"""Step 2 of the playbook as a task: find the origin and magnitude, publish them as a table artifact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from crisiswatch.origin.store import analyse_case
from tasks.context import resolve


def artifact_key(case_id: int) -> str:
    """Prefect artifact keys are lowercase letters, digits and dashes."""
    return f"case-{int(case_id)}-origin"


@task(name="find-origin", cache_policy=NO_CACHE)
def find_origin(
    db_url: str,
    case_id: int,
    brand_slug: str,
    config_path: str | None = None,
    until: datetime | None = None,
    lookback_hours: float = 72,
) -> dict[str, Any]:
    """Identify the origin (patient zero, type), measure the magnitude, one complainant per person.

    `until` is the analysis time (now by default; the replay's simulated clock in a replay).
    """
    ctx = resolve(brand_slug, config_path, db_url)
    report = analyse_case(ctx.db_url, case_id, ctx.brand, lookback_hours=lookback_hours, until=until)
    pz = report.patient_zero
    create_table_artifact(
        table=report.table_rows(),
        key=artifact_key(case_id),
        description=f"Origin and magnitude of case {case_id} ({ctx.brand.name}): {report.origin_type}",
    )
    get_run_logger().info(
        "case %s origin %s, patient zero %s, %d mentions, %d complainants",
        case_id, report.origin_type, pz.url if pz else "none", report.magnitude.mentions, len(report.complainants),
    )
    return {
        "case_id": case_id,
        "origin": report.origin_dict(),
        "magnitude": report.magnitude.as_dict(),
        "complainants": len(report.complainants),
    }
