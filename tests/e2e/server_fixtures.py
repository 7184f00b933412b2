"""Reusable fixtures for tests against a REAL Prefect server: one server (and one installation) per test module.

An installation is what an operator runs: a `prefect server` on PostgreSQL, the repository's
prefect.yaml deployed (schedules made short), process workers polling the `crisiswatch` pool from
another directory, and the systems the flows reach: the X sandbox (the demo brand's timeline and a
second brand's), a crisiswatch store (a PostgreSQL schema) and one brand config with both brands.

Use in a test module:

    from tests.e2e.server_fixtures import installation, prefect_server, worker_extra_env  # noqa: F401

and override `worker_extra_env` (module scope) to hand the workers more settings (e.g. a Google
Ads sandbox). Everything started is stopped at teardown, flow-run processes included.
"""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, make_url, text

from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.db.session import get_engine, upgrade_database
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE, DEFAULT_START
from tests.e2e import second_brand
from tests.e2e.prefect_server import REPO, PrefectServer, run_logs, throwaway_database
from tests.e2e.processes import Managed, kill_marked, new_mark

POOL = "crisiswatch"
MONITOR_ENTRYPOINT = "flows/monitor.py:monitor"
X_TOKEN = "server-test-token"
CLOCK = DEFAULT_START + timedelta(hours=30)  # the sandbox's frozen "now": a day and a bit into the demo story


def load_project() -> dict[str, Any]:
    """The repository's prefect.yaml, anchors and merge keys resolved."""
    return yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))


def monitor_deployment(project: dict[str, Any], brand: str) -> dict[str, Any]:
    for d in project["deployments"]:
        if d.get("entrypoint") == MONITOR_ENTRYPOINT and d.get("parameters", {}).get("brand") == brand:
            return d
    raise KeyError(f"prefect.yaml has no monitor deployment for brand {brand!r}")


def derive_project(dest: Path, interval_seconds: float, extra_brands: list[str]) -> dict[str, Any]:
    """prefect.yaml as shipped, but every monitor ticks every `interval_seconds`, plus one monitor per extra brand.

    Extra brands are copies of the demo brand's entry: the way the file's comments say to add a brand.
    """
    project = copy.deepcopy(load_project())
    project.pop("definitions", None)
    template = monitor_deployment(project, "cosechaya")
    for slug in extra_brands:
        entry = copy.deepcopy(template)
        entry["name"] = slug
        entry["parameters"] = {**entry["parameters"], "brand": slug}
        for s in entry.get("schedules", []):
            s["slug"] = f"{slug}-every-minute"
        project["deployments"].append(entry)
    for d in project["deployments"]:
        if d.get("entrypoint") == MONITOR_ENTRYPOINT:
            for s in d.get("schedules", []):
                s["interval"] = interval_seconds
    dest.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    return project


