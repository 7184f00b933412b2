"""`crisiswatch sandbox google-ads` serves what a separate process reaches with only the printed env vars."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from google.ads.googleads.errors import GoogleAdsException

from crisiswatch.connectors.google_ads.adapter import build_controller
from tests.integration.google_ads_fixtures import CUSTOMER

CLIENT = """
from crisiswatch.connectors.google_ads.adapter import build_controller
from crisiswatch.settings import Settings
ctl = build_controller(Settings())
print(sorted(c.name for c in ctl.list_campaigns("1234567890", labels=["crisis-pausable"])))
"""


def test_cli_sandbox_serves_the_real_client_in_another_process(tmp_path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CRISISWATCH_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "crisiswatch", "sandbox", "google-ads", "--port", "0", "--campaigns", "3"],
        stdout=subprocess.PIPE, text=True, env=clean, cwd=tmp_path,
    )
    try:
        env = dict(clean)
        for line in server.stdout:  # type: ignore[union-attr]
            if line.startswith("export "):
                key, _, value = line[7:].strip().partition("=")
                env[key] = value
            if line.startswith("# customers:"):
                break
        assert env.get("CRISISWATCH_GOOGLE_ADS_ENDPOINT", "").startswith("127.0.0.1:")
        out = subprocess.run([sys.executable, "-c", CLIENT], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "['Demo campaign 1', 'Demo campaign 3']"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_sandbox_answers_bad_queries_with_a_google_ads_failure(sandbox, settings) -> None:
    ctl = build_controller(settings)
    service = ctl.client.get_service("GoogleAdsService", version=sandbox.api_version)
    with pytest.raises(GoogleAdsException) as err:
        list(service.search_stream(customer_id=CUSTOMER, query="SELECT campaign.budget_color FROM campaign"))
    (error,) = err.value.failure.errors
    assert error.error_code.query_error.name == "UNRECOGNIZED_FIELD"
    with pytest.raises(GoogleAdsException) as err:
        service.search(customer_id=CUSTOMER, query="SELECT change_status.campaign FROM change_status")
    assert err.value.failure.errors[0].error_code.query_error.name == "EXPECTED_FILTERS_ON_DATE_RANGE"
    rows = list(service.search(customer_id=CUSTOMER, query="SELECT customer.id, customer.time_zone FROM customer"))
    assert rows[0].customer.time_zone == "America/Bogota"
