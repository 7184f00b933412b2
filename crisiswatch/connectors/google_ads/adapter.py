"""AdsController on the google-ads library's GoogleAdsClient (GAQL search, CampaignService mutations)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from google.ads.googleads.client import GoogleAdsClient
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads import errors as gerr
from crisiswatch.connectors.google_ads import gaql
from crisiswatch.connectors.google_ads.api import API_VERSION, GoogleAdsFailure
from crisiswatch.connectors.google_ads.port import Campaign, StatusChange
from crisiswatch.errors import ConfigError
from crisiswatch.settings import Settings

SCOPES = ["https://www.googleapis.com/auth/adwords"]
_IN_CHUNK = 1000  # ids per IN (...) list
_MUTATE_CHUNK = 5000  # operations per MutateCampaigns request (the API allows 10,000)


def _chunks(items: Sequence[str], n: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class GoogleAdsAdapter:
    """The real Google Ads API (or its sandbox) behind the AdsController port."""

    def __init__(self, client: GoogleAdsClient, *, timeout: float = 30.0) -> None:
        self.client = client
        self.timeout = timeout
        self._search_service = client.get_service("GoogleAdsService", version=API_VERSION)
        self._campaign_service = client.get_service("CampaignService", version=API_VERSION)
        self._zones: dict[str, ZoneInfo] = {}

    def _rows(self, customer_id: str, query: str) -> list[Any]:
        try:
            stream = self._search_service.search_stream(customer_id=customer_id, query=query, timeout=self.timeout)
            return [row for batch in stream for row in batch.results]
        except Exception as exc:  # noqa: BLE001 - translated into crisiswatch errors
            raise gerr.translate(exc, customer_id) from exc

    def list_campaigns(
        self,
        customer_id: str,
        *,
        status: str | None = "ENABLED",
        campaign_ids: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
    ) -> list[Campaign]:
        found: dict[str, Campaign] = {}
        batches = list(_chunks(list(campaign_ids), _IN_CHUNK)) if campaign_ids else [None]
        for ids in batches:
            query = gaql.campaign_query(status=status, campaign_ids=ids, labels=labels)
            for row in self._rows(customer_id, query):
                cid = str(row.campaign.id)
                found[cid] = Campaign(customer_id, cid, row.campaign.name, row.campaign.status.name)
        return list(found.values())

    def set_status(self, customer_id: str, campaign_ids: Sequence[str], status: str) -> list[StatusChange]:
        out: list[StatusChange] = []
        for ids in _chunks(list(campaign_ids), _MUTATE_CHUNK):
            out.extend(self._mutate(customer_id, ids, status))
        return out

    def _mutate(self, customer_id: str, campaign_ids: Sequence[str], status: str) -> list[StatusChange]:
        path = self._campaign_service.campaign_path
        operations = []
        for cid in campaign_ids:
            op = self.client.get_type("CampaignOperation", version=API_VERSION)
            op.update.resource_name = path(customer_id, cid)
            op.update.status = self.client.enums.CampaignStatusEnum[status]
            op.update_mask.paths.append("status")
            operations.append(op)
        try:
            response = self._campaign_service.mutate_campaigns(
                request={"customer_id": customer_id, "operations": operations, "partial_failure": True}, timeout=self.timeout
            )
        except Exception as exc:  # noqa: BLE001 - translated into crisiswatch errors
            raise gerr.translate(exc, customer_id) from exc
        failed: dict[int, list[str]] = {}
        for detail in response.partial_failure_error.details:
            failure = GoogleAdsFailure.deserialize(detail.value)
            for err in failure.errors:
                index = next((e.index for e in err.location.field_path_elements if e.field_name == "operations"), None)
                kind, name = gerr.error_code(err)
                failed.setdefault(index if index is not None else -1, []).append(f"{kind}.{name}: {err.message}")
        results = []
        for i, cid in enumerate(campaign_ids):
            result = response.results[i] if i < len(response.results) else None
            if i in failed or result is None or not result.resource_name:
                why = "; ".join(failed.get(i) or failed.get(-1) or ["no result returned"])
                results.append(StatusChange(customer_id, cid, False, why))
            else:
                results.append(StatusChange(customer_id, cid, True))
        return results

    def time_zone(self, customer_id: str) -> ZoneInfo:
        """The account's time zone, in which Google Ads reports change times."""
        if customer_id not in self._zones:
            rows = self._rows(customer_id, "SELECT customer.id, customer.time_zone FROM customer")
            name = rows[0].customer.time_zone if rows and rows[0].customer.time_zone else "UTC"
            self._zones[customer_id] = ZoneInfo(name)
        return self._zones[customer_id]

    def last_changes(self, customer_id: str, campaign_ids: Sequence[str], since: datetime) -> dict[str, datetime]:
        zone = self.time_zone(customer_id)
        local_since = since.astimezone(zone)
        out: dict[str, datetime] = {}
        for ids in _chunks(list(campaign_ids), _IN_CHUNK):
            for row in self._rows(customer_id, gaql.change_status_query(customer_id, ids, local_since)):
                cid = row.change_status.campaign.rsplit("/", 1)[-1]
                out[cid] = _parse_change_time(row.change_status.last_change_date_time, zone)
        return out


def _parse_change_time(text: str, zone: ZoneInfo) -> datetime:
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    return datetime.strptime(text, fmt).replace(tzinfo=zone).astimezone(timezone.utc)


def _secret(settings: Settings, name: str) -> str:
    value = getattr(settings, name)
    text = value.get_secret_value() if value is not None else ""
    if not text:
        raise ConfigError(f"{name.replace('_', ' ')} is not set", setting=f"CRISISWATCH_{name.upper()}")
    return text


def _customer_id(value: str | None, setting: str) -> str | None:
    if not value:
        return None
    digits = str(value).replace("-", "")
    if not digits.isdigit():
        raise ConfigError(f"login customer id {value!r} must be digits (dashes allowed)", setting=setting)
    return digits


def build_controller(settings: Settings, ads: GoogleAdsConfig | None = None) -> GoogleAdsAdapter:
    """A GoogleAdsAdapter from Settings and the brand's google_ads section; fails fast on bad credentials."""
    developer_token = _secret(settings, "google_ads_developer_token")
    credentials = Credentials(
        None,
        client_id=_secret(settings, "google_ads_client_id"),
        client_secret=_secret(settings, "google_ads_client_secret"),
        refresh_token=_secret(settings, "google_ads_refresh_token"),
        token_uri=settings.google_ads_token_uri,
        scopes=SCOPES,
    )
    try:
        credentials.refresh(Request())
    except Exception as exc:  # noqa: BLE001 - google-auth raises several types
        raise gerr.translate(exc) from exc
    login = _customer_id(ads.login_customer_id if ads else None, "CRISISWATCH_CONFIG_PATH") or _customer_id(
        settings.google_ads_login_customer_id, gerr.LOGIN_CUSTOMER_ID
    )
    client = GoogleAdsClient(
        credentials=credentials,
        developer_token=developer_token,
        endpoint=settings.google_ads_endpoint or None,
        login_customer_id=login,
        version=API_VERSION,
        use_proto_plus=True,
    )
    return GoogleAdsAdapter(client, timeout=settings.google_ads_timeout_seconds)
