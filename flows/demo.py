"""The end-to-end demo: the bundled Cosecha Ya timeline replayed through the real flows, the
real clients and the local sandboxes, on SQLite and Prefect's ephemeral mode."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE

DEMO_ADS = Path(__file__).resolve().parent.parent / "crisiswatch" / "demo" / "ads.yaml"
DEMO_START = datetime(2026, 3, 2, 5, tzinfo=timezone.utc)
CALM_UNTIL = datetime(2026, 3, 6, 11, tzinfo=timezone.utc)
DEMO_END = datetime(2026, 3, 6, 20, tzinfo=timezone.utc)
DEMO_APPROVER = "demo (auto-approved: in production a person approves in the Prefect UI or with `crisiswatch approve`)"
SANDBOX_TOKEN = "demo-sandbox-token"


@dataclass
class DemoResult:
    database_url: str
    ticks: int = 0
    mentions: int = 0
    case_id: int | None = None
    declared_at: datetime | None = None
    response: dict[str, Any] = field(default_factory=dict)


def demo_ticks(calm_step: timedelta = timedelta(hours=6), crisis_step: timedelta = timedelta(minutes=15)) -> Iterator[datetime]:
    """Simulated tick times: coarse through the calm days, one window at a time around the crisis."""
    t = DEMO_START
    while t < CALM_UNTIL:
        t = min(t + calm_step, CALM_UNTIL)
        yield t
    while t < DEMO_END:
        t += crisis_step
        yield t


@dataclass
class DemoSandboxes:
    x: Any
    ads: Any
    env: dict[str, str]


@contextmanager
def sandboxes(workdir: Path) -> Iterator[DemoSandboxes]:
    """The X and Google Ads sandboxes, and the environment that points crisiswatch at them."""
    from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
    from crisiswatch.connectors.x.sandbox import XSandbox

    with XSandbox(BUNDLED_TIMELINE, bearer_token=SANDBOX_TOKEN, account="CosechaYa") as x, GoogleAdsSandbox() as ads:
        ads.seed(yaml.safe_load(DEMO_ADS.read_text(encoding="utf-8")))
        env = {
            "CRISISWATCH_DATABASE_URL": f"sqlite:///{workdir / 'crisiswatch.db'}",
            "CRISISWATCH_CONFIG_PATH": str(BRAND_CONFIG),
            "CRISISWATCH_CASEBOOK_DIR": str(workdir / "casebook"),
            "CRISISWATCH_APPROVAL_POLL_SECONDS": "1",
            "CRISISWATCH_X_API_BASE_URL": x.base_url,
            "CRISISWATCH_X_BEARER_TOKEN": SANDBOX_TOKEN,
            "CRISISWATCH_X_CONSUMER_KEY": "demo-consumer-key",
            "CRISISWATCH_X_CONSUMER_SECRET": "demo-consumer-secret",
            "CRISISWATCH_X_ACCESS_TOKEN": "demo-access-token",
            "CRISISWATCH_X_ACCESS_TOKEN_SECRET": "demo-access-secret",
            **ads.env(),
        }
        yield DemoSandboxes(x, ads, env)


def approve_all(db_url: str) -> dict[str, Any]:
    """The demo's decision: every draft approved, in the name of DEMO_APPROVER."""
    return {"approve_all": True, "approver": DEMO_APPROVER}


def approve_when_paused(
    stop: threading.Event, db_url: str, decide: Callable[[str], dict[str, Any]] = approve_all, poll: float = 0.5
) -> threading.Thread:
    """Stand in for the person at the Prefect UI: answer the approval form of a paused run with `decide`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    def loop() -> None:
        with get_client(sync_client=True) as client:
            while not stop.wait(poll):
                paused = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED])))
                )
                for run in paused:
                    resume_flow_run(run.id, run_input=decide(db_url))

    thread = threading.Thread(target=loop, name="demo-approver", daemon=True)
    thread.start()
    return thread


def run_demo(
    workdir: Path,
    on_tick: Callable[[datetime, dict[str, Any]], None] | None = None,
    running: DemoSandboxes | None = None,
    decide: Callable[[str], dict[str, Any]] = approve_all,
) -> DemoResult:
    """Replay the bundled crisis: monitor ticks in simulated time until the crisis is handled.

    `running`: sandboxes already started by the caller (kept after the demo, e.g. to resolve the case).
    `decide`: the approval form's answer (db_url → run input); approve everything by default.
    """
    if running is None:
        with sandboxes(workdir) as sb:
            return run_demo(workdir, on_tick, sb, decide)
    from crisiswatch.db.session import upgrade_database
    from flows.monitor import monitor

    workdir.mkdir(parents=True, exist_ok=True)
    db_file = workdir / "crisiswatch.db"
    for stale in (db_file, workdir / "crisiswatch.db-wal", workdir / "crisiswatch.db-shm"):
        stale.unlink(missing_ok=True)
    stop = threading.Event()
    with environment(running.env):
        try:
            result = DemoResult(database_url=running.env["CRISISWATCH_DATABASE_URL"])
            upgrade_database(result.database_url)
            approve_when_paused(stop, result.database_url, decide)
            for now in demo_ticks():
                running.x.clock.set(now)
                tick = monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=result.database_url, now=now)
                result.ticks += 1
                result.mentions += tick["new_mentions"]
                if on_tick:
                    on_tick(now, tick)
                if tick.get("case_opened"):
                    result.case_id, result.declared_at, result.response = tick["case_id"], now, tick.get("response") or {}
                    break
            return result
        finally:
            stop.set()


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """These environment variables (and fresh settings) for the duration of the block."""
    from crisiswatch.settings import get_settings

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
