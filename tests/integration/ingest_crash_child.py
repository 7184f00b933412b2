"""A monitor tick that dies (SIGKILL) after fetching, in the middle of its store transaction.

Run by tests/integration/test_ingest_crash.py as: python -m tests.integration.ingest_crash_child DB_URL X_BASE_URL
"""

from __future__ import annotations

import os
import signal
import sys

import crisiswatch.ingest as ingest
from tests.integration.test_ingest_crash import tick


def die(*_args: object, **_kwargs: object) -> None:
    """Installed over the cursor update, which runs after the mentions were inserted, before the commit."""
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    db_url, base_url = sys.argv[1], sys.argv[2]
    ingest._advance_cursor = die  # type: ignore[assignment]  # the child only: the crash point
    tick(db_url, base_url)
