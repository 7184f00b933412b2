"""Runtime settings, from environment variables (prefix CRISISWATCH_) or a .env file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything that is not the brand config: where data lives, credentials, endpoints."""

    model_config = SettingsConfigDict(env_prefix="CRISISWATCH_", env_file=".env", extra="ignore")

    database_url: str = Field("sqlite:///crisiswatch.db", description="SQLAlchemy URL of the store")
    config_path: Path = Field(Path("brand.yaml"), description="the brand configuration YAML")
    templates_dir: Path = Field(PROJECT_ROOT / "templates")
    casebook_dir: Path = Field(Path("casebook"))

    scorer: str = Field("lexicon", description="text scorer: a registered name, an entry point, or package.module:Class")
    encoder_threads: int | None = Field(
        None, ge=1, description="CPU threads the encoder scorer may use (default: every core); set it where a worker shares the machine"
    )
    data_dir: Path | None = Field(None, description="labelled data for `crisiswatch evaluate` (default ../shared/data)")

    approval_poll_seconds: int = Field(10, ge=1, description="how often a paused crisis flow checks for the approval form")

    # X API v2 (app-only bearer for reading; OAuth 1.0a user context for posting and DMs)
    x_bearer_token: SecretStr | None = None
    x_consumer_key: SecretStr | None = None
    x_consumer_secret: SecretStr | None = None
    x_access_token: SecretStr | None = None
    x_access_token_secret: SecretStr | None = None
    x_api_base_url: str | None = Field(None, description="e.g. http://127.0.0.1:8700 for the sandbox")
    x_timeout_seconds: float = 10.0
    x_max_wait_seconds: float = Field(
        60.0, ge=0, description="a spent X budget resetting sooner than this is waited for in place; later ones fail the task, retried after the reset"
    )

    # Google Ads API
    google_ads_developer_token: SecretStr | None = None
    google_ads_client_id: SecretStr | None = None
    google_ads_client_secret: SecretStr | None = None
    google_ads_refresh_token: SecretStr | None = None
    google_ads_login_customer_id: str | None = None
    google_ads_endpoint: str | None = Field(None, description="e.g. 127.0.0.1:8701 for the sandbox")
    google_ads_token_uri: str = Field(
        "https://oauth2.googleapis.com/token", description="OAuth token endpoint; the sandbox serves its own"
    )
    google_ads_timeout_seconds: float = 30.0
    ads_dry_run: bool = Field(False, description="plan and record ad pauses/resumes without changing any campaign")

    # Ticket backends
    jira_base_url: str | None = None
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    github_api_url: str = "https://api.github.com"
    github_token: SecretStr | None = None
    slack_webhook_url: SecretStr | None = None
    tickets_timeout_seconds: float = Field(10.0, gt=0, description="per HTTP call to a ticket backend")
    tickets_max_attempts: int = Field(3, ge=1, le=10, description="in-adapter attempts per ticket before it is recorded failed")
    tickets_retry_backoff_seconds: float = Field(1.0, ge=0, description="first backoff; doubles per attempt")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """These environment variables for the duration of the block, settings re-read on entry and exit."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
