"""A multinomial logistic regression over sparse features: pure Python to train, dictionary look-ups to predict.

The weights live in a small TSV file, a line per feature (`name<TAB>weight for each label`), headed by `#`
lines that record the labels and what the weights were trained on, so a reader can see where a shipped
model comes from.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from crisiswatch.errors import ConfigError

WORD = "w="  # a word feature's name: "w=late"
PAIR = "b="  # two words in a row: "b=on hold"
FLAG = "f="  # a cue that is there or not: "f=ask"


class Features(NamedTuple):
    """A text's words (each word, and each pair of neighbours, is a feature of value 1), its flags (value 1,
    named with FLAG) and its real-valued cues."""

    words: list[str]
    flags: list[str]
    dense: list[tuple[str, float]]

    def sparse(self) -> list[tuple[str, float]]:
        """Every feature by name, as training sees them."""
        ws = self.words
        out = [(WORD + w, 1.0) for w in ws] + [(f"{PAIR}{a} {b}", 1.0) for a, b in zip(ws, ws[1:])]
        return out + [(f, 1.0) for f in self.flags] + self.dense


@dataclass
class LinearModel:
    """Class weights per feature; `scores` gives each label's logit, `predict` the best label."""

    labels: tuple[str, ...]
    weights: dict[str, list[float]] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Word and pair weights by key, each a tuple over the labels: one look-up per word, C-level sums."""
        self._word = {n[2:]: tuple(w) for n, w in self.weights.items() if n.startswith(WORD)}
        self._word.update((n, tuple(w)) for n, w in self.weights.items() if n.startswith(FLAG))  # "f=..." is no word
        self._pair = {tuple(n[2:].split(" ", 1)): tuple(w) for n, w in self.weights.items() if n.startswith(PAIR)}
        self._dense = {n: w for n, w in self.weights.items() if not n.startswith((WORD, PAIR, FLAG))}

    def scores(self, feats: Features) -> list[float]:
        """Each label's logit."""
        ws = feats.words
        rows = [r for r in map(self._word.get, ws) if r]
        rows += [r for r in map(self._word.get, feats.flags) if r]
        rows += [r for r in map(self._pair.get, zip(ws, ws[1:])) if r]
        get = self._dense.get
        for name, value in feats.dense:
            w = get(name)
            if w is not None:
                rows.append([wi * value for wi in w])
        return [sum(col) for col in zip(*rows)] if rows else [0.0] * len(self.labels)

    def probabilities(self, feats: Features) -> list[float]:
        logits = self.scores(feats)
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, feats: Features) -> str:
        logits = self.scores(feats)
        return self.labels[logits.index(max(logits))]

    def save(self, path: Path, precision: int = 4) -> None:
        """Write the TSV, leaving out weights that round to zero everywhere."""
        lines = [f"# {k}: {v}" for k, v in self.header.items()]
        lines.append("# labels: " + " ".join(self.labels))
        for name in sorted(self.weights):
            w = [round(x, precision) for x in self.weights[name]]
            if any(w):
                lines.append(name + "\t" + "\t".join(f"{x:g}" for x in w))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        if not path.is_file():
            raise ConfigError(f"model file {path} is missing; reinstall crisiswatch or run `python -m crisiswatch.scoring.training`")
        header: dict[str, str] = {}
        weights: dict[str, list[float]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                key, _, value = line[2:].partition(": ")
                header[key] = value
                continue
            name, *values = line.split("\t")
            weights[name] = [float(v) for v in values]
        labels = tuple(header.pop("labels", "").split())
        if not labels or any(len(w) != len(labels) for w in weights.values()):
            raise ConfigError(f"model file {path} is damaged (labels {labels!r} do not match its weights)")
        return cls(labels, weights, header)


def train(
    examples: Sequence[tuple[Features, str]],
    labels: Sequence[str],
    *,
    epochs: int = 12,
    rate: float = 0.2,
    l2: float = 1e-4,
    seed: int = 7,
) -> LinearModel:
    """Stochastic gradient descent on the log loss, L2-regularised (lazily, per feature), rate decaying by epoch."""
    labels = tuple(labels)
    index = {lab: i for i, lab in enumerate(labels)}
    weights: dict[str, list[float]] = {}
    last: dict[str, int] = {}  # the step at which each feature's L2 shrink was last applied
    sparse = [(f.sparse(), gold) for f, gold in examples]
    order = list(range(len(sparse)))
    rng = random.Random(seed)
    step = 0
    for epoch in range(epochs):
        rng.shuffle(order)
        lr = rate / (1.0 + epoch)
        shrink = 1.0 - lr * l2
        for n in order:
            feats, gold = sparse[n]
            step += 1
            for name, _ in feats:
                w = weights.get(name)
                if w is None:
                    weights[name] = [0.0] * len(labels)
                    last[name] = step
                else:
                    gap = step - last[name]
                    if gap:
                        factor = shrink**gap
                        weights[name] = [x * factor for x in w]
                        last[name] = step
            logits = [0.0] * len(labels)
            for name, value in feats:
                for i, wi in enumerate(weights[name]):
                    logits[i] += wi * value
            top = max(logits)
            exps = [math.exp(v - top) for v in logits]
            total = sum(exps)
            g = index[gold]
            grad = [e / total - (1.0 if i == g else 0.0) for i, e in enumerate(exps)]
            for name, value in feats:
                w = weights[name]
                for i, gi in enumerate(grad):
                    w[i] -= lr * gi * value
    for name, w in weights.items():
        gap = step - last[name]
        if gap:
            weights[name] = [x * shrink**gap for x in w]
    return LinearModel(labels, weights)
