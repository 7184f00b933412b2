"""Load figures for the monitor: one brand at 100,000 mentions an hour, and 50 brands at normal volume.

    .venv/bin/python -m tests.bench.load                 # 1 simulated hour + 2 rounds of 50 brands (~3 min)
    .venv/bin/python -m tests.bench.load --hours 24      # the full simulated day
    .venv/bin/python -m tests.bench.load --rate 20000 --hours 1 --brands 10 --rounds 3

The X sandbox runs in a child process (its memory is not ours) and is fed each tick's posts through
its admin API; the monitor flow runs here under a temporary Prefect API, on a SQLite file (or
--database-url). Figures: per-tick wall time against the 5-minute schedule, mentions/s, the
process's RSS after every tick (growth across ticks shows whether memory stays bounded).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import yaml

from crisiswatch.replay import make_post
from crisiswatch.settings import environment

T0 = datetime(2026, 3, 2, 5, tzinfo=timezone.utc)
TOKEN = "load-bench-token"
TEXTS = [
    "@{h} gracias por el envío, llegó rapidísimo {n}", "@{h} love the new app update {n}", "{q} is my go-to for coffee {n}",
    "@{h} ¿abren el domingo? {n}", "@{h} my order {n} is late again, nobody answers", "{q} me cobraron dos veces el pedido {n}",
    "just tried {q}, not bad {n}", "@{h} el repartidor fue muy amable {n}", "@{h} app crashed at checkout {n} 😡",
    "{q} promo code {n} does not work", "@{h} pésimo servicio, llevo 2 horas esperando {n}", "{q} weekend deal looks good {n}",
]


def brand_doc(i: int) -> dict[str, Any]:
    slug = f"brand{i:03d}"
    return {"slug": slug, "name": f"Brand {i}", "handle": f"Brand{i:03d}", "user_id": 9_000_000 + i, "languages": ["es", "en"],
            "queries": [slug], "departments": [{"name": "care", "backend": "database", "sla_hours": 2}],
            "routing": [{"departments": ["care"]}], "google_ads": {"pause": "none"}}


class PostMaker:
    """Mentions of a brand spread evenly over a time span, ids increasing with time."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.next_id = 1_900_000_000_000_000_000

    def between(self, brand: dict[str, Any], start: datetime, end: datetime, n: int) -> list[dict[str, Any]]:
        out = []
        span = (end - start).total_seconds()
        for k in range(n):
            self.next_id += 1
            author = self.rng.randrange(1, 40_000)
            text = self.rng.choice(TEXTS).format(h=brand["handle"], q=brand["queries"][0], n=self.next_id % 10_000)
            out.append(make_post(self.next_id, text, author_id=10_000_000 + author, username=f"user{author}",
                                 created_at=start + timedelta(seconds=span * (k + 0.5) / n), lang="es" if "¿" in text or "é" in text else "en"))
        return out


@contextmanager
def sandbox_process() -> Iterator[str]:
    """An X sandbox in a child process; yields its base URL."""
    code = ("import sys; from crisiswatch.connectors.x.sandbox import XSandbox; "
            f"sb = XSandbox(None, bearer_token={TOKEN!r}, start='{T0.isoformat()}'); print(sb.base_url, flush=True); sb.serve_forever()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def sandbox_thread() -> Iterator[str]:
    from crisiswatch.connectors.x.sandbox import XSandbox

    with XSandbox(None, bearer_token=TOKEN, start=T0) as sb:
        yield sb.base_url


class Admin:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url + "/_sandbox", timeout=120)
        for endpoint in ("mentions", "search", "counts", "users"):
            self.http.post("/rate_limits", json={"endpoint": endpoint, "limit": 10**9}).raise_for_status()

    def feed(self, posts: list[dict[str, Any]]) -> None:
        if posts:
            self.http.post("/posts", content="\n".join(json.dumps(p) for p in posts)).raise_for_status()

    def clock(self, now: datetime) -> None:
        self.http.post("/clock", json={"now": now.isoformat()}).raise_for_status()


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux: KiB


@dataclass
class Figures:
    name: str
    tick_seconds: list[float] = field(default_factory=list)
    mentions: int = 0
    rss_mb: list[float] = field(default_factory=list)
    schedule_seconds: float = 300.0

    def lines(self) -> list[str]:
        t = self.tick_seconds
        total = sum(t)
        half = len(self.rss_mb) // 2
        growth = (self.rss_mb[-1] - self.rss_mb[half]) if half else 0.0
        return [
            f"{self.name}: {len(t)} ticks, {self.mentions:,} mentions stored in {total:.1f}s = {self.mentions / total:,.0f} mentions/s",
            f"  tick wall time: median {statistics.median(t):.2f}s, p95 {sorted(t)[math.ceil(0.95 * len(t)) - 1]:.2f}s, max {max(t):.2f}s "
            f"against a {self.schedule_seconds:.0f}s schedule ({max(t) / self.schedule_seconds:.1%} of it at worst)",
            f"  RSS: first tick {self.rss_mb[0]:.0f} MB, last {self.rss_mb[-1]:.0f} MB, growth over the second half {growth:+.0f} MB, "
            f"peak {peak_rss_mb():.0f} MB",
        ]


