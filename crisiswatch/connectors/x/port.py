"""The X ports: where mentions come from and where replies go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from crisiswatch.errors import CrisiswatchError
from crisiswatch.records import AuthorRecord, FetchedPage


@dataclass(frozen=True, slots=True)
class CountBucket:
    start: datetime
    end: datetime
    count: int


class MentionSource(Protocol):
    """Reads posts about a brand: its mentions timeline and recent search."""

    def lookup_user(self, username: str) -> AuthorRecord: ...

    def fetch_mentions(self, user_id: int, since_id: int | None, exclude_author_id: int | None = None) -> FetchedPage:
        """Every mention newer than since_id (all pages), the brand's own posts left out."""
        ...

    def search_recent(self, query: str, since_id: int | None, exclude_author_id: int | None = None) -> FetchedPage:
        """Every post matching query newer than since_id (all pages)."""
        ...

    def recent_counts(self, query: str, start: datetime, end: datetime, granularity: str = "hour") -> list[CountBucket]:
        """Post counts per bucket, for volume baselines."""
        ...


class DirectMessagesClosed(CrisiswatchError):
    """The recipient does not accept direct messages from the brand."""


class ReplySender(Protocol):
    """Sends what a person approved; returns the X id of what was created."""

    def send_dm(self, user_id: int, text: str) -> str: ...

    def post_reply(self, in_reply_to_tweet_id: int, text: str) -> str: ...
