"""The built-in database queue: the Ticket row itself is the ticket (status open)."""

from __future__ import annotations

from crisiswatch.connectors.tickets.port import CreatedTicket, TicketRequest


class DatabaseQueue:
    """Tickets that live only in crisiswatch's store; listed and closed with `crisiswatch tickets`."""

    name = "database"
    queryable = True

    def find(self, request: TicketRequest) -> CreatedTicket | None:
        # the row was written before this call, so it is already "found": re-running only marks it open
        return None

    def create(self, request: TicketRequest) -> CreatedTicket:
        return CreatedTicket(external_key=f"CW-{request.ticket_id}", url="")
