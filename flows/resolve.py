"""Closing a crisis (triggered by hand): resolved, ads resumed, tickets settled, the post-mortem made final.

Resolution and lessons come as parameters or, when missing, from a form in the Prefect UI
(the run pauses until someone fills it in). Re-running it on a resolved case changes nothing
except notes that were given anew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from crisiswatch.postmortem.closing import case_state, close_case, settle_tickets
from crisiswatch.settings import get_settings
from tasks.ads import resume_ad_spend
from tasks.context import resolve
from tasks.postmortem import write_postmortem


class ResolutionInput(RunInput):
    """The form shown in the Prefect UI when the run asks how the crisis was solved."""

    resolution: str = Field(description="How the crisis was solved: what was done for the people affected and for the cause")
    lessons: str = Field("", description="What to do differently next time (one lesson a line); shown in similar cases' post-mortems")


@task(name="close-case", cache_policy=NO_CACHE)
def close_case_task(db_url: str, case_id: int, resolution: str, lessons: str, now: datetime | None = None) -> dict[str, Any]:
    return close_case(db_url, case_id, resolution=resolution, lessons=lessons, now=now).to_dict()


@task(name="settle-tickets", cache_policy=NO_CACHE)
def settle_tickets_task(db_url: str, case_id: int, now: datetime | None = None) -> dict[str, Any]:
    return settle_tickets(db_url, case_id, now=now).to_dict()


@flow(name="resolve-crisis", flow_run_name="resolve-crisis-case-{case_id}")
def resolve_crisis(
    case_id: int,
    resolution: str | None = None,
    lessons: str | None = None,
    brand: str | None = None,
    config_path: str | None = None,
    database_url: str | None = None,
    resume_ads: bool = True,
    now: datetime | None = None,
    form_timeout_seconds: int = 24 * 3600,
    form_poll_seconds: int = 10,
) -> dict[str, Any]:
    """Close one case: ask for the resolution and lessons if not given, resume ads, settle tickets, finalise the post-mortem."""
    logger = get_run_logger()
    db_url = database_url or get_settings().database_url
    state = case_state(db_url, case_id)
    ctx = resolve(brand or state.brand_slug, config_path, db_url)
    slug = ctx.brand.slug

    if state.status != "resolved" and (resolution is None or lessons is None):
        logger.info("case %s: waiting for the resolution and lessons form", case_id)
        form = ResolutionInput.with_initial_data(
            description=f"How was case {case_id} ({ctx.brand.name}) solved, and what did we learn?",
            resolution=resolution or state.resolution, lessons=lessons or state.lessons)
        answer = pause_flow_run(wait_for_input=form, timeout=form_timeout_seconds, poll_interval=form_poll_seconds,
                                key=f"resolution-case-{case_id}")
        resolution, lessons = answer.resolution, answer.lessons
    closed = close_case_task(db_url, case_id, resolution or "", lessons or "", now)

    ads: dict[str, Any] = {}
    ads_error: BaseException | None = None
    if resume_ads:
        try:
            ads = resume_ad_spend(db_url, case_id, slug, google_ads=ctx.brand.google_ads, settings=ctx.settings)
        except Exception as exc:  # noqa: BLE001 - recorded on the case; tickets and the post-mortem still happen
            logger.error("ads of case %s were not resumed: %s", case_id, exc)
            ads_error = exc
    tickets = settle_tickets_task(db_url, case_id, now)
    postmortem = write_postmortem(db_url, case_id, slug, config_path, final=True, now=now)  # and the casebook index
    if ads_error is not None:
        raise ads_error  # the run shows failed; re-running it resumes what is left
    return {"case_id": case_id, "case": closed, "ads": ads, "tickets": tickets, "postmortem": postmortem}
