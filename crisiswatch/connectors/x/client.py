"""The X adapters: TweepyMentionSource (MentionSource) and TweepyReplySender (ReplySender) over tweepy.Client."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests
import tweepy

from crisiswatch.connectors.x.caller import OAUTH_SETTINGS, ApiCaller
from crisiswatch.connectors.x.parsing import parse_author, parse_page, parse_time
from crisiswatch.connectors.x.port import CountBucket, DirectMessagesClosed
from crisiswatch.connectors.x.transport import make_tweepy_client
from crisiswatch.errors import ConfigError, CrisiswatchError, RateLimited
from crisiswatch.records import AuthorRecord, FetchedPage, MentionRecord
from crisiswatch.settings import Settings

__all__ = ["TweepyMentionSource", "TweepyReplySender", "make_tweepy_client", "mention_source_from_settings", "reply_sender_from_settings"]

log = logging.getLogger("crisiswatch.x")
TWEET_FIELDS = ["created_at", "lang", "conversation_id", "referenced_tweets", "public_metrics",
                "in_reply_to_user_id", "author_id", "entities"]
USER_FIELDS = ["username", "name", "verified", "public_metrics"]


class TweepyMentionSource:
    """Reads a brand's mentions, recent search and counts through the real tweepy client (bearer token).

    Every fetch pages through all results newer than since_id; posts are de-duplicated by X id.
    `newest_id` is the highest id seen on any page, rejected posts included: a post that cannot be
    parsed now will not parse on the next tick either, and it is listed in `rejected`.
    If the rate limit runs out after the first page and the reset is further than max_wait_seconds,
    the posts fetched so far are returned with `rate_limited_until` set and `newest_id=None`
    (keep the cursor: the next tick fetches the rest; the store de-duplicates by X id).
    """

    def __init__(self, client: tweepy.Client, *, max_wait_seconds: float = 60.0, retries: int = 3,
                 backoff_seconds: float = 1.0, page_size: int = 100, max_pages: int | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not client.bearer_token:
            raise ConfigError("reading X needs an app bearer token", setting="CRISISWATCH_X_BEARER_TOKEN")
        self.client = client
        self.page_size = page_size
        self.max_pages = max_pages
        self.caller = ApiCaller(client, user_auth=False, max_wait_seconds=max_wait_seconds, retries=retries,
                                backoff_seconds=backoff_seconds, sleep=sleep)

    def lookup_user(self, username: str) -> AuthorRecord:
        """The X user with this handle; ConfigError if X has none."""
        handle = username.lstrip("@")
        body = self.caller.call("users", lambda: self.client.get_user(username=handle, user_fields=USER_FIELDS))
        author = parse_author(body.get("data") if isinstance(body, dict) else None)
        if author is None:
            raise ConfigError(f"X has no user @{handle}: check the brand's handle in the brand config")
        return author

    def fetch_mentions(self, user_id: int, since_id: int | None, exclude_author_id: int | None = None) -> FetchedPage:
        """Every mention of user_id newer than since_id (all pages), exclude_author_id's posts left out."""
        def page(token: str | None) -> requests.Response:
            return self.client.get_users_mentions(
                user_id, since_id=since_id, pagination_token=token, max_results=max(5, min(100, self.page_size)),
                expansions=["author_id"], tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)
        return self._collect("mentions", str(user_id), page, exclude_author_id)

    def search_recent(self, query: str, since_id: int | None, exclude_author_id: int | None = None) -> FetchedPage:
        """Every post matching query newer than since_id; `-from:<exclude_author_id>` is added and also checked here."""
        q = f"({query}) -from:{exclude_author_id}" if exclude_author_id is not None else query

        def page(token: str | None) -> requests.Response:
            return self.client.search_recent_tweets(
                q, since_id=since_id, next_token=token, max_results=max(10, min(100, self.page_size)),
                expansions=["author_id"], tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)
        return self._collect("search", query, page, exclude_author_id)

    def recent_counts(self, query: str, start: datetime, end: datetime, granularity: str = "hour") -> list[CountBucket]:
        """Post counts per bucket between start and end (X keeps 7 days)."""
        if granularity not in ("minute", "hour", "day"):
            raise ConfigError(f"granularity {granularity!r} must be minute, hour or day")
        body = self.caller.call("counts", lambda: self.client.get_recent_tweets_count(
            query, start_time=start, end_time=end, granularity=granularity))
        buckets = []
        for item in (body.get("data") if isinstance(body, dict) else None) or []:
            b_start = parse_time(item.get("start")) if isinstance(item, dict) else None
            b_end = parse_time(item.get("end")) if isinstance(item, dict) else None
            count = item.get("tweet_count") if isinstance(item, dict) else None
            if b_start is None or b_end is None or not isinstance(count, int):
                log.warning("X counts for %r: skipped unreadable bucket %r", query, item)
                continue
            buckets.append(CountBucket(b_start, b_end, count))
        return buckets

    def _collect(self, source: str, label: str, page: Callable[[str | None], requests.Response],
                 exclude_author_id: int | None) -> FetchedPage:
        mentions: list[MentionRecord] = []
        rejected: list[str] = []
        seen: set[int] = set()
        tokens: set[str] = set()
        newest: int | None = None
        token: str | None = None
        pages = 0
        while True:
            try:
                body = self.caller.call(source, lambda: page(token))
            except RateLimited as exc:
                if pages == 0:
                    raise
                log.warning("X %s %s: rate limited after %d pages (%d posts); the rest comes next tick",
                            source, label, pages, len(mentions))
                return FetchedPage(source, label, mentions, None, rejected, rate_limited_until=exc.reset_at)
            pages += 1
            parsed = parse_page(body, where=f"{source} {label} page {pages}")
            rejected.extend(parsed.rejected)
            if parsed.max_id is not None:
                newest = parsed.max_id if newest is None else max(newest, parsed.max_id)
            for m in parsed.mentions:
                if m.x_id in seen:
                    continue
                seen.add(m.x_id)
                if exclude_author_id is not None and m.author_x_id == exclude_author_id:
                    continue
                mentions.append(m)
            token = parsed.next_token
            if token is None or (self.max_pages is not None and pages >= self.max_pages):
                break
            if token in tokens:
                log.warning("X %s %s: next_token repeated; stopping pagination", source, label)
                break
            tokens.add(token)
        return FetchedPage(source, label, mentions, newest, rejected)


