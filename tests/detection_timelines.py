"""Timelines for the detection tests, built at test time from the real labelled tweets in ../shared/data.

`LabelTextScorer` is a stand-in for the real text scorer: it reads the corpus's own labels (sentiment, and the
category from the README's reason mapping). It implements crisiswatch.scoring.types.TextScorer, so swapping in
the real scorer is one line in `Timeline.__init__` (scorer=...).
"""

from __future__ import annotations

import csv
import math
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crisiswatch.connectors.x.port import CountBucket
from crisiswatch.detection.windows import ScoredMention
from crisiswatch.scoring.evaluation import REASON_CATEGORY  # the data README's mapping; ambiguous reasons: `other`
from crisiswatch.scoring.types import MentionScore, TextScore, TextScorer

# a few words the stand-in flags as crisis terms (the real scorer has its own lists)
_CRISIS_WORDS = ("lawsuit", "sue ", "boycott", "discriminat", "unsafe", "scam", "fraud", "demanda", "estafa", "boicot")


@dataclass(frozen=True, slots=True)
class Tweet:
    text: str
    sentiment: str
    category: str
    author: str | None


def load_tweets(shared_data: Path, lang: str) -> list[Tweet]:
    """The labelled tweets of one language: 'en' (airline-dev.csv) or 'es' (airline-es-dev.csv)."""
    name = "airline-dev.csv" if lang == "en" else "airline-es-dev.csv"
    with (shared_data / name).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Tweet(
            r["text"],
            r["sentiment"],
            REASON_CATEGORY.get(r.get("negative_reason") or "", "other") if r["sentiment"] == "negative" else "other",
            r.get("author") or None,
        )
        for r in rows
    ]


class LabelTextScorer:
    """TextScorer stand-in that returns the corpus labels of known texts."""

    name = "labels"

    def __init__(self, tweets: Sequence[Tweet], lang: str) -> None:
        self.by_text = {t.text: t for t in tweets}
        self.lang = lang

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        out = []
        for text in texts:
            t = self.by_text[text]
            low = text.lower()
            terms = tuple(w.strip() for w in _CRISIS_WORDS if w in low)
            value = {"negative": -0.7, "neutral": 0.0, "positive": 0.7}[t.sentiment]
            out.append(TextScore(self.lang, t.sentiment, value, t.category, terms))  # type: ignore[arg-type]
        return out


def mention_score(ts: TextScore, reach: float, direct: bool = True) -> MentionScore:
    return MentionScore(ts.lang, ts.sentiment, ts.sentiment_score, ts.category, ts.crisis_terms, reach, direct)


@dataclass(frozen=True, slots=True)
class Post:
    """A laid-out tweet: when, who, what, and what the scorer said."""

    mention_id: int
    created_at: datetime
    author_id: int
    text: str
    kind: str  # calm | troll | viral | crisis
    score: MentionScore

    def scored(self) -> ScoredMention:
        return ScoredMention(self.mention_id, self.created_at, self.author_id, self.score)


def daily_cycle(at: datetime) -> float:
    """Relative activity by UTC hour: low at night, a broad daytime peak, 1.0 at the top."""
    h = at.hour + at.minute / 60
    return 0.1 + 0.9 * max(0.0, math.sin(math.pi * (h - 6) / 18)) ** 1.5 if 6 <= h <= 24 else 0.1


