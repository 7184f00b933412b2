"""The ads port: list campaigns, change their status, and tell when each last changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

ENABLED, PAUSED, REMOVED = "ENABLED", "PAUSED", "REMOVED"


@dataclass(frozen=True, slots=True)
class Campaign:
    customer_id: str
    campaign_id: str
    name: str
    status: str  # ENABLED | PAUSED | REMOVED | UNKNOWN


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The outcome of one campaign's status mutation within a batch."""

    customer_id: str
    campaign_id: str
    ok: bool
    error: str = ""


class AdsController(Protocol):
    """Reads and changes campaign status in an ads account; errors are crisiswatch errors."""

    def list_campaigns(
        self,
        customer_id: str,
        *,
        status: str | None = ENABLED,
        campaign_ids: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
    ) -> list[Campaign]:
        """Campaigns of one customer with this status (None: any), narrowed by ids or label names."""
        ...

    def set_status(self, customer_id: str, campaign_ids: Sequence[str], status: str) -> list[StatusChange]:
        """Set the status of these campaigns in one batch; one result per campaign (partial failures allowed)."""
        ...

    def last_changes(self, customer_id: str, campaign_ids: Sequence[str], since: datetime) -> dict[str, datetime]:
        """The UTC time each campaign last changed, for those changed since `since` (UTC)."""
        ...
