"""Pokmas Lipas: the community partners that place and mentor klien."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass, fields
from datetime import date

from storage.base import Repo


@dataclass(frozen=True, slots=True)
class PokmasIn:
    """A Pokmas as imported or edited (no database id)."""

    code: str
    name: str
    sector: str
    kabupaten: str
    pks_number: str | None = None
    pks_signed: str | None = None
    pks_expires: str | None = None
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class Pokmas:
    """A stored Pokmas."""

    id: int
    code: str
    name: str
    sector: str
    kabupaten: str
    pks_number: str | None
    pks_signed: str | None
    pks_expires: str | None
    capacity: int | None
    active: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Pokmas:
        """Build from a `SELECT *` row."""
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            sector=row["sector"],
            kabupaten=row["kabupaten"],
            pks_number=row["pks_number"],
            pks_signed=row["pks_signed"],
            pks_expires=row["pks_expires"],
            capacity=row["capacity"],
            active=bool(row["active"]),
        )


@dataclass(frozen=True, slots=True)
class PokmasOverview:
    """One line of the admin's Pokmas list."""

    pokmas: Pokmas
    klien_active: int
    last_report_at: str | None


_IN_FIELDS = [f.name for f in fields(PokmasIn)]


class PokmasRepo(Repo):
    """Read and write Pokmas."""

    async def upsert(self, item: PokmasIn, now: str) -> str:
        """Insert or update by code; return 'created', 'updated' or 'unchanged'."""
        row = await self._one("SELECT * FROM pokmas WHERE code = ?", (item.code,))
        if row is None:
            cols = ", ".join(_IN_FIELDS)
            marks = ", ".join("?" for _ in _IN_FIELDS)
            await self._exec(
                f"INSERT INTO pokmas ({cols}, created_at, updated_at) VALUES ({marks}, ?, ?)",
                (*astuple(item), now, now),
            )
            return "created"
        if all(row[name] == getattr(item, name) for name in _IN_FIELDS):
            return "unchanged"
        sets = ", ".join(f"{name} = ?" for name in _IN_FIELDS)
        await self._exec(
            f"UPDATE pokmas SET {sets}, updated_at = ? WHERE id = ?",
            (*astuple(item), now, row["id"]),
        )
        return "updated"

    async def get(self, pokmas_id: int) -> Pokmas | None:
        """Return one Pokmas by id."""
        row = await self._one("SELECT * FROM pokmas WHERE id = ?", (pokmas_id,))
        return None if row is None else Pokmas.from_row(row)

    async def by_code(self, code: str) -> Pokmas | None:
        """Return one Pokmas by its code (case-insensitive)."""
        row = await self._one("SELECT * FROM pokmas WHERE code = ? COLLATE NOCASE", (code,))
        return None if row is None else Pokmas.from_row(row)

    async def codes(self) -> dict[str, int]:
        """Return every Pokmas code (upper-cased) with its id."""
        rows = await self._all("SELECT code, id FROM pokmas")
        return {str(r["code"]).upper(): int(r["id"]) for r in rows}

    async def overview(self) -> list[PokmasOverview]:
        """Return every Pokmas with active klien count and last report time."""
        rows = await self._all(
            """
            SELECT p.*,
                   (SELECT count(*) FROM klien k
                     WHERE k.pokmas_id = p.id AND k.status = 'aktif') AS klien_active,
                   (SELECT max(r.created_at) FROM reports r
                     WHERE r.pokmas_id = p.id) AS last_report_at
            FROM pokmas p
            ORDER BY p.kabupaten, p.code
            """
        )
        return [
            PokmasOverview(Pokmas.from_row(r), int(r["klien_active"]), r["last_report_at"])
            for r in rows
        ]

    async def expiring(self, until: date) -> list[Pokmas]:
        """Return active Pokmas whose agreement (PKS) expires on or before `until`."""
        rows = await self._all(
            "SELECT * FROM pokmas WHERE active = 1 AND pks_expires IS NOT NULL "
            "AND pks_expires <= ? ORDER BY pks_expires",
            (until.isoformat(),),
        )
        return [Pokmas.from_row(r) for r in rows]
