"""The bundled demo timeline: a deterministic generator of a Colombian brand's calm days and crisis.

Story (Cosecha Ya, @CosechaYa, a coffee-and-groceries delivery app from Medellín): `calm_days` days
of ordinary Spanish and English traffic (a daily cycle, praise, questions, mild complaints the brand
answers within the hour), a happy customer's post that goes viral, a troll insulting the brand all
day; then a customer charged twice for an order that never came complains five times without an
answer, and the next morning her thread goes viral (the crisis, origin `unheard_customer`); the same
day a brand promo is read as mocking broke customers (origin `marketing_misunderstanding`).
"""

from __future__ import annotations

import gc
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crisiswatch.demo.posts import to_line
from crisiswatch.demo.story import Story
from crisiswatch.demo.truth import build_truth
from crisiswatch.errors import RejectedInput

DEFAULT_SEED = 7
DEFAULT_START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday 00:00 in Bogotá
DEMO_DIR = Path(__file__).resolve().parent
BRAND_CONFIG = DEMO_DIR / "brand.yaml"
BUNDLED_TIMELINE = DEMO_DIR / "data" / "demo-timeline.jsonl"
BUNDLED_TRUTH = DEMO_DIR / "data" / "demo-truth.json"
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass
class DemoTimeline:
    """Replay lines (X API v2 filtered-stream messages, sorted by time) and the story's ground truth."""

    lines: list[dict[str, Any]]
    truth: dict[str, Any]

    def jsonl(self) -> str:
        """The replay file's text: one compact JSON object per line."""
        encode = _LINE_ENCODER.encode
        return "".join([encode(line) + "\n" for line in self.lines])

    def truth_json(self) -> str:
        return json.dumps(self.truth, ensure_ascii=False, indent=1) + "\n"


def generate_timeline(seed: int = DEFAULT_SEED, *, start: datetime = DEFAULT_START, calm_days: int = 4,
                      scale: float = 1.0) -> DemoTimeline:
    """Generate the demo story; the same arguments always give the same bytes.

    `start` is the first local (Bogotá) midnight, UTC-aware; the timeline spans calm_days + 1 days,
    the crisis on the last one. `scale` multiplies every crowd's volume (scale=28 is about 100k posts).
    """
    if start.tzinfo is None:
        raise RejectedInput(f"start {start.isoformat()} has no timezone; pass an aware datetime (UTC)")
    if calm_days < 1:
        raise RejectedInput(f"calm_days={calm_days}: the story needs at least 1 calm day")
    if not 0 < scale <= 1000:
        raise RejectedInput(f"scale={scale}: must be above 0 and at most 1000")
    was_enabled = gc.isenabled()
    gc.disable()  # ~100k small dicts: the cyclic collector would take half the time and free nothing
    try:
        return _generate(seed, int(start.timestamp() * 1000), calm_days, scale)
    finally:
        if was_enabled:
            gc.enable()


def _generate(seed: int, start_ms: int, calm_days: int, scale: float) -> DemoTimeline:
    rng = random.Random(seed)
    story = Story(rng, start_ms, calm_days, scale)
    for d in range(calm_days + 1):
        story.calm_day(d)
    story.viral(min(1, calm_days - 1))
    story.troll(min(2, calm_days - 1))
    story.unheard(calm_days - 1)
    story.crisis(calm_days)
    story.marketing(calm_days)
    posts = story.feed.assign_ids()
    users = story.people.by_username
    cache: dict[str, Any] = {}
    lines = [to_line(p, story.brand, users, cache) for p in posts]
    return DemoTimeline(lines, build_truth(story, posts, seed, scale))


def write_timeline(path: Path | str, timeline: DemoTimeline, truth_path: Path | str | None = None) -> tuple[Path, Path]:
    """Write the JSONL replay file and its truth (default: truth.json in the same folder)."""
    path = Path(path)
    truth = Path(truth_path) if truth_path is not None else path.parent / "truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    truth.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(timeline.jsonl(), encoding="utf-8", newline="\n")
    truth.write_text(timeline.truth_json(), encoding="utf-8", newline="\n")
    return path, truth


def load_bundled_truth() -> dict[str, Any]:
    """The ground truth of the bundled demo timeline."""
    return json.loads(BUNDLED_TRUTH.read_text(encoding="utf-8"))


def write_bundled() -> tuple[Path, Path]:
    """Regenerate the files shipped in crisiswatch/demo/data/ (default seed and arguments)."""
    return write_timeline(BUNDLED_TIMELINE, generate_timeline(), BUNDLED_TRUTH)


if __name__ == "__main__":
    for written in write_bundled():
        print(f"{written} ({written.stat().st_size:,} bytes)")
