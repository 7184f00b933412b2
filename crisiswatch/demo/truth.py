"""The demo's ground truth: who started what, when detection should fire, counts per phase."""

from __future__ import annotations

from collections import Counter
from typing import Any

from crisiswatch.demo.people import BRAND_NAME
from crisiswatch.demo.posts import RULES, Post, iso_ms
from crisiswatch.demo.story import CRISIS_HOURS, DAY, H, M, Story

SLOT_MINUTES = 15
VOLUME_MULTIPLIER = 3.0
MIN_CRISIS_POSTS = 8  # brand.yaml thresholds.min_negative_mentions
MIN_AUTHORS = 5  # brand.yaml thresholds.min_unique_authors
DETECTION_SLACK_MINUTES = 45
COMPLAINANT_KINDS = frozenset({"story", "reply_story", "quote_story", "thread", "pz_update"})


def _ids(posts: list[Post]) -> list[str]:
    return [str(p.id) for p in sorted(posts, key=lambda p: p.id)]


def _baseline(story: Story, posts: list[Post]) -> dict[str, Any]:
    """Slot and hour volumes (brand's own posts left out) against the calm days' mean at the same time of day."""
    start, days, calm = story.start, story.calm_days + 1, story.calm_days
    slot_ms, per_day = SLOT_MINUTES * M, DAY // (SLOT_MINUTES * M)
    slots = [0] * (days * per_day)
    crisis_slots: list[list[Post]] = [[] for _ in range(per_day)]
    crisis_day0 = start + calm * DAY
    for p in posts:
        if p.author is story.brand:
            continue
        i = (p.t - start) // slot_ms
        if 0 <= i < len(slots):
            slots[i] += 1
        if p.phase == "crisis" and crisis_day0 <= p.t < crisis_day0 + DAY:
            crisis_slots[(p.t - crisis_day0) // slot_ms].append(p)
    base = [sum(slots[d * per_day + s] for d in range(calm)) / calm for s in range(per_day)]
    today = slots[calm * per_day:]
    t0 = story.keys["crisis"]["start"]
    first = None
    for s in range((t0 - crisis_day0) // slot_ms, per_day):
        hits = crisis_slots[s]
        if (today[s] >= VOLUME_MULTIPLIER * max(base[s], 1.0) and len(hits) >= MIN_CRISIS_POSTS
                and len({p.author.id for p in hits}) >= MIN_AUTHORS):
            first = s
            break
    per_hour = 60 // SLOT_MINUTES
    hour_base = [sum(base[h * per_hour:(h + 1) * per_hour]) for h in range(24)]
    hour_today = [sum(today[h * per_hour:(h + 1) * per_hour]) for h in range(24)]
    hot = [h for h in range(24) if hour_today[h] > VOLUME_MULTIPLIER * max(hour_base[h], 1.0)]
    out: dict[str, Any] = {
        "note": "calm days are Monday to Thursday, the crisis is on Friday: a detector needs an hour-of-day "
                "fallback when it has no hour-of-week history",
        "calm_mean_per_local_hour": [round(x, 2) for x in hour_base],
        "crisis_day_per_local_hour": hour_today,
        "hours_over_3x": hot,
    }
    if first is not None:
        ws = crisis_day0 + first * slot_ms
        out["first_alarm_window"] = {"start": iso_ms(ws), "end": iso_ms(ws + slot_ms),
                                     "volume": today[first], "calm_mean": round(base[first], 2)}
        out["detect_by"] = iso_ms(ws + slot_ms + DETECTION_SLACK_MINUTES * M)
    return out


def build_truth(story: Story, posts: list[Post], seed: int, scale: float) -> dict[str, Any]:
    """Everything the later steps are tested against, as plain JSON-ready data."""
    k, brand = story.keys, story.brand
    pz, cr, mk = k["patient_zero"], k["crisis"], k["marketing"]
    crisis_posts = [p for p in posts if p.phase == "crisis"]
    complainants: dict[int, Post] = {}
    for p in sorted(crisis_posts, key=lambda p: p.t):
        if p.kind in COMPLAINANT_KINDS:
            complainants.setdefault(p.author.id, p)
    answered_1h = sum(1 for p in story.calm_complaints if p.answered_at is not None and p.answered_at - p.t <= H)
    by_day: list[dict[str, int]] = []
    for d in range(story.calm_days + 1):
        lo, hi = story.start + d * DAY, story.start + (d + 1) * DAY
        by_day.append(dict(sorted(Counter(p.phase for p in posts if lo <= p.t < hi).items())))
    dm_closed = sorted({p.author.id for p in posts if p.author.dm_closed})
    t0 = cr["start"]
    return {
        "generator": {"seed": seed, "scale": scale, "calm_days": story.calm_days,
                      "start": iso_ms(story.start), "end": iso_ms(story.end),
                      "timezone": "America/Bogota (UTC-5); day boundaries are local midnights"},
        "brand": {"name": BRAND_NAME, "handle": brand.username, "user_id": str(brand.id),
                  "config": "crisiswatch/demo/brand.yaml"},
        "rules": [{"id": rid, "value": value, "tag": tag} for rid, value, tag in RULES],
        "patient_zero": {
            "author_id": str(pz["author"].id), "username": pz["author"].username,
            "post_id": str(cr["thread"][0].id),
            "thread_ids": [str(p.id) for p in cr["thread"]],
            "earlier_post_ids": [str(p.id) for p in pz["earlier"]],
            "earlier_post_times": [iso_ms(p.t) for p in pz["earlier"]],
            "update_ids": [str(p.id) for p in cr["updates"]],
            "brand_replied": any(p.answered_at is not None for p in pz["earlier"] + cr["thread"]),
            "dm_closed": pz["author"].dm_closed,
            "categories": ["billing_payments", "delivery_logistics"],
        },
        "crisis": {
            "origin_type": "unheard_customer",
            "start": iso_ms(t0),
            "window_end": iso_ms(t0 + CRISIS_HOURS * H),
            "categories": ["billing_payments", "delivery_logistics", "ethics_legal", "customer_service"],
            "influencer": {"author_id": str(cr["influencer"].author.id), "username": cr["influencer"].author.username,
                           "post_id": str(cr["influencer"].id), "followers": cr["influencer"].author.followers},
            "amplifier": {"author_id": str(cr["amplifier"].author.id), "username": cr["amplifier"].author.username,
                          "post_id": str(cr["amplifier"].id), "followers": cr["amplifier"].author.followers},
            "posts": len(crisis_posts),
            "unique_authors": len({p.author.id for p in crisis_posts}),
            "complainant_author_ids": [str(a) for a in complainants],
            "post_ids": _ids(crisis_posts),
            **_baseline(story, posts),
        },
        "marketing": {
            "origin_type": "marketing_misunderstanding", "category": "marketing_misunderstanding",
            "post_id": str(mk["post"].id), "created_at": iso_ms(mk["post"].t),
            "misread_ids": _ids(mk["misread"]), "other_reaction_ids": _ids(mk["other"]),
        },
        "viral": {"post_id": str(k["viral"]["post"].id), "author_id": str(k["viral"]["author"].id),
                  "username": k["viral"]["author"].username, "reaction_ids": _ids(k["viral"]["reactions"])},
        "troll": {"author_id": str(k["troll"]["author"].id), "username": k["troll"]["author"].username,
                  "post_ids": _ids(k["troll"]["posts"])},
        "calm": {"complaints": len(story.calm_complaints), "complaints_answered_within_1h": answered_1h,
                 "complaint_ids": _ids(story.calm_complaints)},
        "dm_closed_author_ids": [str(a) for a in dm_closed],
        "counts": {
            "total": len(posts),
            "brand_posts": sum(1 for p in posts if p.author is brand),
            "by_phase": dict(sorted(Counter(p.phase for p in posts).items())),
            "by_lang": dict(sorted(Counter(p.lang for p in posts).items())),
            "by_day": by_day,
            "unique_authors": len({p.author.id for p in posts}),
        },
    }