def run_ticks(config_path: Path, brands: list[dict[str, Any]], db_url: str, admin: Admin, per_tick: Callable[[int], int],
              ticks: int, tick_minutes: int, name: str, on_tick: Callable[[int, float], None] | None = None) -> Figures:
    """Feed each tick's posts, move the clock, run the monitor of every brand; one Figures per run."""
    from flows.monitor import monitor

    maker = PostMaker()
    figures = Figures(name, schedule_seconds=tick_minutes * 60.0)
    now = T0
    # each brand's own account posts once: the sandbox then knows it (its mentions timeline needs the user)
    admin.feed([make_post(maker.next_id + k + 1, "hola", author_id=b["user_id"], username=b["handle"], created_at=T0 - timedelta(days=1))
                for k, b in enumerate(brands)])
    maker.next_id += len(brands) + 1
    for i in range(ticks):
        nxt = now + timedelta(minutes=tick_minutes)
        admin.feed([p for b in brands for p in maker.between(b, now, nxt - timedelta(seconds=1), per_tick(i))])
        admin.clock(nxt)
        started = time.perf_counter()
        for b in brands:
            out = monitor(brand=b["slug"], config_path=str(config_path), database_url=db_url, now=nxt, respond=False)
            figures.mentions += out["new_mentions"]
        figures.tick_seconds.append(time.perf_counter() - started)
        figures.rss_mb.append(rss_mb())
        if on_tick:
            on_tick(i, figures.tick_seconds[-1])
        now = nxt
    return figures


def sandbox_environment(base_url: str):  # noqa: ANN201
    """crisiswatch pointed at the bench's X sandbox."""
    return environment({"CRISISWATCH_X_API_BASE_URL": base_url, "CRISISWATCH_X_BEARER_TOKEN": TOKEN})


def run_load(workdir: Path, *, rate_per_hour: int, hours: float, brands: int, rounds: int, brand_rate_per_hour: int = 240,
             tick_minutes: int = 5, database_url: str | None = None, in_process_sandbox: bool = False,
             echo: Callable[[str], None] = print) -> list[Figures]:
    """Both scenarios; Prefect must be reachable (a harness or a server). Returns their figures."""
    from crisiswatch.db.session import upgrade_database

    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    ticks = max(1, round(hours * 60 / tick_minutes))
    scenarios = [("one brand", [brand_doc(0)], rate_per_hour, ticks), (f"{brands} brands", [brand_doc(i + 1) for i in range(brands)],
                                                                       brand_rate_per_hour, rounds)]
    for name, docs, rate, n_ticks in scenarios:
        if not docs or n_ticks <= 0:
            continue
        config = workdir / f"{name.replace(' ', '-')}.yaml"
        config.write_text(yaml.safe_dump({"brands": docs}), encoding="utf-8")
        db_url = database_url or f"sqlite:///{workdir / (name.replace(' ', '-') + '.db')}"
        upgrade_database(db_url)
        per_tick = max(1, round(rate * tick_minutes / 60))
        label = f"{name} at {rate:,} mentions/hour each ({per_tick:,} a {tick_minutes}-minute tick)"
        echo(f"{label}: {n_ticks} ticks ...")
        with (sandbox_thread() if in_process_sandbox else sandbox_process()) as base_url, sandbox_environment(base_url):
            admin = Admin(base_url)
            progress = (lambda i, s: echo(f"  tick {i + 1}/{n_ticks}: {s:.2f}s, RSS {rss_mb():.0f} MB")) if n_ticks <= 12 or not in_process_sandbox else None
            figures = run_ticks(config, docs, db_url, admin, lambda _i: per_tick, n_ticks, tick_minutes, label, progress)
        results.append(figures)
        for line in figures.lines():
            echo(line)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=100_000, help="mentions an hour for the one brand")
    parser.add_argument("--hours", type=float, default=1.0, help="simulated hours for the one brand (24: the full day)")
    parser.add_argument("--brands", type=int, default=50)
    parser.add_argument("--brand-rate", type=int, default=240, help="mentions an hour for each of the many brands")
    parser.add_argument("--rounds", type=int, default=2, help="ticks of all the brands")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp dir")
    args = parser.parse_args(argv)

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=60):
        run_load(Path(tmp), rate_per_hour=args.rate, hours=args.hours, brands=args.brands, rounds=args.rounds,
                 brand_rate_per_hour=args.brand_rate, database_url=args.database_url)
    print(f"total wall time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
