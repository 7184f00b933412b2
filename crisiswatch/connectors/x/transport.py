"""The real tweepy.Client, pointed at CRISISWATCH_X_API_BASE_URL through a public requests mechanism."""

from __future__ import annotations

import logging
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from crisiswatch.errors import ConfigError
from crisiswatch.settings import Settings

X_HOST = "https://api.twitter.com"


class XTransportAdapter(HTTPAdapter):
    """A requests adapter mounted for https://api.twitter.com: rewrites to `base_url`, applies a timeout."""

    def __init__(self, base_url: str | None, timeout: float) -> None:
        super().__init__(max_retries=0, pool_connections=4, pool_maxsize=16)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.base_url and request.url and request.url.startswith(X_HOST):
            request.url = self.base_url + request.url[len(X_HOST):]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


QUIET_LOGGERS = ("tweepy.client", "requests_oauthlib", "oauthlib")


def make_tweepy_client(settings: Settings) -> tweepy.Client:
    """A tweepy.Client (raw requests.Response results, no built-in rate-limit sleeping) for crisiswatch.

    Raises ConfigError when neither CRISISWATCH_X_BEARER_TOKEN nor the four OAuth 1.0a settings are set.
    """
    bearer = _secret(settings.x_bearer_token)
    oauth = [_secret(settings.x_consumer_key), _secret(settings.x_consumer_secret),
             _secret(settings.x_access_token), _secret(settings.x_access_token_secret)]
    if not bearer and not all(oauth):
        raise ConfigError(
            "no X credentials: set CRISISWATCH_X_BEARER_TOKEN (reading mentions) and/or CRISISWATCH_X_CONSUMER_KEY, "
            "CRISISWATCH_X_CONSUMER_SECRET, CRISISWATCH_X_ACCESS_TOKEN, CRISISWATCH_X_ACCESS_TOKEN_SECRET (replies, DMs)",
            setting="CRISISWATCH_X_BEARER_TOKEN",
        )
    # tweepy logs every request's headers (the bearer token included) at DEBUG on "tweepy.client", and
    # requests-oauthlib / oauthlib log the signed Authorization header (consumer key, access token) and
    # the signature base string: keep those loggers at INFO so that DEBUG logging never leaks a secret.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    client = tweepy.Client(
        bearer_token=bearer, consumer_key=oauth[0], consumer_secret=oauth[1],
        access_token=oauth[2], access_token_secret=oauth[3],
        return_type=requests.Response, wait_on_rate_limit=False,
    )
    client.session.mount(X_HOST, XTransportAdapter(settings.x_api_base_url, settings.x_timeout_seconds))
    return client


def endpoint_base(client: tweepy.Client) -> str:
    """Where the client's requests really go (for naming rate budgets per server)."""
    adapter = client.session.get_adapter(X_HOST + "/2/")
    return getattr(adapter, "base_url", None) or X_HOST
