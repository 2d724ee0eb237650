"""Members (coordinators, officers, admins, observers), chat identities and invites."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from storage.base import Repo
from storage.scope import Scope


@dataclass(frozen=True, slots=True)
class Member:
    """A person who uses the bot, with the scope of what they may see."""

    id: int
    role: str
    name: str
    pokmas_id: int | None
    officer_code: str | None
    kabupaten: str | None
    phone: str | None
    language: str
    active: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Member:
        """Build from a `SELECT *` row."""
        return cls(
            id=row["id"],
            role=row["role"],
            name=row["name"],
            pokmas_id=row["pokmas_id"],
            officer_code=row["officer_code"],
            kabupaten=row["kabupaten"],
            phone=row["phone"],
            language=row["language"],
            active=bool(row["active"]),
        )

    @property
    def scope(self) -> Scope:
        """Return what this member may see."""
        return Scope(
            role=self.role,
            member_id=self.id,
            pokmas_id=self.pokmas_id,
            kabupaten=self.kabupaten,
        )


@dataclass(frozen=True, slots=True)
class Identity:
    """A chat account linked to a member."""

    channel: str
    external_id: str
    member_id: int
    address: str
    last_inbound_at: str | None
    unreachable_since: str | None


@dataclass(frozen=True, slots=True)
class MemberListing:
    """One line of the `members` listing."""

    member: Member
    scope_label: str
    identities: tuple[Identity, ...]


@dataclass(frozen=True, slots=True)
class InviteCheck:
    """What redeeming an invite code found."""

    status: str  # ok | unknown | expired | used | inactive
    member: Member | None = None


def hash_code(code: str) -> str:
    """Hash an invite code for storage (codes carry >= 64 random bits)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _identity(row: sqlite3.Row) -> Identity:
    return Identity(
        channel=row["channel"],
        external_id=row["external_id"],
        member_id=row["member_id"],
        address=row["address"],
        last_inbound_at=row["last_inbound_at"],
        unreachable_since=row["unreachable_since"],
    )


