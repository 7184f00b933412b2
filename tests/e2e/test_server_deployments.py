"""prefect.yaml on a REAL Prefect server (PostgreSQL): deployed, scheduled, run by process workers, read back.

Two brands in one installation, two workers: each brand's monitor runs on its own schedule, its
mentions and cursors stay its own, and two runs of the same brand never overlap.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, FlowRun, StateType
from sqlalchemy import func, select

from crisiswatch.db.models import Brand, Cursor, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.replay import parse_time
from tests.e2e import second_brand
from tests.e2e.prefect_server import flow_runs, ran_for, run_artifacts, task_runs, wait_final, wait_for, worker_of
from tests.e2e.server_fixtures import (  # noqa: F401 - fixtures
    CLOCK,
    Installation,
    brand_timelines,
    installation,
    prefect_server,
    tick_summary,
    worker_extra_env,
)
from tests.e2e.ticks import mention_burst, timed_tick

CRISIS = "crisis-response/crisis-response"
FINAL_TYPES = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED}
BURST = 2_000  # 20 pages of the sandbox's 100; the benchmark times 10,000
pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.postgres]


def _posts_by_brand() -> dict[str, dict[int, Any]]:
    """Every post in the sandbox (X id -> created_at), by the brand it is about."""
    return {brand: {int(line["data"]["id"]): parse_time(line["data"]["created_at"]) for line in lines}
            for brand, lines in brand_timelines().items()}


def _stored(inst: Installation) -> dict[str, tuple[set[int], dict[tuple[str, str], int | None]]]:
    """Per brand slug: the X ids of its stored mentions, and its cursors."""
    out = {}
    with session_scope(inst.database_url) as s:
        for brand in s.scalars(select(Brand)):
            ids = set(s.scalars(select(Mention.x_id).where(Mention.brand_id == brand.id)))
            cursors = {(c.source, c.query): c.newest_id for c in s.scalars(select(Cursor).where(Cursor.brand_id == brand.id))}
            out[brand.slug] = (ids, cursors)
    return out


def _pause_monitors(inst: Installation) -> None:
    """Stop the schedules (and drop the runs they planned) so a test's own runs are the only ones."""
    with inst.server.client() as client:
        for brand in inst.brands:
            client.pause_deployment(client.read_deployment_by_name(inst.monitor_name(brand)).id)


