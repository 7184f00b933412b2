"""Step 5 of the playbook as a task: write the case's post-mortem and publish it as a Markdown artifact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from crisiswatch.postmortem.publish import write_postmortem as write_files
from tasks.context import resolve


def artifact_key(case_id: int) -> str:
    """One key per case, so the artifact's versions show as its history in the Prefect UI."""
    return f"case-{int(case_id)}-postmortem"


@task(name="write-postmortem", cache_policy=NO_CACHE)
def write_postmortem(
    db_url: str,
    case_id: int,
    brand_slug: str,
    config_path: str | None = None,
    final: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Render the post-mortem (brand's first language), write it to the casebook and the database, publish the artifact.

    `now` is the time the document is written at (a replay's simulated clock); `final` marks the closed case's version.
    """
    ctx = resolve(brand_slug, config_path, db_url)
    result = write_files(ctx.db_url, case_id, ctx.brand, casebook_dir=ctx.settings.casebook_dir,
                         templates_dir=ctx.settings.templates_dir, final=final, now=now)
    key = artifact_key(case_id)
    artifact_id = create_markdown_artifact(
        markdown=result.artifact_markdown(),
        key=key,
        description=f"{'Final' if result.final else 'Draft'} post-mortem of case {case_id} ({ctx.brand.name}): {result.path}",
    )
    get_run_logger().info("post-mortem of case %s written to %s (%s)", case_id, result.path, "final" if result.final else "draft")
    return {
        "case_id": case_id,
        "path": str(result.path),
        "chart_path": str(result.chart_path),
        "index_path": str(result.index_path),
        "artifact_key": key,
        "artifact_id": str(artifact_id),
        "final": result.final,
        "lang": result.lang,
        "similar": result.similar,
    }
