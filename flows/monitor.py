"""Step 1 of the playbook, scheduled: watch every message tied to the brand, score the risk,
and when a crisis starts, run the crisis response at once."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger

from crisiswatch.connectors.x.client import mention_source_from_settings
from crisiswatch.errors import CrisiswatchError, is_transient
from crisiswatch.ingest import brand_sources
from tasks.context import resolve
from tasks.detection import judge_windows, learn_baseline, score_new_mentions
from tasks.ingest import fetch_source, prepare_brand, read_cursors, store_mentions


@flow(name="monitor", flow_run_name="monitor-{brand}")
def monitor(
    brand: str,
    config_path: str | None = None,
    database_url: str | None = None,
    now: datetime | None = None,
    crisis_deployment: str | None = None,
    respond: bool = True,
) -> dict[str, Any]:
    """One tick: fetch every source's new mentions, store them in one transaction, score them,
    judge the closed windows; on a new crisis, start the crisis response.

    `now` is the tick's time (a replay's simulated clock; the real clock by default).
    `crisis_deployment` ("crisis-response/<name>") starts the response as its own deployment run,
    so the monitor keeps ticking while people approve replies; without it the response runs inline.
    """
    ctx = resolve(brand, config_path, database_url)
    logger = get_run_logger()
    now = now or datetime.now(timezone.utc)
    source = mention_source_from_settings(ctx.settings)

    brand_id, brand_user_id = prepare_brand(ctx.db_url, ctx.brand, source)
    cfg = ctx.brand if ctx.brand.user_id else ctx.brand.model_copy(update={"user_id": brand_user_id})
    learn_baseline(ctx.db_url, brand_id, cfg, source, now)

    # Detect: every source at once (a rate-limited source waits without holding back the others).
    cursors = read_cursors(ctx.db_url, brand_id)
    sources = brand_sources(cfg)
    futures = [fetch_source.submit(source, src, brand_user_id, cursors.get(src)) for src in sources]
    pages, failures = [], []
    for src, future in zip(sources, futures):
        try:
            pages.append(future.result())
        except CrisiswatchError as exc:
            logger.warning("source %s skipped this tick: %s", src.label, exc)
            failures.append(exc)
    stored = store_mentions(ctx.db_url, brand_id, cfg, pages, brand_user_id)
    fatal = next((e for e in failures if not is_transient(e)), None)
    if fatal is not None:
        raise fatal  # authentication or configuration: a person must fix a setting

    # Score and declare.
    scored = score_new_mentions(ctx.db_url, cfg, stored.new_mention_ids, ctx.settings.scorer)
    verdict = judge_windows(ctx.db_url, brand_id, cfg, scored, now)

    summary: dict[str, Any] = {
        "brand": brand,
        "new_mentions": stored.stored,
        "duplicates": stored.duplicates,
        "rejected": stored.rejected,
        "sources_skipped": len(failures),
        **verdict,
    }
    if verdict["case_opened"] and respond:
        summary["response"] = start_crisis_response(verdict["case_id"], brand, config_path, ctx.db_url, now, crisis_deployment)
    logger.info("tick done: %s", {k: v for k, v in summary.items() if k != "response"})
    return summary


def start_crisis_response(
    case_id: int, brand: str, config_path: str | None, db_url: str, now: datetime, deployment: str | None
) -> Any:
    """The crisis subflow, inline or as a run of its deployment (linked as a subflow in the UI)."""
    parameters = {"case_id": case_id, "brand": brand, "config_path": config_path, "database_url": db_url}
    if deployment:
        from prefect.deployments import run_deployment

        run = run_deployment(deployment, parameters=parameters, timeout=0, as_subflow=True)
        return {"flow_run_id": str(run.id), "deployment": deployment}
    from flows.crisis import crisis_response

    return crisis_response(**parameters, until=now)
