"""The retry policy of every side-effecting task: transient errors only, never auth/config."""

from __future__ import annotations

from typing import Any

from crisiswatch.errors import is_transient


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry_condition_fn: retry 429s, 5xx, timeouts; fail fast on everything else."""
    if isinstance(state.data, BaseException):
        return is_transient(state.data)
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we only classify here
        return is_transient(exc)
    return False


# backoff for the retries of tasks that call external systems: seconds before try 2, 3, 4
BACKOFF = [2, 10, 30]
