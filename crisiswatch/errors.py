"""The errors crisiswatch raises: each says what is wrong and, where it can, what to fix."""

from __future__ import annotations


class CrisiswatchError(Exception):
    """Base of every error crisiswatch raises on purpose."""


class ConfigError(CrisiswatchError):
    """A setting or a brand-config field is missing or invalid; names the thing to fix."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        self.setting = setting
        super().__init__(message if setting is None or setting in message else f"{message} (setting: {setting})")


class AuthenticationError(ConfigError):
    """Credentials were refused: never retried, the named setting must be fixed."""


class TransientError(CrisiswatchError):
    """A failure worth retrying: a 5xx, a timeout, a cut connection, a rate limit."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class RateLimited(TransientError):
    """The API's budget is spent until `reset_at` (epoch seconds)."""

    def __init__(self, message: str, *, reset_at: float) -> None:
        import time

        self.reset_at = reset_at
        super().__init__(message, retry_after=max(0.0, reset_at - time.time()))


class RejectedInput(CrisiswatchError):
    """A piece of input (a replay line, a payload, a CSV row) that cannot be used."""


def is_transient(exc: BaseException) -> bool:
    """True for errors worth retrying; the retry condition of every side-effecting task."""
    return isinstance(exc, TransientError) and not isinstance(exc, ConfigError)
