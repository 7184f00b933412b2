"""Throughput of the lexicon, hybrid and encoder scorers and VADER on the same texts (shared data), one core: python -m tests.bench.scoring"""

from __future__ import annotations

import os
import time
from pathlib import Path

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.evaluation import DATASETS, read_rows
from crisiswatch.scoring.hybrid_scorer import HybridScorer
from crisiswatch.scoring.lexicon_scorer import LexiconScorer

ENCODER_TEXTS = 256  # the encoder scorer reads a few dozen texts a second: timed on the first texts of each file, once
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
    try:
        from crisiswatch.scoring.encoder_scorer import EncoderScorer

        encoder = EncoderScorer()
    except ConfigError as exc:
        encoder = None
        print(f"encoder scorer not timed: {exc}")
    print(f"{'file':22} {'texts':>6} {'lexicon (cold) /s':>18} {'lexicon /s':>11} {'hybrid /s':>10} {'encoder /s':>11} {'vader /s':>9}")
    for ds in DATASETS:
        path = DATA / ds.file
        if not path.is_file():
            print(f"{ds.file}: not found in {DATA}")
            continue
        texts = [r["text"] for r in read_rows(path)]
        cold = rate(fresh.score_texts, texts, repeat=1)
        warm = rate(LexiconScorer().score_texts, texts)
        hybrid = rate(HybridScorer().score_texts, texts)
        encoded = rate(encoder.score_texts, texts[:ENCODER_TEXTS], repeat=1) if encoder else float("nan")
        v = rate(lambda ts: [vader.polarity_scores(t) for t in ts], texts) if vader else float("nan")
        print(f"{ds.file:22} {len(texts):6d} {cold:18,.0f} {warm:11,.0f} {hybrid:10,.0f} {encoded:11,.1f} {v:9,.0f}")


if __name__ == "__main__":
    main()
