from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crisiswatch.detection.windows import (
    PER_AUTHOR_CAP,
    ScoredMention,
    WindowStats,
    WindowTally,
    aggregate,
    tally_mentions,
    window_start,
)
from tests.unit.detection.helpers import T0, mentions, score


def test_windows_are_aligned_to_the_epoch() -> None:
    at = datetime(2026, 3, 4, 14, 7, 59, tzinfo=timezone.utc)
    assert window_start(at, 15) == datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)
    assert window_start(at, 60) == datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)
    assert window_start(datetime(2026, 3, 4, 14, 15, tzinfo=timezone.utc), 15).minute == 15
    with pytest.raises(ValueError):
        window_start(datetime(2026, 3, 4, 14, 7), 15)


def test_window_adds_up_volume_negatives_authors_reach_and_troll_share() -> None:
    troll = [ScoredMention(100 + i, T0 + timedelta(minutes=i), 7, score("negative", reach=500)) for i in range(6)]
    others = mentions(4, "negative", reach=1000, terms=("boycott",)) + mentions(5, "positive")
    [w] = aggregate(troll + others, 15)
    assert (w.start, w.end) == (T0, T0 + timedelta(minutes=15))
    assert w.volume == 15 and w.negative == 10
    assert w.negative_share == pytest.approx(10 / 15)
    assert w.unique_authors == 10 and w.unique_negative_authors == 5
    assert w.negative_reach == pytest.approx(500 + 4 * 1000)  # the troll's reach counted once, not per post
    assert w.capped_negative == PER_AUTHOR_CAP + 4
    assert w.top_author == "7" and w.top_author_negative_share == pytest.approx(0.6)
    assert w.crisis_term_mentions == 4 and w.crisis_terms == {"boycott": 4}
    assert w.negative_categories == {"service_disruption": 10}
    assert set(w.evidence["top_author"]) <= {m.mention_id for m in troll}
    assert set(w.evidence["crisis_terms"]) <= {m.mention_id for m in others}
    # the negative evidence names one mention per author, highest reach first
    assert w.evidence["negative"][:4] == sorted(m.mention_id for m in others[:4])


def test_gaps_are_filled_with_empty_windows_and_stats_round_trip() -> None:
    ms = mentions(3, "neutral") + mentions(2, "negative", at=T0 + timedelta(hours=1))
    ws = aggregate(ms, 15)
    assert [w.volume for w in ws] == [3, 0, 0, 0, 2]
    assert WindowStats.from_dict(ws[0].to_dict()) == ws[0]


def test_merging_tallies_is_idempotent_and_late_mentions_recompute() -> None:
    first = mentions(5, "negative")
    t = tally_mentions(first, 15)[T0]
    again = tally_mentions(first, 15)[T0]
    assert t.merge(again) == 0 and t.stats().negative == 5
    late = tally_mentions(mentions(3, "positive"), 15)[T0]
    assert t.merge(late) == 3
    restored = WindowTally.from_dict(t.to_dict())
    assert restored.stats() == t.stats() and restored.stats().volume == 8
