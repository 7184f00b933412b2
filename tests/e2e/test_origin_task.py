"""find_origin as a Prefect task: the analysis runs and the origin table artifact is published."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from prefect import flow
from prefect.client.orchestration import get_client

from tasks.origin import artifact_key, find_origin
from tests.integration.test_origin_store import BRAND, at, build


def test_find_origin_publishes_the_table(harness, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, case_id = build(sqlite_url)
    config = tmp_path / "brand.yaml"
    config.write_text(yaml.safe_dump(BRAND.model_dump(mode="json")), encoding="utf-8")

    @flow
    def step_two() -> dict:
        return find_origin(sqlite_url, case_id, "acme", str(config), until=at(6))

    result = step_two()
    assert result["origin"]["type"] == "unheard_customer"
    assert result["origin"]["patient_zero"]["x_id"] == "1"
    assert result["magnitude"]["mentions"] == 18 and result["complainants"] == 17

    async def read():
        async with get_client() as client:
            return await client.read_artifacts()

    artifacts = [a for a in asyncio.run(read()) if a.key == artifact_key(case_id)]
    assert artifacts and artifacts[0].type == "table"
    assert "origin type" in str(artifacts[0].data) and "patient zero" in str(artifacts[0].data)
