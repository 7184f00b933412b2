"""Timelines and clients for the X sandbox tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import tweepy

from crisiswatch.connectors.x.client import make_tweepy_client
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.replay import make_post
from crisiswatch.settings import Settings

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
BRAND_ID = 42
BRAND = "AcmeAir"


def brand_line() -> dict[str, Any]:
    return make_post(100, "Welcome aboard! We are AcmeAir.", author_id=BRAND_ID, username=BRAND,
                     created_at=T0 - timedelta(days=1), followers=50_000, verified=True)


def mentions_timeline(n: int, *, first_id: int = 1_000, minutes: float = 1.0, **kw: Any) -> list[dict[str, Any]]:
    """n posts mentioning @AcmeAir, one per `minutes`, authors cycling through 7 users."""
    return [
        make_post(first_id + i, f"@{BRAND} flight {i} was late again", author_id=500 + i % 7, username=f"flyer{i % 7}",
                  created_at=T0 + timedelta(minutes=i * minutes), **kw)
        for i in range(n)
    ]


def settings_for(sb: XSandbox, **kw: Any) -> Settings:
    values: dict[str, Any] = dict(x_bearer_token="sandbox-token", x_api_base_url=sb.base_url, x_timeout_seconds=2.0,
                                  x_consumer_key="ck", x_consumer_secret="cs", x_access_token="at",
                                  x_access_token_secret="ats")
    values.update(kw)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def client_for(sb: XSandbox, **kw: Any) -> tweepy.Client:
    return make_tweepy_client(settings_for(sb, **kw))
