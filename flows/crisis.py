"""The crisis subflow: the playbook, run at once when a crisis is declared.

1. stop the online ads  2. find the origin and its size  3. bring in every department
4. a personal reply for each affected person, sent only after a human approves  5. document it
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger

from crisiswatch.connectors.x.client import reply_sender_from_settings
from flows.approval import request_approval
from tasks.ads import pause_ad_spend
from tasks.context import resolve
from tasks.origin import find_origin
from tasks.postmortem import write_postmortem
from tasks.progress import CrisisProgress
from tasks.replies import draft_reply_batch, send_approved_replies
from tasks.tickets import open_tickets


@flow(name="crisis-response", flow_run_name="crisis-response-case-{case_id}")
def crisis_response(
    case_id: int,
    brand: str,
    config_path: str | None = None,
    database_url: str | None = None,
    until: datetime | None = None,
    approval_timeout_seconds: int = 3600,
) -> dict[str, Any]:
    """Run the playbook for one case; safe to re-run: no step is done twice."""
    ctx = resolve(brand, config_path, database_url)
    logger = get_run_logger()
    progress = CrisisProgress(case_id)
    summary: dict[str, Any] = {"case_id": case_id, "brand": brand}

    # Step 1 ends with "stop the online ads": first, and its failure stops nothing else.
    ads = pause_ad_spend.submit(ctx.db_url, case_id, brand, google_ads=ctx.brand.google_ads, settings=ctx.settings)

    # Step 2: patient zero, origin type, magnitude, one complainant case per person.
    origin = find_origin(ctx.db_url, case_id, brand, config_path, until=until)
    summary["origin"] = origin["origin"].get("type")
    summary["complainants"] = origin["complainants"]
    progress.step("origin found")

    # Step 3: the solution is shared: one ticket per department the routing rules name.
    tickets = open_tickets(ctx.db_url, case_id, ctx.brand)
    summary["tickets"] = [{"department": t["department"], "status": t["status"]} for t in tickets]
    progress.step("tickets opened")

    try:
        summary["ads"] = ads.result()
    except Exception as exc:  # noqa: BLE001 - recorded on the case by the task; the playbook goes on
        logger.error("ads were not paused for case %s: %s", case_id, exc)
        summary["ads"] = {"error": str(exc)}
    progress.step("ads paused")

    # Step 4: a personal reply per complainant, DM first; nothing leaves before a person approves.
    drafts = draft_reply_batch(ctx.db_url, case_id, ctx.brand, ctx.settings.templates_dir)
    summary["drafts"] = len(drafts)
    progress.step("replies drafted")
    decision = (
        request_approval(ctx.db_url, case_id, approval_timeout_seconds, ctx.brand, ctx.settings.approval_poll_seconds)
        if drafts
        else None
    )
    progress.step("replies approved")
    if decision is not None and decision.approved:
        report = send_approved_replies(ctx.db_url, case_id, reply_sender_from_settings(ctx.settings), ctx.brand)
        summary["sent"] = len(report.sent)  # public acknowledgements included
    else:
        summary["sent"] = 0
    progress.step("replies sent")

    # Step 5: document the case: a post-mortem that joins the casebook (finalised by resolve-crisis).
    postmortem = write_postmortem(ctx.db_url, case_id, brand, config_path, final=False, now=until)
    summary["postmortem"] = postmortem["path"]
    progress.step("post-mortem written")
    return summary
