"""What every task needs to reach the store and the brand: settings and config, resolved once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crisiswatch.config import BrandConfig, load_config
from crisiswatch.settings import Settings, get_settings


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    brand: BrandConfig
    db_url: str


def resolve(brand_slug: str, config_path: str | None = None, database_url: str | None = None) -> RunContext:
    """Settings from the environment, overridden by flow parameters; the brand's config, validated."""
    settings = get_settings()
    path = Path(config_path) if config_path else settings.config_path
    brand = load_config(path).brand(brand_slug)
    return RunContext(settings=settings, brand=brand, db_url=database_url or settings.database_url)
