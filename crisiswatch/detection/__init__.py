"""The crisis detector: windows, baseline, risk, levels, and its database glue (no Prefect)."""
