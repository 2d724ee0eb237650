"""What a member may see, as SQL conditions applied inside every read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Scope:
    """The klien a member may see: by role, Pokmas, officer or kabupaten."""

    role: str
    member_id: int | None = None
    pokmas_id: int | None = None
    kabupaten: str | None = None

    @classmethod
    def everything(cls) -> Scope:
        """Return the admin/CLI scope (a whole Bapas)."""
        return cls(role="admin")

    def klien_condition(self, alias: str = "k") -> tuple[str, list[Any]]:
        """Return a SQL condition and its parameters restricting `alias` (a klien row)."""
        if self.role == "admin":
            return "1 = 1", []
        if self.role == "officer":
            return f"{alias}.officer_id = ?", [self.member_id]
        if self.role == "coordinator":
            return f"{alias}.pokmas_id = ?", [self.pokmas_id]
        if self.role == "observer":
            return (
                f"{alias}.pokmas_id IN (SELECT id FROM pokmas WHERE kabupaten = ?)",
                [self.kabupaten],
            )
        return "0 = 1", []  # unknown role: nothing