def test_scheduled_monitor_runs_complete_on_the_server(installation: Installation) -> None:  # noqa: F811
    inst = installation
    with inst.server.client() as client:
        deployments = {b: client.read_deployment_by_name(inst.monitor_name(b)) for b in inst.brands}
        for brand, dep in deployments.items():
            assert dep.work_pool_name == "crisiswatch" and dep.parameters == {"brand": brand, "crisis_deployment": CRISIS}
            assert dep.global_concurrency_limit is not None and dep.global_concurrency_limit.limit == 1
            assert dep.concurrency_options is not None
            assert dep.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
            assert dep.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $CRISISWATCH_PROJECT_DIR }}"}}]
            assert [s.schedule.interval for s in dep.schedules] == [timedelta(seconds=5)]  # type: ignore[union-attr]
        crisis = client.read_deployment_by_name(CRISIS)
        assert set(crisis.parameter_openapi_schema["required"]) == {"case_id", "brand"}
        on_server = {f"{client.read_flow(d.flow_id).name}/{d.name}" for d in client.read_deployments()}
        assert len(on_server) == len(inst.deployed) and not inst.pending, (on_server, inst.pending)
        # meanwhile, by hand: the casebook digest, whose artifact is read back below
        digest = client.create_flow_run_from_deployment(client.read_deployment_by_name("casebook-digest/casebook-digest").id)

        def scheduled_done() -> dict[str, list[FlowRun]] | None:
            done = {b: [r for r in flow_runs(client, d.id) if r.auto_scheduled and r.state_type == StateType.COMPLETED]
                    for b, d in deployments.items()}
            return done if all(done.values()) else None

        done = wait_for(scheduled_done, 60, "a scheduled monitor run of each brand to complete", on_timeout=inst.logs)
    _pause_monitors(inst)

    with inst.server.client() as client:
        [digest_run] = wait_final(client, [digest.id], 30, on_timeout=inst.logs)
        assert digest_run.state_type == StateType.COMPLETED, digest_run.state
        [artifact] = run_artifacts(client, digest.id)
        assert artifact.key == "casebook-digest" and artifact.type == "markdown"
        assert "0 case(s) declared or resolved since then; 0 still open" in str(artifact.data)
        assert (Path(inst.worker_env["CRISISWATCH_CASEBOOK_DIR"]) / "README.md").is_file()  # the index, on the worker's disk

        for brand, runs in done.items():
            run = runs[0]
            assert run.parameters == {"brand": brand, "crisis_deployment": CRISIS}
            assert worker_of(run) in {w.name for w in inst.workers}, run.labels
            tasks = task_runs(client, run.id)
            names = sorted(t.name for t in tasks)
            assert sum(n.startswith("fetch ") for n in names) == 1 + len(_config_queries(inst, brand)) + 1, names
            assert all(t.state_type == StateType.COMPLETED for t in tasks), [(t.name, t.state_name) for t in tasks]
            # logs reach the server in batches, shortly after the run's final state
            summary = wait_for(lambda: tick_summary(client, run.id), 15, f"the tick summary in {run.name}'s logs")
            assert summary["brand"] == brand and summary["sources_skipped"] == 0, summary
            print(f"\nscheduled run {run.name} of monitor/{brand}: {ran_for(run).total_seconds():.2f} s in the flow")

        # every mention stored so far was counted by exactly one completed run of its brand
        stored = _stored(inst)
        for brand in inst.brands:
            finished = [r for r in flow_runs(client, client.read_deployment_by_name(inst.monitor_name(brand)).id)
                        if r.state_type == StateType.COMPLETED]
            summaries = [wait_for(lambda r=r: tick_summary(client, r.id), 15, f"{r.name}'s summary") for r in finished]
            assert {s["brand"] for s in summaries} == {brand}
            assert sum(s["new_mentions"] for s in summaries) == len(stored[brand][0]) > 0


def _config_queries(inst: Installation, brand: str) -> list[str]:
    from crisiswatch.config import load_config

    return list(dict.fromkeys(load_config(inst.config_path).brand(brand).queries))


def test_two_brands_two_workers_in_parallel_never_overlapping_a_brand(installation: Installation) -> None:  # noqa: F811
    inst = installation
    other = second_brand.SLUG
    _pause_monitors(inst)
    wait_for(lambda: not _unfinished(inst), 30, "runs planned before the pause to finish", on_timeout=inst.logs)

    # the story moves on 8 hours: both brands have new posts; every tick's first mentions call is slow
    inst.sandbox.clock.set(CLOCK + timedelta(hours=8))
    inst.sandbox.inject_fault("mentions", delay=6.0, count=2)
    with inst.server.client() as client:
        ids = {b: client.read_deployment_by_name(inst.monitor_name(b)).id for b in inst.brands}
        a1 = client.create_flow_run_from_deployment(ids["cosechaya"])
        a2 = client.create_flow_run_from_deployment(ids["cosechaya"])  # the same brand, at the same moment
        b1 = client.create_flow_run_from_deployment(ids[other])
        runs = {r.id: r for r in wait_final(client, [a1.id, a2.id, b1.id], 60, on_timeout=inst.logs)}
    workers = {rid: worker_of(r) for rid, r in runs.items()}
    first, second, theirs = runs[a1.id], runs[a2.id], runs[b1.id]

    # no overlap for one brand: of two runs requested together, the second is cancelled by the limit
    states = sorted([first.state_type, second.state_type], key=str)
    assert states == sorted([StateType.COMPLETED, StateType.CANCELLED], key=str), (first.state, second.state, _history(inst))
    mine = first if first.state_type == StateType.COMPLETED else second
    dropped = second if mine is first else first
    assert "concurrency limit" in (dropped.state.message or "").lower(), dropped.state
    with inst.server.client() as client:
        history = [st.type for st in client.read_flow_run_states(dropped.id)]
    assert StateType.RUNNING not in history, f"the cancelled run must never have run: {history}"
    assert theirs.state_type == StateType.COMPLETED, theirs.state

    # brands in parallel: the two brands' ticks ran at the same time, on different workers
    assert workers[mine.id] != workers[theirs.id] and {workers[mine.id], workers[theirs.id]} <= {w.name for w in inst.workers}
    assert mine.start_time < theirs.end_time and theirs.start_time < mine.end_time, (mine.start_time, mine.end_time,
                                                                                       theirs.start_time, theirs.end_time)
    print(f"\ncosechaya on {workers[mine.id]} {mine.start_time:%H:%M:%S.%f}-{mine.end_time:%H:%M:%S.%f}; "
          f"{other} on {workers[theirs.id]} {theirs.start_time:%H:%M:%S.%f}-{theirs.end_time:%H:%M:%S.%f}; "
          f"second cosechaya run: {dropped.state_name}")

    # each brand's mentions and cursors are its own
    posts = _posts_by_brand()
    now = CLOCK + timedelta(hours=8)
    stored = _stored(inst)
    assert set(stored) == {"cosechaya", other}
    for brand, (x_ids, cursors) in stored.items():
        assert x_ids and x_ids <= set(posts[brand]), f"{brand} stored posts of another brand"
        assert {v for v in cursors.values() if v is not None} <= set(posts[brand]), (brand, cursors)
    assert stored[other][0] == {i for i, t in posts[other].items() if t <= now}  # everything visible, nothing else
    assert max(stored["cosechaya"][0]) > max(i for i, t in posts["cosechaya"].items() if t <= CLOCK)  # the new posts
    assert {src for src, _ in stored[other][1]} >= {"mentions", "search"}


