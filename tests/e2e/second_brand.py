"""A second brand for multi-brand tests: the demo brand's config under another name, and its own posts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import yaml

from crisiswatch.demo.timeline import BRAND_CONFIG
from crisiswatch.replay import make_post

SLUG = "lunamercado"
HANDLE = "LunaMercado"
USER_ID = 1500000000000000001
X_EPOCH_MS = 1288834974657
_TEXTS = [
    ("es", "@LunaMercado ¿hoy abren hasta tarde? necesito las arepas para la cena"),
    ("es", "@LunaMercado el domicilio llegó rapidísimo, gracias 🙌"),
    ("es", "Otra vez sin cambio en Luna Mercado, qué pereza"),
    ("es", "@LunaMercado me cobraron la bolsa dos veces, ¿me ayudan?"),
    ("en", "@LunaMercado love the new bakery corner!"),
    ("en", "Luna Mercado delivery was late again tonight"),
]


def brand_config() -> dict[str, Any]:
    """The demo brand's settings for another shop: its own slug, handle, X user id, queries and ad account."""
    data = yaml.safe_load(BRAND_CONFIG.read_text(encoding="utf-8"))
    data.update(slug=SLUG, name="Luna Mercado", handle=HANDLE, user_id=USER_ID,
                queries=['"Luna Mercado" OR LunaMercado', "#LunaMercado"])
    data["google_ads"] = {"customer_ids": ["555-000-1111"], "pause": "all"}
    data["replies"] = {**data["replies"], "signature": "— Luna Mercado"}
    return data


def brand_user() -> dict[str, Any]:
    """The brand's own X account, so the sandbox can serve its mentions timeline."""
    return {"id": str(USER_ID), "username": HANDLE, "name": "Luna Mercado", "verified": False,
            "public_metrics": {"followers_count": 5200, "following_count": 80, "tweet_count": 900, "listed_count": 3}}


def snowflake(when: datetime, seq: int) -> int:
    """An X-style id for a post made at `when`; `seq` (< 2**22) keeps ids of the same millisecond apart."""
    return ((int(when.timestamp() * 1000) - X_EPOCH_MS) << 22) | (0x3F0000 + seq % 0x10000)


def timeline(start: datetime, hours: float, count: int, seed: int = 11) -> list[dict[str, Any]]:
    """`count` posts about the brand spread over `hours` from `start`, by 40 regular customers."""
    rng = random.Random(seed)
    authors = [(1600000000000000000 + i, f"vecino_luna{i}") for i in range(40)]
    lines = []
    for i in range(count):
        when = start + timedelta(seconds=rng.uniform(0, hours * 3600))
        lang, text = rng.choice(_TEXTS)
        author_id, username = rng.choice(authors)
        lines.append(make_post(snowflake(when, i), text, author_id=author_id, username=username,
                               created_at=when, lang=lang, likes=rng.randint(0, 20)))
    lines.sort(key=lambda line: int(line["data"]["id"]))
    return lines
