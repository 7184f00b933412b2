"""Shared by the fault, secrets and load tests: recognisable fake secrets, a declared demo case to
copy, the environment switch, and counts of every side effect."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from crisiswatch.db.models import AdAction, Base, ReplyDraft, Ticket
from crisiswatch.db.session import get_engine, session_scope
from crisiswatch.demo.timeline import BRAND_CONFIG
from flows.crisis import crisis_response
from flows.demo import DemoCredentials, approve_all, approve_when_paused

FAKE = DemoCredentials(
    x_bearer_token="SECRET-bearer-3f9c1d7e5a",
    x_consumer_key="SECRET-consumer-key-8b2e4a",
    x_consumer_secret="SECRET-consumer-secret-c71f09",
    x_access_token="SECRET-access-token-5d3a88",
    x_access_token_secret="SECRET-access-secret-e40b6c",
    google_ads_developer_token="SECRET-devtoken-a19f3c",
    google_ads_client_id="SECRET-client-id-77c2.apps.googleusercontent.com",
    google_ads_client_secret="SECRET-client-secret-0e5d21",
    google_ads_refresh_token="SECRET-refresh-token-9a8b7c",
)
OTHER_SECRETS = {
    "CRISISWATCH_JIRA_API_TOKEN": "SECRET-jira-token-41d0aa",
    "CRISISWATCH_GITHUB_TOKEN": "SECRET-github-token-ghp9f2",
    "CRISISWATCH_SLACK_WEBHOOK_URL": "https://hooks.slack.invalid/services/SECRET-slack-hook-6c3e",
    "CRISISWATCH_JIRA_BASE_URL": "https://jira.invalid",
    "CRISISWATCH_JIRA_EMAIL": "bot@example.invalid",
}
# every value a leak would show; the client id is an identifier, not a secret, but a leak of it is suspicious too
SECRETS = [v for v in vars(FAKE).values()] + [v for k, v in OTHER_SECRETS.items() if "SECRET" in v]


@dataclass
class DeclaredCase:
    """The bundled crisis replayed up to its declaration (no response yet): a SQLite file to copy, or to copy into
    another database."""

    db_file: Path
    case_id: int
    declared_at: datetime
    log_records: list[str] = field(default_factory=list)

    def copy_to(self, directory: Path) -> str:
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "crisiswatch.db"
        src, dst = sqlite3.connect(self.db_file), sqlite3.connect(target)
        try:
            src.backup(dst)  # consistent even with a WAL beside the file
        finally:
            src.close()
            dst.close()
        return f"sqlite:///{target}"

    def respond(self, db_url: str, decide: Callable[[str], dict[str, Any]] = approve_all) -> dict[str, Any]:
        """The crisis response to this case on `db_url` (a copy), a stand-in approver answering its form with `decide`
        meanwhile; the settings (sandboxes, credentials) come from the environment."""
        stop = threading.Event()
        approve_when_paused(stop, db_url, decide)
        try:
            return self.run_response(db_url)
        finally:
            stop.set()

    def run_response(self, db_url: str) -> dict[str, Any]:
        """The crisis response to this case on `db_url`, its approval form answered by whoever the caller started."""
        return crisis_response(case_id=self.case_id, brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url,
                               until=self.declared_at, approval_timeout_seconds=120)

    def copy_into(self, db_url: str) -> str:
        """Every row of the declared case's store copied into another, migrated, empty database (PostgreSQL): the
        same case, with its sequences moved past the copied ids."""
        src, dst = get_engine(f"sqlite:///{self.db_file}"), get_engine(db_url)
        with src.connect() as read, dst.begin() as write:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in read.execute(table.select())]
                if rows:
                    write.execute(table.insert(), rows)
                if dst.dialect.name == "postgresql" and "id" in table.c and rows:
                    write.execute(text(f"select setval(pg_get_serial_sequence('{table.name}', 'id'), :n)"),
                                  {"n": max(r["id"] for r in rows)})
        return db_url


class Capture(logging.Handler):
    """Every log record's final text (message, arguments and traceback), for a secrets scan."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.texts.append(self.format(record))
        except Exception as exc:  # noqa: BLE001 - a broken record must not break the test's subject
            self.texts.append(f"unformattable record {record.msg!r} {record.args!r}: {exc}")


@contextmanager
def capture_logs() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)



@dataclass(frozen=True)
class Effects:
    ads_applied: int
    tickets: int
    tickets_open: int
    drafts: int
    sent: int
    sending: int
    uncertain: int
    approved: int


def effects(db_url: str, case_id: int) -> Effects:
    """What the store says was done for the case."""
    def n(model, *where) -> int:  # type: ignore[no-untyped-def]
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

    with session_scope(db_url) as s:
        d = ReplyDraft.case_id == case_id
        out = Effects(
            ads_applied=n(AdAction, AdAction.case_id == case_id, AdAction.action == "pause", AdAction.state == "applied"),
            tickets=n(Ticket, Ticket.case_id == case_id),
            tickets_open=n(Ticket, Ticket.case_id == case_id, Ticket.status == "open"),
            drafts=n(ReplyDraft, d),
            sent=n(ReplyDraft, d, ReplyDraft.status == "sent"),
            sending=n(ReplyDraft, d, ReplyDraft.status == "sending"),
            uncertain=n(ReplyDraft, d, ReplyDraft.status == "uncertain"),
            approved=n(ReplyDraft, d, ReplyDraft.status == "approved"),
        )
    get_engine(db_url).dispose()
    return out
