"""The demo's people: the brand, the story's named characters, and a pool of ordinary users."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

BRAND_NAME = "Cosecha Ya"
BRAND_HANDLE = "CosechaYa"
BRAND_USER_ID = 1367493218856742913

_ES_FIRST = (
    "Valentina Camila Daniela Laura Mariana Sofía Isabella Paula Juliana Natalia Carolina Andrea Luisa Manuela "
    "Sara Alejandra Catalina Diana Ángela Yurani Leidy Estefanía Luz Marta Gloria Santiago Sebastián Mateo "
    "Nicolás Alejandro Samuel Juan David Andrés Felipe Carlos Jorge Luis Diego Julián Camilo Esteban Óscar "
    "Jhon Wilmer Fredy Hernán Mauricio Cristian Brayan Jairo Álvaro Simón Emilio Tomás Martín"
).split()
_ES_LAST = (
    "Restrepo Gómez Rodríguez Martínez López García Hernández Ramírez Zapata Arango Osorio Cardona Giraldo "
    "Vélez Montoya Henao Mejía Álvarez Jaramillo Ospina Castaño Quintero Toro Londoño Duque Echeverri Posada "
    "Correa Muñoz Rojas Vargas Moreno Pérez Suárez Cárdenas Betancur Agudelo Salazar Bedoya Gil Uribe Ríos"
).split()
_EN_FIRST = "Emily Jake Olivia Ryan Hannah Tyler Megan Chris Ashley Kevin Rachel Brandon Lauren Mike Jessica Sam Kate Nate".split()
_EN_LAST = "Miller Johnson Brown Davis Wilson Taylor Clark Lewis Walker Young Hall Allen King Wright Scott Green".split()
_DEACCENT = str.maketrans("áéíóúÁÉÍÓÚñÑü", "aeiouAEIOUnNu")
_NAME_DECOR = ("", "", "", "", " 🌻", " ☕", " 🇨🇴", " ⚽", " 💚", " ✨")


@dataclass(slots=True)
class User:
    """An X account as the replay carries it in `includes.users`."""

    id: int
    username: str
    name: str
    followers: int
    following: int
    tweets: int
    listed: int = 0
    verified: bool = False
    lang: str = "es"
    dm_closed: bool = False
    payload: dict[str, Any] = field(default_factory=dict)

    def as_payload(self) -> dict[str, Any]:
        """The X API v2 user object (built once, shared by every line of this author)."""
        if not self.payload:
            self.payload = {
                "id": str(self.id),
                "username": self.username,
                "name": self.name,
                "verified": self.verified,
                "public_metrics": {
                    "followers_count": self.followers,
                    "following_count": self.following,
                    "tweet_count": self.tweets,
                    "listed_count": self.listed,
                },
            }
        return self.payload


class People:
    """Makes users with unique ids and usernames, deterministic for the given rng."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_username: dict[str, User] = {}
        self._ids: set[int] = set()
        self.brand = self.named(BRAND_USER_ID, BRAND_HANDLE, BRAND_NAME, followers=48_210, verified=True, listed=212)

    def named(self, user_id: int | None, username: str, name: str, *, followers: int, verified: bool = False,
              lang: str = "es", listed: int = 0, dm_closed: bool = False) -> User:
        """A character of the story with a fixed username."""
        uid = user_id if user_id is not None else self._new_id()
        self._ids.add(uid)
        following = 300 + followers // 40 if followers < 100_000 else 900
        user = User(uid, username, name, followers, following, followers * 3 + 1200, listed or followers // 900,
                    verified, lang, dm_closed)
        self.by_username[username.lower()] = user
        return user

    def _new_id(self) -> int:
        rng = self.rng
        while True:
            # old accounts have short ids, newer ones 64-bit snowflakes
            uid = rng.randrange(10_000_000, 3_000_000_000) if rng.random() < 0.25 else rng.randrange(
                700_000_000_000_000_000, 1_890_000_000_000_000_000)
            if uid not in self._ids:
                self._ids.add(uid)
                return uid

    def ordinary(self, lang: str = "es", dm_closed_rate: float = 0.0) -> User:
        """A new ordinary account (mostly small, some mid-sized)."""
        rng = self.rng
        if lang == "en":
            first, last = rng.choice(_EN_FIRST), rng.choice(_EN_LAST)
        else:
            first, last = rng.choice(_ES_FIRST), rng.choice(_ES_LAST)
        base_first, base_last = first.translate(_DEACCENT), last.translate(_DEACCENT)
        style = rng.randrange(5)
        if style == 0:
            username = f"{base_first.lower()}{base_last.lower()}"
        elif style == 1:
            username = f"{base_first.lower()}_{base_last[:3].lower()}"
        elif style == 2:
            username = f"{base_first}{base_last}{rng.randrange(1, 99)}"
        elif style == 3:
            username = f"{base_first[:4].lower()}{base_last.lower()}{rng.randrange(80, 100)}"
        else:
            username = f"{base_first.lower()}.{base_last.lower()}".replace(".", "_")
        username = username[:12]
        while username.lower() in self.by_username:
            username = f"{username[:11]}{rng.randrange(10, 9999)}"[:15]
        followers = int(rng.lognormvariate(5.3, 1.2))
        user = User(
            self._new_id(), username, f"{first} {last}{rng.choice(_NAME_DECOR)}", followers,
            int(rng.lognormvariate(5.6, 0.8)), int(rng.lognormvariate(7.5, 1.3)) + 3,
            followers // 800, False, lang, rng.random() < dm_closed_rate,
        )
        self.by_username[username.lower()] = user
        return user


class Pool:
    """A population of regulars: some people post about the brand often, most now and then."""

    def __init__(self, people: People, size: int, en_share: float, dm_closed_rate: float = 0.0) -> None:
        self.people = people
        self.size = max(1, size)
        self.en_share = en_share
        self.dm_closed_rate = dm_closed_rate
        self.members: list[User] = []

    def pick(self, lang: str | None = None) -> User:
        """An existing member (favouring the first ones) or a new one while the pool is not full."""
        rng = self.people.rng
        if len(self.members) < self.size and (not self.members or rng.random() < 0.6):
            want = lang or ("en" if rng.random() < self.en_share else "es")
            user = self.people.ordinary(want, self.dm_closed_rate)
            self.members.append(user)
            return user
        for _ in range(4):
            user = self.members[int(len(self.members) * rng.random() ** 1.6)]
            if lang is None or user.lang == lang:
                return user
        return self.people.ordinary(lang or "es", self.dm_closed_rate)
