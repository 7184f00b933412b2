"""Step 5 of the playbook: the post-mortem of a case, its chart, and the casebook of past crises (no Prefect)."""
