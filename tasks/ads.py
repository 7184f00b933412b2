"""Prefect tasks: pause the brand's ad spend when a crisis starts, resume what was paused after it."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run
from prefect.tasks import exponential_backoff

from crisiswatch.ads_run import run_ads
from crisiswatch.config import GoogleAdsConfig, load_config
from crisiswatch.settings import Settings, get_settings
from tasks.retry import retry_if_transient as retry_transient

RETRIES = 4
RETRY_DELAYS = exponential_backoff(backoff_factor=2)  # 2, 4, 8, 16 s, jittered


def _run_id() -> str:
    return str(flow_run.id or task_run.id or "")


def _inputs(brand_slug: str, google_ads: GoogleAdsConfig | None, settings: Settings | None) -> tuple[GoogleAdsConfig, Settings]:
    settings = settings or get_settings()
    ads = google_ads or load_config(settings.config_path).brand(brand_slug).google_ads
    return ads, settings


@task(name="pause-ad-spend", retries=RETRIES, retry_delay_seconds=RETRY_DELAYS, retry_jitter_factor=0.5,
      retry_condition_fn=retry_transient, cache_policy=NO_CACHE)
def pause_ad_spend(db_url: str, case_id: int, brand_slug: str, google_ads: GoogleAdsConfig | None = None,
                   dry_run: bool | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Pause the brand's campaigns (brand config google_ads), recording each as an AdAction."""
    ads, settings = _inputs(brand_slug, google_ads, settings)
    return run_ads("pause", db_url, case_id, brand_slug, ads, settings, dry_run=dry_run, run_id=_run_id()).to_dict()


@task(name="resume-ad-spend", retries=RETRIES, retry_delay_seconds=RETRY_DELAYS, retry_jitter_factor=0.5,
      retry_condition_fn=retry_transient, cache_policy=NO_CACHE)
def resume_ad_spend(db_url: str, case_id: int, brand_slug: str, google_ads: GoogleAdsConfig | None = None,
                    dry_run: bool | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Re-enable exactly the campaigns crisiswatch paused for this case and nobody changed since."""
    ads, settings = _inputs(brand_slug, google_ads, settings)
    return run_ads("resume", db_url, case_id, brand_slug, ads, settings, dry_run=dry_run, run_id=_run_id()).to_dict()
