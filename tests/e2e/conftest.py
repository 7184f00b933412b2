"""One temporary Prefect API (ephemeral server on a throwaway SQLite) for the whole e2e session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def harness() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=60):
        yield
