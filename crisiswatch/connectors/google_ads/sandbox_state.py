"""The Google Ads sandbox's accounts, campaigns and faults, and how it answers each call.

Requests and responses are the google-ads library's own proto-plus types; failures carry a
GoogleAdsFailure exactly as the real API sends it (trailing metadata, or partial_failure_error).
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import grpc
from google.protobuf import any_pb2
from google.rpc import status_pb2

from crisiswatch.connectors.google_ads import gaql
from crisiswatch.connectors.google_ads.api import API_VERSION, FAILURE_KEY, PACKAGE, GoogleAdsError, GoogleAdsFailure
from crisiswatch.connectors.google_ads.api import campaign_types as _camp_svc
from crisiswatch.connectors.google_ads.api import search_types as _svc
from crisiswatch.errors import RejectedInput

_V = PACKAGE
__all__ = ["API_VERSION", "FAILURE_KEY", "SandboxError", "SandboxState"]
PAGE_SIZE = 10000
_SETTABLE = ("ENABLED", "PAUSED")


class SandboxError(Exception):
    """A failed call: its gRPC status and the GoogleAdsFailure sent in the trailing metadata."""

    def __init__(self, code: grpc.StatusCode, message: str, errors: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.failure = GoogleAdsFailure(errors=list(errors), request_id=uuid.uuid4().hex[:22]) if errors else None


def ads_error(kind: str, name: str, message: str, *, index: int | None = None, retry_seconds: int | None = None) -> Any:
    """One GoogleAdsError, e.g. ads_error('quota_error', 'RESOURCE_EXHAUSTED', '...')."""
    err: dict[str, Any] = {"error_code": {kind: name}, "message": message}
    if index is not None:
        err["location"] = {"field_path_elements": [{"field_name": "operations", "index": index}]}
    if retry_seconds is not None:
        err["details"] = {
            "quota_error_details": {
                "rate_scope": "DEVELOPER",
                "rate_name": "Requests per developer token per second",
                "retry_delay": {"seconds": retry_seconds},
            }
        }
    return GoogleAdsError(**err)


@dataclass
class SandboxCustomer:
    customer_id: str
    time_zone: str = "UTC"
    manager_id: str | None = None  # a client of this manager account
    is_manager: bool = False
    name: str = ""


@dataclass
class SandboxCampaign:
    customer_id: str
    campaign_id: str
    name: str
    status: str
    labels: set[str] = field(default_factory=set)  # label ids
    changed_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    refuse: str | None = None  # a mutation on it fails with this message


@dataclass(frozen=True)
class Mutation:
    at: datetime
    customer_id: str
    campaign_id: str
    old_status: str
    new_status: str
    by: str  # "api" or "person"


@dataclass
class _Fault:
    kind: str  # quota | unavailable | deadline | internal | auth | apply_then_unavailable
    remaining: int
    method: str | None
    retry_seconds: int = 1


class SandboxState:
    """Everything the sandbox knows; safe to use from the server threads and a test at once."""

    def __init__(self, developer_token: str, client_id: str, client_secret: str, refresh_token: str) -> None:
        self.developer_token = developer_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.lock = threading.RLock()
        self.tokens: dict[str, float] = {}
        self.customers: dict[str, SandboxCustomer] = {}
        self.campaigns: dict[tuple[str, str], SandboxCampaign] = {}
        self.labels: dict[tuple[str, str], str] = {}  # (customer, label id) -> name
        self.faults: list[_Fault] = []
        self.mutations: list[Mutation] = []
        self.calls: list[tuple[str, str]] = []  # (method, customer id), every call received
        self._ids = itertools.count(100001)

    # --- OAuth ---------------------------------------------------------------------------------
    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The OAuth token endpoint's answer to a refresh_token grant: (HTTP status, JSON)."""
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
        if form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        token = "ya29.sandbox-" + uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = time.time() + 3599
        return 200, {"access_token": token, "expires_in": 3599, "scope": "https://www.googleapis.com/auth/adwords", "token_type": "Bearer"}

    # --- the world -----------------------------------------------------------------------------
    def new_id(self) -> str:
        return str(next(self._ids))

    def customer(self, customer_id: str) -> SandboxCustomer:
        try:
            return self.customers[customer_id]
        except KeyError:
            raise KeyError(f"no sandbox customer {customer_id}") from None

    def campaign(self, customer_id: str, campaign_id: str) -> SandboxCampaign:
        try:
            return self.campaigns[(customer_id, str(campaign_id))]
        except KeyError:
            raise KeyError(f"no sandbox campaign {customer_id}/{campaign_id}") from None

    def change(self, camp: SandboxCampaign, status: str, by: str) -> None:
        with self.lock:
            self.mutations.append(Mutation(datetime.now(timezone.utc), camp.customer_id, camp.campaign_id, camp.status, status, by))
            if status != camp.status:
                camp.status = status
                camp.changed_at = datetime.now(timezone.utc)

    # --- per-call checks -----------------------------------------------------------------------
    def _fault(self, method: str, mutate: bool) -> _Fault | None:
        with self.lock:
            for f in self.faults:
                if f.kind == "apply_then_unavailable" and not mutate:
                    continue
                if f.remaining > 0 and (f.method is None or f.method == method):
                    f.remaining -= 1
                    return f
        return None

    def check_call(self, method: str, customer_id: str, metadata: dict[str, str], *, mutate: bool = False) -> _Fault | None:
        """Authentication, authorization and injected faults, in the order the real API applies them."""
        with self.lock:
            self.calls.append((method, customer_id))
        auth = metadata.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry < time.time():
            raise SandboxError(
                grpc.StatusCode.UNAUTHENTICATED,
                "Request is missing required authentication credential.",
                [ads_error("authentication_error", "OAUTH_TOKEN_INVALID", "Oauth token is invalid.")],
            )
        if metadata.get("developer-token") != self.developer_token:
            raise SandboxError(
                grpc.StatusCode.UNAUTHENTICATED,
                "Request had invalid authentication credentials.",
                [ads_error("authentication_error", "DEVELOPER_TOKEN_INVALID", "The developer token is not valid.")],
            )
        self._authorize(customer_id, metadata.get("login-customer-id"))
        fault = self._fault(method, mutate)
        if fault is None or fault.kind == "apply_then_unavailable":
            return fault
        raise _fault_error(fault)

    def _authorize(self, customer_id: str, login: str | None) -> None:
        denied = SandboxError(
            grpc.StatusCode.PERMISSION_DENIED,
            "The caller does not have permission",
            [
                ads_error(
                    "authorization_error",
                    "USER_PERMISSION_DENIED",
                    "User doesn't have permission to access customer. Note: If you're accessing a client customer, "
                    "the manager's customer id must be set in the 'login-customer-id' header. "
                    "See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid",
                )
            ],
        )
        if not customer_id.isdigit():
            raise SandboxError(
                grpc.StatusCode.INVALID_ARGUMENT,
                "Request contains an invalid argument.",
                [ads_error("request_error", "INVALID_CUSTOMER_ID", "Invalid customer ID '%s'." % customer_id)],
            )
        target = self.customers.get(customer_id)
        if target is None:
            raise denied
        if login:
            if login not in self.customers or self.customers[login].manager_id is not None:
                raise denied
            if customer_id != login and target.manager_id != login:
                raise denied
        elif target.manager_id is not None:
            raise denied

    # --- GoogleAdsService.Search / SearchStream ------------------------------------------------
    def search(self, customer_id: str, query_text: str) -> tuple[list[Any], tuple[str, ...]]:
        """Run a GAQL query of the supported subset: the result rows and the selected fields."""
        try:
            q = gaql.parse(query_text)
        except RejectedInput as exc:
            raise _query_error("QUERY_ERROR", f"Error in query: {exc}") from None
        known = _FIELDS.get(q.resource)
        if known is None:
            raise _query_error("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE", f"Invalid resource name '{q.resource}' in the FROM clause.")
        for name in (*q.fields, *(c.field for c in q.conditions)):
            if name not in known:
                raise _query_error("UNRECOGNIZED_FIELD", f"Unrecognized field in the query: '{name}'.")
        rows = [ctx for ctx in self._contexts(customer_id, q) if all(gaql.matches(c, ctx[c.field]) for c in q.conditions)]
        if q.limit is not None:
            rows = rows[: q.limit]
        return [_row(ctx, q.fields) for ctx in rows], q.fields

    def _contexts(self, customer_id: str, q: gaql.Query) -> Iterable[dict[str, Any]]:
        cust = self.customers[customer_id]
        with self.lock:
            camps = sorted((c for c in self.campaigns.values() if c.customer_id == customer_id), key=lambda c: int(c.campaign_id))
            labels = {lid: name for (cid, lid), name in self.labels.items() if cid == customer_id}
        if q.resource == "campaign":
            for c in camps:
                yield _campaign_ctx(c)
        elif q.resource == "campaign_label":
            for c in camps:
                for lid in sorted(c.labels):
                    yield {
                        **_campaign_ctx(c),
                        **_label_ctx(customer_id, lid, labels[lid]),
                        "campaign_label.resource_name": f"customers/{customer_id}/campaignLabels/{c.campaign_id}~{lid}",
                        "campaign_label.campaign": f"customers/{customer_id}/campaigns/{c.campaign_id}",
                        "campaign_label.label": f"customers/{customer_id}/labels/{lid}",
                    }
        elif q.resource == "label":
            for lid, name in sorted(labels.items()):
                yield _label_ctx(customer_id, lid, name)
        elif q.resource == "customer":
            yield {
                "customer.id": int(cust.customer_id),
                "customer.resource_name": f"customers/{cust.customer_id}",
                "customer.time_zone": cust.time_zone,
                "customer.descriptive_name": cust.name,
                "customer.manager": cust.is_manager,
            }
        elif q.resource == "change_status":
            bounds = [c for c in q.conditions if c.field == "change_status.last_change_date_time" and c.op in (">", ">=")]
            if not bounds or q.limit is None or q.limit > 10000:
                raise _query_error(
                    "BAD_LIMIT_VALUE" if q.limit and q.limit > 10000 else "EXPECTED_FILTERS_ON_DATE_RANGE",
                    "change_status queries need a filter on change_status.last_change_date_time and a LIMIT of at most 10000.",
                )
            zone = ZoneInfo(cust.time_zone)
            for c in camps:
                yield {
                    "change_status.resource_name": f"customers/{customer_id}/changeStatus/{c.campaign_id}",
                    "change_status.campaign": f"customers/{customer_id}/campaigns/{c.campaign_id}",
                    "change_status.resource_type": "CAMPAIGN",
                    "change_status.resource_status": "REMOVED" if c.status == "REMOVED" else "CHANGED",
                    "change_status.last_change_date_time": c.changed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S.%f"),
                }
        else:
            raise _query_error("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE", f"Invalid resource name '{q.resource}' in the FROM clause.")

    # --- CampaignService.MutateCampaigns -------------------------------------------------------
    def mutate_campaigns(self, request: Any) -> Any:
        errors: list[Any] = []
        planned: list[tuple[int, SandboxCampaign, str]] = []
        for i, op in enumerate(request.operations):
            which = type(op).pb(op).WhichOneof("operation")
            if which != "update":
                errors.append(ads_error("mutate_error", "MUTATE_NOT_ALLOWED", f"The sandbox supports only update operations, got {which}.", index=i))
                continue
            paths = list(op.update_mask.paths)
            if "status" not in paths or set(paths) - {"status", "resource_name"}:
                errors.append(ads_error("field_mask_error", "FIELD_NOT_FOUND", f"The sandbox updates only 'status', got update_mask {paths}.", index=i))
                continue
            parts = op.update.resource_name.split("/")
            camp = None
            if len(parts) == 4 and parts[0] == "customers" and parts[1] == request.customer_id and parts[2] == "campaigns":
                camp = self.campaigns.get((request.customer_id, parts[3]))
            if camp is None:
                errors.append(ads_error("mutate_error", "RESOURCE_NOT_FOUND", "Resource was not found.", index=i))
                continue
            new = op.update.status.name
            if camp.status == "REMOVED":
                errors.append(ads_error("operation_access_denied_error", "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE",
                                        "The operation is not allowed for removed resources.", index=i))
            elif new not in _SETTABLE:
                errors.append(ads_error("mutate_error", "MUTATE_NOT_ALLOWED", f"Status {new} cannot be set by an update.", index=i))
            elif camp.refuse:
                errors.append(ads_error("operation_access_denied_error", "ACTION_NOT_PERMITTED", camp.refuse, index=i))
            else:
                planned.append((i, camp, new))
        if errors and not request.partial_failure:
            raise SandboxError(grpc.StatusCode.INVALID_ARGUMENT, "Request contains an invalid argument.", errors)
        results = [_camp_svc.MutateCampaignResult() for _ in request.operations]
        if not request.validate_only:
            for i, camp, new in planned:
                self.change(camp, new, "api")
                results[i] = _camp_svc.MutateCampaignResult(resource_name=f"customers/{camp.customer_id}/campaigns/{camp.campaign_id}")
        response = _camp_svc.MutateCampaignsResponse(results=results)
        if errors:
            packed = any_pb2.Any()
            packed.Pack(GoogleAdsFailure.pb(GoogleAdsFailure(errors=errors)))
            first = errors[0]
            where = ", ".join(f"at operations[{e.location.field_path_elements[0].index}]" for e in errors)
            response.partial_failure_error = status_pb2.Status(code=3, message=f"{first.message}, {where}", details=[packed])
        return response


