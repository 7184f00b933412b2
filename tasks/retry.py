"""The retry policy of every side-effecting task: transient errors only, never auth/config;
a rate limit only once its budget has reset."""

from __future__ import annotations

import time
from typing import Any

from crisiswatch.errors import RateLimited, is_transient

# A task stopped by a spent budget waits for the reset before its retry starts, up to this long
# (X's windows are 15 minutes); a later reset is left to the next scheduled run.
MAX_RATE_LIMIT_WAIT_SECONDS = 16 * 60


def _exception(state: Any) -> BaseException | None:
    if isinstance(state.data, BaseException):
        return state.data
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we only classify here
        return exc
    return None


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry_condition_fn: retry 429s (after their reset), 5xx, timeouts; fail fast on the rest."""
    exc = _exception(state)
    if exc is None or not is_transient(exc):
        return False
    if isinstance(exc, RateLimited):
        wait = exc.reset_at - time.time()
        if wait > MAX_RATE_LIMIT_WAIT_SECONDS:
            return False
        if wait > 0:
            time.sleep(wait)
    return True


# backoff for the retries of tasks that call external systems: seconds before try 2, 3, 4
BACKOFF = [2, 10, 30]
