"""A progress artifact that follows the crisis subflow while it runs."""

from __future__ import annotations

from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact

STEPS = ("ads paused", "origin found", "tickets opened", "replies drafted", "replies approved", "replies sent", "post-mortem written")


class CrisisProgress:
    """Moves one progress artifact from 0 to 100 as the playbook's steps complete."""

    def __init__(self, case_id: int) -> None:
        self.done: list[str] = []
        self.artifact_id: UUID = create_progress_artifact(
            progress=0.0, key=f"case-{case_id}-progress", description=f"Crisis response of case {case_id}: starting"
        )

    def step(self, name: str) -> None:
        self.done.append(name)
        update_progress_artifact(
            self.artifact_id,
            progress=round(100.0 * len(self.done) / len(STEPS), 1),
            description=f"done: {', '.join(self.done)}",
        )
