from __future__ import annotations

from datetime import timedelta

from crisiswatch.config import Thresholds
from crisiswatch.detection.baseline import Expected
from crisiswatch.detection.levels import LevelTracker
from crisiswatch.detection.risk import Assessment, Factor

T = Thresholds()
E = Expected(10, 4, 0, 10, True)
from tests.unit.detection.helpers import T0  # noqa: E402


def _a(risk: float, evidence: bool = True) -> Assessment:
    f = Factor("negative_volume", 3.0, risk, f"{risk:.0f} points of negatives", (1, 2, 3))
    return Assessment(risk, (f,), evidence, "enough" if evidence else "only 2 negative mentions", risk, 1.0, E)


def _run(risks: list[float], evidence: bool = True) -> tuple[LevelTracker, list]:
    tr = LevelTracker(T)
    changes = [tr.update(T0 + timedelta(minutes=15 * i), _a(r, evidence)) for i, r in enumerate(risks)]
    return tr, [c for c in changes if c]


def test_no_flapping_around_the_watch_threshold() -> None:
    tr, changes = _run([38, 42, 38, 42, 39, 41, 38, 43, 37, 41])
    assert [(c.from_level, c.to_level) for c in changes] == [("normal", "watch")]
    assert tr.level == "watch"


def test_steps_down_only_after_consecutive_windows_under_clear() -> None:
    tr, changes = _run([50, 20, 20, 20, 35, 20, 20, 20, 20])
    assert [(c.from_level, c.to_level) for c in changes] == [("normal", "watch"), ("watch", "normal")]
    assert "4 windows" in changes[-1].explanation


def test_crisis_needs_two_raised_windows_and_the_evidence() -> None:
    _, one = _run([10, 95, 10, 10])
    assert [c.to_level for c in one] == ["watch"]  # a single spike is never a crisis
    _, two = _run([10, 45, 80])
    assert [c.to_level for c in two] == ["watch", "crisis"]
    _, unmet = _run([10, 45, 80, 90], evidence=False)
    assert [c.to_level for c in unmet] == ["watch"]


def test_crisis_holds_through_a_lull_and_clears_after_a_calm_streak() -> None:
    tr, changes = _run([45, 80, 50, 35, 20, 75, 20, 20, 20, 20])
    assert [(c.from_level, c.to_level) for c in changes] == [("normal", "watch"), ("watch", "crisis"), ("crisis", "normal")]


def test_level_change_carries_its_explanation() -> None:
    _, changes = _run([45, 80])
    c = changes[-1]
    assert c.at == T0 + timedelta(minutes=15) and c.risk == 80
    assert c.factors[0].name == "negative_volume" and c.mention_ids == (1, 2, 3)
    assert "watch -> crisis at risk 80/100" in c.explanation and "points of negatives" in c.explanation
    assert type(c).from_dict(c.to_dict()) == c


def test_tracker_state_round_trips() -> None:
    tr, _ = _run([45, 20, 20])
    again = LevelTracker.from_dict(T, tr.to_dict())
    assert again.to_dict() == tr.to_dict()
