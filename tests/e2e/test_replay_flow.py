"""`crisiswatch replay`: the demo timeline in simulated time, one flow run, one case, a JSON report."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE, BUNDLED_TRUTH
from flows.replay import replay


def test_replay_declares_the_demo_crisis_once(harness: None, tmp_path: Path) -> None:
    truth = json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))
    out = tmp_path / "report.json"
    replay(str(BUNDLED_TIMELINE), str(BRAND_CONFIG), report_path=str(out))
    report = json.loads(out.read_text(encoding="utf-8"))

    assert set(report) == {"windows", "cases"}
    assert set(report["windows"][0]) == {"start", "volume", "baseline", "negative_share", "risk", "level"}
    assert len(report["cases"]) == 1  # the troll and the viral compliment declared nothing
    case = report["cases"][0]
    assert {"declared_at", "level", "risk", "category", "first_signal_at", "factors"} <= set(case)
    declared = datetime.fromisoformat(case["declared_at"])
    assert datetime.fromisoformat(truth["crisis"]["start"].replace("Z", "+00:00")) < declared
    assert declared <= datetime.fromisoformat(truth["crisis"]["detect_by"].replace("Z", "+00:00"))
    assert case["factors"] and case["level"] == "crisis"
    before = [w for w in report["windows"] if w["start"] < truth["crisis"]["start"][:10]]  # calm days, troll, viral post
    assert len(before) > 300 and all(w["level"] != "crisis" for w in before)
