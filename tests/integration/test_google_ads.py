"""The real google-ads client against the gRPC sandbox: list, pause, resume, faults, convergence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

from crisiswatch.ads import pause_campaigns, resume_campaigns
from crisiswatch.connectors.google_ads.adapter import GoogleAdsAdapter, build_controller
from crisiswatch.connectors.google_ads.port import StatusChange
from crisiswatch.errors import AuthenticationError, ConfigError, TransientError
from tasks.ads import pause_ad_spend, resume_ad_spend
from tests.integration.google_ads_fixtures import CUSTOMER, actions, ads_config, events, make_case, sandbox_settings


def api_mutations(sb) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(m.campaign_id for m in sb.api_mutations())


# --- the adapter on its own ----------------------------------------------------------------------


def test_lists_enabled_campaigns_by_all_label_and_ids(sandbox, settings) -> None:
    on = sandbox.add_campaigns(CUSTOMER, 3)
    tagged = sandbox.add_campaign(CUSTOMER, "Black Friday", labels=["crisis-pausable"])
    sandbox.add_campaign(CUSTOMER, "tagged but paused", status="PAUSED", labels=["crisis-pausable"])
    sandbox.add_campaign(CUSTOMER, "old", status="REMOVED")
    ctl = build_controller(settings)

    assert sorted(c.campaign_id for c in ctl.list_campaigns(CUSTOMER)) == sorted([*on, tagged])
    by_label = ctl.list_campaigns(CUSTOMER, labels=["crisis-pausable"])
    assert [(c.campaign_id, c.name, c.status) for c in by_label] == [(tagged, "Black Friday", "ENABLED")]
    assert [c.campaign_id for c in ctl.list_campaigns(CUSTOMER, campaign_ids=[on[1], "999"])] == [on[1]]
    assert {c.status for c in ctl.list_campaigns(CUSTOMER, status=None)} == {"ENABLED", "PAUSED", "REMOVED"}
    assert ("SearchStream", CUSTOMER) in sandbox.calls


def test_partial_failure_reports_each_campaign(sandbox, settings) -> None:
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    gone = sandbox.add_campaign(CUSTOMER, status="REMOVED")
    sandbox.refuse_mutation(CUSTOMER, ids[1], "Campaign is locked by an experiment.")
    results = build_controller(settings).set_status(CUSTOMER, [*ids, gone], "PAUSED")

    by_id = {r.campaign_id: r for r in results}
    assert by_id[ids[0]].ok and by_id[ids[2]].ok
    assert not by_id[ids[1]].ok and "locked by an experiment" in by_id[ids[1]].error
    assert "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE" in by_id[gone].error
    assert sandbox.statuses(CUSTOMER) == {ids[0]: "PAUSED", ids[1]: "ENABLED", ids[2]: "PAUSED", gone: "REMOVED"}


def test_client_account_needs_the_manager_as_login_customer_id(sandbox) -> None:
    sandbox.add_customer("5550000000", is_manager=True)
    client = sandbox.add_customer("5551111111", manager_id="5550000000")
    sandbox.add_campaigns(client, 2)
    with pytest.raises(ConfigError) as err:
        build_controller(sandbox_settings(sandbox)).list_campaigns(client)
    assert err.value.setting == "CRISISWATCH_GOOGLE_ADS_LOGIN_CUSTOMER_ID"
    ctl = build_controller(sandbox_settings(sandbox, google_ads_login_customer_id="555-000-0000"))
    assert len(ctl.list_campaigns(client)) == 2


def test_quota_and_unavailable_are_transient_with_the_api_retry_delay(sandbox, settings) -> None:
    sandbox.add_campaigns(CUSTOMER, 1)
    ctl = build_controller(settings)
    sandbox.fail_next("quota", 1, retry_seconds=7)
    with pytest.raises(TransientError) as err:
        ctl.list_campaigns(CUSTOMER)
    assert err.value.retry_after == 7 and "exhausted" in str(err.value)
    for kind in ("unavailable", "deadline", "internal"):
        sandbox.fail_next(kind, 1, method="MutateCampaigns")
        with pytest.raises(TransientError):
            ctl.set_status(CUSTOMER, list(sandbox.statuses(CUSTOMER)), "PAUSED")
    assert len(ctl.list_campaigns(CUSTOMER)) == 1  # the faults are used up


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"google_ads_developer_token": "wrong"}, "CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"),
        ({"google_ads_refresh_token": "1//revoked"}, "CRISISWATCH_GOOGLE_ADS_REFRESH_TOKEN"),
        ({"google_ads_client_secret": "nope"}, "CRISISWATCH_GOOGLE_ADS_CLIENT_SECRET"),
        ({"google_ads_developer_token": None}, "CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"),
    ],
)
def test_bad_credentials_fail_fast_naming_the_setting(sandbox, override, setting) -> None:
    sandbox.add_campaigns(CUSTOMER, 1)
    with pytest.raises(ConfigError) as err:
        build_controller(sandbox_settings(sandbox, **override)).list_campaigns(CUSTOMER)
    assert setting in str(err.value)
    assert not isinstance(err.value, TransientError)


def test_a_revoked_access_token_is_an_authentication_error(sandbox, settings) -> None:
    sandbox.add_campaigns(CUSTOMER, 1)
    ctl = build_controller(settings)
    sandbox.revoke_tokens()
    with pytest.raises(AuthenticationError):
        ctl.list_campaigns(CUSTOMER)


# --- pausing and resuming a case ----------------------------------------------------------------


def test_pause_then_resume_touches_exactly_what_was_paused(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    live = sandbox.add_campaigns(CUSTOMER, 4)
    before = sandbox.add_campaign(CUSTOMER, "paused before the crisis", status="PAUSED")
    out = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    assert sorted(out["applied"]) == sorted(f"{CUSTOMER}/{c}" for c in live)
    assert sandbox.statuses(CUSTOMER) == {**{c: "PAUSED" for c in live}, before: "PAUSED"}
    rows = actions(db_url, case_id, "pause")
    assert set(rows) == set(live)
    assert {(r.previous_status, r.new_status, r.state) for r in rows.values()} == {("ENABLED", "PAUSED", "applied")}
    assert all(r.applied_at is not None for r in rows.values())
    assert [e.kind for e in events(db_url, case_id)] == ["ads_paused"]

    back = resume_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    assert sorted(back["applied"]) == sorted(f"{CUSTOMER}/{c}" for c in live)
    assert sandbox.statuses(CUSTOMER) == {**{c: "ENABLED" for c in live}, before: "PAUSED"}
    assert api_mutations(sandbox) == Counter({c: 2 for c in live})
    assert [e.kind for e in events(db_url, case_id)] == ["ads_paused", "ads_resumed"]

    again = resume_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    assert sorted(again["already"]) == sorted(back["applied"]) and not again["applied"]
    assert api_mutations(sandbox) == Counter({c: 2 for c in live})


def test_pause_by_label_and_by_ids(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    plain = sandbox.add_campaigns(CUSTOMER, 2)
    tagged = sandbox.add_campaign(CUSTOMER, labels=["crisis"])
    pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(pause="label", labels=["crisis"]), settings=settings)
    assert sandbox.statuses(CUSTOMER) == {plain[0]: "ENABLED", plain[1]: "ENABLED", tagged: "PAUSED"}
    pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(pause="ids", campaign_ids=[plain[1]]), settings=settings)
    assert sandbox.statuses(CUSTOMER) == {plain[0]: "ENABLED", plain[1]: "PAUSED", tagged: "PAUSED"}


def test_partial_failure_is_recorded_per_campaign(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    sandbox.refuse_mutation(CUSTOMER, ids[0], "Trial campaigns cannot be modified.")
    out = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    assert list(out["failed"]) == [f"{CUSTOMER}/{ids[0]}"]
    rows = actions(db_url, case_id, "pause")
    assert rows[ids[0]].state == "failed" and "Trial campaigns" in rows[ids[0]].error
    assert rows[ids[1]].state == rows[ids[2]].state == "applied"
    assert events(db_url, case_id)[-1].kind == "ads_pause_failed"


def test_dry_run_plans_and_records_without_mutating(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    dry = sandbox_settings(sandbox, ads_dry_run=True)
    out = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=dry)

    assert out["dry_run"] and sorted(out["planned"]) == sorted(f"{CUSTOMER}/{i}" for i in ids) and not out["applied"]
    assert set(sandbox.statuses(CUSTOMER).values()) == {"ENABLED"} and not sandbox.api_mutations()
    assert {r.state for r in actions(db_url, case_id).values()} == {"dry_run"}
    real = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    assert len(real["applied"]) == 3 and set(sandbox.statuses(CUSTOMER).values()) == {"PAUSED"}
    assert {r.state for r in actions(db_url, case_id).values()} == {"applied"}


class CrashAfterMutation:
    """The real adapter, but the process 'dies' right after the API applied the batch."""

    def __init__(self, inner: GoogleAdsAdapter) -> None:
        self.inner = inner

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def set_status(self, customer_id: str, campaign_ids: Sequence[str], status: str) -> list[StatusChange]:
        self.inner.set_status(customer_id, campaign_ids, status)
        raise KeyboardInterrupt("crashed before recording the result")


def test_crash_between_mutation_and_record_converges_on_rerun(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 5)
    real = build_controller(settings)
    with pytest.raises(KeyboardInterrupt):
        pause_campaigns(db_url, case_id, ads_config(), CrashAfterMutation(real))
    assert {r.state for r in actions(db_url, case_id).values()} == {"planned"}  # recorded before the call
    assert set(sandbox.statuses(CUSTOMER).values()) == {"PAUSED"}

    out = pause_campaigns(db_url, case_id, ads_config(), real)
    assert sorted(out.reconciled) == sorted(f"{CUSTOMER}/{c}" for c in ids) and not out.applied
    assert {r.state for r in actions(db_url, case_id).values()} == {"applied"}
    assert api_mutations(sandbox) == Counter({c: 1 for c in ids})  # nothing paused twice

    with pytest.raises(KeyboardInterrupt):  # the same crash on the way back
        resume_campaigns(db_url, case_id, CrashAfterMutation(real))
    back = resume_campaigns(db_url, case_id, real)
    assert sorted(back.reconciled) == sorted(f"{CUSTOMER}/{c}" for c in ids)
    assert set(sandbox.statuses(CUSTOMER).values()) == {"ENABLED"}
    assert api_mutations(sandbox) == Counter({c: 2 for c in ids})


def test_answer_lost_after_apply_converges_when_retried(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    sandbox.fail_next("apply_then_unavailable", 1)
    with pytest.raises(TransientError):
        pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    assert [e.kind for e in events(db_url, case_id)] == ["ads_pause_failed"] and events(db_url, case_id)[0].data["transient"]
    out = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    assert len(out["reconciled"]) == 3 and api_mutations(sandbox) == Counter({c: 1 for c in ids})


def test_resume_leaves_what_people_changed_and_what_was_paused_before(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    re_enabled, removed, paused_again, untouched, renamed_ok = sandbox.add_campaigns(CUSTOMER, 5)
    before = sandbox.add_campaign(CUSTOMER, status="PAUSED")
    pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    sandbox.set_status(CUSTOMER, re_enabled, "ENABLED")  # a person turned it back on
    sandbox.set_status(CUSTOMER, removed, "REMOVED")
    sandbox.set_status(CUSTOMER, paused_again, "ENABLED")  # on, then off again: their pause now
    sandbox.set_status(CUSTOMER, paused_again, "PAUSED")
    out = resume_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    assert sorted(out["applied"]) == sorted([f"{CUSTOMER}/{untouched}", f"{CUSTOMER}/{renamed_ok}"])
    assert set(out["skipped"]) == {f"{CUSTOMER}/{c}" for c in (re_enabled, removed, paused_again)}
    assert "someone else" in out["skipped"][f"{CUSTOMER}/{paused_again}"]
    assert sandbox.statuses(CUSTOMER) == {
        re_enabled: "ENABLED", removed: "REMOVED", paused_again: "PAUSED", untouched: "ENABLED", renamed_ok: "ENABLED", before: "PAUSED"
    }
    assert Counter(m.campaign_id for m in sandbox.api_mutations() if m.new_status == "ENABLED") == Counter([untouched, renamed_ok])
    assert actions(db_url, case_id, "resume")[paused_again].state == "skipped"


def test_rerun_pauses_nothing_twice_and_respects_a_person_re_enabling(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 3)
    pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)
    sandbox.set_status(CUSTOMER, ids[0], "ENABLED")
    new = sandbox.add_campaign(CUSTOMER)  # launched mid-crisis
    out = pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=settings)

    assert out["applied"] == [f"{CUSTOMER}/{new}"]
    assert list(out["skipped"]) == [f"{CUSTOMER}/{ids[0]}"]
    assert sorted(out["already"]) == sorted(f"{CUSTOMER}/{c}" for c in ids[1:])
    assert api_mutations(sandbox) == Counter({ids[0]: 1, ids[1]: 1, ids[2]: 1, new: 1})


def test_bad_credentials_in_the_task_record_a_failed_event(db_url, sandbox) -> None:
    case_id = make_case(db_url)
    sandbox.add_campaigns(CUSTOMER, 1)
    bad = sandbox_settings(sandbox, google_ads_developer_token="expired")
    with pytest.raises(AuthenticationError, match="CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"):
        pause_ad_spend.fn(db_url, case_id, "acme", google_ads=ads_config(), settings=bad)
    (event,) = events(db_url, case_id)
    assert event.kind == "ads_pause_failed" and event.data["setting"] == "CRISISWATCH_GOOGLE_ADS_DEVELOPER_TOKEN"
    assert not event.data["transient"]


def test_an_inaccessible_customer_does_not_stop_the_others(db_url, sandbox, settings) -> None:
    case_id = make_case(db_url)
    ids = sandbox.add_campaigns(CUSTOMER, 2)
    sandbox.add_customer("9990000000", manager_id="8880000000")  # a client account, no login-customer-id
    cfg = ads_config(customer_ids=["9990000000", CUSTOMER])
    with pytest.raises(ConfigError, match="CRISISWATCH_GOOGLE_ADS_LOGIN_CUSTOMER_ID"):
        pause_ad_spend.fn(db_url, case_id, "acme", google_ads=cfg, settings=settings)
    assert sandbox.statuses(CUSTOMER) == {c: "PAUSED" for c in ids}
    assert events(db_url, case_id)[-1].kind == "ads_pause_failed"
