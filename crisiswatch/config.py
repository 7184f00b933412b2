"""The brand configuration file (YAML): validated at start, errors name field, value and why."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crisiswatch.clock import time_zone
from crisiswatch.errors import ConfigError

CATEGORIES = (
    "customer_service",
    "service_disruption",
    "product_quality",
    "delivery_logistics",
    "billing_payments",
    "marketing_misunderstanding",
    "ethics_legal",
    "other",
)
ORIGIN_TYPES = ("unheard_customer", "marketing_misunderstanding", "service_failure", "product_problem", "ethics_legal", "other")
Category = Literal[
    "customer_service",
    "service_disruption",
    "product_quality",
    "delivery_logistics",
    "billing_payments",
    "marketing_misunderstanding",
    "ethics_legal",
    "other",
]
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """When a window is `watch` or `crisis`, and how much evidence a crisis needs."""

    watch: float = Field(40, ge=0, le=100)
    crisis: float = Field(70, ge=0, le=100)
    clear: float = Field(30, ge=0, le=100, description="risk under which a level steps down (hysteresis)")
    window_minutes: int = Field(15, ge=1, le=1440)
    min_negative_mentions: int = Field(8, ge=1)
    min_unique_authors: int = Field(5, ge=1)
    volume_multiplier: float = Field(3.0, gt=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.clear <= self.watch <= self.crisis:
            raise ValueError(f"must satisfy clear <= watch <= crisis, got {self.clear}, {self.watch}, {self.crisis}")
        return self


class Department(_Strict):
    """A department that can be handed a ticket, and where its tickets go."""

    name: str
    backend: Literal["database", "jira", "github", "slack"] = "database"
    sla_hours: float = Field(4, gt=0)
    jira_project: str | None = None
    jira_issue_type: str = Field("Task", min_length=1, description="Jira issue type name in jira_project")
    github_repo: str | None = Field(None, pattern=r"^[\w.-]+/[\w.-]+$")

    @model_validator(mode="after")
    def _backend_target(self) -> Department:
        if self.backend == "jira" and not self.jira_project:
            raise ValueError("backend 'jira' needs jira_project")
        if self.backend == "github" and not self.github_repo:
            raise ValueError("backend 'github' needs github_repo (owner/name)")
        return self


class RoutingRule(_Strict):
    """Send a case of these categories or origin types to these departments."""

    categories: list[Category] = Field(default_factory=list)
    origin_types: list[str] = Field(default_factory=list)
    departments: list[str] = Field(min_length=1)

    @field_validator("origin_types")
    @classmethod
    def _known_origins(cls, v: list[str]) -> list[str]:
        for o in v:
            if o not in ORIGIN_TYPES:
                raise ValueError(f"unknown origin type {o!r}; expected one of {', '.join(ORIGIN_TYPES)}")
        return v


class GoogleAdsConfig(_Strict):
    customer_ids: list[str] = Field(default_factory=list)
    login_customer_id: str | None = None
    pause: Literal["all", "label", "ids", "none"] = "all"
    labels: list[str] = Field(default_factory=list)
    campaign_ids: list[str] = Field(default_factory=list)

    @field_validator("customer_ids", "campaign_ids")
    @classmethod
    def _digits(cls, v: list[str]) -> list[str]:
        out = [str(x).replace("-", "") for x in v]
        for x in out:
            if not (x.isascii() and x.isdigit()):  # isdigit() alone accepts '²'
                raise ValueError(f"{x!r} is not a Google Ads id (digits, dashes allowed)")
        return out

    @model_validator(mode="after")
    def _selection(self) -> GoogleAdsConfig:
        if self.pause == "label" and not self.labels:
            raise ValueError("pause: label needs labels")
        if self.pause == "ids" and not self.campaign_ids:
            raise ValueError("pause: ids needs campaign_ids")
        return self


class ReplyConfig(_Strict):
    signature: str = ""
    tone: Literal["warm", "formal"] = "warm"
    allow_public_ack: bool = True
    forbidden_words: list[str] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)
    unanswered_after_hours: float = Field(24, gt=0, description="no brand reply within this time: an unheard customer")


class BrandConfig(_Strict):
    slug: str
    name: str
    handle: str = Field(description="the brand's X username, without @")
    user_id: int | None = Field(None, description="the brand's X user id (looked up when absent)")
    languages: list[Literal["es", "en"]] = Field(default_factory=lambda: ["es", "en"], min_length=1)
    timezone: str = Field("UTC", description="IANA time zone of the brand's audience (Europe/Madrid): the clock of its normal volume by hour of the week")
    queries: list[str] = Field(default_factory=list, description="recent-search queries: names, products, misspellings, hashtags")
    crisis_terms: list[str] = Field(default_factory=list, description="extra crisis terms for this brand")
    thresholds: Thresholds = Thresholds()
    departments: list[Department] = Field(default_factory=list)
    routing: list[RoutingRule] = Field(default_factory=list)
    google_ads: GoogleAdsConfig = GoogleAdsConfig()
    replies: ReplyConfig = ReplyConfig()

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("must be lowercase letters, digits, '-' or '_' (at most 63)")
        return v

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        time_zone(v)
        return v

    @field_validator("handle")
    @classmethod
    def _handle(cls, v: str) -> str:
        v = v.lstrip("@")
        if not re.fullmatch(r"\w{1,15}", v):
            raise ValueError("must be an X username: 1-15 letters, digits or '_'")
        return v

    @field_validator("queries")
    @classmethod
    def _queries(cls, v: list[str]) -> list[str]:
        for q in v:
            if not q.strip() or len(q) > 512:
                raise ValueError(f"query {q!r} must be non-empty and at most 512 characters")
        return v

    @model_validator(mode="after")
    def _routing_departments(self) -> BrandConfig:
        names = [d.name for d in self.departments]
        if len(set(names)) != len(names):
            raise ValueError(f"department names repeat: {names}")
        for i, rule in enumerate(self.routing):
            for dep in rule.departments:
                if dep not in names:
                    raise ValueError(
                        f"routing[{i}] names unknown department {dep!r}; declared departments: {', '.join(names) or 'none'}"
                    )
        return self

    def department(self, name: str) -> Department:
        return next(d for d in self.departments if d.name == name)


class CrisiswatchConfig(_Strict):
    brands: list[BrandConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CrisiswatchConfig:
        slugs = [b.slug for b in self.brands]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"brand slugs repeat: {slugs}")
        return self

    def brand(self, slug: str) -> BrandConfig:
        for b in self.brands:
            if b.slug == slug:
                return b
        raise ConfigError(f"no brand {slug!r} in the config; brands: {', '.join(b.slug for b in self.brands)}")


def _format_errors(source: str, err: ValidationError, data: Any) -> str:
    lines = [f"invalid brand config {source}:"]
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        value = e.get("input")
        shown = repr(value) if not isinstance(value, dict | list) or len(repr(value)) < 80 else type(value).__name__
        lines.append(f"  - {loc} = {shown}: {e['msg']}")
    return "\n".join(lines)


def parse_config(data: Any, source: str = "<data>") -> CrisiswatchConfig:
    """Validate a loaded YAML document: one brand (a mapping) or `brands: [...]`."""
    if isinstance(data, dict) and "brands" not in data:
        data = {"brands": [data]}
    if not isinstance(data, dict):
        raise ConfigError(f"invalid brand config {source}: expected a mapping, got {type(data).__name__}")
    try:
        return CrisiswatchConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(source, exc, data), setting="CRISISWATCH_CONFIG_PATH") from None


def load_config(path: Path | str) -> CrisiswatchConfig:
    """Read and validate a brand config file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"brand config file {path} does not exist", setting="CRISISWATCH_CONFIG_PATH") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"brand config {path} is not valid YAML: {exc}", setting="CRISISWATCH_CONFIG_PATH") from None
    return parse_config(data, str(path))