def _campaign_ctx(c: SandboxCampaign) -> dict[str, Any]:
    return {
        "campaign.id": int(c.campaign_id),
        "campaign.name": c.name,
        "campaign.status": c.status,
        "campaign.resource_name": f"customers/{c.customer_id}/campaigns/{c.campaign_id}",
        "campaign.labels": [f"customers/{c.customer_id}/labels/{lid}" for lid in sorted(c.labels)],
    }


_CAMPAIGN_FIELDS = ("campaign.id", "campaign.name", "campaign.status", "campaign.resource_name", "campaign.labels")
_LABEL_FIELDS = ("label.id", "label.name", "label.resource_name", "label.status")
_FIELDS: dict[str, frozenset[str]] = {
    "campaign": frozenset(_CAMPAIGN_FIELDS),
    "campaign_label": frozenset(
        (*_CAMPAIGN_FIELDS, *_LABEL_FIELDS, "campaign_label.resource_name", "campaign_label.campaign", "campaign_label.label")
    ),
    "label": frozenset(_LABEL_FIELDS),
    "customer": frozenset(("customer.id", "customer.resource_name", "customer.time_zone", "customer.descriptive_name", "customer.manager")),
    "change_status": frozenset(
        ("change_status.resource_name", "change_status.campaign", "change_status.resource_type",
         "change_status.resource_status", "change_status.last_change_date_time")
    ),
}