class TweepyReplySender:
    """Posts replies and sends DMs as the brand (OAuth 1.0a user context). Never retries ambiguous failures."""

    def __init__(self, client: tweepy.Client, *, max_wait_seconds: float = 60.0, retries: int = 2,
                 backoff_seconds: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        if not all((client.consumer_key, client.consumer_secret, client.access_token, client.access_token_secret)):
            raise ConfigError(f"replying on X needs OAuth 1.0a user credentials: set {OAUTH_SETTINGS}",
                              setting="CRISISWATCH_X_CONSUMER_KEY")
        self.client = client
        self.caller = ApiCaller(client, user_auth=True, max_wait_seconds=max_wait_seconds, retries=retries,
                                backoff_seconds=backoff_seconds, sleep=sleep)

    def send_dm(self, user_id: int, text: str) -> str:
        """Send a DM; returns the dm_event_id. DirectMessagesClosed if the user does not accept DMs."""
        def closed(exc: tweepy.Forbidden) -> Exception:
            detail = "; ".join(exc.api_messages) or "forbidden"
            return DirectMessagesClosed(f"X user {user_id} does not accept direct messages from the brand ({detail})")
        body = self.caller.call("dm", lambda: self.client.create_direct_message(
            participant_id=user_id, text=text, user_auth=True), retry_ambiguous=False, forbidden=closed)
        return str(_data(body, "dm_event_id"))

    def post_reply(self, in_reply_to_tweet_id: int, text: str) -> str:
        """Reply publicly to a post; returns the new post's id."""
        body = self.caller.call("create_tweet", lambda: self.client.create_tweet(
            text=text, in_reply_to_tweet_id=in_reply_to_tweet_id, user_auth=True), retry_ambiguous=False)
        return str(_data(body, "id"))


def _data(body: Any, key: str) -> Any:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or key not in data:
        raise CrisiswatchError(f"X accepted the request but answered without data.{key}; check X before resending")
    return data[key]


def mention_source_from_settings(settings: Settings) -> TweepyMentionSource:
    """The MentionSource crisiswatch reads with, from CRISISWATCH_X_* settings."""
    return TweepyMentionSource(make_tweepy_client(settings), max_wait_seconds=settings.x_max_wait_seconds)


def reply_sender_from_settings(settings: Settings) -> TweepyReplySender:
    """The ReplySender crisiswatch sends approved replies with (OAuth 1.0a user context)."""
    return TweepyReplySender(make_tweepy_client(settings), max_wait_seconds=settings.x_max_wait_seconds)