def _history(inst: Installation) -> str:
    """Every monitor run and the brand's concurrency slots, for a failure message."""
    lines = []
    with inst.server.client() as client:
        for b in inst.brands:
            dep = client.read_deployment_by_name(inst.monitor_name(b))
            lines.append(f"{b}: {dep.global_concurrency_limit}")
            lines += [f"  {r.name} {r.state_name} auto={r.auto_scheduled} {r.start_time}-{r.end_time}" for r in flow_runs(client, dep.id)]
    return "\n".join(lines)


def _unfinished(inst: Installation) -> list[FlowRun]:
    """Monitor runs not in a final state: a late scheduled run survives the pause and still holds the brand's slot."""
    with inst.server.client() as client:
        runs = [r for b in inst.brands for r in flow_runs(client, client.read_deployment_by_name(inst.monitor_name(b)).id)]
    return [r for r in runs if r.state_type not in FINAL_TYPES]


def test_a_tick_through_the_deployment_stores_a_burst_once(installation: Installation) -> None:  # noqa: F811
    """One tick through the deployment, idle and under a burst of many pages (python -m tests.bench.monitor_tick times
    the 10,000-mention burst the operations guide quotes)."""
    inst = installation
    brand = second_brand.SLUG
    _pause_monitors(inst)
    wait_for(lambda: not _unfinished(inst), 30, "earlier runs to finish", on_timeout=inst.logs)
    inst.sandbox.faults.clear()
    inst.sandbox.set_rate_limit("mentions", 10**6)
    now = CLOCK + timedelta(hours=9)
    inst.sandbox.clock.set(now)
    print()
    print(timed_tick(inst, brand).line("catch-up tick"))
    idle = timed_tick(inst, brand)
    print(idle.line("no new mentions"))
    assert idle.summary["new_mentions"] == 0 and idle.summary["brand"] == brand

    # BURST people write in the next minute (plus whatever the brand's timeline has in it): many pages of 100
    later = now + timedelta(seconds=61)
    assert inst.sandbox.add_posts(mention_burst(second_brand.HANDLE, BURST, now + timedelta(milliseconds=1))) == BURST
    inst.sandbox.clock.set(later)
    also = sum(1 for t in _posts_by_brand()[brand].values() if now < t <= later)
    burst = timed_tick(inst, brand)
    print(burst.line(f"{BURST:,} new mentions"))
    assert burst.summary["new_mentions"] == BURST + also and burst.summary["duplicates"] == 0
    with session_scope(inst.database_url) as s:
        brand_id = s.scalar(select(Brand.id).where(Brand.slug == brand))
        assert s.scalar(select(func.count()).select_from(Mention).where(Mention.brand_id == brand_id,
                                                                         Mention.text.like("%el pedido % llegó perfecto"))) == BURST
