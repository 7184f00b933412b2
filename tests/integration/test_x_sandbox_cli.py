"""`crisiswatch sandbox x` serves a replay file to the real client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

from crisiswatch.connectors.x.client import TweepyMentionSource, make_tweepy_client
from crisiswatch.replay import write_replay
from crisiswatch.settings import Settings
from tests.integration.x_helpers import BRAND, BRAND_ID, T0, brand_line, mentions_timeline


def test_cli_serves_the_timeline(tmp_path):
    path = write_replay(tmp_path / "t.jsonl", [brand_line(), *mentions_timeline(30)])
    start = (T0 + timedelta(minutes=14, seconds=30)).isoformat()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crisiswatch", "sandbox", "x", "--timeline", str(path), "--port", "0", "--start", start],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        exports = dict(proc.stdout.readline().removeprefix("export ").strip().split("=", 1) for _ in range(2))
        settings = Settings(_env_file=None, x_api_base_url=exports["CRISISWATCH_X_API_BASE_URL"],  # type: ignore[call-arg]
                            x_bearer_token=exports["CRISISWATCH_X_BEARER_TOKEN"])
        src = TweepyMentionSource(make_tweepy_client(settings))
        assert src.lookup_user(BRAND).x_id == BRAND_ID
        assert len(src.fetch_mentions(BRAND_ID, None).mentions) == 15
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def test_cli_refuses_a_bad_timeline(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"data": {"id": "1"}}\n')
    proc = subprocess.run([sys.executable, "-m", "crisiswatch", "sandbox", "x", "--timeline", str(path), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "replay line 1" in proc.stderr and "data.text" in proc.stderr
