"""Shared fixtures: a fresh real SQLite database per test, a fixed clock, seeded people."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

# python-telegram-bot 22 warns when time periods are read as ints; we opt in to timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from handlers.model import Choice, Incoming, Reply
from handlers.router import Router
from handlers.settings import Settings
from storage import Database, Scope
from storage.klien import KlienIn
from storage.pokmas import PokmasIn
from storage.timeutil import ts

# Monday 30 November 2026, 10:00 in Jakarta (03:00 UTC): inside working hours.
T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    """Return a clock fixed at T0."""
    return Clock()


@pytest.fixture
def settings() -> Settings:
    """Return default handler settings."""
    return Settings(bapas_name="Bapas Kelas II Purwokerto")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """Return a fresh, migrated database in a temporary file."""
    database = await Database.open(tmp_path / "test.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def router(db: Database, settings: Settings, clock: Clock) -> Router:
    """Return a router over the test database with the fixed clock."""
    return Router(db, settings, clock)


@dataclass
class World:
    """A small seeded Bapas: two Pokmas, two officers, their klien, linked members."""

    db: Database
    pokmas_a: int = 0
    pokmas_b: int = 0
    officer_1: int = 0
    officer_2: int = 0
    admin: int = 0
    observer: int = 0
    coord_a: int = 0
    coord_b: int = 0
    klien_a: list[int] = field(default_factory=list)  # placed with Pokmas A, officer 1
    klien_b: list[int] = field(default_factory=list)  # placed with Pokmas B, officer 2
    names: dict[int, str] = field(default_factory=dict)
    register_nos: dict[int, str] = field(default_factory=dict)


async def seed_world(db: Database, now: datetime = T0, *, per_pokmas: int = 3) -> World:
    """Seed two Pokmas with klien, officers, an admin and an observer; link chat ids."""
    world = World(db)
    stamp = ts(now)
    async with db.transaction() as tx:
        await tx.pokmas.upsert(
            PokmasIn("PWT01", "Pesantren Al-Hidayah", "pesantren", "Banyumas"), stamp
        )
        await tx.pokmas.upsert(
            PokmasIn(
                "PBG01", "Bengkel Maju Jaya", "bengkel", "Purbalingga", pks_expires="2027-01-15"
            ),
            stamp,
        )
        codes = await tx.pokmas.codes()
        world.pokmas_a, world.pokmas_b = codes["PWT01"], codes["PBG01"]
        await tx.members.upsert_officer("PK01", "Siti Rahayu", "6281100000001", stamp)
        await tx.members.upsert_officer("PK02", "Agus Santoso", "6281100000002", stamp)
        officers = await tx.members.officer_codes()
        world.officer_1, world.officer_2 = officers["PK01"], officers["PK02"]
        world.admin = await tx.members.create(role="admin", name="Admin Bapas", now=stamp)
        world.observer = await tx.members.create(
            role="observer", name="Dinsos Banyumas", kabupaten="Banyumas", now=stamp
        )
        world.coord_a = await tx.members.create(
            role="coordinator", name="Ustadz Ahmad", pokmas_id=world.pokmas_a, now=stamp
        )
        world.coord_b = await tx.members.create(
            role="coordinator", name="Pak Bambang", pokmas_id=world.pokmas_b, now=stamp
        )
        numbers = itertools.count(1)
        start = (now - timedelta(days=90)).date().isoformat()
        end = (now + timedelta(days=365)).date().isoformat()
        for pokmas, officer, bucket, prefix in (
            (world.pokmas_a, world.officer_1, world.klien_a, "Budi"),
            (world.pokmas_b, world.officer_2, world.klien_b, "Joko"),
        ):
            for _ in range(per_pokmas):
                n = next(numbers)
                register_no = f"PB-{n:04d}/2026"
                name = f"{prefix} Klien{n}"
                await tx.klien.upsert(
                    KlienIn(register_no, name, "PB", start, end, officer, pokmas),
                    stamp,
                    changed_by="test",
                )
                klien = await tx.klien.by_register_no(register_no, Scope.everything())
                assert klien is not None
                bucket.append(klien.id)
                world.names[klien.id] = name
                world.register_nos[klien.id] = register_no
        for member_id, chat in (
            (world.coord_a, "1001"),
            (world.coord_b, "1002"),
            (world.officer_1, "2001"),
            (world.officer_2, "2002"),
            (world.admin, "3001"),
            (world.observer, "4001"),
        ):
            await tx.members.link(member_id, "console", chat, chat, stamp)
    return world


@pytest.fixture
async def world(db: Database) -> World:
    """Return the seeded world."""
    return await seed_world(db)


class Chat:
    """Drive the router as one sender, the way a channel would."""

    _ids = itertools.count(1)

    def __init__(self, router: Router, sender: str, channel: str = "console") -> None:
        self.router = router
        self.sender = sender
        self.channel = channel
        self.last: list[Reply] = []

    async def send(
        self,
        text: str | None = None,
        *,
        choice: str | None = None,
        photo: str | None = None,
        event_id: str | None = None,
    ) -> list[Reply]:
        """Send text, a choice token or a photo; return (and remember) the replies."""
        event = Incoming(
            channel=self.channel,
            sender=self.sender,
            event_id=event_id or f"e{next(self._ids)}",
            text=text,
            choice=choice,
            photo=photo,
        )
        self.last = await self.router.handle(event)
        return self.last

    def choices(self) -> list[Choice]:
        """Return the choices of the last reply that had any."""
        for reply in reversed(self.last):
            if reply.choices:
                return list(reply.choices)
        return []

    def choice_id(self, label_part: str) -> str:
        """Return the id of the last offered choice whose label contains `label_part`."""
        for choice in self.choices():
            if label_part.casefold() in choice.label.casefold():
                return choice.id
        raise AssertionError(
            f"no choice like {label_part!r}; offered: {[c.label for c in self.choices()]}"
        )

    async def tap(self, label_part: str) -> list[Reply]:
        """Tap the offered choice whose label contains `label_part`."""
        return await self.send(choice=self.choice_id(label_part))

    @property
    def text(self) -> str:
        """Return all texts of the last replies, joined."""
        return "\n".join(r.text for r in self.last)
