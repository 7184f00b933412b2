"""The load benchmark's path with small numbers, so that `python -m tests.bench.load` cannot rot:
every generated mention is stored exactly once, for one busy brand and for several brands."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crisiswatch.db.models import Brand, Mention
from crisiswatch.db.session import session_scope
from tests.bench.load import run_load

pytestmark = pytest.mark.slow


def test_load_path_stores_every_mention_once(harness: None, tmp_path: Path) -> None:
    lines: list[str] = []
    figures = run_load(tmp_path, rate_per_hour=2_400, hours=0.25, brands=3, rounds=2, brand_rate_per_hour=120,
                       in_process_sandbox=True, echo=lines.append)
    one, many = figures
    assert one.mentions == 3 * 200 and len(one.tick_seconds) == 3  # 2,400 an hour = 200 a 5-minute tick
    assert many.mentions == 2 * 3 * 10 and len(many.tick_seconds) == 2
    for name, per_brand in (("one-brand", {"brand000": 600}), ("3-brands", {f"brand00{i}": 20 for i in (1, 2, 3)})):
        with session_scope(f"sqlite:///{tmp_path / (name + '.db')}") as s:
            counts = dict(s.execute(select(Brand.slug, func.count(Mention.id)).join(Mention, Mention.brand_id == Brand.id).group_by(Brand.slug)).all())
            distinct = s.scalar(select(func.count(func.distinct(Mention.x_id))))
        assert counts == per_brand and distinct == sum(per_brand.values())
    text = "\n".join(lines)
    assert "mentions/s" in text and "RSS" in text and "schedule" in text
