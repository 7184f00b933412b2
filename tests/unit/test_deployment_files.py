"""prefect.yaml, infra/docker-compose.yml and infra/Dockerfile: their shape and how they refer to each other.

Docker cannot run where this suite runs, so the compose file and the Dockerfile are checked as
files; tests/e2e/test_server_deployments.py deploys prefect.yaml on a real server.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.cli.deploy._models import ConcurrencyLimitSpec, PrefectYamlModel, RawScheduleConfig
from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from pydantic import SecretStr

from crisiswatch.config import load_config
from crisiswatch.demo.timeline import BRAND_CONFIG
from crisiswatch.settings import Settings

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
PROJECT_DIR_STEP = {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $CRISISWATCH_PROJECT_DIR }}"}}


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    return yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((INFRA / "docker-compose.yml").read_text(encoding="utf-8"))


def _by_name(project: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in project["deployments"]}


def deployment_names(project: dict[str, Any]) -> set[str]:
    """`flow-name/deployment-name` of every deployment, the flow name read from its @flow(name=...)."""
    names = set()
    for d in project["deployments"]:
        path, func = d["entrypoint"].split(":")
        source = (REPO / path).read_text(encoding="utf-8")
        match = re.search(rf'@flow\((?:[^)]*?)(?<!_)name="([^"]+)"[^)]*\)\s*\ndef {func}\(', source)
        names.add(f"{match.group(1) if match else func.replace('_', '-')}/{d['name']}")
    return names


def _flow_args(entrypoint: str) -> tuple[list[str], list[str]] | None:
    """(required, optional) parameter names of the @flow function an entrypoint names; None if the file is absent."""
    path, func = entrypoint.split(":")
    if not (REPO / path).is_file():
        return None
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == func:
            decorators = [ast.unparse(d) for d in node.decorator_list]
            assert any(d.startswith("flow") for d in decorators), f"{entrypoint} is not a @flow: {decorators}"
            names = [a.arg for a in node.args.args]
            n_required = len(names) - len(node.args.defaults)
            return names[:n_required], names[n_required:]
    raise AssertionError(f"{entrypoint}: no function {func} in {path}")


def test_prefect_yaml_is_what_prefect_deploy_reads(project: dict[str, Any]) -> None:
    model = PrefectYamlModel.model_validate(project)
    names = [d.name for d in model.deployments]
    assert len(names) == len(set(names)), names
    assert model.pull == [PROJECT_DIR_STEP]  # every run moves into the project directory the worker names
    for d in model.deployments:
        assert d.work_pool is not None and d.work_pool.name == "crisiswatch", d.name
        assert d.entrypoint and re.fullmatch(r"flows/\w+\.py:\w+", d.entrypoint), d.entrypoint


def test_every_entrypoint_is_a_flow_taking_the_deployment_parameters(project: dict[str, Any]) -> None:
    for d in project["deployments"]:
        args = _flow_args(d["entrypoint"])
        assert args is not None, f"{d['name']}: {d['entrypoint']} does not exist"
        required, optional = args
        given = set(d.get("parameters") or {})
        assert given <= set(required) | set(optional), (d["name"], given)
        assert set(required) - given <= {"case_id", "brand", "timeline", "config_path"}, (d["name"], required)
    crisis = _flow_args(_by_name(project)["crisis-response"]["entrypoint"])
    assert crisis is not None and crisis[0] == ["case_id", "brand"]  # given when a run is created, by case


def test_one_monitor_per_brand_on_an_interval_never_overlapping_itself(project: dict[str, Any]) -> None:
    monitors = [d for d in project["deployments"] if d["entrypoint"] == "flows/monitor.py:monitor"]
    brands = [d["parameters"]["brand"] for d in monitors]
    assert len(brands) == len(set(brands)) and "cosechaya" in brands
    assert load_config(BRAND_CONFIG).brand("cosechaya").slug == "cosechaya"
    for d in monitors:
        assert d["name"] == d["parameters"]["brand"]  # monitor/<slug>
        limit = ConcurrencyLimitSpec.model_validate(d["concurrency_limit"])
        assert limit.limit == 1
        assert ConcurrencyLimitStrategy(limit.collision_strategy) == ConcurrencyLimitStrategy.CANCEL_NEW
        schedules = [RawScheduleConfig.model_validate(s) for s in d["schedules"]]
        assert len(schedules) == 1 and schedules[0].interval is not None
        assert 15 <= schedules[0].interval.total_seconds() <= 900  # within X's 15-minute rate-limit window
        assert d["parameters"]["crisis_deployment"] in deployment_names(project)  # a crisis starts its own run
    scheduled = {d["name"] for d in project["deployments"] if d not in monitors and d.get("schedules")}
    assert scheduled == {"casebook-digest"}  # crisis, resolve and replay run on demand


def test_dockerfile_copies_what_exists_and_sets_the_project_dir() -> None:
    text = (INFRA / "Dockerfile").read_text(encoding="utf-8")
    workdir = re.search(r"^WORKDIR\s+(\S+)", text, re.M)
    assert workdir
    for line in re.findall(r"^COPY\s+(.+)$", text, re.M):
        for src in line.split()[:-1]:
            assert (REPO / src).exists(), f"Dockerfile copies {src}, which is not in the repository"
    assert re.search(rf"CRISISWATCH_PROJECT_DIR={re.escape(workdir.group(1))}\b", text)
    assert "prefect.yaml" in text and re.search(r'"--pool",\s*"crisiswatch"', text)


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    return dict(env) if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def test_compose_runs_postgres_a_prefect_server_and_workers(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "prefect-server", "setup", "worker"} <= set(services)
    for name in ("setup", "worker"):
        build = services[name]["build"]
        assert (INFRA / build["context"] / build["dockerfile"]).resolve() == (INFRA / "Dockerfile").resolve()
        assert _env(services[name])["PREFECT_API_URL"] == "http://prefect-server:4200/api"
        assert _env(services[name])["CRISISWATCH_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    assert "@postgres:5432/prefect" in services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert services["prefect-server"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    assert " ".join(services["worker"]["command"]).startswith("prefect worker start --pool crisiswatch --type process")
    init = [v.split(":")[0] for v in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert init and "CREATE DATABASE prefect" in "".join(p.read_text() for p in (INFRA / init[0]).glob("*.sql"))


def test_compose_holds_no_secret_values(compose: dict[str, Any]) -> None:
    secretish = re.compile(r"PASSWORD|TOKEN|SECRET|API_KEY")
    for name, service in compose["services"].items():
        for key, value in _env(service).items():
            if secretish.search(key):
                assert re.fullmatch(r"\$\{\w+(:[?-][^}]*)?\}", str(value)), f"{name}.{key} has a literal value"
            for password in re.findall(r"://[^:/@]+:([^@]+)@", str(value)):
                assert password.startswith("${"), f"{name}.{key} embeds a literal password"


def test_env_example_lists_every_secret_setting() -> None:
    listed = set(re.findall(r"^(\w+)=", (INFRA / "env.example").read_text(encoding="utf-8"), re.M))
    secrets = {f"CRISISWATCH_{n.upper()}" for n, f in Settings.model_fields.items() if f.annotation in (SecretStr, SecretStr | None)}
    assert secrets and secrets <= listed, secrets - listed
