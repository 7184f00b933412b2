"""Google Ads failures as crisiswatch errors: what to retry, and which setting to fix."""

from __future__ import annotations

from typing import Any

import grpc
from google.ads.googleads.errors import GoogleAdsException
from google.api_core import exceptions as core_exceptions
from google.auth import exceptions as auth_exceptions

from crisiswatch.connectors.google_ads.api import FAILURE_KEY, GoogleAdsFailure
from crisiswatch.errors import AuthenticationError, ConfigError, CrisiswatchError, TransientError

DEVELOPER_TOKEN = "CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"
REFRESH_TOKEN = "CRISISWATCH_GOOGLE_ADS_REFRESH_TOKEN"
CLIENT_ID = "CRISISWATCH_GOOGLE_ADS_CLIENT_ID"
CLIENT_SECRET = "CRISISWATCH_GOOGLE_ADS_CLIENT_SECRET"
LOGIN_CUSTOMER_ID = "CRISISWATCH_GOOGLE_ADS_LOGIN_CUSTOMER_ID"
TOKEN_URI = "CRISISWATCH_GOOGLE_ADS_TOKEN_URI"
ENDPOINT = "CRISISWATCH_GOOGLE_ADS_ENDPOINT"
_TRANSIENT_CODES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.ABORTED,
}


def error_code(err: Any) -> tuple[str, str]:
    """('quota_error', 'RESOURCE_TEMPORARILY_EXHAUSTED') for one GoogleAdsError."""
    code = err.error_code
    kind = type(code).pb(code).WhichOneof("error_code") or "unknown"
    value = getattr(code, kind, None)
    return kind, getattr(value, "name", str(value))


def _failure_from_metadata(call: Any) -> Any | None:
    try:
        trailing = call.trailing_metadata() or ()
    except Exception:  # noqa: BLE001 - a call without metadata
        return None
    for key, value in trailing:
        if key == FAILURE_KEY:
            return GoogleAdsFailure.deserialize(value)
    return None


def _from_failure(failure: Any, status: grpc.StatusCode | None, customer_id: str) -> CrisiswatchError:
    errors = list(failure.errors)
    text = "; ".join(e.message for e in errors) or str(status)
    for err in errors:
        kind, name = error_code(err)
        if kind in ("authentication_error", "authorization_error") and name.startswith("DEVELOPER_TOKEN"):
            return AuthenticationError(f"Google Ads refused the developer token ({name}): {text}", setting=DEVELOPER_TOKEN)
        if kind == "authentication_error":
            return AuthenticationError(f"Google Ads refused the OAuth credentials ({name}): {text}", setting=REFRESH_TOKEN)
        if kind == "authorization_error" and name == "USER_PERMISSION_DENIED":
            return ConfigError(
                f"Google Ads customer {customer_id} is not accessible to these credentials ({text}). Check "
                "google_ads.customer_ids in the brand config; for a client account set the manager's id",
                setting=LOGIN_CUSTOMER_ID,
            )
        if kind == "authorization_error":
            return AuthenticationError(f"Google Ads denied access to customer {customer_id} ({name}): {text}", setting=REFRESH_TOKEN)
        if kind == "header_error":
            return ConfigError(f"Google Ads rejected a header ({name}): {text}", setting=LOGIN_CUSTOMER_ID)
        if kind == "request_error" and name == "INVALID_CUSTOMER_ID":
            return ConfigError(f"{customer_id!r} is not a valid Google Ads customer id (google_ads.customer_ids)", setting="CRISISWATCH_CONFIG_PATH")
        if kind in ("quota_error", "internal_error"):
            delay = err.details.quota_error_details.retry_delay  # proto-plus gives a timedelta
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else 0.0
            retry_after = seconds if seconds > 0 else None
            return TransientError(f"Google Ads {name.lower().replace('_', ' ')} for customer {customer_id}: {text}", retry_after=retry_after)
    if status in _TRANSIENT_CODES:
        return TransientError(f"Google Ads {status.name} for customer {customer_id}: {text}")
    return CrisiswatchError(f"Google Ads call for customer {customer_id} failed: {text}")


def translate(exc: BaseException, customer_id: str = "") -> CrisiswatchError:
    """The crisiswatch error for anything the google-ads client or google-auth raised."""
    if isinstance(exc, CrisiswatchError):
        return exc
    if isinstance(exc, GoogleAdsException):
        status = exc.error.code() if hasattr(exc.error, "code") else None
        return _from_failure(exc.failure, status, customer_id)
    if isinstance(exc, auth_exceptions.RefreshError):
        text = str(exc)
        if "invalid_client" in text or "unauthorized_client" in text:
            return AuthenticationError(f"the OAuth token endpoint refused the client: {text}", setting=f"{CLIENT_ID} / {CLIENT_SECRET}")
        if getattr(exc, "retryable", False):
            return TransientError(f"refreshing the Google Ads access token failed: {text}")
        return AuthenticationError(f"the OAuth token endpoint refused the refresh token: {text}", setting=REFRESH_TOKEN)
    if isinstance(exc, auth_exceptions.TransportError):
        return TransientError(f"cannot reach the OAuth token endpoint (check {TOKEN_URI}): {exc}")
    if isinstance(exc, core_exceptions.GoogleAPICallError):  # what a failed SearchStream raises
        call = exc.response if hasattr(exc.response, "trailing_metadata") else next(iter(exc.errors or ()), None)
        return _from_call(call, exc.grpc_status_code, exc.message, customer_id)
    if isinstance(exc, grpc.RpcError):
        status = exc.code() if hasattr(exc, "code") else None
        details = exc.details() if hasattr(exc, "details") else str(exc)
        return _from_call(exc, status, details, customer_id)
    raise exc


def _from_call(call: Any, status: grpc.StatusCode | None, details: str, customer_id: str) -> CrisiswatchError:
    failure = _failure_from_metadata(call) if call is not None else None
    if failure is not None and failure.errors:
        return _from_failure(failure, status, customer_id)
    if status in _TRANSIENT_CODES:
        return TransientError(f"Google Ads {status.name} for customer {customer_id}: {details}")
    if status == grpc.StatusCode.UNAUTHENTICATED:
        return AuthenticationError(f"Google Ads refused the credentials: {details}", setting=REFRESH_TOKEN)
    return CrisiswatchError(f"Google Ads call for customer {customer_id} failed ({status}): {details}")
