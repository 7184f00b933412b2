"""Seconds from crisis declaration (case row created) to the last campaign paused, against the sandbox.

    python -m tests.bench.ads_pause [--customers 3] [--campaigns 50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from crisiswatch.ads_run import run_ads
from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import Brand, Case
from crisiswatch.db.session import session_scope, upgrade_database
from crisiswatch.settings import Settings

GOAL_SECONDS = 5.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=3)
    ap.add_argument("--campaigns", type=int, default=50)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = ap.parse_args()

    db_url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade_database(db_url)
    with GoogleAdsSandbox() as sb:
        customers = [sb.add_customer(str(1000000000 + i)) for i in range(args.customers)]
        for cid in customers:
            sb.add_campaigns(cid, args.campaigns)
        env = {k.removeprefix("CRISISWATCH_").lower(): v for k, v in sb.env().items() if k.startswith("CRISISWATCH_")}
        settings = Settings(**env)
        ads = GoogleAdsConfig(customer_ids=customers)

        t0 = time.time()
        with session_scope(db_url) as s:  # the crisis is declared
            brand = Brand(slug="bench", name="Bench")
            s.add(brand)
            s.flush()
            case = Case(brand_id=brand.id, level="crisis")
            s.add(case)
        outcome = run_ads("pause", db_url, case.id, "bench", ads, settings, dry_run=False)
        done = time.time()
        last = max(m.at.timestamp() for m in sb.api_mutations())
    total = args.customers * args.campaigns
    paused = len(outcome.applied)
    print(f"campaigns: {args.customers} customers x {args.campaigns} = {total}; paused {paused}, failed {len(outcome.failed)}")
    print(f"declaration -> last campaign paused: {last - t0:.3f} s (goal < {GOAL_SECONDS:.0f} s)")
    print(f"declaration -> every change recorded: {done - t0:.3f} s")


if __name__ == "__main__":
    main()
