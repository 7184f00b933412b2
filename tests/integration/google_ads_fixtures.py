"""Fixtures for the Google Ads tests: a running sandbox, Settings pointing at it, a crisis case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import AdAction, Brand, Case, CaseEvent
from crisiswatch.db.session import session_scope
from crisiswatch.settings import Settings

CUSTOMER = "1234567890"


@pytest.fixture
def sandbox() -> Iterator[GoogleAdsSandbox]:
    with GoogleAdsSandbox() as sb:
        sb.add_customer(CUSTOMER, time_zone="America/Bogota")
        yield sb


def sandbox_settings(sb: GoogleAdsSandbox, **overrides: Any) -> Settings:
    """Settings as the sandbox's printed env vars would make them (explicit, so the test env cannot leak in)."""
    values: dict[str, Any] = {
        k.removeprefix("CRISISWATCH_").lower(): v for k, v in sb.env().items() if k.startswith("CRISISWATCH_")
    }
    values.update(ads_dry_run=False, google_ads_login_customer_id=None, google_ads_timeout_seconds=10.0)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(sandbox: GoogleAdsSandbox) -> Settings:
    return sandbox_settings(sandbox)


def make_case(db_url: str, slug: str = "acme") -> int:
    with session_scope(db_url) as s:
        brand = Brand(slug=slug, name=slug.title())
        s.add(brand)
        s.flush()
        case = Case(brand_id=brand.id, level="crisis")
        s.add(case)
        s.flush()
        return case.id


def ads_config(**kw: Any) -> GoogleAdsConfig:
    kw.setdefault("customer_ids", [CUSTOMER])
    return GoogleAdsConfig(**kw)


def actions(db_url: str, case_id: int, action: str | None = None) -> dict[str, AdAction]:
    with session_scope(db_url) as s:
        rows = s.query(AdAction).filter(AdAction.case_id == case_id)
        if action:
            rows = rows.filter(AdAction.action == action)
        return {r.campaign_id: r for r in rows}


def events(db_url: str, case_id: int) -> list[CaseEvent]:
    with session_scope(db_url) as s:
        return list(s.query(CaseEvent).filter(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
