"""Ingestion figures: a 100,000-mention replay through the real tweepy client and the X sandbox
(served by `crisiswatch sandbox x` in its own process) into SQLite, as one monitor tick stores it.

Run: .venv/bin/python -m tests.bench.ingest [N]      (default 100,000; prints mentions/s and peak memory)
"""

from __future__ import annotations

import itertools
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crisiswatch.config import parse_config
from crisiswatch.connectors.x.client import mention_source_from_settings
from crisiswatch.db.session import upgrade_database
from crisiswatch.ingest import Source, ensure_brand, fetch_new_posts, store_pages, stored_mention_count
from crisiswatch.replay import make_post, write_replay
from crisiswatch.settings import Settings

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
BRAND = parse_config({"slug": "acme", "name": "Acme Air", "handle": "AcmeAir", "user_id": 42, "queries": []}).brands[0]
TEXTS = [
    "@AcmeAir my flight {i} was cancelled, third time this month 😡",
    "@AcmeAir gracias por el vuelo {i}, todo perfecto 🙌",
    "@AcmeAir ¿dónde está mi maleta? vuelo {i}, llevo 3 horas esperando",
    "@AcmeAir thanks for the upgrade on flight {i}!",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        timeline = Path(tmp) / "timeline.jsonl"
        own = [make_post(1, "AcmeAir here", author_id=42, username="AcmeAir", created_at=T0)]
        lines = itertools.chain(own, (
            make_post(10 + i, TEXTS[i % len(TEXTS)].format(i=i), author_id=1000 + i % 20_000, username=f"user{i % 20_000}",
                      created_at=T0 + timedelta(seconds=i % 86_400), lang="es" if i % 4 in (1, 2) else "en")
            for i in range(n)
        ))
        write_replay(timeline, lines)  # streamed: the bench process never holds the timeline
        port = _free_port()
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        server = subprocess.Popen(
            [sys.executable, "-m", "crisiswatch", "sandbox", "x", "--timeline", str(timeline), "--port", str(port),
             "--start", (T0 + timedelta(days=2)).isoformat(), "--bearer-token", "bench-token"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"{base}/_sandbox/clock", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            # X allows 450 mention pages per 15 minutes; the bench measures throughput, not the budget
            req = urllib.request.Request(f"{base}/_sandbox/rate_limits", method="POST",
                                         data=b'{"endpoint": "mentions", "limit": 100000}', headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=5)
            source = mention_source_from_settings(Settings(x_api_base_url=base, x_bearer_token="bench-token"))
            url = f"sqlite:///{tmp}/bench.db"
            upgrade_database(url)
            brand_id = ensure_brand(url, BRAND)
            rss_before = _peak_rss_mb()
            started = time.perf_counter()
            page = fetch_new_posts(source, Source("mentions"), 42, None)
            fetched = time.perf_counter()
            result = store_pages(url, brand_id, BRAND, [page], brand_user_id=42)
            done = time.perf_counter()
            assert result.stored == n == stored_mention_count(url, brand_id), (result.stored, n)
        finally:
            server.terminate()
            server.wait(10)
    total = done - started
    print(f"ingested {n:,} mentions through tweepy + the X sandbox into SQLite in {total:.1f} s")
    print(f"  fetch (all pages): {fetched - started:.1f} s   store (one transaction): {done - fetched:.1f} s")
    print(f"  throughput: {n / total:,.0f} mentions/s   (goal: at least 10,000/s)")
    print(f"  peak memory of the ingesting process: {_peak_rss_mb():.0f} MB (before fetching: {rss_before:.0f} MB; goal: under 300 MB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
