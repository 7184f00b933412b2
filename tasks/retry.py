"""The retry policy of every side-effecting task: transient errors only, never auth/config."""

from __future__ import annotations

import time
from typing import Any

from crisiswatch.errors import RateLimited, is_transient


def _failure(state: Any) -> BaseException | None:
    if isinstance(state.data, BaseException):
        return state.data
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we only classify here
        return exc
    return None


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry_condition_fn: retry 429s, 5xx, timeouts; fail fast on everything else."""
    exc = _failure(state)
    return exc is not None and is_transient(exc)


def retry_before_reset(task: Any, task_run: Any, state: Any) -> bool:
    """retry_if_transient, except a rate limit that resets after the retries (BACKOFF) are spent.

    Retrying before X's window resets only holds the tick (the budget is known to be spent):
    the source is skipped this tick instead and the next tick goes on from its cursor.
    """
    exc = _failure(state)
    if isinstance(exc, RateLimited) and exc.reset_at - time.time() > sum(BACKOFF):
        return False
    return exc is not None and is_transient(exc)


# backoff for the retries of tasks that call external systems: seconds before try 2, 3, 4
BACKOFF = [2, 10, 30]
