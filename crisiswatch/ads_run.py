"""One pause or resume run as the crisis flow calls it: settings in, AdActions and a CaseEvent out."""

from __future__ import annotations

from crisiswatch.ads import PAUSE, AdsOutcome, pause_campaigns, record_event, require_customers, resume_campaigns
from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads.port import AdsController
from crisiswatch.errors import CrisiswatchError, is_transient
from crisiswatch.settings import Settings

_KINDS = {PAUSE: ("ads_paused", "ads_pause_failed"), "resume": ("ads_resumed", "ads_resume_failed")}


def _controller(settings: Settings, ads: GoogleAdsConfig) -> AdsController:
    from crisiswatch.connectors.google_ads.adapter import build_controller

    return build_controller(settings, ads)


def run_ads(action: str, db_url: str, case_id: int, brand_slug: str, ads: GoogleAdsConfig, settings: Settings, *,
            dry_run: bool | None = None, run_id: str = "", controller: AdsController | None = None) -> AdsOutcome:
    """Pause or resume (action 'pause' | 'resume') and write one CaseEvent saying how it went."""
    ok_kind, failed_kind = _KINDS[action]
    dry = settings.ads_dry_run if dry_run is None else dry_run
    try:
        if action == PAUSE:
            require_customers(ads, brand_slug)
        if action == PAUSE and (ads.pause == "none" or not ads.customer_ids):
            outcome = AdsOutcome(case_id, action, dry)
        else:
            ctl = controller or _controller(settings, ads)
            if action == PAUSE:
                outcome = pause_campaigns(db_url, case_id, ads, ctl, dry_run=dry, run_id=run_id)
            else:
                outcome = resume_campaigns(db_url, case_id, ctl, dry_run=dry, run_id=run_id)
    except CrisiswatchError as exc:
        transient = is_transient(exc)
        record_event(db_url, case_id, failed_kind, f"{'will retry: ' if transient else ''}{exc}",
                     {"error": type(exc).__name__, "transient": transient, "setting": getattr(exc, "setting", None),
                      "dry_run": dry, "run_id": run_id})
        raise
    record_event(db_url, case_id, ok_kind if outcome.ok else failed_kind, outcome.summary(), {**outcome.to_dict(), "run_id": run_id})
    return outcome
