"""One temporary Prefect API (ephemeral server on a throwaway SQLite) for the whole e2e session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def harness() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def declared_case(harness: None, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled crisis replayed until it is declared, with fake secrets as credentials; each
    test copies the database and runs (or kills) the crisis response on its copy."""
    from crisiswatch.db.session import get_engine
    from flows.demo import run_demo
    from tests.e2e.prove_support import FAKE, OTHER_SECRETS, DeclaredCase, capture_logs

    workdir = tmp_path_factory.mktemp("declared")
    with capture_logs() as cap:
        result = run_demo(workdir, credentials=FAKE, respond=False, extra_env=OTHER_SECRETS)
    assert result.case_id is not None and result.declared_at is not None, "the bundled crisis was not declared"
    get_engine(result.database_url).dispose()
    return DeclaredCase(workdir / "crisiswatch.db", result.case_id, result.declared_at, cap.texts)
