"""Ticket backends behind the TicketSink port."""

from __future__ import annotations

from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest, TicketSink, deliver
from crisiswatch.settings import Settings

BACKENDS = ("database", "jira", "github", "slack")


def build_sink(backend: str, settings: Settings) -> TicketSink:
    """The sink for a department's backend; a missing setting raises ConfigError naming it."""
    if backend == "database":
        from crisiswatch.connectors.tickets.database import DatabaseQueue

        return DatabaseQueue()
    if backend == "jira":
        from crisiswatch.connectors.tickets.jira import JiraSink

        return JiraSink(settings)
    if backend == "github":
        from crisiswatch.connectors.tickets.github import GitHubSink

        return GitHubSink(settings)
    if backend == "slack":
        from crisiswatch.connectors.tickets.slack import SlackSink

        return SlackSink(settings)
    from crisiswatch.errors import ConfigError

    raise ConfigError(f"unknown ticket backend {backend!r}; expected one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "CreatedTicket", "TicketRequest", "TicketSink", "build_sink", "deliver"]
