"""Monitor ticks through a deployment, timed: what the server test prints and tests/bench/monitor_tick.py reports."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crisiswatch.replay import make_post
from tests.e2e.prefect_server import ran_for, task_runs, wait_final, wait_for
from tests.e2e.second_brand import snowflake
from tests.e2e.server_fixtures import Installation, tick_summary


@dataclass
class Tick:
    summary: dict[str, Any]
    flow_seconds: float  # Running -> Completed, as Prefect records it
    end_to_end_seconds: float  # run created -> seen Completed: worker poll and process start included
    slowest: list[tuple[float, str]]

    def line(self, label: str) -> str:
        tasks = ", ".join(f"{name} {secs:.2f} s" for secs, name in self.slowest)
        return (f"{label:<28} new={self.summary['new_mentions']:>6,}  flow run {self.flow_seconds:6.2f} s  "
                f"created->completed {self.end_to_end_seconds:6.2f} s  slowest tasks: {tasks}")


def mention_burst(handle: str, n: int, start: datetime, seconds: float = 60,
                  text: str = "@{handle} gracias, el pedido {i} llegó perfecto") -> list[dict[str, Any]]:
    """N posts mentioning @handle over `seconds` from `start`, from 2,000 people (happy ones: no crisis by default)."""
    step = seconds * 1000 / max(n, 1)
    posts = []
    for i in range(n):
        when = start + timedelta(milliseconds=i * step)
        posts.append(make_post(snowflake(when, i), text.format(handle=handle, i=i),
                               author_id=1_700_000_000_000_000_000 + i % 2000, username=f"cliente{i % 2000}",
                               created_at=when, lang="es"))
    return posts


def timed_tick(inst: Installation, brand: str, timeout: float = 300) -> Tick:
    """Create a run of monitor/<brand>, wait for it to complete, and read its figures back from the server."""
    with inst.server.client() as client:
        dep = client.read_deployment_by_name(inst.monitor_name(brand))
        t0 = time.perf_counter()
        created = client.create_flow_run_from_deployment(dep.id)
        [run] = wait_final(client, [created.id], timeout, on_timeout=inst.logs)
        end_to_end = time.perf_counter() - t0
        assert run.state_type is not None and run.state_type.value == "COMPLETED", run.state
        summary = wait_for(lambda: tick_summary(client, run.id), 15, f"the tick summary in {run.name}'s logs")
        slowest = sorted(((t.total_run_time.total_seconds(), t.name) for t in task_runs(client, run.id)), reverse=True)[:3]
    return Tick(summary, ran_for(run).total_seconds(), end_to_end, slowest)
