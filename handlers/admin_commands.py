"""Admin commands in chat: /undang (invites), /pokmas, /anggota, /pindah (reassign a klien)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.card import klien_choice
from handlers.commands import ADMIN, command, parse_id
from handlers.context import Context
from handlers.i18n import t
from handlers.invites import InviteError, create_invite, telegram_link, whatsapp_link
from handlers.model import Reply
from handlers.notify import renderer
from storage import Scope
from storage.members import Member
from storage.outbox import OutboxItem, OutboxRow
from storage.pokmas import Pokmas
from storage.timeutil import parse_ts

ROLE_WORDS = {
    "pk": "officer",
    "petugas": "officer",
    "officer": "officer",
    "koordinator": "coordinator",
    "coordinator": "coordinator",
    "ketua": "coordinator",
    "pengamat": "observer",
    "dinsos": "observer",
    "observer": "observer",
    "admin": "admin",
}
ROLE_ORDER = ("admin", "officer", "coordinator", "observer")
_NEED_KEYS = ("invite.need_officer", "invite.need_pokmas", "invite.need_kabupaten")


@dataclass(frozen=True)
class InviteRequest:
    """What `/undang` asked for, before `create_invite` checks it."""

    role: str
    days: int = 7
    name: str | None = None
    pokmas_code: str | None = None
    officer_code: str | None = None
    kabupaten: str | None = None


def parse_undang(args: list[str]) -> InviteRequest | None:
    """Read `ROLE [CODE|KABUPATEN] [name...] [hari=N]`; None when there is no role."""
    days = 7
    words: list[str] = []
    for arg in args:
        if arg.casefold().startswith(("hari=", "days=")):
            value = parse_id(arg.split("=", 1)[1])
            if value is None:
                return None
            days = value
        else:
            words.append(arg)
    if not words:
        return None
    role = ROLE_WORDS.get(words[0].casefold(), words[0].casefold()[:20])
    first = words[1] if len(words) > 1 else None
    rest = " ".join(words[2:]) or None
    if role == "officer":
        return InviteRequest(role, days, officer_code=first)
    if role == "coordinator":
        return InviteRequest(role, days, name=rest, pokmas_code=first)
    if role == "observer":
        return InviteRequest(role, days, name=rest, kabupaten=first)
    return InviteRequest(role, days, name=" ".join(words[1:]) or None)


@command("undang", ADMIN, "admin.menu_undang")
async def undang(ctx: Context, args: list[str]) -> list[Reply]:
    """Create a one-time invite code for a new member, with its links."""
    parsed = parse_undang(args)
    if parsed is None:
        return [ctx.reply("admin.undang_usage")]
    try:
        invite = await create_invite(
            ctx.tx,
            role=parsed.role,
            now=ctx.now,
            created_by=f"member:{ctx.member.id}",
            name=parsed.name,
            pokmas_code=parsed.pokmas_code,
            officer_code=parsed.officer_code,
            kabupaten=parsed.kabupaten,
            days=parsed.days,
        )
    except InviteError as bad:
        if bad.key in _NEED_KEYS:
            return [ctx.reply("admin.undang_usage")]
        return [ctx.reply(bad.key, **bad.params), ctx.reply("admin.undang_usage")]
    lines = [
        ctx.t(
            "admin.undang_done",
            role=ctx.t(f"admin.role.{invite.role}"),
            member=invite.member_id,
            name=invite.member_name,
            code=invite.code,
            expires=ctx.local(invite.expires_at).strftime("%d/%m/%Y %H:%M"),
        )
    ]
    link = telegram_link(ctx.settings.bot_username, invite.code)
    if link:
        lines.append(ctx.t("admin.undang_telegram", link=link))
    link = whatsapp_link(ctx.settings.whatsapp_number, invite.code)
    if link:
        lines.append(ctx.t("admin.undang_whatsapp", link=link))
    lines.append(ctx.t("admin.undang_daftar", code=invite.code))
    return [Reply("\n".join(lines))]


def _pks(ctx: Context, pokmas: Pokmas) -> str:
    if not pokmas.pks_expires:
        return ctx.t("admin.pks_none")
    expires = date.fromisoformat(pokmas.pks_expires)
    days = (expires - ctx.today).days
    shown = ctx.date_text(expires)
    if days < 0:
        return ctx.t("admin.pks_expired", date=shown)
    if days <= ctx.settings.reminders.pks_expiry_days:
        return ctx.t("admin.pks_soon", date=shown, days=days)
    return ctx.t("admin.pks_until", date=shown)


@command("pokmas", ADMIN, "admin.menu_pokmas")
async def pokmas_list(ctx: Context, args: list[str]) -> list[Reply]:
    """List every Pokmas with its active klien, last report and PKS expiry."""
    overview = await ctx.tx.pokmas.overview()
    if not overview:
        return [ctx.reply("admin.pokmas_none")]
    lines = [ctx.t("admin.pokmas_title", count=len(overview)), ""]
    for row in overview:
        p = row.pokmas
        last = (
            ctx.t(
                "admin.pokmas_last",
                date=ctx.date_text(ctx.local(parse_ts(row.last_report_at)).date()),
            )
            if row.last_report_at
            else ctx.t("admin.pokmas_no_report")
        )
        line = ctx.t(
            "admin.pokmas_line",
            code=p.code,
            name=p.name,
            kabupaten=p.kabupaten,
            sector=ctx.t(f"summary.sector.{p.sector}"),
            klien=row.klien_active,
            last=last,
            pks=_pks(ctx, p),
        )
        if not p.active:
            line += " " + ctx.t("admin.pokmas_inactive")
        lines.append(line)
    return [Reply("\n".join(lines))]


@command("anggota", ADMIN, "admin.menu_anggota")
async def anggota(ctx: Context, args: list[str]) -> list[Reply]:
    """List the members by role, with their scope and linked chat channels."""
    listing = await ctx.tx.members.listing()
    codes = {pid: code for code, pid in (await ctx.tx.pokmas.codes()).items()}
    lines = [ctx.t("admin.anggota_title", count=len(listing))]
    for role in ROLE_ORDER:
        members = [m for m in listing if m.member.role == role]
        if not members:
            continue
        lines += ["", ctx.t(f"admin.role.{role}") + f" ({len(members)})"]
        for item in members:
            m = item.member
            scope = {
                "officer": m.officer_code,
                "coordinator": codes.get(m.pokmas_id or 0),
                "observer": m.kabupaten,
            }.get(role)
            chats = ", ".join(sorted({i.channel for i in item.identities}))
            lines.append(
                ctx.t(
                    "admin.anggota_line",
                    id=m.id,
                    name=m.name,
                    scope=f" ({scope})" if scope else "",
                    chats=chats or ctx.t("admin.anggota_unlinked"),
                    inactive="" if m.active else ctx.t("admin.anggota_inactive"),
                )
            )
    return [Reply("\n".join(lines))]


async def _target(ctx: Context, text: str) -> tuple[Member | None, Pokmas | None, Reply | None]:
    """Resolve an officer code or Pokmas code (optionally prefixed pk: / pokmas:)."""
    prefix, _, code = text.rpartition(":")
    prefix = prefix.casefold()
    officer = None
    if prefix in ("", "pk", "officer"):
        found = await ctx.tx.members.by_officer_code(code)
        if found is not None and found.role == "officer" and found.active:
            officer = found
    pokmas = None
    if prefix in ("", "pokmas"):
        place = await ctx.tx.pokmas.by_code(code)
        if place is not None and place.active:
            pokmas = place
    if officer and pokmas:
        return None, None, ctx.reply("admin.pindah_ambiguous", code=code)
    if not officer and not pokmas:
        return None, None, ctx.reply("admin.pindah_no_target", code=code[:32])
    return officer, pokmas, None


@command("pindah", ADMIN, "admin.menu_pindah")
async def pindah(ctx: Context, args: list[str]) -> list[Reply]:
    """Move a klien to another officer or Pokmas, keep the history, tell who takes over."""
    if len(args) != 2:
        return [ctx.reply("admin.pindah_usage")]
    klien = await ctx.tx.klien.by_register_no(args[0], Scope.everything())
    if klien is None:
        return [ctx.reply("admin.pindah_no_klien", register_no=args[0][:40])]
    officer, pokmas, problem = await _target(ctx, args[1])
    if problem is not None:
        return [problem]
    old_officer = await ctx.tx.members.get(klien.officer_id) if klien.officer_id else None
    old_pokmas = await ctx.tx.pokmas.get(klien.pokmas_id) if klien.pokmas_id else None
    nobody = ctx.t("admin.nobody")
    new_officer_id: int | None
    new_pokmas_id: int | None
    if officer is not None:
        if officer.id == klien.officer_id:
            return [ctx.reply("admin.pindah_same", klien=klien.name, target=officer.officer_code)]
        new_officer_id, new_pokmas_id = officer.id, klien.pokmas_id
    else:
        assert pokmas is not None
        if pokmas.id == klien.pokmas_id:
            return [ctx.reply("admin.pindah_same", klien=klien.name, target=pokmas.code)]
        new_officer_id, new_pokmas_id = klien.officer_id, pokmas.id
    await ctx.tx.klien.reassign(
        klien.id,
        officer_id=new_officer_id,
        pokmas_id=new_pokmas_id,
        on=ctx.today.isoformat(),
        changed_by=f"member:{ctx.member.id}",
        now=ctx.stamp,
    )
    current_pokmas = pokmas or old_pokmas
    current_officer = officer or old_officer
    payload = {
        "klien_id": klien.id,
        "klien": klien.name,
        "register_no": klien.register_no,
        "program": klien.program,
        "pokmas": current_pokmas.code if current_pokmas else None,
        "officer": current_officer.name if current_officer else None,
        "by": ctx.member.name,
    }
    if officer is not None:
        recipients = [(officer.id, "officer")]
        detail = (
            f"officer {old_officer.officer_code if old_officer else '-'} -> {officer.officer_code}"
        )
    else:
        assert pokmas is not None
        recipients = [(m, "coordinator") for m in await ctx.tx.summary.coordinators_of(pokmas.id)]
        detail = f"pokmas {old_pokmas.code if old_pokmas else '-'} -> {pokmas.code}"
    for member_id, role in recipients:
        await ctx.tx.outbox.enqueue(
            OutboxRow(
                kind="reassigned",
                subject=f"klien:{klien.id}",
                period=ctx.stamp,
                member_id=member_id,
                payload={**payload, "for": role},
            ),
            now=ctx.stamp,
        )
    ctx.outbox_written = ctx.outbox_written or bool(recipients)
    await ctx.audit("klien.reassign", klien.id, detail)
    if officer is not None:
        old = old_officer.officer_code if old_officer else nobody
        return [
            ctx.reply(
                "admin.pindah_done_officer", klien=klien.name, old=old, new=officer.officer_code
            )
        ]
    assert pokmas is not None
    old = old_pokmas.code if old_pokmas else nobody
    return [
        ctx.reply(
            "admin.pindah_done_pokmas",
            klien=klien.name,
            old=old,
            new=pokmas.code,
            told=len(recipients),
        )
    ]


@renderer("reassigned")
def render_reassigned(items: list[OutboxItem], lang: str) -> Reply:
    """Tell the new officer (with a button to the card) or coordinator about a moved klien."""
    p = items[0].payload
    program = t(lang, f"summary.program.{p['program']}")
    dash = t(lang, "admin.nobody")
    if p.get("for") == "officer":
        text = t(
            lang,
            "admin.reassigned_officer",
            klien=p["klien"],
            register_no=p["register_no"],
            program=program,
            pokmas=p.get("pokmas") or dash,
            by=p["by"],
        )
        return Reply(text, (klien_choice(int(p["klien_id"]), t(lang, "notify.open_klien")),))
    text = t(
        lang,
        "admin.reassigned_pokmas",
        klien=p["klien"],
        program=program,
        officer=p.get("officer") or dash,
    )
    return Reply(text)
