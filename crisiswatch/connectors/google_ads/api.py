"""The Google Ads API version crisiswatch speaks (the installed library's default) and its types."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from google.ads.googleads.client import _DEFAULT_VERSION as API_VERSION

PACKAGE = f"google.ads.googleads.{API_VERSION}"
FAILURE_KEY = f"{PACKAGE}.errors.googleadsfailure-bin"

errors_types: Any = import_module(f"{PACKAGE}.errors.types.errors")
search_types: Any = import_module(f"{PACKAGE}.services.types.google_ads_service")
campaign_types: Any = import_module(f"{PACKAGE}.services.types.campaign_service")
GoogleAdsFailure: Any = errors_types.GoogleAdsFailure
GoogleAdsError: Any = errors_types.GoogleAdsError
