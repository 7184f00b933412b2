"""Prefect task for step 3 of the playbook: open the department tickets of a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_link_artifact, create_table_artifact

from crisiswatch.config import BrandConfig, load_config
from crisiswatch.errors import TransientError
from crisiswatch.settings import Settings, get_settings
from crisiswatch.tickets.opening import department_slug, open_case_tickets
from tasks.retry import retry_if_transient


def _brand(brand: BrandConfig | str, config_path: str | Path | None, settings: Settings) -> BrandConfig:
    if isinstance(brand, BrandConfig):
        return brand
    return load_config(config_path or settings.config_path).brand(brand)


@task(name="open-tickets", retries=3, retry_delay_seconds=[10, 30, 90], retry_condition_fn=retry_if_transient)
def open_tickets(
    db_url: str,
    case_id: int,
    brand: BrandConfig | str,
    *,
    config_path: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Open one ticket per routed department; publish each as a link artifact and all as a table.

    Tickets already open are skipped, so a retry only redoes what failed. When a backend failed
    transiently (after the in-adapter retries), TransientError is raised after recording, so
    Prefect retries the task; permanent failures (credentials, config) are returned and recorded.
    """
    settings = get_settings()
    cfg = _brand(brand, config_path, settings)
    outcomes = open_case_tickets(db_url, case_id, cfg, settings, evidence=evidence, lang=lang)
    for o in outcomes:
        if o.status in ("opened", "reconciled", "already_open") and o.url:
            create_link_artifact(
                key=f"case-{case_id}-ticket-{department_slug(o.department)}",
                link=o.url,
                link_text=f"{o.department}: {o.external_key}",
                description=f"{o.backend} ticket of case {case_id} for {o.department}, due {o.sla_due_at:%Y-%m-%d %H:%M} UTC" if o.sla_due_at else None,
            )
    if outcomes:
        create_table_artifact(
            key=f"case-{case_id}-tickets",
            table=[{k: v for k, v in o.as_dict().items() if k not in ("idempotency_key", "transient")} for o in outcomes],
            description=f"Department tickets of case {case_id}",
        )
    transient = [o for o in outcomes if o.status == "failed" and o.transient]
    if transient:
        raise TransientError("tickets not opened yet: " + "; ".join(f"{o.department}: {o.error}" for o in transient))
    return [o.as_dict() for o in outcomes]
