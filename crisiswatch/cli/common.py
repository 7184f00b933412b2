"""What several commands share: the --database-url option and showing stored text safely in a terminal."""

from __future__ import annotations

import typer
from rich.text import Text

from crisiswatch.replies.text import strip_controls

DB_OPTION = typer.Option(None, "--database-url", envvar="CRISISWATCH_DATABASE_URL", help="SQLAlchemy URL (default: settings)")


def resolve_url(given: str | None) -> str:
    """The URL given on the command line, else the settings' one."""
    from crisiswatch.settings import Settings

    return given or Settings().database_url


def plain(value: str | None) -> Text:
    """What people wrote or a stored value, as plain terminal text: no escape sequences, no bidi, no Rich markup."""
    return Text(strip_controls(value or ""))
