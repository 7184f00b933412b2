"""How long origin analysis takes on a synthetic crisis: `python -m tests.bench.origin [N]`."""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone

from crisiswatch.origin.model import OwnPost, Post
from crisiswatch.origin.report import analyse
from crisiswatch.origin.threads import group_threads

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
WORDS = "flight bag lost refund app down charge twice order late rude agent cancel store price broken screen help".split()


def synthetic(n: int, seed: int = 7) -> tuple[list[Post], list[OwnPost]]:
    rnd = random.Random(seed)
    own = [OwnPost(9_000_000, T0 - timedelta(hours=8), "campaign")]
    posts: list[Post] = []
    for i in range(n):
        x_id = 1_000_000 + i
        kind = rnd.random()
        refs: tuple[tuple[str, int], ...] = ()
        conv = x_id
        if kind < 0.3 and i > 10:
            refs = (("retweeted", 1_000_000 + rnd.randrange(0, min(i, 50))),)
        elif kind < 0.4:
            refs, conv = (("replied_to", 9_000_000),), 9_000_000
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 18)))
        if kind > 0.9:
            text = "@acme the app is down again and I cannot pay my bills at all today"
        posts.append(
            Post(
                x_id=x_id, created_at=T0 + timedelta(seconds=rnd.uniform(-72 * 3600, 6 * 3600)), text=text,
                author_x_id=rnd.randrange(1, n // 2 + 2), username=f"u{i}", followers=rnd.randrange(0, 10_000),
                lang=rnd.choice(["es", "en"]), conversation_id=conv, referenced=refs,
                hashtags=(f"tag{rnd.randrange(0, 200)}",), sentiment=rnd.choice(["negative", "neutral"]),
                category=rnd.choice(["service_disruption", "customer_service"]),
            )
        )
    return posts, own


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    posts, own = synthetic(n)
    t = time.perf_counter()
    threads = group_threads(posts, own)
    grouped = time.perf_counter() - t
    t = time.perf_counter()
    report = analyse(posts, own, spike_at=T0, now=T0 + timedelta(hours=6), brand_handle="acme")
    total = time.perf_counter() - t
    print(f"{n} mentions: {len(threads)} threads grouped in {grouped * 1000:.0f} ms; full analysis {total * 1000:.0f} ms "
          f"(origin {report.origin_type}, {len(report.complainants)} complainants)")


if __name__ == "__main__":
    main()
