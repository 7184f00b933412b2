"""Step 1 continued: score the tick's new mentions in batches, judge the windows, declare a crisis."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import MentionSource
from crisiswatch.detection.detector import Detector, baseline_for
from crisiswatch.detection.store import load_detector, open_or_update_case, seed_detector, update_windows
from crisiswatch.errors import CrisiswatchError
from crisiswatch.scoring.registry import get_scorer
from crisiswatch.scoring.store import StoredMention, score_stored_mentions
from crisiswatch.scoring.types import MentionScore
from tasks.retry import BACKOFF, retry_if_transient


@task(cache_policy=NO_CACHE)
def score_new_mentions(
    db_url: str, brand: BrandConfig, mention_ids: list[int], scorer_name: str = "lexicon"
) -> list[tuple[StoredMention, MentionScore]]:
    """One batch: language, sentiment, category, crisis terms, reach; a Score row each."""
    scored = score_stored_mentions(db_url, brand, mention_ids, get_scorer(scorer_name))
    negatives = sum(1 for _, s in scored if s.sentiment == "negative")
    get_run_logger().info("scored %d mentions, %d negative", len(scored), negatives)
    return scored


def counts_query(brand: BrandConfig) -> str:
    """Everything the brand is watched through, as one recent-counts query."""
    terms = [f"@{brand.handle}", *(q if " " not in q or q.startswith('"') else f'"{q}"' for q in brand.queries)]
    return f"({' OR '.join(dict.fromkeys(terms))}) -from:{brand.handle}"


@task(cache_policy=NO_CACHE, retries=len(BACKOFF), retry_delay_seconds=BACKOFF, retry_condition_fn=retry_if_transient)
def learn_baseline(db_url: str, brand_id: int, brand: BrandConfig, source: MentionSource, now: datetime) -> bool:
    """Cold start, once per brand: the normal volume by hour of the week from the recent counts endpoint."""
    if load_detector(db_url, brand_id, brand.thresholds) is not None:
        return False
    baseline = baseline_for(brand.thresholds, brand.timezone)
    logger = get_run_logger()
    try:
        buckets = source.recent_counts(counts_query(brand), now - timedelta(days=7), now, "hour")
        seeded = baseline.seed_from_counts(buckets)
        logger.info("baseline seeded from %d hourly counts", seeded)
    except CrisiswatchError as exc:  # the detector still learns from the windows it sees
        logger.warning("no counts for a cold start (%s); the baseline learns as windows close", exc)
    seed_detector(db_url, brand_id, Detector(brand.thresholds, baseline))
    return True


@task(cache_policy=NO_CACHE)
def judge_windows(
    db_url: str, brand_id: int, brand: BrandConfig, scored: list[tuple[StoredMention, MentionScore]], now: datetime
) -> dict[str, Any]:
    """Store the scored mentions in their windows, judge the closed ones, open or update the case."""
    steps = update_windows(db_url, brand_id, scored, now, brand.thresholds, brand.timezone)
    logger = get_run_logger()
    for step in steps:
        if step.change is not None:
            logger.info("level %s → %s at %s: %s", step.change.from_level, step.change.to_level, step.window.start, step.change.explanation)
    crisis = [s for s in steps if s.level == "crisis"]
    result: dict[str, Any] = {
        "windows_judged": len(steps),
        "level": steps[-1].level if steps else None,
        "risk": steps[-1].risk if steps else None,
        "case_id": None,
        "case_opened": False,
    }
    if crisis:
        decision = open_or_update_case(db_url, brand_id, crisis[-1])
        result.update(case_id=decision.case_id, case_opened=decision.opened)
        if decision.opened:
            logger.warning("CRISIS declared for %s: case %s (risk %.0f)", brand.slug, decision.case_id, crisis[-1].risk)
    return result
