"""A real `prefect server start` on PostgreSQL, its CLI, its workers, and reading runs back with the client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import Artifact, FlowRun, Log, TaskRun
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings
from sqlalchemy import create_engine, make_url, text

from tests.e2e.processes import MARK_VAR, Managed, free_port, spawn

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

# A scheduler that looks at new deployments every second and plans only a few runs ahead.
SERVER_SETTINGS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME": "PT20S",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}
# Workers that poll every second and never pick a run up long before it is due.
WORKER_SETTINGS = {"PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "1",
                   "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"}


def clean_environ() -> dict[str, str]:
    """This process's environment without any PREFECT_ or CRISISWATCH_ setting that could leak in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CRISISWATCH_"))}


@contextmanager
def throwaway_database(base_url: str, prefix: str = "cw_prefect") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `base_url`; dropped (connections and all) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


def asyncpg_url(sqlalchemy_url: str) -> str:
    """The same database for the Prefect server's async driver."""
    return make_url(sqlalchemy_url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


class PrefectServer:
    """`prefect server start` on 127.0.0.1 (a free port), its state in `database_url`, its home in `home`."""

    def __init__(self, home: Path, database_url: str, mark: str, extra_env: dict[str, str] | None = None) -> None:
        self.home = home
        self.database_url = database_url
        self.mark = mark
        self.port = free_port()
        self.extra_env = dict(extra_env or {})
        self.process: Managed | None = None
        home.mkdir(parents=True, exist_ok=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for anything talking to this server: its API, a private PREFECT_HOME, the mark."""
        env = clean_environ()
        env.update(PREFECT_HOME=str(self.home), PREFECT_API_URL=self.api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
        env[MARK_VAR] = self.mark
        env.update(extra)
        return env

    def start(self, timeout: float = 60.0) -> PrefectServer:
        env = self.env(PREFECT_API_DATABASE_CONNECTION_URL=asyncpg_url(self.database_url), **SERVER_SETTINGS, **self.extra_env)
        env.pop("PREFECT_API_URL")
        self.process = spawn("prefect-server", [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                             env, self.home, cwd=self.home)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.process.alive():
                raise RuntimeError(f"prefect server exited {self.process.proc.returncode}:\n{self.process.tail()}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"prefect server not healthy after {timeout:.0f} s:\n{self.process.tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    @contextmanager
    def settings(self) -> Iterator[None]:
        """Point this process's Prefect client at the server."""
        with temporary_settings(updates={PREFECT_API_URL: self.api_url, PREFECT_HOME: str(self.home)}):
            yield

    @contextmanager
    def client(self) -> Iterator[SyncPrefectClient]:
        with self.settings(), get_client(sync_client=True) as client:
            yield client

    def cli(self, *args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 120) -> str:
        """Run `prefect --no-prompt ARGS` against the server; its output, or an error that shows it."""
        done = subprocess.run([PREFECT, "--no-prompt", *args], cwd=cwd, env=env or self.env(), capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"prefect {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def deploy(self, names: Sequence[str], prefect_file: Path | None = None) -> str:
        """`prefect deploy --name ...` from the repository; CRISISWATCH_PROJECT_DIR is left for the workers."""
        args = ["deploy", *(a for n in names for a in ("--name", n))]
        if prefect_file is not None:
            args += ["--prefect-file", str(prefect_file)]
        return self.cli(*args)

    def start_worker(self, name: str, env: dict[str, str], cwd: Path, pool: str = "crisiswatch",
                     limit: int | None = None) -> Managed:
        """`prefect worker start --pool POOL --type process` with `env` on top of the server's."""
        args = [PREFECT, "worker", "start", "--pool", pool, "--type", "process", "--name", name]
        if limit is not None:
            args += ["--limit", str(limit)]
        worker = spawn(name, args, self.env(**WORKER_SETTINGS, **env), self.home, cwd=cwd)
        return worker


# ----------------------------------------------------------------- reading runs back


def deployment_id(client: SyncPrefectClient, full_name: str) -> Any:
    return client.read_deployment_by_name(full_name).id


def flow_runs(client: SyncPrefectClient, deployment: Any) -> list[FlowRun]:
    """Every run of one deployment, oldest first."""
    runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment])), limit=200)
    return sorted(runs, key=lambda r: r.created or r.expected_start_time)


def read_runs(client: SyncPrefectClient, ids: Sequence[Any]) -> list[FlowRun]:
    return client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(ids))), limit=len(ids) or 1)


def wait_for(predicate: Any, timeout: float, what: str, every: float = 0.5, on_timeout: Any = None) -> Any:
    """Call `predicate()` until it returns something truthy; that value, or an AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = on_timeout() if on_timeout else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{detail}")
        time.sleep(every)


def wait_final(client: SyncPrefectClient, ids: Sequence[Any], timeout: float, on_timeout: Any = None) -> list[FlowRun]:
    """Wait until every run in `ids` is in a final state."""
    def done() -> list[FlowRun] | None:
        runs = read_runs(client, ids)
        return runs if len(runs) == len(ids) and all(r.state_type and r.state_type.value in FINAL for r in runs) else None
    return wait_for(done, timeout, f"runs {list(map(str, ids))} to finish", on_timeout=on_timeout)


def task_runs(client: SyncPrefectClient, flow_run_id: Any) -> list[TaskRun]:
    return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])), limit=200)


def run_artifacts(client: SyncPrefectClient, flow_run_id: Any) -> list[Artifact]:
    """Artifacts a flow run (or its tasks) published."""
    return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])), limit=200)


def run_logs(client: SyncPrefectClient, flow_run_id: Any) -> list[Log]:
    return client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200)


def worker_of(run: FlowRun) -> str | None:
    """The worker that ran it: the label a worker gives a run once its Pending proposal is accepted.

    (Every worker that tries a run logs "submitting flow run", winner or not: logs cannot tell.)
    """
    return (run.labels or {}).get("prefect.worker.name")  # type: ignore[return-value]


def ran_for(run: FlowRun) -> timedelta:
    assert run.start_time and run.end_time, f"run {run.name} has no start or end time"
    return run.end_time - run.start_time
