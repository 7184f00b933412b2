"""The end-to-end demo: the bundled Cosecha Ya timeline replayed through the real flows, the
real clients and the local sandboxes, on SQLite and Prefect's ephemeral mode."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from crisiswatch import clock
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE
from crisiswatch.settings import environment

DEMO_ADS = Path(__file__).resolve().parent.parent / "crisiswatch" / "demo" / "ads.yaml"
DEMO_START = datetime(2026, 3, 2, 5, tzinfo=timezone.utc)
CALM_UNTIL = datetime(2026, 3, 6, 14, tzinfo=timezone.utc)  # the crisis starts at 14:10
DEMO_END = datetime(2026, 3, 6, 20, tzinfo=timezone.utc)
DEMO_APPROVER = "crisiswatch-demo"  # the stand-in approver: a name, so the Spanish and English post-mortems both read it
SANDBOX_TOKEN = "demo-sandbox-token"
FOLLOW_UP_STEP = timedelta(hours=1)


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


@dataclass(frozen=True)
class DemoCredentials:
    """The credentials the sandboxes accept and crisiswatch is given (tests pass recognisable fake secrets)."""

    x_bearer_token: str = SANDBOX_TOKEN
    x_consumer_key: str = "demo-consumer-key"
    x_consumer_secret: str = "demo-consumer-secret"
    x_access_token: str = "demo-access-token"
    x_access_token_secret: str = "demo-access-secret"
    google_ads_developer_token: str = "sandbox-developer-token"
    google_ads_client_id: str = "sandbox-client-id.apps.googleusercontent.com"
    google_ads_client_secret: str = "sandbox-client-secret"
    google_ads_refresh_token: str = "sandbox-refresh-token"


@dataclass
class DemoSandboxes:
    x: Any
    ads: Any
    env: dict[str, str]


@contextmanager
def sandboxes(workdir: Path, credentials: DemoCredentials = DemoCredentials()) -> Iterator[DemoSandboxes]:
    """The X and Google Ads sandboxes, and the environment that points crisiswatch at them."""
    from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
    from crisiswatch.connectors.x.sandbox import XSandbox

    c = credentials
    with XSandbox(BUNDLED_TIMELINE, bearer_token=c.x_bearer_token, consumer_key=c.x_consumer_key, account="CosechaYa") as x, \
            GoogleAdsSandbox(developer_token=c.google_ads_developer_token, client_id=c.google_ads_client_id,
                             client_secret=c.google_ads_client_secret, refresh_token=c.google_ads_refresh_token) as ads:
        ads.seed(yaml.safe_load(DEMO_ADS.read_text(encoding="utf-8")))
        env = {
            "CRISISWATCH_DATABASE_URL": f"sqlite:///{workdir / 'crisiswatch.db'}",
            "CRISISWATCH_CONFIG_PATH": str(BRAND_CONFIG),
            "CRISISWATCH_CASEBOOK_DIR": str(workdir / "casebook"),
            "CRISISWATCH_APPROVAL_POLL_SECONDS": "1",
            "CRISISWATCH_X_API_BASE_URL": x.base_url,
            "CRISISWATCH_X_BEARER_TOKEN": c.x_bearer_token,
            "CRISISWATCH_X_CONSUMER_KEY": c.x_consumer_key,
            "CRISISWATCH_X_CONSUMER_SECRET": c.x_consumer_secret,
            "CRISISWATCH_X_ACCESS_TOKEN": c.x_access_token,
            "CRISISWATCH_X_ACCESS_TOKEN_SECRET": c.x_access_token_secret,
            **ads.env(),
        }
        yield DemoSandboxes(x, ads, env)


def approve_all(db_url: str) -> dict[str, Any]:
    """The demo's decision: every draft approved, in the name of DEMO_APPROVER."""
    return {"approve_all": True, "approver": DEMO_APPROVER}


def approve_when_paused(
    stop: threading.Event, db_url: str = "", decide: Callable[[str], dict[str, Any]] = approve_all, poll: float = 0.5
) -> threading.Thread:
    """Stand in for the person at the Prefect UI: answer the approval form of a paused run with `decide`."""
    from prefect.client.orchestration import get_client
    from prefect.flow_runs import resume_flow_run

    from flows.approval import PAUSED_RUNS

    def loop() -> None:
        with get_client(sync_client=True) as client:
            while not stop.wait(poll):
                paused = client.read_flow_runs(flow_run_filter=PAUSED_RUNS)
                for run in paused:
                    resume_flow_run(run.id, run_input=decide(db_url))

    # Reach the API once from this thread first: in ephemeral mode that starts Prefect's server, and
    # two threads starting it at once race on its fresh SQLite database (a traceback, then a retry).
    with get_client(sync_client=True) as client:
        client.api_healthcheck()
    thread = threading.Thread(target=loop, name="demo-approver", daemon=True)
    thread.start()
    return thread


def run_demo(
    workdir: Path,
    on_tick: Callable[[datetime, dict[str, Any]], None] | None = None,
    running: DemoSandboxes | None = None,
    decide: Callable[[str], dict[str, Any]] = approve_all,
    follow_hours: int = 3,
    *,
    credentials: DemoCredentials = DemoCredentials(),
    respond: bool = True,
    extra_env: dict[str, str] | None = None,
) -> DemoResult:
    """Replay the bundled crisis: monitor ticks in simulated time until the crisis is handled.

    `running`: sandboxes already started by the caller (kept after the demo, e.g. to resolve the case).
    `decide`: the approval form's answer (db_url → run input); approve everything by default.
    `follow_hours`: how long the open case is followed (hourly ticks) after the response ran.
    respond=False stops at the declaration (the crisis response is not run); `extra_env` adds settings.
    """
    if running is None:
        with sandboxes(workdir, credentials) as sb:
            return run_demo(workdir, on_tick, sb, decide, follow_hours, respond=respond, extra_env=extra_env)
    from crisiswatch.db.session import upgrade_database
    from flows.monitor import monitor

    workdir.mkdir(parents=True, exist_ok=True)
    db_file = workdir / "crisiswatch.db"
    for stale in (db_file, workdir / "crisiswatch.db-wal", workdir / "crisiswatch.db-shm"):
        stale.unlink(missing_ok=True)
    stop = threading.Event()
    with environment({**running.env, **(extra_env or {})}):
        try:
            result = DemoResult(database_url=running.env["CRISISWATCH_DATABASE_URL"])
            upgrade_database(result.database_url)
            approve_when_paused(stop, result.database_url, decide)
            follow_at: datetime | None = None
            for now in demo_ticks():
                if follow_at is not None:
                    if now < follow_at:
                        continue  # after the response, the open case is followed hour by hour
                    follow_at += FOLLOW_UP_STEP
                running.x.clock.set(now)
                clock.follow(now)  # what the playbook does is stamped in the replay's simulated time
                tick = monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=result.database_url, now=now,
                               respond=respond)
                result.ticks += 1
                result.mentions += tick["new_mentions"]
                if on_tick:
                    on_tick(now, tick)
                if tick.get("case_opened"):
                    result.case_id, result.declared_at, result.response = tick["case_id"], now, tick.get("response") or {}
                    follow_at = now + FOLLOW_UP_STEP
                    if not respond:
                        break
                if result.declared_at is not None and now >= result.declared_at + follow_hours * FOLLOW_UP_STEP:
                    break
            return result
        finally:
            stop.set()
            clock.reset()

