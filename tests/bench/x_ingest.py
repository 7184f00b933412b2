"""Figures for the X sandbox + connector: replay load time and end-to-end ingestion rate.

Run: .venv/bin/python -m tests.bench.x_ingest [N]   (default 100,000 mentions)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crisiswatch.connectors.x.client import TweepyMentionSource, make_tweepy_client
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.replay import make_post, write_replay
from crisiswatch.settings import Settings

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.jsonl"
        lines = [make_post(1, "AcmeAir here", author_id=42, username="AcmeAir", created_at=T0)]
        lines += (make_post(10 + i, f"@AcmeAir my flight {i} was cancelled, third time this month 😡",
                            author_id=1000 + i % 5000, username=f"user{i % 5000}", created_at=T0 + timedelta(seconds=i))
                  for i in range(n))
        write_replay(path, lines)
        t = time.perf_counter()
        sb = XSandbox(path, start=T0 + timedelta(days=3))
        load = time.perf_counter() - t
        print(f"loaded {len(sb.store):,} posts ({path.stat().st_size / 1e6:.0f} MB) in {load:.2f}s")
        with sb:
            settings = Settings(_env_file=None, x_bearer_token="sandbox-token", x_api_base_url=sb.base_url)  # type: ignore[call-arg]
            sb.set_rate_limit("mentions", 10**6)
            src = TweepyMentionSource(make_tweepy_client(settings))
            for label in ("cold (fragments built)", "warm (fragments cached)"):
                t = time.perf_counter()
                page = src.fetch_mentions(42, None)
                dt = time.perf_counter() - t
                print(f"{label}: {len(page.mentions):,} mentions in {dt:.2f}s = {len(page.mentions) / dt:,.0f} mentions/s "
                      f"({sb.requests('mentions')} requests so far)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
