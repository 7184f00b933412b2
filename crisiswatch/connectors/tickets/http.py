"""What the HTTP ticket backends share: one httpx call, its failures mapped to crisiswatch errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from crisiswatch.errors import AuthenticationError, ConfigError, RateLimited, TransientError

log = logging.getLogger(__name__)


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret value replaced, for messages and logs."""
    for s in secrets:
        if s and len(s) >= 4:
            text = text.replace(s, "***")
    return text


class _RedactSecrets(logging.Filter):
    """Removes registered secrets from log records (httpx logs every request URL at INFO)."""

    def __init__(self) -> None:
        super().__init__("crisiswatch-redact")
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = scrub(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True


_REDACT = _RedactSecrets()


def redact_in_logs(secret: str) -> None:
    """Keep `secret` (a token, a webhook URL) out of httpx's and httpcore's log records."""
    if len(secret) >= 4:
        _REDACT.secrets.add(secret)
    for name in ("httpx", "httpcore", "httpcore.http11", "httpcore.connection"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)


def retry_after_seconds(response: httpx.Response, default: float = 30.0) -> float:
    """The Retry-After header (seconds or an HTTP date), else `default`."""
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    return default


def request(
    client: httpx.Client,
    service: str,
    method: str,
    url: str,
    *,
    secrets: Iterable[str | None] = (),
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; transport failures become TransientError (the secret-free message names `service`)."""
    secrets = list(secrets)
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{service} did not answer in time ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        # connection refused, reset, dropped before the answer: the request may or may not have landed
        detail = scrub(str(exc), secrets) or type(exc).__name__
        raise TransientError(f"{service} connection failed: {type(exc).__name__}: {detail}") from None


def raise_for_status(
    response: httpx.Response,
    service: str,
    *,
    auth_hint: str,
    auth_setting: str,
    not_found_hint: str,
    not_found_setting: str | None = None,
    secrets: Iterable[str | None] = (),
) -> None:
    """Map an error answer: 401/403 AuthenticationError, 429 RateLimited, 5xx TransientError, other 4xx ConfigError."""
    code = response.status_code
    if code < 400:
        return
    detail = scrub(_detail(response), list(secrets))
    if code in (401, 403):
        raise AuthenticationError(f"{service} refused the credentials ({code}): check {auth_hint}. {detail}".strip(), setting=auth_setting)
    if code == 429:
        wait = retry_after_seconds(response)
        raise RateLimited(f"{service} rate limit reached (429); retry after {wait:.0f} s", reset_at=time.time() + wait)
    if code >= 500:
        raise TransientError(f"{service} failed ({code}): {detail}".strip(), retry_after=None)
    if code in (404, 410):
        raise ConfigError(f"{service} answered {code}: {not_found_hint}. {detail}".strip(), setting=not_found_setting)
    raise ConfigError(f"{service} rejected the request ({code}): {detail}", setting=not_found_setting)


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(data, dict):
        parts: list[str] = []
        for k in ("errorMessages", "message", "error"):
            v = data.get(k)
            if isinstance(v, list):
                parts.extend(str(x) for x in v)
            elif v:
                parts.append(str(v))
        errors = data.get("errors")
        if isinstance(errors, dict):
            parts.extend(f"{k}: {v}" for k, v in errors.items())
        elif isinstance(errors, list):
            parts.extend(str(e) for e in errors)
        return "; ".join(parts)[:300]
    return str(data)[:300]