def _label_ctx(customer_id: str, lid: str, name: str) -> dict[str, Any]:
    return {"label.id": int(lid), "label.name": name, "label.resource_name": f"customers/{customer_id}/labels/{lid}", "label.status": "ENABLED"}


def _row(ctx: dict[str, Any], fields: Sequence[str]) -> Any:
    parts: dict[str, dict[str, Any]] = {}
    for f in fields:
        res, _, attr = f.partition(".")
        parts.setdefault(res, {})[attr] = ctx[f]
    return _svc.GoogleAdsRow(**parts)


def _query_error(name: str, message: str) -> SandboxError:
    return SandboxError(grpc.StatusCode.INVALID_ARGUMENT, "Request contains an invalid argument.", [ads_error("query_error", name, message)])


def _fault_error(f: _Fault) -> SandboxError:
    if f.kind == "quota":
        return SandboxError(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            f"Too many requests. Retry in {f.retry_seconds} seconds.",
            [ads_error("quota_error", "RESOURCE_TEMPORARILY_EXHAUSTED", f"Too many requests. Retry in {f.retry_seconds} seconds.", retry_seconds=f.retry_seconds)],
        )
    if f.kind == "internal":
        return SandboxError(grpc.StatusCode.INTERNAL, "Internal error encountered.",
                            [ads_error("internal_error", "TRANSIENT_ERROR", "The request failed due to a transient error.")])
    if f.kind == "deadline":
        return SandboxError(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")
    if f.kind == "auth":
        return SandboxError(grpc.StatusCode.UNAUTHENTICATED, "Request had invalid authentication credentials.",
                            [ads_error("authentication_error", "OAUTH_TOKEN_REVOKED", "The OAuth token has been revoked.")])
    return SandboxError(grpc.StatusCode.UNAVAILABLE, "The service is currently unavailable.")
