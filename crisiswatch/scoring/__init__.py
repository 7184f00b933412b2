"""Per-mention scoring: language, sentiment, category, crisis terms, reach (see scoring/types.py)."""

from crisiswatch.scoring.lexicon_scorer import LexiconScorer
from crisiswatch.scoring.mentions import mention_risk, score_mentions
from crisiswatch.scoring.registry import get_scorer

__all__ = ["LexiconScorer", "get_scorer", "mention_risk", "score_mentions"]
