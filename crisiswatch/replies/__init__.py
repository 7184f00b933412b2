"""Step 4 of the playbook: personal reply drafts (drafting), human approval (approval), sending exactly once (sending)."""
