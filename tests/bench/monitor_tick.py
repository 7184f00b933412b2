"""Wall time of one monitor tick on a real Prefect server: run through the deployment by a process worker.

Run: .venv/bin/python -m tests.bench.monitor_tick [N]   (default 10,000 new mentions)

Starts what tests/e2e/test_server_deployments.py starts (server on a throwaway PostgreSQL database,
prefect.yaml deployed, a process worker, the X sandbox, a PostgreSQL store), then times ticks of
monitor/cosechaya: with no new mentions, and with N new mentions of the brand waiting in the sandbox.
For each: the flow run's own duration (Running -> Completed, as Prefect records it), the time from
creating the run to seeing it Completed (worker poll + process start included), and the slowest tasks.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.e2e.prefect_server import PrefectServer, throwaway_database
from tests.e2e.processes import kill_marked, new_mark
from tests.e2e.server_fixtures import CLOCK, start_installation
from tests.e2e.ticks import mention_burst, timed_tick

POSTGRES_URL = os.environ.get("CRISISWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def main(n: int = 10_000) -> None:
    mark = new_mark()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(POSTGRES_URL) as db:
        server = PrefectServer(Path(tmp) / "prefect-home", db, mark)
        t = time.perf_counter()
        server.start()
        print(f"prefect server healthy in {time.perf_counter() - t:.1f} s")
        try:
            with start_installation(server, Path(tmp), workers=1, worker_limit=None) as inst:
                with server.client() as client:
                    for brand in inst.brands:
                        client.pause_deployment(client.read_deployment_by_name(inst.monitor_name(brand)).id)
                inst.sandbox.set_rate_limit("mentions", 10**6)

                def tick(label: str, expect: int | None) -> None:
                    result = timed_tick(inst, "cosechaya")
                    print(result.line(label), flush=True)
                    assert expect is None or result.summary["new_mentions"] == expect, result.summary

                tick("first tick (demo backlog)", None)
                tick("no new mentions", 0)
                tick("no new mentions, again", 0)
                assert inst.sandbox.add_posts(mention_burst("CosechaYa", n, CLOCK - timedelta(seconds=60))) == n
                tick(f"{n:,} new mentions", n)
                tick("no new mentions after", 0)
        finally:
            server.stop()
            kill_marked(mark)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
