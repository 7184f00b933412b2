"""Step 1 of the playbook, scheduled: watch every message tied to the brand, score it, and
declare a crisis when the risk says so."""

from __future__ import annotations

from prefect import flow, get_run_logger

from crisiswatch.connectors.x.client import mention_source_from_settings
from crisiswatch.errors import CrisiswatchError, is_transient
from crisiswatch.ingest import brand_sources
from tasks.context import resolve
from tasks.ingest import fetch_source, prepare_brand, read_cursors, store_mentions


@flow(name="monitor", log_prints=False)
def monitor(brand: str, config_path: str | None = None, database_url: str | None = None) -> dict:
    """One tick: fetch every source's new mentions, store them in one transaction."""
    ctx = resolve(brand, config_path, database_url)
    logger = get_run_logger()
    source = mention_source_from_settings(ctx.settings)

    brand_id, brand_user_id = prepare_brand(ctx.db_url, ctx.brand, source)
    cursors = read_cursors(ctx.db_url, brand_id)
    sources = brand_sources(ctx.brand)
    futures = [fetch_source.submit(source, src, brand_user_id, cursors.get(src)) for src in sources]
    pages, failures = [], []
    for src, future in zip(sources, futures):
        try:
            pages.append(future.result())
        except CrisiswatchError as exc:  # one source down never holds back the others
            logger.warning("source %s skipped this tick: %s", src.label, exc)
            failures.append(exc)
    stored = store_mentions(ctx.db_url, brand_id, ctx.brand, pages, brand_user_id)
    fatal = next((e for e in failures if not is_transient(e)), None)
    if fatal is not None:
        raise fatal  # authentication or configuration: a person must fix a setting

    summary = {
        "brand": brand,
        "new_mentions": stored.stored,
        "duplicates": stored.duplicates,
        "rejected": stored.rejected,
        "sources_skipped": len(failures),
    }
    logger.info("tick done: %s", summary)
    return summary
