"""A local Google Ads API: gRPC over TLS on the library's own protos, plus an OAuth token endpoint.

The real `GoogleAdsClient` talks to it unchanged: point its `endpoint` at `.endpoint`, its
credentials' token_uri at `.token_uri`, and trust `.ca_path` through GRPC_DEFAULT_SSL_ROOTS_FILE_PATH
(gRPC reads that variable once per process, so every sandbox in a process shares one certificate).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from concurrent import futures
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import grpc
from google.protobuf import field_mask_pb2

from crisiswatch.connectors.google_ads.sandbox_state import (
    _V,
    API_VERSION,
    FAILURE_KEY,
    PAGE_SIZE,
    GoogleAdsFailure,
    Mutation,
    SandboxCampaign,
    SandboxCustomer,
    SandboxError,
    SandboxState,
    _camp_svc,
    _Fault,
    _fault_error,
    _svc,
)

ROOTS_ENV = "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"
FAULT_KINDS = ("quota", "unavailable", "deadline", "internal", "auth", "apply_then_unavailable")


@lru_cache(maxsize=1)
def tls_material() -> tuple[bytes, bytes, Path]:
    """A self-signed certificate for localhost/127.0.0.1 made once per process: (key, cert, cert path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crisiswatch google-ads sandbox")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    path = Path(tempfile.mkdtemp(prefix="crisiswatch-gads-")) / "sandbox-ca.pem"
    path.write_bytes(cert_pem)
    return key_pem, cert_pem, path


@lru_cache(maxsize=1)
def roots_bundle() -> Path:
    """The trusted roots gRPC should load: whatever it would trust already, plus the sandbox's certificate.

    gRPC reads GRPC_DEFAULT_SSL_ROOTS_FILE_PATH once per process, so the bundle is made once too.
    """
    _, cert, path = tls_material()
    current = os.environ.get(ROOTS_ENV)
    if current and Path(current).is_file():
        base = Path(current).read_bytes()
    else:
        bundled = Path(grpc.__file__).parent / "_cython" / "_credentials" / "roots.pem"
        base = bundled.read_bytes() if bundled.is_file() else b""
    bundle = path.with_name("roots-with-sandbox.pem")
    bundle.write_bytes(base.rstrip(b"\n") + b"\n" + cert)
    return bundle


def _metadata(context: grpc.ServicerContext) -> dict[str, str]:
    return {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}


def _abort(context: grpc.ServicerContext, err: SandboxError) -> None:
    trailing: list[tuple[str, Any]] = [("request-id", uuid.uuid4().hex[:22])]
    if err.failure is not None:
        trailing.append((FAILURE_KEY, GoogleAdsFailure.serialize(err.failure)))
    context.set_trailing_metadata(trailing)
    context.abort(err.code, str(err))


class _Servicer:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def search(self, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            self.state.check_call("Search", request.customer_id, _metadata(context))
            rows, fields = self.state.search(request.customer_id, request.query)
        except SandboxError as err:
            _abort(context, err)
        start = int(request.page_token or 0)
        page = rows[start : start + PAGE_SIZE]
        more = start + PAGE_SIZE < len(rows)
        return _svc.SearchGoogleAdsResponse(
            results=page,
            next_page_token=str(start + PAGE_SIZE) if more else "",
            total_results_count=len(rows) if request.search_settings.return_total_results_count else 0,
            field_mask=field_mask_pb2.FieldMask(paths=list(fields)),
        )

    def search_stream(self, request: Any, context: grpc.ServicerContext) -> Iterable[Any]:
        try:
            self.state.check_call("SearchStream", request.customer_id, _metadata(context))
            rows, fields = self.state.search(request.customer_id, request.query)
        except SandboxError as err:
            _abort(context, err)
        rid = uuid.uuid4().hex[:22]
        for i in range(0, max(len(rows), 1), PAGE_SIZE):
            yield _svc.SearchGoogleAdsStreamResponse(
                results=rows[i : i + PAGE_SIZE], field_mask=field_mask_pb2.FieldMask(paths=list(fields)), request_id=rid
            )

    def mutate_campaigns(self, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            fault = self.state.check_call("MutateCampaigns", request.customer_id, _metadata(context), mutate=True)
            with self.state.lock:
                response = self.state.mutate_campaigns(request)
            if fault is not None:  # applied, but the answer is lost on the way back
                raise _fault_error(_Fault("unavailable", 0, None))
        except SandboxError as err:
            _abort(context, err)
        return response


def _handlers(state: SandboxState) -> list[grpc.GenericRpcHandler]:
    s = _Servicer(state)
    ads = grpc.method_handlers_generic_handler(
        f"{_V}.services.GoogleAdsService",
        {
            "Search": grpc.unary_unary_rpc_method_handler(
                s.search, request_deserializer=_svc.SearchGoogleAdsRequest.deserialize, response_serializer=_svc.SearchGoogleAdsResponse.serialize
            ),
            "SearchStream": grpc.unary_stream_rpc_method_handler(
                s.search_stream,
                request_deserializer=_svc.SearchGoogleAdsStreamRequest.deserialize,
                response_serializer=_svc.SearchGoogleAdsStreamResponse.serialize,
            ),
        },
    )
    campaigns = grpc.method_handlers_generic_handler(
        f"{_V}.services.CampaignService",
        {
            "MutateCampaigns": grpc.unary_unary_rpc_method_handler(
                s.mutate_campaigns,
                request_deserializer=_camp_svc.MutateCampaignsRequest.deserialize,
                response_serializer=_camp_svc.MutateCampaignsResponse.serialize,
            )
        },
    )
    return [ads, campaigns]


def _oauth_handler(state: SandboxState) -> type[BaseHTTPRequestHandler]:
    class TokenHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            status, payload = state.issue_token(dict(parse_qsl(body)))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request logs
            pass

    return TokenHandler


class GoogleAdsSandbox:
    """`with GoogleAdsSandbox() as sb:` a local Google Ads API on 127.0.0.1 with accounts to shape."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        oauth_port: int = 0,
        developer_token: str = "sandbox-developer-token",
        client_id: str = "sandbox-client-id.apps.googleusercontent.com",
        client_secret: str = "sandbox-client-secret",
        refresh_token: str = "sandbox-refresh-token",
        set_roots_env: bool = True,
    ) -> None:
        self.state = SandboxState(developer_token, client_id, client_secret, refresh_token)
        self.host, self._port, self._oauth_port = host, port, oauth_port
        self.set_roots_env = set_roots_env
        self.api_version = API_VERSION
        self._server: grpc.Server | None = None
        self._http: ThreadingHTTPServer | None = None

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> GoogleAdsSandbox:
        key, cert, path = tls_material()
        self.ca_path = path
        self.roots_path = roots_bundle()
        if self.set_roots_env:
            os.environ[ROOTS_ENV] = str(self.roots_path)
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
        self._server.add_generic_rpc_handlers(_handlers(self.state))
        self.port = self._server.add_secure_port(f"{self.host}:{self._port}", grpc.ssl_server_credentials([(key, cert)]))
        self._server.start()
        self._http = ThreadingHTTPServer((self.host, self._oauth_port), _oauth_handler(self.state))
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, name="gads-oauth", daemon=True).start()
        self.endpoint = f"{self.host}:{self.port}"
        self.token_uri = f"http://{self.host}:{self._http.server_address[1]}/token"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> GoogleAdsSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """The environment variables that point crisiswatch at this sandbox."""
        st = self.state
        return {
            "CRISISWATCH_GOOGLE_ADS_ENDPOINT": self.endpoint,
            "CRISISWATCH_GOOGLE_ADS_TOKEN_URI": self.token_uri,
            "CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN": st.developer_token,
            "CRISISWATCH_GOOGLE_ADS_CLIENT_ID": st.client_id,
            "CRISISWATCH_GOOGLE_ADS_CLIENT_SECRET": st.client_secret,
            "CRISISWATCH_GOOGLE_ADS_REFRESH_TOKEN": st.refresh_token,
            ROOTS_ENV: str(self.roots_path),
        }

    # --- shaping the accounts ------------------------------------------------------------------
    def add_customer(self, customer_id: str, *, manager_id: str | None = None, is_manager: bool = False,
                     time_zone: str = "UTC", name: str = "") -> str:
        """An account; with manager_id it is a client reachable only through login-customer-id."""
        cid = str(customer_id).replace("-", "")
        with self.state.lock:
            self.state.customers[cid] = SandboxCustomer(cid, time_zone, manager_id, is_manager, name or f"Account {cid}")
        return cid

    def add_label(self, customer_id: str, name: str) -> str:
        lid = self.state.new_id()
        with self.state.lock:
            self.state.labels[(customer_id, lid)] = name
        return lid

    def add_campaign(self, customer_id: str, name: str | None = None, *, status: str = "ENABLED",
                     labels: Sequence[str] = (), campaign_id: str | None = None) -> str:
        """A campaign; `labels` are label names (created on the customer when new)."""
        self.state.customer(customer_id)
        cid = str(campaign_id or self.state.new_id())
        with self.state.lock:
            known = {n: lid for (c, lid), n in self.state.labels.items() if c == customer_id}
            lids = {known.get(n) or self.add_label(customer_id, n) for n in labels}
            self.state.campaigns[(customer_id, cid)] = SandboxCampaign(customer_id, cid, name or f"Campaign {cid}", status, lids)
        return cid

    def add_campaigns(self, customer_id: str, n: int, *, status: str = "ENABLED", labels: Sequence[str] = ()) -> list[str]:
        return [self.add_campaign(customer_id, status=status, labels=labels) for _ in range(n)]

    def set_status(self, customer_id: str, campaign_id: str, status: str) -> None:
        """Change a campaign's status as a person would in the Google Ads UI."""
        self.state.change(self.state.campaign(customer_id, campaign_id), status, "person")

    def status(self, customer_id: str, campaign_id: str) -> str:
        return self.state.campaign(customer_id, campaign_id).status

    def statuses(self, customer_id: str) -> dict[str, str]:
        with self.state.lock:
            return {c.campaign_id: c.status for c in self.state.campaigns.values() if c.customer_id == customer_id}

    # --- faults --------------------------------------------------------------------------------
    def fail_next(self, kind: str, n: int = 1, *, method: str | None = None, retry_seconds: int = 1) -> None:
        """The next n calls (of `method`: Search, SearchStream, MutateCampaigns) fail with `kind`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        with self.state.lock:
            self.state.faults.append(_Fault(kind, n, method, retry_seconds))

    def refuse_mutation(self, customer_id: str, campaign_id: str, message: str = "Action is not permitted on this campaign.") -> None:
        """Mutations of this campaign fail (a partial failure within a batch)."""
        self.state.campaign(customer_id, campaign_id).refuse = message

    def revoke_tokens(self) -> None:
        """Every access token issued so far stops working (refresh still works)."""
        with self.state.lock:
            self.state.tokens.clear()

    # --- what happened -------------------------------------------------------------------------
    @property
    def mutation_log(self) -> list[Mutation]:
        with self.state.lock:
            return list(self.state.mutations)

    def api_mutations(self) -> list[Mutation]:
        return [m for m in self.mutation_log if m.by == "api"]

    @property
    def calls(self) -> list[tuple[str, str]]:
        with self.state.lock:
            return list(self.state.calls)

    def seed(self, data: dict[str, Any]) -> None:
        """Load `{customers: [{id, manager_id?, time_zone?, campaigns: [{name, status?, labels?}]}]}`."""
        for cust in data.get("customers", []):
            cid = self.add_customer(str(cust["id"]), manager_id=cust.get("manager_id"), is_manager=bool(cust.get("manager")),
                                    time_zone=cust.get("time_zone", "UTC"), name=cust.get("name", ""))
            for camp in cust.get("campaigns", []):
                self.add_campaign(cid, camp.get("name"), status=camp.get("status", "ENABLED"), labels=camp.get("labels", ()),
                                  campaign_id=camp.get("id"))
