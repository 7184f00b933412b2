"""Train the scorers' linear sentiment models on the corpus written for crisiswatch (never on ../shared/data).

    python -m crisiswatch.scoring.training            # rewrites crisiswatch/scoring/models/sentiment.tsv
    python -m crisiswatch.scoring.training --encoder  # rewrites models/sentiment-encoder.tsv (needs crisiswatch[encoder])
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crisiswatch.config import CATEGORIES
from crisiswatch.errors import ConfigError
from crisiswatch.scoring.evaluation import LABELS
from crisiswatch.scoring.features import sentiment_features
from crisiswatch.scoring.hybrid_scorer import MODELS_DIR, SENTIMENT_MODEL, HybridScorer
from crisiswatch.scoring.lexicon_scorer import LexiconScorer
from crisiswatch.scoring.linear_model import LinearModel, train

if TYPE_CHECKING:
    from crisiswatch.scoring.encoder import SentenceEncoder

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SENTIMENT_SETTINGS = {"epochs": 12, "rate": 0.2, "l2": 1e-3}


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    sentiment: str
    category: str


def corpus_files(corpus_dir: Path = CORPUS_DIR) -> list[Path]:
    return sorted(corpus_dir.glob("*.jsonl"))


def corpus_digest(files: list[Path]) -> str:
    """sha256 over the corpus files' names and bytes: the shipped models record it."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def read_corpus(files: list[Path]) -> list[Example]:
    """Every labelled example; a bad line fails with its file and line number."""
    out: list[Example] = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                ex = Example(row["text"], row["lang"], row["sentiment"], row["category"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{f.name}:{n}: not a corpus line ({exc})") from None
            if ex.sentiment not in LABELS or ex.category not in CATEGORIES or ex.lang not in ("es", "en"):
                raise ConfigError(f"{f.name}:{n}: bad label (sentiment {ex.sentiment!r}, category {ex.category!r}, lang {ex.lang!r})")
            out.append(ex)
    return out


def train_sentiment_model(examples: list[Example], digest: str) -> LinearModel:
    """The sentiment model over every example, its header saying what it learnt from."""
    reader = LexiconScorer()
    data = [(sentiment_features(reader.read(ex.text, ex.lang)), ex.sentiment) for ex in examples]
    model = train(data, LABELS, **SENTIMENT_SETTINGS)
    counts = Counter(ex.lang for ex in examples)
    model.header = {
        "trained on": f"crisiswatch/scoring/corpus ({len(examples)} examples: {counts['en']} en, {counts['es']} es)",
        "corpus sha256": digest,
        "settings": json.dumps(SENTIMENT_SETTINGS, sort_keys=True),
    }
    return model


def train_encoder_head(examples: list[Example], digest: str, encoder: SentenceEncoder) -> LinearModel:
    """The encoder scorer's head over the examples in the languages it encodes (encoding them takes minutes)."""
    from crisiswatch.scoring.encoder_head import FIT_SETTINGS, fit_head, log_probabilities
    from crisiswatch.scoring.encoder_scorer import ENCODED_LANGUAGES

    chosen = [ex for ex in examples if ex.lang in ENCODED_LANGUAGES]
    hybrid = HybridScorer()
    hybrid_logp = log_probabilities([hybrid.probabilities(hybrid.read(ex.text, ex.lang)) for ex in chosen])
    vectors = encoder.encode([ex.text for ex in chosen])
    model = fit_head(vectors, hybrid_logp, [ex.sentiment for ex in chosen], hybrid.labels, **FIT_SETTINGS)
    counts = Counter(ex.lang for ex in chosen)
    model.header = {
        "trained on": f"crisiswatch/scoring/corpus ({len(chosen)} examples: {counts['en']} en, {counts['es']} es)",
        "corpus sha256": digest,
        "encoder": encoder.name,
        "dimensions": str(vectors.shape[1]),
        **model.header,
    }
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crisiswatch.scoring.training", description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="store_true", help="train the encoder scorer's model instead (needs crisiswatch[encoder])")
    args = parser.parse_args(argv)
    files = corpus_files()
    examples = read_corpus(files)
    if args.encoder:
        from crisiswatch.scoring.encoder import bundled_encoder
        from crisiswatch.scoring.encoder_head import PRECISION
        from crisiswatch.scoring.encoder_scorer import ENCODER_MODEL

        print(f"encoding {len(examples)} examples: a few minutes")
        model, name, precision = train_encoder_head(examples, corpus_digest(files), bundled_encoder()), ENCODER_MODEL, PRECISION
    else:
        model, name, precision = train_sentiment_model(examples, corpus_digest(files)), SENTIMENT_MODEL, 4
    MODELS_DIR.mkdir(exist_ok=True)
    model.save(MODELS_DIR / name, precision)
    print(f"trained on {model.header['trained on']}: {MODELS_DIR / name} ({len(model.weights)} weights)")


if __name__ == "__main__":
    main()
