"""Replay: the monitor's scoring and detector over a replay file in simulated time, in one flow run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from crisiswatch.config import BrandConfig, load_config
from crisiswatch.detection.replay import detect_over_replay, replay_mentions
from crisiswatch.records import MentionRecord
from crisiswatch.scoring.mentions import score_mentions
from crisiswatch.scoring.registry import get_scorer
from crisiswatch.scoring.types import MentionScore


@task(cache_policy=NO_CACHE)
def read_timeline(timeline: str, brand: BrandConfig) -> list[MentionRecord]:
    return sorted(replay_mentions(timeline, brand), key=lambda m: (m.created_at, m.x_id))


@task(cache_policy=NO_CACHE, task_run_name="score posts {first}..{last}")
def score_batch(records: list[MentionRecord], brand: BrandConfig, scorer_name: str, first: int, last: int) -> list[MentionScore]:
    return score_mentions(records, brand, get_scorer(scorer_name))


@flow(name="replay")
def replay(
    timeline: str, config_path: str, brand: str | None = None, report_path: str | None = None,
    scorer: str = "lexicon", batch_size: int = 5000,
) -> dict[str, Any]:
    """Score and judge TIMELINE as the monitor would have, window by window; write the JSON report."""
    cfg = load_config(config_path)
    brand_cfg = cfg.brand(brand) if brand else cfg.brands[0]
    records = read_timeline(timeline, brand_cfg)
    scores: list[MentionScore] = []
    for i in range(0, len(records), batch_size):
        chunk = records[i : i + batch_size]
        scores.extend(score_batch(chunk, brand_cfg, scorer, i, i + len(chunk) - 1))
    report = detect_over_replay(list(zip(records, scores, strict=True)), brand_cfg).as_dict()
    if report_path:
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    create_table_artifact(
        key=f"replay-{brand_cfg.slug}",
        table=[{k: c[k] for k in ("declared_at", "level", "risk", "category", "first_signal_at")} for c in report["cases"]]
        or [{"result": "no crisis declared"}],
        description=f"Crises declared replaying {Path(timeline).name} ({len(records)} posts)",
    )
    get_run_logger().info("replayed %d posts over %d windows: %d case(s)", len(records), len(report["windows"]), len(report["cases"]))
    return report
