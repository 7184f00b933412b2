from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.config import load_config, parse_config
from crisiswatch.errors import ConfigError

BASE = {"slug": "acme", "name": "Acme", "handle": "acme"}


def test_minimal_brand_gets_defaults() -> None:
    cfg = parse_config(BASE)
    brand = cfg.brand("acme")
    assert brand.languages == ["es", "en"]
    assert brand.thresholds.crisis == 70
    assert brand.timezone == "UTC"


def test_time_zone_is_an_iana_name() -> None:
    assert parse_config({**BASE, "timezone": "America/Bogota"}).brand("acme").timezone == "America/Bogota"
    with pytest.raises(ConfigError) as exc:
        parse_config({**BASE, "timezone": "CET+1"})
    assert "timezone" in str(exc.value) and "unknown time zone 'CET+1'" in str(exc.value) and "Europe/Madrid" in str(exc.value)


def test_unknown_department_in_routing_names_it() -> None:
    data = {**BASE, "departments": [{"name": "support"}], "routing": [{"categories": ["billing_payments"], "departments": ["legal"]}]}
    with pytest.raises(ConfigError) as exc:
        parse_config(data)
    assert "routing[0]" in str(exc.value) and "'legal'" in str(exc.value) and "support" in str(exc.value)


def test_error_names_field_value_and_why() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config({**BASE, "thresholds": {"crisis": 500}})
    msg = str(exc.value)
    assert "thresholds.crisis" in msg and "500" in msg and "less than or equal to 100" in msg


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ConfigError, match="handel"):
        parse_config({**BASE, "handel": "typo"})


def test_missing_file_names_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CRISISWATCH_CONFIG_PATH"):
        load_config(tmp_path / "nope.yaml")


def test_bad_yaml(tmp_path: Path) -> None:
    p = tmp_path / "b.yaml"
    p.write_text("slug: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(p)


def test_check_config_says_the_brands_time_zone() -> None:
    from typer.testing import CliRunner

    from crisiswatch.cli.main import app
    from crisiswatch.demo.timeline import BRAND_CONFIG

    result = CliRunner().invoke(app, ["check-config", str(BRAND_CONFIG)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "cosechaya: @CosechaYa" in result.output and "time zone America/Bogota" in result.output
