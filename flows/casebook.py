"""Step 5, daily: the casebook's index rewritten from the database, and a digest of the day's cases in the UI."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from crisiswatch.postmortem.casebook import CaseSummary, index_markdown, list_cases, write_index
from crisiswatch.settings import get_settings

DIGEST_KEY = "casebook-digest"


@task(name="write-casebook-index", cache_policy=NO_CACHE)
def write_casebook_index(db_url: str, casebook_dir: Path) -> str:
    return str(write_index(db_url, casebook_dir))


@task(name="read-cases", cache_policy=NO_CACHE)
def read_cases(db_url: str) -> list[CaseSummary]:
    return list_cases(db_url)


def digest_markdown(recent: list[CaseSummary], still_open: list[CaseSummary], since: datetime, index_path: str) -> str:
    """The digest: how many cases moved since `since`, how many are open, and their rows as in the index."""
    rows = [line for line in index_markdown(recent).splitlines() if line.startswith("|")]
    return "\n".join([
        f"# Casebook digest / Resumen del manual — since {since:%Y-%m-%d %H:%M} UTC",
        "",
        f"{len(recent)} case(s) declared or resolved since then; {len(still_open)} still open. "
        f"The whole casebook: `{index_path}`.",
        "",
        *rows,
    ]) + "\n"


@flow(name="casebook-digest")
def casebook_digest(database_url: str | None = None, casebook_dir: str | None = None, days: float = 1.0,
                    now: datetime | None = None) -> dict[str, Any]:
    """Rewrite the casebook index; publish the cases declared or resolved in the last `days` as a markdown artifact."""
    settings = get_settings()
    db_url = database_url or settings.database_url
    now = now or datetime.now(timezone.utc)
    since = now - timedelta(days=days)
    index_path = write_casebook_index(db_url, Path(casebook_dir) if casebook_dir else settings.casebook_dir)
    cases = read_cases(db_url)
    recent = [c for c in cases if c.declared_at >= since or (c.resolved_at is not None and c.resolved_at >= since)]
    still_open = [c for c in cases if c.status != "resolved"]
    create_markdown_artifact(key=DIGEST_KEY, markdown=digest_markdown(recent, still_open, since, index_path),
                             description=f"{len(recent)} case(s) since {since:%Y-%m-%d %H:%M} UTC")
    get_run_logger().info("casebook digest: %d recent, %d open, index %s", len(recent), len(still_open), index_path)
    return {"index": index_path, "cases": len(cases), "recent": [c.case_id for c in recent], "open": [c.case_id for c in still_open]}
