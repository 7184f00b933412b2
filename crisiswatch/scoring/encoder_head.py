"""The encoder scorer's sentiment head: a logistic regression over a text's sentence vector and the hybrid
model's log-probabilities for it.

It is fitted with numpy (full-batch Adam on the L2-regularised log loss, from zeros: the same vectors give
the same weights) and stored in the hybrid model's TSV format: one line per feature, `v<i>` for the
vector's numbers, `p=<label>` for the hybrid model's log-probabilities, `f=bias`. The vectors are
standardised while fitting and the standardisation is folded into the stored weights, so predicting is
one matrix product.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.linear_model import LinearModel

if TYPE_CHECKING:
    import numpy as np

VECTOR = "v"
HYBRID = "p="
BIAS = "f=bias"
FIT_SETTINGS = {"l2": 0.1, "steps": 400, "rate": 0.02}
PRECISION = 6  # decimals kept in the TSV: the folded weights are large where a number varies little
LOG_FLOOR = 1e-6  # log(p + LOG_FLOOR): a certain "no" of the hybrid model stays finite


def log_probabilities(probs: Sequence[Sequence[float]]) -> np.ndarray:
    """The hybrid model's probabilities as the head reads them."""
    import numpy as np

    return np.log(np.asarray(probs, dtype=np.float64).reshape(len(probs), -1) + LOG_FLOOR)


def _softmax(logits: np.ndarray) -> np.ndarray:
    import numpy as np

    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def _feature_names(dim: int, labels: Sequence[str]) -> list[str]:
    return [f"{VECTOR}{i}" for i in range(dim)] + [HYBRID + lab for lab in labels] + [BIAS]


def fit_head(
    vectors: np.ndarray, hybrid_logp: np.ndarray, gold: Sequence[str], labels: Sequence[str], *,
    l2: float, steps: int, rate: float,
) -> LinearModel:
    """Fit the head on rows of vectors and hybrid log-probabilities with their gold labels."""
    import numpy as np

    labels = tuple(labels)
    if not len(vectors) == len(hybrid_logp) == len(gold):
        raise ValueError(f"{len(vectors)} vectors, {len(hybrid_logp)} hybrid rows and {len(gold)} labels")
    x = np.asarray(vectors, dtype=np.float64)
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-6
    feats = np.hstack([(x - mean) / spread, np.asarray(hybrid_logp, dtype=np.float64), np.ones((len(x), 1))])
    target = np.eye(len(labels))[[labels.index(g) for g in gold]]
    w = np.zeros((feats.shape[1], len(labels)))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        grad = feats.T @ (_softmax(feats @ w) - target) / len(feats) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    dim = x.shape[1]
    w[:dim] /= spread[:, None]  # fold the standardisation in: (x - mean) / spread @ w == x @ w' + bias shift
    w[-1] -= mean @ w[:dim]
    names = _feature_names(dim, labels)
    model = LinearModel(labels, {n: row.tolist() for n, row in zip(names, w, strict=True)})
    model.header = {"fit": json.dumps({"l2": l2, "steps": steps, "rate": rate}, sort_keys=True)}
    return model


class EncoderHead:
    """A fitted head as one matrix: probabilities for many texts in one product."""

    def __init__(self, model: LinearModel, dim: int) -> None:
        import numpy as np

        names = _feature_names(dim, model.labels)
        unknown = set(model.weights) - set(names)
        if unknown:
            raise ConfigError(f"the encoder head has features it cannot read ({sorted(unknown)[:3]}…): was it fitted for {dim} numbers?")
        zero = [0.0] * len(model.labels)
        self.labels = model.labels
        self._dim = dim
        self._w = np.array([model.weights.get(n, zero) for n in names])

    def probabilities(self, vectors: np.ndarray, hybrid_logp: np.ndarray) -> np.ndarray:
        """Each row's probability of each of `labels`."""
        import numpy as np

        dim = self._dim
        return _softmax(np.asarray(vectors, dtype=np.float64) @ self._w[:dim] + hybrid_logp @ self._w[dim:-1] + self._w[-1])
