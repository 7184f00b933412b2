"""Rows for reply tests (brand, authors, mentions, a case, complainants) and a ReplySender fake."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import DirectMessagesClosed
from crisiswatch.db.models import Author, Brand, Case, Complainant, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RateLimited

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def brand_config(**replies: object) -> BrandConfig:
    return BrandConfig(
        slug="acme",
        name="Acme",
        handle="acme",
        replies={"signature": "— Equipo Acme", **replies},
        departments=[{"name": "logistics", "sla_hours": 4}],
        routing=[{"categories": ["delivery_logistics"], "departments": ["logistics"]}],
    )


@dataclass
class Person:
    username: str
    name: str = ""
    texts: tuple[str, ...] = ("@acme my order never arrived",)
    lang: str = "en"
    category: str = "delivery_logistics"


def make_case(db_url: str, people: list[Person]) -> tuple[int, list[int]]:
    """A case with one complainant per person; returns the case id and complainant ids."""
    with session_scope(db_url) as s:
        brand = Brand(slug="acme", name="Acme")
        s.add(brand)
        s.flush()
        case = Case(brand_id=brand.id, level="crisis", category="delivery_logistics")
        s.add(case)
        s.flush()
        ids = []
        x_ids = count(1_000_000_000_000_000_000)
        for i, p in enumerate(people):
            author = Author(x_id=10_000 + i, username=p.username, name=p.name)
            s.add(author)
            s.flush()
            mention_ids = []
            for j, text in enumerate(p.texts):
                m = Mention(
                    brand_id=brand.id, x_id=next(x_ids), author_id=author.id, author_x_id=author.x_id,
                    text=text, lang=p.lang, created_at=T0 + timedelta(minutes=i, seconds=j), source="mentions",
                )
                s.add(m)
                s.flush()
                mention_ids.append(m.id)
            c = Complainant(case_id=case.id, author_id=author.id, mention_ids=mention_ids, category=p.category, lang=p.lang)
            s.add(c)
            s.flush()
            ids.append(c.id)
        return case.id, ids


class SimulatedCrash(BaseException):
    """The process dies between X's answer and the database record."""


@dataclass
class FakeSender:
    """An in-process ReplySender for the exactly-once bookkeeping tests (the sandbox-backed test lives elsewhere)."""

    closed_dms: set[int] = field(default_factory=set)
    rate_limit_after: int | None = None
    crash_after_call: bool = False
    outbox: list[tuple[str, int, str, str]] = field(default_factory=list)
    _ids: count = field(default_factory=lambda: count(1))

    def _deliver(self, kind: str, target: int, text: str) -> str:
        if self.rate_limit_after is not None and len(self.outbox) >= self.rate_limit_after:
            raise RateLimited("429 Too Many Requests", reset_at=T0.timestamp() + 900)
        external_id = f"{kind}-{next(self._ids)}"
        self.outbox.append((kind, target, text, external_id))
        if self.crash_after_call:
            raise SimulatedCrash()
        return external_id

    def send_dm(self, user_id: int, text: str) -> str:
        if user_id in self.closed_dms:
            raise DirectMessagesClosed(f"user {user_id} does not accept DMs")
        return self._deliver("dm", user_id, text)

    def post_reply(self, in_reply_to_tweet_id: int, text: str) -> str:
        return self._deliver("reply", in_reply_to_tweet_id, text)


class LookupSender(FakeSender):
    """A fake that can also find what it already delivered (the optional SentReplyLookup)."""

    def find_dm(self, user_id: int, text: str) -> str | None:
        return next((e for k, t, x, e in self.outbox if k == "dm" and t == user_id and x == text), None)

    def find_reply(self, in_reply_to_tweet_id: int, text: str) -> str | None:
        return next((e for k, t, x, e in self.outbox if k == "reply" and t == in_reply_to_tweet_id and x == text), None)