def deployable(project: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(names whose entrypoint file exists, names whose file is not in the repository yet)."""
    ready, pending = [], []
    for d in project["deployments"]:
        path = d["entrypoint"].split(":", 1)[0]
        (ready if (REPO / path).is_file() else pending).append(d["name"])
    return ready, pending


def schema_url(database_url: str, schema: str) -> str:
    """A psycopg URL whose connections use `schema` (created if missing) in the same database."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f'create schema if not exists "{schema}"'))
    engine.dispose()
    url = make_url(database_url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def brand_timelines() -> dict[str, list[dict[str, Any]]]:
    """Each brand's replay lines: the bundled demo timeline, and the second brand's generated posts."""
    demo = [json.loads(line) for line in BUNDLED_TIMELINE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"cosechaya": demo, second_brand.SLUG: second_brand.timeline(DEFAULT_START, hours=40, count=150)}


def sandbox_lines() -> list[dict[str, Any]]:
    """Every brand's posts, in one X sandbox."""
    timelines = brand_timelines()
    ids = [line["data"]["id"] for lines in timelines.values() for line in lines]
    assert len(ids) == len(set(ids)), "post ids collide between brands"
    return [line for lines in timelines.values() for line in lines]


@dataclass
class Installation:
    server: PrefectServer
    sandbox: XSandbox
    config_path: Path
    database_url: str
    workdir: Path
    worker_env: dict[str, str]
    deployed: list[str]
    pending: list[str]
    brands: list[str]
    workers: list[Managed] = field(default_factory=list)

    def monitor_name(self, brand: str) -> str:
        return f"monitor/{brand}"

    def logs(self) -> str:
        """The tail of every process log, for failure messages."""
        procs = [self.server.process, *self.workers]
        return "\n".join(f"--- {p.name}\n{p.tail(25)}" for p in procs if p is not None)


@contextmanager
def start_installation(server: PrefectServer, tmp: Path, *, interval_seconds: float = 5, workers: int = 2,
                       worker_limit: int | None = 1, persist_results: bool = False,
                       extra_env: dict[str, str] | None = None) -> Iterator[Installation]:
    """Deploy, start the sandbox and the workers; stop them all (and any flow-run process) on exit.

    persist_results: write flows' and tasks' return values to tmp/results so a test can read them
    back with `state.result()` (off by default, as in production: it slows big ticks down).
    """
    brands = ["cosechaya", second_brand.SLUG]
    config = tmp / "brands.yaml"
    demo = yaml.safe_load(BRAND_CONFIG.read_text(encoding="utf-8"))
    config.write_text(yaml.safe_dump({"brands": [demo, second_brand.brand_config()]}, allow_unicode=True), encoding="utf-8")

    store_url = schema_url(server.database_url, "crisiswatch")
    upgrade_database(store_url)
    get_engine(store_url).dispose()

    project = derive_project(tmp / "prefect.yaml", interval_seconds, [second_brand.SLUG])
    ready, pending = deployable(project)
    workdir = tmp / "worker-cwd"  # workers start elsewhere: the pull step must move runs into the project
    workdir.mkdir(exist_ok=True)

    sandbox = XSandbox(sandbox_lines(), bearer_token=X_TOKEN, users=[second_brand.brand_user()], start=CLOCK).start()
    inst = Installation(server=server, sandbox=sandbox, config_path=config, database_url=store_url, workdir=workdir,
                        worker_env={}, deployed=ready, pending=pending, brands=brands)
    try:
        server.cli("work-pool", "create", POOL, "--type", "process", "--overwrite")
        server.deploy(ready, tmp / "prefect.yaml")
        inst.worker_env = {
            "CRISISWATCH_PROJECT_DIR": str(REPO),
            "CRISISWATCH_DATABASE_URL": store_url,
            "CRISISWATCH_CONFIG_PATH": str(config),
            "CRISISWATCH_X_API_BASE_URL": sandbox.base_url,
            "CRISISWATCH_X_BEARER_TOKEN": X_TOKEN,
            "CRISISWATCH_CASEBOOK_DIR": str(tmp / "casebook"),
            "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true" if persist_results else "false",
            "PREFECT_LOCAL_STORAGE_PATH": str(tmp / "results"),
            **(extra_env or {}),
        }
        for i in range(workers):
            inst.workers.append(server.start_worker(f"worker-{i + 1}", inst.worker_env, workdir, limit=worker_limit))
        yield inst
    finally:
        for w in inst.workers:
            w.stop()
        kill_marked(server.mark)  # flow-run processes live in sessions of their own
        sandbox.stop()


def tick_summary(client: Any, flow_run_id: Any) -> dict[str, Any] | None:
    """A monitor run's "tick done: {...}" log line, parsed; None until the line has reached the server."""
    for log in run_logs(client, flow_run_id):
        if log.message.startswith("tick done: "):
            return ast.literal_eval(log.message.removeprefix("tick done: "))
    return None


# ----------------------------------------------------------------- pytest fixtures


@pytest.fixture(scope="module")
def prefect_server(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """A `prefect server start` on a throwaway PostgreSQL database, for one test module."""
    mark = new_mark()
    home = tmp_path_factory.mktemp("prefect-home")
    with throwaway_database(postgres_url) as db:
        server = PrefectServer(home, db, mark)
        try:
            server.start()
            yield server
        finally:
            server.stop()
            kill_marked(mark)


@pytest.fixture(scope="module")
def worker_extra_env() -> dict[str, str]:
    """More settings for the workers; override in a test module (module scope)."""
    return {}


@pytest.fixture(scope="module")
def installation(prefect_server: PrefectServer, worker_extra_env: dict[str, str],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    with start_installation(prefect_server, tmp_path_factory.mktemp("installation"), extra_env=worker_extra_env) as inst:
        yield inst
