"""Conversation state: which flow and step a member is in, and the draft so far."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storage.base import Repo


@dataclass(slots=True)
class ConversationState:
    """A member's place in a flow; mutable while one event is handled."""

    member_id: int
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    seq: int = 0
    expires_at: str = ""
    nudged: bool = False


@dataclass(frozen=True, slots=True)
class ExpiringDraft:
    """A draft about to expire: whose, which flow, when."""

    member_id: int
    flow: str
    expires_at: str


class ConversationsRepo(Repo):
    """Load, save and clear conversation state."""

    async def load(self, member_id: int) -> ConversationState | None:
        """Return a member's conversation, if one is open."""
        row = await self._one("SELECT * FROM conversations WHERE member_id = ?", (member_id,))
        if row is None:
            return None
        return ConversationState(
            member_id=row["member_id"],
            flow=row["flow"],
            step=row["step"],
            data=json.loads(row["data"]),
            history=json.loads(row["history"]),
            seq=row["seq"],
            expires_at=row["expires_at"],
            nudged=bool(row["nudged"]),
        )

    async def save(self, state: ConversationState, now: str) -> None:
        """Insert or replace a member's conversation."""
        await self._exec(
            "INSERT INTO conversations (member_id, flow, step, data, history, seq, updated_at, "
            "expires_at, nudged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET flow = excluded.flow, step = excluded.step, "
            "data = excluded.data, history = excluded.history, seq = excluded.seq, "
            "updated_at = excluded.updated_at, expires_at = excluded.expires_at, "
            "nudged = excluded.nudged",
            (
                state.member_id,
                state.flow,
                state.step,
                json.dumps(state.data, ensure_ascii=False),
                json.dumps(state.history),
                state.seq,
                now,
                state.expires_at,
                int(state.nudged),
            ),
        )

    async def clear(self, member_id: int) -> None:
        """End a member's conversation."""
        await self._exec("DELETE FROM conversations WHERE member_id = ?", (member_id,))

    async def expiring_between(self, after: str, before: str) -> list[ExpiringDraft]:
        """Return un-nudged drafts expiring in (after, before], oldest expiry first."""
        rows = await self._all(
            "SELECT member_id, flow, expires_at FROM conversations "
            "WHERE expires_at > ? AND expires_at <= ? AND nudged = 0 ORDER BY expires_at",
            (after, before),
        )
        return [ExpiringDraft(int(r["member_id"]), r["flow"], r["expires_at"]) for r in rows]

    async def mark_nudged(self, member_id: int) -> None:
        """Remember that the expiry nudge was sent."""
        await self._exec("UPDATE conversations SET nudged = 1 WHERE member_id = ?", (member_id,))
