"""Invites: one-time registration codes, created from the CLI or by an admin in chat."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from storage import Tx
from storage.timeutil import ts


class InviteError(Exception):
    """An invite that cannot be made; `key` is a catalog key, `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class NewInvite:
    """A freshly made invite; the code is shown once and stored only hashed."""

    code: str
    member_id: int
    member_name: str
    role: str
    expires_at: datetime


def new_code() -> str:
    """Return a URL-safe code with 96 random bits (16 characters)."""
    return secrets.token_urlsafe(12)


async def create_invite(
    tx: Tx,
    *,
    role: str,
    now: datetime,
    created_by: str,
    name: str | None = None,
    pokmas_code: str | None = None,
    officer_code: str | None = None,
    kabupaten: str | None = None,
    days: int = 7,
) -> NewInvite:
    """Create (or reuse) the member for a role and store a hashed one-time code for them."""
    if not 1 <= days <= 90:
        raise InviteError("invite.bad_days")
    stamp = ts(now)
    if role == "officer":
        if not officer_code:
            raise InviteError("invite.need_officer")
        officer = await tx.members.by_officer_code(officer_code)
        if officer is None:
            raise InviteError("invite.unknown_officer", code=officer_code)
        member_id, member_name = officer.id, officer.name
    elif role == "coordinator":
        if not pokmas_code:
            raise InviteError("invite.need_pokmas")
        pokmas = await tx.pokmas.by_code(pokmas_code)
        if pokmas is None:
            raise InviteError("invite.unknown_pokmas", code=pokmas_code)
        member_name = name or f"Koordinator {pokmas.name}"
        member_id = await tx.members.create(
            role="coordinator", name=member_name, pokmas_id=pokmas.id, now=stamp
        )
    elif role == "observer":
        if not kabupaten:
            raise InviteError("invite.need_kabupaten")
        member_name = name or f"Dinas Sosial {kabupaten.title()}"
        member_id = await tx.members.create(
            role="observer", name=member_name, kabupaten=kabupaten.title(), now=stamp
        )
    elif role == "admin":
        member_name = name or "Admin"
        member_id = await tx.members.create(role="admin", name=member_name, now=stamp)
    else:
        raise InviteError("invite.bad_role", role=role)
    code = new_code()
    expires = now + timedelta(days=days)
    await tx.members.add_invite(member_id, code, created_by, stamp, ts(expires))
    await tx.audit.add(at=stamp, actor=created_by, action="invite.create", member_id=member_id)
    return NewInvite(code, member_id, member_name, role, expires)


def telegram_link(bot_username: str | None, code: str) -> str | None:
    """Return the t.me deep link for a code, when the bot's username is known."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def whatsapp_link(business_number: str | None, code: str) -> str | None:
    """Return the wa.me link that pre-fills `DAFTAR <code>`, when the number is known."""
    if not business_number:
        return None
    digits = "".join(ch for ch in business_number if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote('DAFTAR ' + code)}"
