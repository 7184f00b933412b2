"""One X API call with crisiswatch's policy: rate budgets, bounded retries, and errors a user can act on."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests
import tweepy

from crisiswatch.connectors.x.rate_limit import budget_for, token_id
from crisiswatch.connectors.x.transport import endpoint_base
from crisiswatch.errors import AuthenticationError, ConfigError, RateLimited, TransientError

log = logging.getLogger("crisiswatch.x")
BEARER_SETTING = "CRISISWATCH_X_BEARER_TOKEN"
OAUTH_SETTINGS = ("CRISISWATCH_X_CONSUMER_KEY, CRISISWATCH_X_CONSUMER_SECRET, "
                  "CRISISWATCH_X_ACCESS_TOKEN, CRISISWATCH_X_ACCESS_TOKEN_SECRET")


class ApiCaller:
    """Runs tweepy calls: waits on spent budgets, retries 5xx/timeouts/cut connections, maps errors."""

    def __init__(self, client: tweepy.Client, *, user_auth: bool, max_wait_seconds: float, retries: int,
                 backoff_seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.user_auth = user_auth
        self.max_wait_seconds = max_wait_seconds
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        secret = (client.consumer_key or "") + ":" + (client.access_token or "") if user_auth else (client.bearer_token or "")
        self.token = ("user:" if user_auth else "app:") + token_id(endpoint_base(client) + "|" + secret)
        self.setting = OAUTH_SETTINGS if user_auth else BEARER_SETTING

    def _auth_error(self, exc: tweepy.HTTPException) -> AuthenticationError:
        return AuthenticationError(
            f"X refused the credentials ({exc.response.status_code} {exc.response.reason}): check {self.setting}",
            setting=self.setting.split(",")[0],
        )

    def call(self, endpoint: str, fn: Callable[[], requests.Response], *, retry_ambiguous: bool = True,
             forbidden: Callable[[tweepy.Forbidden], Exception] | None = None) -> Any:
        """Call `fn` (a tweepy method returning requests.Response) and return the decoded JSON body.

        retry_ambiguous=False (for posts and DMs): a timeout, cut connection or 5xx is not retried here,
        because X may have created the post; it raises TransientError at once.
        """
        budget = budget_for(endpoint, self.token)
        failures = 0
        rate_waits = 0
        while True:
            budget.acquire(self.max_wait_seconds, self.sleep)
            try:
                resp = fn()
                budget.update(resp.headers)
                return resp.json() if resp.content else {}
            except tweepy.TooManyRequests as exc:
                budget.update(exc.response.headers)
                reset_at = float(exc.reset_time) if exc.reset_time else time.time() + self.backoff_seconds
                budget.exhaust(reset_at)
                rate_waits += 1
                if reset_at - time.time() > self.max_wait_seconds or rate_waits > 3:
                    raise RateLimited(f"X answered 429 Too Many Requests on {endpoint}", reset_at=reset_at) from None
                log.info("X 429 on %s: retrying after the window resets", endpoint)
                continue
            except tweepy.Unauthorized as exc:
                raise self._auth_error(exc) from None
            except tweepy.Forbidden as exc:
                if forbidden is not None:
                    raise forbidden(exc) from None
                raise AuthenticationError(
                    f"X refused {endpoint} (403 Forbidden: {'; '.join(exc.api_messages) or exc.response.reason}): "
                    f"check the app's access level and {self.setting}", setting=self.setting.split(",")[0]) from None
            except tweepy.BadRequest as exc:
                raise ConfigError(f"X rejected the {endpoint} request (400): {'; '.join(exc.api_messages) or exc}") from None
            except tweepy.NotFound as exc:
                raise ConfigError(f"X answered 404 on {endpoint}: {'; '.join(exc.api_messages) or exc}") from None
            except (tweepy.TwitterServerError, requests.RequestException, ValueError) as exc:
                # ValueError covers an unreadable body (requests' JSONDecodeError subclasses it)
                what = _describe(exc)
                if not retry_ambiguous and not _never_sent(exc):
                    raise TransientError(f"X {endpoint}: {what}; the outcome is unknown, check X before resending") from None
                failures += 1
                if failures > self.retries:
                    raise TransientError(f"X {endpoint} failed {failures} times, last: {what}",
                                         retry_after=self.backoff_seconds * 2 ** self.retries) from None
                delay = self.backoff_seconds * 2 ** (failures - 1)
                log.warning("X %s: %s; retry %d/%d in %.2fs", endpoint, what, failures, self.retries, delay)
                self.sleep(delay)
            except tweepy.HTTPException as exc:
                raise ConfigError(f"X answered {exc.response.status_code} on {endpoint}: {exc}") from None


def _never_sent(exc: BaseException) -> bool:
    """True when the request surely never reached X (connect timeout or refused), so resending is safe."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return isinstance(exc, requests.ConnectionError) and "NewConnectionError" in repr(exc.args)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, tweepy.TwitterServerError):
        return f"server error {exc.response.status_code}"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed or was cut"
    if isinstance(exc, ValueError):
        return "unreadable response body"
    return type(exc).__name__