class MembersRepo(Repo):
    """Read and write members, their chat identities and their invites."""

    async def get(self, member_id: int) -> Member | None:
        """Return one member by id."""
        row = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        return None if row is None else Member.from_row(row)

    async def by_officer_code(self, code: str) -> Member | None:
        """Return the officer with this code (case-insensitive)."""
        row = await self._one(
            "SELECT * FROM members WHERE officer_code = ? COLLATE NOCASE", (code,)
        )
        return None if row is None else Member.from_row(row)

    async def officer_codes(self) -> dict[str, int]:
        """Return every officer code (upper-cased) with the member id."""
        rows = await self._all(
            "SELECT officer_code, id FROM members WHERE officer_code IS NOT NULL"
        )
        return {str(r["officer_code"]).upper(): int(r["id"]) for r in rows}

    async def by_identity(self, channel: str, external_id: str) -> Member | None:
        """Return the member linked to a chat identity, if any."""
        row = await self._one(
            "SELECT m.* FROM identities i JOIN members m ON m.id = i.member_id "
            "WHERE i.channel = ? AND i.external_id = ?",
            (channel, external_id),
        )
        return None if row is None else Member.from_row(row)

    async def create(
        self,
        *,
        role: str,
        name: str,
        now: str,
        pokmas_id: int | None = None,
        officer_code: str | None = None,
        kabupaten: str | None = None,
        phone: str | None = None,
        language: str = "id",
    ) -> int:
        """Create a member; return its id."""
        member_id, _ = await self._exec(
            "INSERT INTO members (role, name, pokmas_id, officer_code, kabupaten, phone, "
            "language, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (role, name, pokmas_id, officer_code, kabupaten, phone, language, now, now),
        )
        return member_id

    async def upsert_officer(self, code: str, name: str, phone: str | None, now: str) -> str:
        """Insert or update an officer by code; return created/updated/unchanged."""
        row = await self._one(
            "SELECT * FROM members WHERE officer_code = ? COLLATE NOCASE", (code,)
        )
        if row is None:
            await self.create(role="officer", name=name, officer_code=code, phone=phone, now=now)
            return "created"
        if row["name"] == name and row["phone"] == phone:
            return "unchanged"
        await self._exec(
            "UPDATE members SET name = ?, phone = ?, updated_at = ? WHERE id = ?",
            (name, phone, now, row["id"]),
        )
        return "updated"

    async def set_language(self, member_id: int, language: str, now: str) -> None:
        """Change a member's language (id or en)."""
        await self._exec(
            "UPDATE members SET language = ?, updated_at = ? WHERE id = ?",
            (language, now, member_id),
        )

    async def deactivate(self, member_id: int, now: str) -> bool:
        """Disable a member and unlink every chat identity; return False if unknown."""
        _, count = await self._exec(
            "UPDATE members SET active = 0, updated_at = ? WHERE id = ?", (now, member_id)
        )
        if not count:
            return False
        await self._exec("DELETE FROM identities WHERE member_id = ?", (member_id,))
        await self._exec("DELETE FROM conversations WHERE member_id = ?", (member_id,))
        await self._exec(
            "UPDATE invites SET used_at = ? WHERE member_id = ? AND used_at IS NULL",
            (now, member_id),
        )
        return True

    async def by_role(self, role: str) -> list[Member]:
        """Return the active members with one role."""
        rows = await self._all(
            "SELECT * FROM members WHERE role = ? AND active = 1 ORDER BY id", (role,)
        )
        return [Member.from_row(r) for r in rows]

    async def listing(self) -> list[MemberListing]:
        """Return every member with a scope label and linked identities."""
        rows = await self._all(
            "SELECT m.*, p.code AS pokmas_code FROM members m "
            "LEFT JOIN pokmas p ON p.id = m.pokmas_id ORDER BY m.role, m.name"
        )
        idents = await self._all("SELECT * FROM identities ORDER BY channel")
        by_member: dict[int, list[Identity]] = {}
        for ident in idents:
            by_member.setdefault(int(ident["member_id"]), []).append(_identity(ident))
        out = []
        for r in rows:
            member = Member.from_row(r)
            label = {
                "coordinator": f"pokmas {r['pokmas_code']}",
                "officer": f"officer {member.officer_code}",
                "observer": f"kabupaten {member.kabupaten}",
            }.get(member.role, "all")
            out.append(MemberListing(member, label, tuple(by_member.get(member.id, ()))))
        return out

    # -- chat identities ---------------------------------------------------------

    async def identities_of(self, member_id: int) -> list[Identity]:
        """Return a member's linked chat identities."""
        rows = await self._all(
            "SELECT * FROM identities WHERE member_id = ? ORDER BY linked_at", (member_id,)
        )
        return [_identity(r) for r in rows]

    async def identity(self, channel: str, external_id: str) -> Identity | None:
        """Return one chat identity."""
        row = await self._one(
            "SELECT * FROM identities WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )
        return None if row is None else _identity(row)

    async def link(
        self, member_id: int, channel: str, external_id: str, address: str, now: str
    ) -> None:
        """Link a chat identity to a member (replacing an earlier link of it)."""
        await self._exec(
            "INSERT INTO identities (channel, external_id, member_id, address, linked_at, "
            "last_inbound_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (channel, external_id) DO UPDATE SET member_id = excluded.member_id, "
            "address = excluded.address, linked_at = excluded.linked_at, "
            "unreachable_since = NULL",
            (channel, external_id, member_id, address, now, now),
        )

    async def touch_inbound(
        self,
        channel: str,
        external_id: str,
        address: str,
        now: str,
        offered: list[tuple[str, str]] | None = None,
    ) -> None:
        """Record an inbound message (reachable again, 24-hour window reopened) and the
        action buttons the reply to it offers (so a typed number can pick one)."""
        await self._exec(
            "UPDATE identities SET last_inbound_at = ?, unreachable_since = NULL, address = ?, "
            "offered = ? WHERE channel = ? AND external_id = ?",
            (now, address, json.dumps(offered) if offered else None, channel, external_id),
        )

    async def offered(self, channel: str, external_id: str) -> list[tuple[str, str]]:
        """Return the action buttons (id, label) last shown in this chat."""
        raw = await self._scalar(
            "SELECT offered FROM identities WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )
        return [(str(i), str(label)) for i, label in json.loads(raw)] if raw else []

    async def mark_unreachable(self, channel: str, external_id: str, now: str) -> None:
        """Mark an identity unreachable (the user blocked the bot)."""
        await self._exec(
            "UPDATE identities SET unreachable_since = coalesce(unreachable_since, ?) "
            "WHERE channel = ? AND external_id = ?",
            (now, channel, external_id),
        )

    # -- invites -------------------------------------------------------------------

    async def add_invite(
        self, member_id: int, code: str, created_by: str, now: str, expires_at: str
    ) -> int:
        """Store an invite for a member, hashed; return its id."""
        invite_id, _ = await self._exec(
            "INSERT INTO invites (code_hash, member_id, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (hash_code(code), member_id, created_by, now, expires_at),
        )
        return invite_id

    async def redeem_invite(
        self, code: str, channel: str, external_id: str, now: str
    ) -> InviteCheck:
        """Use an invite code once; on success the caller links the identity."""
        row = await self._one(
            "SELECT m.*, i.id AS invite_id, i.expires_at AS invite_expires_at, "
            "i.used_at AS invite_used_at FROM invites i "
            "JOIN members m ON m.id = i.member_id WHERE i.code_hash = ?",
            (hash_code(code),),
        )
        if row is None:
            return InviteCheck("unknown")
        member = Member.from_row(row)
        if row["invite_used_at"] is not None:
            return InviteCheck("used")
        if row["invite_expires_at"] <= now:
            return InviteCheck("expired")
        if not member.active:
            return InviteCheck("inactive")
        await self._exec(
            "UPDATE invites SET used_at = ?, used_channel = ?, used_external_id = ? WHERE id = ?",
            (now, channel, external_id, row["invite_id"]),
        )
        return InviteCheck("ok", member)

    async def was_deactivated(self, channel: str, external_id: str) -> bool:
        """Return True when this chat redeemed an invite of a member now deactivated.

        Deactivation unlinks the chat identities, so the invite that linked the chat
        is what still remembers whose chat it was.
        """
        row = await self._one(
            "SELECT m.active FROM invites i JOIN members m ON m.id = i.member_id "
            "WHERE i.used_channel = ? AND i.used_external_id = ? "
            "ORDER BY i.used_at DESC LIMIT 1",
            (channel, external_id),
        )
        return row is not None and not row["active"]

    async def record_auth_failure(self, channel: str, external_id: str, now: str) -> None:
        """Count one wrong invite code from a sender."""
        await self._exec(
            "INSERT INTO auth_failures (channel, external_id, at) VALUES (?, ?, ?)",
            (channel, external_id, now),
        )

    async def prune_auth_failures(self, before: str) -> int:
        """Forget wrong-code attempts older than a time (the limit is per hour)."""
        _, count = await self._exec("DELETE FROM auth_failures WHERE at < ?", (before,))
        return count

    async def auth_failures_since(self, channel: str, external_id: str, since: str) -> int:
        """Return how many wrong codes a sender sent since a time."""
        return int(
            await self._scalar(
                "SELECT count(*) FROM auth_failures WHERE channel = ? AND external_id = ? "
                "AND at >= ?",
                (channel, external_id, since),
            )
        )
