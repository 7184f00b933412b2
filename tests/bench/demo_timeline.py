"""Figures for the demo timeline generator: `python -m tests.bench.demo_timeline [SCALE]`."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from crisiswatch.demo.timeline import generate_timeline, write_timeline


def main(scale: float = 28.0) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    timeline = generate_timeline(scale=scale)
    t1, c1 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, _ = write_timeline(Path(tmp) / "t.jsonl", timeline)
        size = jsonl.stat().st_size
    t2, c2 = time.perf_counter(), time.process_time()
    counts = timeline.truth["counts"]
    print(f"scale {scale}: {counts['total']:,} posts by {counts['unique_authors']:,} authors, {size / 1e6:.1f} MB")
    print(f"generate: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU; write: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU")
    print(f"per phase: {counts['by_phase']}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 28.0)
