"""Throughput of the lexicon and hybrid scorers and VADER on the same texts (shared data), one core: python -m tests.bench.scoring"""

from __future__ import annotations

import os
import time
from pathlib import Path

from crisiswatch.scoring.evaluation import DATASETS, read_rows
from crisiswatch.scoring.hybrid_scorer import HybridScorer
from crisiswatch.scoring.lexicon_scorer import LexiconScorer

DATA = Path(os.environ.get("CRISISWATCH_DATA_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "data")


def rate(fn, texts: list[str], repeat: int = 5) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()
    except ImportError:
        vader = None
        print("vaderSentiment not installed (pip install vaderSentiment): lexicon scorer only")
    fresh = LexiconScorer()
    print(f"{'file':22} {'texts':>6} {'lexicon (cold) /s':>18} {'lexicon /s':>11} {'hybrid /s':>10} {'vader /s':>9}")
    for ds in DATASETS:
        path = DATA / ds.file
        if not path.is_file():
            print(f"{ds.file}: not found in {DATA}")
            continue
        texts = [r["text"] for r in read_rows(path)]
        cold = rate(fresh.score_texts, texts, repeat=1)
        warm = rate(LexiconScorer().score_texts, texts)
        hybrid = rate(HybridScorer().score_texts, texts)
        v = rate(lambda ts: [vader.polarity_scores(t) for t in ts], texts) if vader else float("nan")
        print(f"{ds.file:22} {len(texts):6d} {cold:18,.0f} {warm:11,.0f} {hybrid:10,.0f} {v:9,.0f}")


if __name__ == "__main__":
    main()
