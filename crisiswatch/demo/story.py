"""The demo's story, phase by phase: calm days, a viral post, a troll, an unheard customer, the crisis."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from crisiswatch.demo import texts as tx
from crisiswatch.demo.people import People, Pool, User
from crisiswatch.demo.posts import Feed, Post

M = 60_000
H = 60 * M
DAY = 24 * H
CRISIS_HOURS = 12
# Posts per local (Bogotá) hour: quiet at night, a lunch peak and a bigger evening one.
HOUR_WEIGHTS = (0.6, 0.3, 0.2, 0.15, 0.2, 0.5, 1.2, 2.2, 3.0, 3.2, 3.3, 3.8,
                5.0, 5.2, 4.0, 3.4, 3.3, 3.6, 4.4, 5.2, 5.5, 4.6, 3.0, 1.5)
_CUM = [sum(HOUR_WEIGHTS[: i + 1]) for i in range(24)]
_INDIRECT = ("Cosecha Ya", "cosechaya", "Cosechalla", "#CosechaYa", "cosecha ya", "Cosecha ya")


class Story:
    """Writes every phase into one Feed and keeps the Post objects the ground truth needs."""

    def __init__(self, rng: random.Random, start_ms: int, calm_days: int, scale: float) -> None:
        self.rng = rng
        self.start = start_ms
        self.calm_days = calm_days
        self.scale = scale
        self.end = start_ms + (calm_days + 1) * DAY
        self.people = People(rng)
        self.brand = self.people.brand
        self.feed = Feed(rng, self.brand)
        self.regulars = Pool(self.people, self.n(420), en_share=0.15, dm_closed_rate=0.04)
        self.keys: dict[str, Any] = {}
        self.calm_complaints: list[Post] = []

    def n(self, base: float) -> int:
        return max(1, round(base * self.scale))

    def likes(self) -> int:
        return int(self.rng.expovariate(0.4))

    def _delay(self, shape: float, hours: float, limit_h: float) -> int:
        """A gamma-distributed delay in ms, redrawn until under limit_h hours."""
        while True:
            d = self.rng.gammavariate(shape, hours)
            if d < limit_h:
                return 30_000 + int(d * H)

    # ------------------------------------------------------------ the brand at work
    def answer_at(self, t: int) -> int:
        """When the brand's team answers: within the hour from 7 am to 10 pm, else next morning."""
        rng = self.rng
        hour = (t - self.start) // H % 24
        if 7 <= hour < 22:
            return t + rng.randint(3 * M, 50 * M)
        day0 = self.start + (t - self.start) // DAY * DAY
        return day0 + (DAY if hour >= 22 else 0) + 7 * H + rng.randint(2 * M, 40 * M)

    def brand_reply(self, parent: Post, mood: str) -> Post | None:
        t = self.answer_at(parent.t)
        if t >= self.end:
            return None
        first = parent.author.name.split()[0]
        text = tx.fill(self.rng, self.rng.choice(tx.BRAND_REPLY[(parent.lang, mood)]), {"first": first})
        return self.feed.reply(parent, t, self.brand, text, parent.lang, "brand", f"brand_reply_{mood}",
                               likes=self.likes())

    def _ref(self, direct_share: float) -> str:
        return "@CosechaYa" if self.rng.random() < direct_share else self.rng.choice(_INDIRECT)

    # ------------------------------------------------------------ calm days
    def calm_day(self, d: int) -> None:
        """Ordinary traffic: praise, questions, mild complaints the brand answers, promos and their RTs."""
        rng, feed = self.rng, self.feed
        day0 = self.start + d * DAY
        promos = []
        for hh, mm in ((9, 0), (12, 30), (18, 30)):
            text = rng.choice(tx.PROMOS_ES)
            t = day0 + hh * H + mm * M + rng.randint(-10 * M, 10 * M)
            lang = "en" if text.startswith("Medellín expats") else "es"
            promos.append(feed.post(t, self.brand, text, lang, "brand", "promo", likes=rng.randint(20, 140)))
        hours = rng.choices(range(24), cum_weights=_CUM, k=self.n(200))
        for t in sorted(day0 + int((h + rng.random()) * H) for h in hours):
            self._calm_post(t, promos)

    def _calm_post(self, t: int, promos: list[Post]) -> None:
        rng, feed = self.rng, self.feed
        u = self.regulars.pick()
        en = u.lang == "en"
        r = rng.random()
        earlier = [p for p in promos if p.t < t]
        if r >= 0.80 and earlier:
            promo = rng.choice(earlier)
            if r < 0.90:
                feed.retweet(promo, t, u, "calm")
                return
            body = rng.choice(("does this apply in {barrio}?", "love it {pos}") if en else (
                "¿aplica para {barrio}?", "¿hasta cuándo va la promo?", "¡Qué buena! {pos}", "uy sí, hoy pido {pos}"))
            text = tx.roughen(rng, tx.fill(rng, body))
            p = feed.reply(promo, t, u, text, u.lang, "calm", "question" if "?" in text else "praise", self.likes())
            if "?" in text and rng.random() < 0.7:
                self.brand_reply(p, "question")
            return
        if r < 0.24:
            kind, pool, direct, answer = "praise", tx.POS_EN if en else tx.POS_ES, 0.5, 0.25
        elif r < 0.55:
            kind, pool, direct, answer = "neutral", tx.NEUTRAL_EN if en else tx.NEUTRAL_ES, 0.55, 0.7
        else:
            kind, pool, direct, answer = "complaint", tx.COMPLAINT_EN if en else tx.COMPLAINT_ES, 0.85, 0.93
        ref = self._ref(direct)
        text = tx.roughen(rng, tx.fill(rng, rng.choice(pool), {"ref": ref}))
        if kind == "neutral" and "?" in text:
            kind = "question"
        p = feed.post(t, u, text, u.lang, "calm", kind, self.likes())
        if kind == "complaint":
            self.calm_complaints.append(p)
        if kind == "neutral":
            return
        if ref != "@CosechaYa":
            answer /= 2
        if rng.random() < answer:
            self.brand_reply(p, kind)

    # ------------------------------------------------------------ a good day, a troll
    def viral(self, d: int) -> None:
        """A happy customer's post that takes off: retweets, quotes of praise, replies."""
        rng, feed = self.rng, self.feed
        u = self.people.named(None, "luisafer_mz", "Luisa Fernanda 🌻", followers=1870)
        t0 = self.start + d * DAY + 19 * H + 40 * M + rng.randint(0, 59_000)
        post = feed.post(t0, u, tx.VIRAL_TEXT, "es", "viral", "viral_post", likes=6200)
        feed.reply(post, t0 + 22 * M, self.brand, "¡Nos alegraste el día, Luisa! Don Jairo ya sabe que es famoso 💚☕",
                   "es", "brand", "brand_reply_praise", likes=830)
        reactions = []
        for _ in range(self.n(160)):
            t = t0 + 30_000 + int(min(rng.expovariate(1 / 1.8), 14.0) * H)
            v = self.regulars.pick()
            en = v.lang == "en"
            r = rng.random()
            if r < 0.6:
                reactions.append(feed.retweet(post, t, v, "viral"))
            elif r < 0.77:
                tpl = tx.VIRAL_QUOTES[-1] if en else rng.choice(tx.VIRAL_QUOTES[:-1])
                reactions.append(feed.quote(post, t, v, tx.fill(rng, tpl), v.lang, "viral", "praise_quote", self.likes()))
            else:
                tpl = tx.VIRAL_REPLIES[-1] if en else rng.choice(tx.VIRAL_REPLIES[:-1])
                reactions.append(feed.reply(post, t, v, tx.fill(rng, tpl), v.lang, "viral", "praise_reply", self.likes()))
        self.keys["viral"] = {"post": post, "author": u, "reactions": reactions}

    def troll(self, d: int) -> None:
        """One angry account posting insults in bursts all day; nobody joins, the brand does not engage."""
        rng, feed = self.rng, self.feed
        u = self.people.named(None, "ElQueNoSeCalla", "El Que No Se Calla 🔥", followers=87)
        day0 = self.start + d * DAY
        centers = sorted(day0 + rng.randint(7 * H, 23 * H) for _ in range(6))
        posts = []
        for _ in range(self.n(70)):
            t = rng.choice(centers) + int(rng.gauss(0, 20 * M))
            t = min(max(t, day0 + 6 * H), day0 + DAY - M)
            text = tx.roughen(rng, tx.fill(rng, rng.choice(tx.TROLL)), 0.5)
            posts.append(feed.post(t, u, text, "es", "troll", "insult", likes=rng.randint(0, 2)))
        self.keys["troll"] = {"author": u, "posts": posts}

    # ------------------------------------------------------------ the crisis
    def unheard(self, d: int) -> None:
        """Patient zero's first complaints: five over a day, while the brand answers everyone else."""
        u = self.people.named(None, "vale_ortizg", "Valeria Ortiz G.", followers=640)
        day0 = self.start + d * DAY
        posts = []
        for (hh, mm), text in zip(((8, 5), (11, 40), (15, 20), (19, 45), (23, 10)), tx.PZ_EARLIER, strict=True):
            t = day0 + hh * H + mm * M + self.rng.randint(0, 59_000)
            posts.append(self.feed.post(t, u, text, "es", "unheard", "unheard_complaint", likes=self.rng.randint(0, 3)))
        self.keys["patient_zero"] = {"author": u, "earlier": posts}

    def crisis(self, d: int) -> None:
        """Patient zero's thread goes viral; others join with their stories; a journalist amplifies."""
        rng, feed = self.rng, self.feed
        pz: User = self.keys["patient_zero"]["author"]
        first = self.keys["patient_zero"]["earlier"][0]
        day0 = self.start + d * DAY
        t0 = day0 + 9 * H + 10 * M + rng.randint(0, 59_000)
        hours = str(round((t0 - first.t) / H))
        thread = [feed.post(t0, pz, tx.fill(rng, tx.PZ_THREAD[0], {"hours": hours}), "es", "crisis", "thread", 9400)]
        for i, text in enumerate(tx.PZ_THREAD[1:], start=1):
            thread.append(feed.reply(thread[-1], t0 + i * 45_000, pz, text, "es", "crisis", "thread", 2100 // i))
        updates = [feed.post(t0 + 4 * H + 50 * M, pz, tx.PZ_UPDATES[0], "es", "crisis", "pz_update", 3100)]
        hours_late = str(round((t0 + 9 * H + 5 * M - first.t) / H))
        updates.append(feed.post(t0 + 9 * H + 5 * M, pz, tx.fill(rng, tx.PZ_UPDATES[1], {"hours": hours_late}),
                                 "es", "crisis", "pz_update", 2700))
        journalist = self.people.named(None, "MSalcedoNoticia", "Mateo Salcedo | Periodista", followers=412_300,
                                       verified=True)
        infl = feed.quote(thread[0], t0 + 2 * H + 20 * M + rng.randint(0, 59_000), journalist, tx.INFLUENCER_TEXT,
                          "es", "crisis", "influencer", 7800)
        expat = self.people.named(None, "MedellinExpats", "Medellín Expat Life", followers=61_800, lang="en")
        amp = feed.quote(thread[0], t0 + 3 * H + 35 * M + rng.randint(0, 59_000), expat, tx.EXPAT_TEXT, "en",
                         "crisis", "amplifier", 1400)
        joiners = Pool(self.people, self.n(1400), en_share=0.15, dm_closed_rate=0.06)
        posts: list[Post] = []
        for _ in range(self.n(1700)):
            u = self.regulars.pick() if rng.random() < 0.2 else joiners.pick()
            if rng.random() < 0.18:
                base = amp if rng.random() < 0.2 else infl
                posts.append(self._join(base.t + self._delay(1.5, 0.9, 9.0), u, base, thread, pz, driven=True))
            else:
                posts.append(self._join(t0 + self._delay(3.0, 1.6, CRISIS_HOURS), u, thread[0], thread, pz, driven=False))
        self.keys["crisis"] = {"start": t0, "thread": thread, "updates": updates, "influencer": infl,
                               "amplifier": amp, "joiners": posts}

    def _join(self, t: int, u: User, base: Post, thread: list[Post], pz: User, *, driven: bool) -> Post:
        rng, feed = self.rng, self.feed
        en = u.lang == "en"
        fill: Callable[[tuple[str, ...]], str] = lambda pool: tx.roughen(rng, tx.fill(rng, rng.choice(pool), {"pz": pz.username}))
        r = rng.random()
        if driven:
            if r < 0.55:
                return feed.retweet(base, t, u, "crisis")
            if r < 0.8:
                pool = (tx.REPLY_SUPPORT_EN if en else tx.REPLY_SUPPORT_ES)
                return feed.reply(base, t, u, fill(pool), u.lang, "crisis", "reply_support", self.likes())
        else:
            if r < 0.36:
                return feed.retweet(base, t, u, "crisis")
            target = base if rng.random() < 0.8 else thread[-1]
            if r < 0.46:
                pool = tx.REPLY_STORY_EN if en else tx.REPLY_STORY_ES
                return feed.reply(target, t, u, fill(pool), u.lang, "crisis", "reply_story", self.likes())
            if r < 0.56:
                pool = tx.REPLY_SUPPORT_EN if en else tx.REPLY_SUPPORT_ES
                return feed.reply(target, t, u, fill(pool), u.lang, "crisis", "reply_support", self.likes())
            if r < 0.66:
                story = rng.random() < 0.5
                pool = (tx.QUOTE_STORY_EN if en else tx.QUOTE_STORY_ES) if story else (
                    tx.QUOTE_OUTRAGE_EN if en else tx.QUOTE_OUTRAGE_ES)
                kind = "quote_story" if story else "quote_outrage"
                return feed.quote(base, t, u, fill(pool), u.lang, "crisis", kind, self.likes())
        pool = tx.STORY_EN if en else tx.STORY_ES
        return feed.post(t, u, fill(pool), u.lang, "crisis", "story", self.likes())

    # ------------------------------------------------------------ the marketing misunderstanding
    def marketing(self, d: int) -> None:
        """A scheduled promo whose joke reads as mocking customers (and its discount as fake)."""
        rng, feed = self.rng, self.feed
        t0 = self.start + d * DAY + 11 * H + rng.randint(0, 5 * M)
        post = feed.post(t0, self.brand, tx.MARKETING_TEXT, "es", "brand", "marketing_post", likes=340)
        crowd = Pool(self.people, self.n(170), en_share=0.12, dm_closed_rate=0.04)
        misread, other = [], []
        for _ in range(self.n(200)):
            t = t0 + self._delay(1.6, 1.3, 10.0)
            u = crowd.pick()
            en = u.lang == "en"
            r = rng.random()
            if r < 0.72:
                fake = r >= 0.58 and not en
                pool = tx.MKT_FAKE_ES if fake else (tx.MKT_MOCK_EN if en else tx.MKT_MOCK_ES)
                text = tx.roughen(rng, tx.fill(rng, rng.choice(pool)))
                if rng.random() < 0.65:
                    misread.append(feed.reply(post, t, u, text, u.lang, "marketing", "misread_reply", self.likes()))
                else:
                    misread.append(feed.quote(post, t, u, self._brand_tag(text), u.lang, "marketing",
                                              "misread_quote", self.likes()))
            elif r < 0.82:
                other.append(feed.reply(post, t, u, rng.choice(tx.MKT_OTHER), u.lang, "marketing", "other_reply", self.likes()))
            elif r < 0.88:
                text = self._brand_tag(rng.choice(tx.MKT_OTHER))
                other.append(feed.quote(post, t, u, text, u.lang, "marketing", "other_quote", self.likes()))
            else:
                other.append(feed.retweet(post, t, u, "marketing"))
        self.keys["marketing"] = {"post": post, "misread": misread, "other": other}

    def _brand_tag(self, text: str) -> str:
        low = text.lower()
        if "cosecha ya" in low or "@cosechaya" in low:
            return text
        return f"{text} {self.rng.choice(('@CosechaYa', '#CosechaYa'))}"
