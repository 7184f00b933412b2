"""Step 2 of the playbook, identify the origin: threads, patient zero, origin type, magnitude, complainants.

The modules here are pure functions over plain records (`model.Post`, `model.OwnPost`);
`store.analyse_case` is the only one that reads and writes the database.
"""
