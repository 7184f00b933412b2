"""Routing rules map a case's categories and origin type to departments, ordered and deduplicated."""

from __future__ import annotations

import pytest

from crisiswatch.config import parse_config
from crisiswatch.errors import ConfigError
from crisiswatch.tickets.opening import department_slug, idempotency_key
from crisiswatch.tickets.routing import route

DEPS = [{"name": n} for n in ("support", "ops", "billing", "legal", "marketing")]


def brand(*rules: dict) -> object:
    return parse_config({"slug": "acme", "name": "Acme", "handle": "acme", "departments": DEPS, "routing": list(rules)}).brand("acme")


def test_rule_without_categories_or_origins_matches_every_case() -> None:
    b = brand({"departments": ["support"]})
    assert route(b, [], None) == ["support"]
    assert route(b, ["other"], "marketing_misunderstanding") == ["support"]


def test_category_rule_matches_main_or_mention_category() -> None:
    b = brand({"categories": ["billing_payments"], "departments": ["billing"]})
    assert route(b, ["service_disruption", "billing_payments"], None) == ["billing"]
    assert route(b, ["service_disruption"], None) == []


def test_origin_rule_matches_origin_type() -> None:
    b = brand({"origin_types": ["marketing_misunderstanding"], "departments": ["marketing"]})
    assert route(b, ["other"], "marketing_misunderstanding") == ["marketing"]
    assert route(b, ["other"], "unheard_customer") == []
    assert route(b, ["other"], None) == []


def test_rule_with_both_matches_either() -> None:
    b = brand({"categories": ["ethics_legal"], "origin_types": ["ethics_legal"], "departments": ["legal"]})
    assert route(b, ["ethics_legal"], None) == ["legal"]
    assert route(b, ["other"], "ethics_legal") == ["legal"]
    assert route(b, ["other"], "unheard_customer") == []


def test_result_is_in_rule_order_and_deduplicated() -> None:
    b = brand(
        {"departments": ["support"]},
        {"categories": ["service_disruption"], "departments": ["ops", "support"]},
        {"categories": ["billing_payments"], "departments": ["billing", "ops"]},
        {"origin_types": ["unheard_customer"], "departments": ["support", "marketing"]},
    )
    assert route(b, ["billing_payments", "service_disruption"], "unheard_customer") == ["support", "ops", "billing", "marketing"]


def test_no_rules_no_departments() -> None:
    assert route(brand(), ["service_disruption"], "unheard_customer") == []


def test_unknown_department_fails_at_load_with_a_clear_message() -> None:
    data = {"slug": "acme", "name": "Acme", "handle": "acme", "departments": DEPS,
            "routing": [{"departments": ["support"]}, {"categories": ["ethics_legal"], "departments": ["legal", "compliance"]}]}
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "brand.yaml")
    msg = str(exc.value)
    assert "invalid brand config brand.yaml" in msg
    assert "routing[1] names unknown department 'compliance'" in msg
    assert "declared departments: support, ops, billing, legal, marketing" in msg
    assert "CRISISWATCH_CONFIG_PATH" in msg


def test_unknown_origin_type_is_rejected() -> None:
    with pytest.raises(ConfigError, match="unknown origin type 'angry'"):
        brand({"origin_types": ["angry"], "departments": ["support"]})


def test_idempotency_keys_are_stable_and_distinct() -> None:
    assert idempotency_key(12, "support") == "case-12-support"
    assert department_slug("Customer Care") != department_slug("customer-care")
    assert department_slug("Atención al Cliente").startswith("atenci-n-al-cliente-")
    assert all(c.islower() or c.isdigit() or c == "-" for c in department_slug("Légal / PR"))