class Timeline:
    """Lays real tweets out over simulated time."""

    def __init__(self, tweets: Sequence[Tweet], lang: str, seed: int, scorer: TextScorer | None = None) -> None:
        self.rng = random.Random(seed)
        self.tweets = list(tweets)
        self.by_sentiment = {s: [t for t in tweets if t.sentiment == s] for s in ("negative", "neutral", "positive")}
        self.scorer = scorer or LabelTextScorer(tweets, lang)
        self.posts: list[Post] = []
        self._next_id = 1
        self._followers: dict[int, float] = {}
        self._next_author = 10_000_000

    def _author(self, name: str | None) -> int:
        if name is None:
            self._next_author += 1
            return self._next_author
        return zlib.crc32(name.encode()) % 9_000_000 + 1

    def _reach(self, author: int) -> float:
        if author not in self._followers:
            self._followers[author] = round(math.exp(self.rng.gauss(5.5, 1.6)))  # median ~250 followers
        return self._followers[author]

    def _add(self, at: datetime, tweet: Tweet, kind: str, author: int | None = None, reach: float | None = None) -> Post:
        a = author if author is not None else self._author(tweet.author)
        ts = self.scorer.score_texts([tweet.text])[0]
        p = Post(self._next_id, at, a, tweet.text, kind, mention_score(ts, reach if reach is not None else self._reach(a)))
        self._next_id += 1
        self.posts.append(p)
        return p

    def calm_rate(self, at: datetime, peak_per_hour: float) -> float:
        return peak_per_hour * daily_cycle(at)

    def calm(self, start: datetime, end: datetime, peak_per_hour: float) -> None:
        """Ordinary traffic: Poisson arrivals following the daily cycle, tweets drawn in the corpus's proportions."""
        t = start
        while t < end:
            rate = self.calm_rate(t, peak_per_hour)  # per hour; thinning on 1-minute steps
            for _ in range(self._poisson(rate / 60)):
                self._add(t + timedelta(seconds=self.rng.randrange(60)), self.rng.choice(self.tweets), "calm")
            t += timedelta(minutes=1)

    def troll(self, start: datetime, posts: int, minutes: int) -> int:
        """One author posting many negative tweets; returns the author id."""
        author = self._author(None)
        for i in range(posts):
            at = start + timedelta(seconds=i * minutes * 60 / posts)
            self._add(at, self.rng.choice(self.by_sentiment["negative"]), "troll", author=author, reach=300.0)
        return author

    def viral(self, start: datetime, reactions: int, minutes: int) -> None:
        """A positive post with a huge reach, then a burst of mostly positive and neutral reactions from many people."""
        self._add(start, self.rng.choice(self.by_sentiment["positive"]), "viral", author=self._author(None), reach=2_000_000.0)
        for _ in range(reactions):
            at = start + timedelta(seconds=self.rng.random() * minutes * 60)
            s = self.rng.choices(["positive", "neutral", "negative"], weights=[70, 25, 5])[0]
            self._add(at, self.rng.choice(self.by_sentiment[s]), "viral", author=self._author(None))

    def crisis(self, start: datetime, extra_per_window: Sequence[float], window_minutes: int, category: str) -> None:
        """Extra negative mentions from many different people, `extra_per_window[i]` in the i-th window."""
        pool = [t for t in self.by_sentiment["negative"] if t.category == category] or self.by_sentiment["negative"]
        for i, mean in enumerate(extra_per_window):
            w0 = start + timedelta(minutes=i * window_minutes)
            for _ in range(self._poisson(mean)):
                at = w0 + timedelta(seconds=self.rng.random() * window_minutes * 60)
                self._add(at, self.rng.choice(pool), "crisis", author=self._author(None))

    def _poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 50:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def sorted_posts(self) -> list[Post]:
        return sorted(self.posts, key=lambda p: (p.created_at, p.mention_id))

    def counts(self, start: datetime, end: datetime) -> list[CountBucket]:
        """Hourly post counts, as the recent counts endpoint returns them."""
        per_hour: dict[datetime, int] = {}
        for p in self.posts:
            if start <= p.created_at < end:
                h = p.created_at.replace(minute=0, second=0, microsecond=0)
                per_hour[h] = per_hour.get(h, 0) + 1
        out, t = [], start
        while t < end:
            out.append(CountBucket(t, t + timedelta(hours=1), per_hour.get(t, 0)))
            t += timedelta(hours=1)
        return out

    def negative_share(self) -> float:
        return len(self.by_sentiment["negative"]) / len(self.tweets)


MONDAY = datetime(2026, 3, 2, tzinfo=timezone.utc)
PEAK_PER_HOUR = 48.0  # a small brand: about a dozen mentions per 15 minutes at the daily peak


@dataclass
class Scenario:
    """Two weeks of calm traffic (the first one is history for the baseline) plus injected events in week two."""

    timeline: Timeline
    history_end: datetime  # = start of the judged week
    end: datetime
    crisis_start: datetime | None = None
    crisis_extra: tuple[float, ...] = ()

    def scored(self, start: datetime, end: datetime) -> list[ScoredMention]:
        return [p.scored() for p in self.timeline.sorted_posts() if start <= p.created_at < end]

    def calm_negative_expected(self, at: datetime, window_minutes: int) -> float:
        """Ground truth: the calm traffic's mean negatives in the window starting at `at`."""
        return self.timeline.calm_rate(at, PEAK_PER_HOUR) * window_minutes / 60 * self.timeline.negative_share()


def calm_week(shared_data: Path, lang: str, seed: int, window_minutes: int) -> Scenario:
    """History week, then a week of calm daily cycles with a troll (200 angry posts) and a positive viral burst."""
    tl = Timeline(load_tweets(shared_data, lang), lang, seed)
    week = MONDAY + timedelta(days=7)
    tl.calm(MONDAY, week + timedelta(days=7), PEAK_PER_HOUR)
    tl.troll(week + timedelta(days=2, hours=15), posts=200, minutes=60)
    per_window_peak = PEAK_PER_HOUR * window_minutes / 60
    tl.viral(week + timedelta(days=4, hours=12), reactions=int(20 * per_window_peak), minutes=window_minutes)
    return Scenario(tl, week, week + timedelta(days=7))


def crisis_day(shared_data: Path, lang: str, seed: int, window_minutes: int, days: int = 3) -> Scenario:
    """History week, then calm days; on the last day at 14:00 negatives from many people ramp up to 7x."""
    tl = Timeline(load_tweets(shared_data, lang), lang, seed)
    week = MONDAY + timedelta(days=7)
    tl.calm(MONDAY, week + timedelta(days=days), PEAK_PER_HOUR)
    start = week + timedelta(days=days - 1, hours=14)
    sc = Scenario(tl, week, week + timedelta(days=days), start)
    base = sc.calm_negative_expected(start, window_minutes)
    sc.crisis_extra = tuple(base * k for k in (0.3, 0.7, 1.2, 2, 3, 4, 5, 6, 6, 6))
    tl.crisis(start, sc.crisis_extra, window_minutes, "service_disruption")
    return sc
