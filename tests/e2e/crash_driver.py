"""Run the crisis response in this process and SIGKILL it at a chosen moment (a test-only hook).

    python -m tests.e2e.crash_driver --case 1 --until 2026-03-06T13:00:00+00:00 --kill-at send:2

--kill-at  ads       right after Google Ads applied the first customer's pauses, before they are recorded
           tickets:N after N tickets were recorded open, inside the next one's recording
           send:N    after N replies were sent, right after X accepted the next one (its draft is 'sending')

The hook is installed here only, in the child: the code under test is the real flow, unchanged.
Settings (database, sandboxes, credentials) and PREFECT_API_URL come from the environment.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import datetime
from typing import Any

KILLED_MARK = "crash-driver: killing myself at"


def _die(where: str) -> None:
    print(f"{KILLED_MARK} {where}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def install(kill_at: str) -> None:
    kind, _, n = kill_at.partition(":")
    count = int(n or 0)
    calls = {"n": 0}
    if kind == "ads":
        from crisiswatch.connectors.google_ads.adapter import GoogleAdsAdapter

        real = GoogleAdsAdapter.set_status

        def set_status(self: Any, customer_id: str, campaign_ids: Any, status: str) -> Any:
            result = real(self, customer_id, campaign_ids, status)
            _die(f"ads: {customer_id} set {status} on {len(result)} campaigns, not recorded")
            return result

        GoogleAdsAdapter.set_status = set_status  # type: ignore[method-assign]
    elif kind == "tickets":
        import crisiswatch.tickets.opening as opening

        real_record = opening._record_opened

        def record(*args: Any, **kwargs: Any) -> None:
            if calls["n"] == count:
                _die(f"tickets: {count} recorded, the next one created but not recorded")
            calls["n"] += 1
            real_record(*args, **kwargs)

        opening._record_opened = record  # type: ignore[assignment]
    elif kind == "send":
        from crisiswatch.connectors.x.client import TweepyReplySender

        for name in ("send_dm", "post_reply"):
            real_send = getattr(TweepyReplySender, name)

            def send(self: Any, target: int, text: str, _real: Any = real_send, _name: str = name) -> str:
                external = _real(self, target, text)
                calls["n"] += 1
                if calls["n"] > count:
                    _die(f"send: {count} sent and recorded, X accepted {_name} {external}, not recorded")
                return external

            setattr(TweepyReplySender, name, send)
    else:
        raise SystemExit(f"unknown --kill-at {kill_at!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", type=int, required=True)
    parser.add_argument("--until", required=True)
    parser.add_argument("--brand", default="cosechaya")
    parser.add_argument("--config", required=True)
    parser.add_argument("--kill-at", default="")
    args = parser.parse_args(argv)
    if args.kill_at:
        install(args.kill_at)
    from flows.crisis import crisis_response

    summary = crisis_response(case_id=args.case, brand=args.brand, config_path=args.config,
                              until=datetime.fromisoformat(args.until), approval_timeout_seconds=120)
    print(f"crash-driver: finished without being killed: {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
