"""No secret ever leaves the environment: the demo crisis run with recognisable fake credentials,
then every place crisiswatch writes to is scanned for them: logs (captured and Prefect's own, read
back through the API), artifacts, flow run parameters, files written, and every row of every table."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from sqlalchemy import select

from crisiswatch.db.models import Base, Ticket
from crisiswatch.db.session import get_engine, session_scope
from crisiswatch.settings import environment
from flows.demo import sandboxes
from tests.e2e.prove_support import FAKE, OTHER_SECRETS, SECRETS, DeclaredCase, capture_logs

pytestmark = pytest.mark.slow


def _leaks(where: str, text: str) -> list[str]:
    return [f"{where}: {secret}" for secret in SECRETS if secret in text]


def _every(read: Callable[..., list[Any]], page: int = 200) -> Iterator[Any]:
    """Every record a paged Prefect client read returns, page after page."""
    offset = 0
    while batch := read(limit=page, offset=offset):
        yield from batch
        offset += len(batch)


def _prefect_records() -> dict[str, str]:
    """Every log line, artifact and flow run parameter set this session's Prefect API holds."""
    out: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        for log in _every(client.read_logs):
            out[f"prefect log {log.id}"] = log.message
        for a in _every(client.read_artifacts):
            out[f"artifact {a.key or a.id}"] = f"{a.data} {a.description} {a.metadata_}"
        for run in client.read_flow_runs(limit=200):
            out[f"flow run {run.name} parameters"] = repr(run.parameters) + repr(run.state.message if run.state else "")
    return out


def _database_rows(db_url: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with get_engine(db_url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            for i, row in enumerate(conn.execute(select(table))):
                out[f"table {table.name} row {i}"] = repr(tuple(row))
    return out


def _files(*roots: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                out[f"file {path}"] = path.read_bytes().decode("utf-8", errors="replace")
    return out


def test_no_secret_in_logs_artifacts_files_or_tables(declared_case: DeclaredCase, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    db_url = declared_case.copy_to(tmp_path / "work")
    casebook = tmp_path / "casebook"
    with sandboxes(tmp_path, FAKE) as sb, environment({**sb.env, **OTHER_SECRETS, "CRISISWATCH_DATABASE_URL": db_url,
                                                      "CRISISWATCH_CASEBOOK_DIR": str(casebook)}), capture_logs() as cap:
        summary = declared_case.respond(db_url)
        sent = sb.x.sent()
        mutations = sb.ads.api_mutations()
    # the run really used the fake credentials: X accepted them for DMs, Google Ads for the pauses
    assert summary["sent"] > 0 and sent["dms"] and mutations, summary
    with session_scope(db_url) as s:
        bodies = {f"ticket {t.id} body": f"{t.title}\n{t.body}" for t in s.scalars(select(Ticket))}
    assert bodies

    places: dict[str, str] = {
        "caplog": caplog.text,
        "crisis response log records": "\n".join(cap.texts),
        "monitor ticks log records": "\n".join(declared_case.log_records),
        **bodies,
        **_prefect_records(),
        **_database_rows(db_url),
        **_files(tmp_path, declared_case.db_file.parent),
    }
    assert len(places) > 100 and "CRISIS declared" in places["monitor ticks log records"]
    leaks = [leak for where, text in places.items() for leak in _leaks(where, text)]
    assert not leaks, "\n".join(leaks[:20])
