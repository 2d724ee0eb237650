"""Scope across every command of issue 6: who may use what, and who may see which klien.

- An officer never sees another officer's klien: not by card, search, action token,
  summary (text and chart), overdue list or export.
- A coordinator cannot use officer or admin commands (nor open cards by token).
- An observer never receives a klien name or register number: every reply text and
  every attachment byte is searched for every klien's name and register number.
- The storage reads take the scope as a parameter (checked here on the repository).
"""

from __future__ import annotations

import io
import zipfile

from handlers.commands import COMMANDS
from handlers.model import Reply
from storage import Scope
from storage.members import Member
from tests.conftest import Chat, World
from tests.seed_activity import seed_activity

OFFICER_COMMANDS = ("/ringkasan", "/tertunda", "/ekspor", "/klien Joko")
ADMIN_COMMANDS = ("/undang pk PK01", "/pokmas", "/anggota", "/pindah PB-0001/2026 PK02")


def payload(replies: list[Reply]) -> bytes:
    """Return every text, choice and attachment of replies as bytes, XLSX unzipped."""
    parts: list[bytes] = []
    for reply in replies:
        parts.append(reply.text.encode())
        for choice in reply.choices:
            parts += [
                choice.id.encode(),
                choice.label.encode(),
                (choice.description or "").encode(),
            ]
        if reply.attachment is not None:
            data = reply.attachment.data
            parts.append(data)
            if data[:2] == b"PK":  # a zip (XLSX): its XML parts are compressed
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    parts += [archive.read(name) for name in archive.namelist()]
    return b"\n".join(parts)


def leaks(world: World, data: bytes, klien_ids: list[int]) -> list[str]:
    """Return the names and register numbers of these klien that appear in `data`."""
    found = []
    for klien_id in klien_ids:
        for secret in (world.names[klien_id], world.register_nos[klien_id]):
            if secret.encode() in data:
                found.append(secret)
    return found


async def test_officer_never_sees_another_officers_klien(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    others = world.klien_b
    seen: list[Reply] = []
    for text in (
        "/ringkasan",
        "/ringkasan 7",
        "/ringkasan bulan",
        "/tertunda",
        "/ekspor",
        "/ekspor 01/01/2026 30/11/2026",
        "/klien Klien",
        "/klien 0005",
    ):
        seen += await chat.send(text)
    # Searching by another officer's klien's name or number finds nothing (the reply
    # echoes only what the officer typed).
    for klien_id in others:
        for query in (world.names[klien_id], world.register_nos[klien_id]):
            await chat.send(f"/klien {query}")
            assert chat.text == f"Tidak ada klien Anda yang cocok dengan \u201c{query}\u201d."
    for klien_id in others:
        seen += await chat.send(choice=f"a:klien:{klien_id}")
    data = payload(seen)
    assert leaks(world, data, others) == []
    assert leaks(world, data, world.klien_a) != []  # the officer does see their own
    assert any(r.attachment and r.attachment.kind == "image" for r in seen)
    assert any(r.attachment and r.attachment.kind == "document" for r in seen)


async def test_coordinator_cannot_use_officer_or_admin_commands(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "1001")
    for text in OFFICER_COMMANDS[:3] + ADMIN_COMMANDS:
        await chat.send(text)
        assert "tidak tersedia untuk peran Anda" in chat.text, text
        assert all(r.attachment is None for r in chat.last)
    for klien_id in world.klien_a + world.klien_b:
        await chat.send(choice=f"a:klien:{klien_id}")
        assert chat.text == "Pilihan itu tidak tersedia untuk Anda."
    await chat.send("/klien Joko")  # the coordinator's own /klien: their list, no search
    assert "Joko" not in chat.text and "Kartu klien" not in chat.text
    async with world.db.read() as tx:
        reads = await tx.audit._scalar(
            "SELECT count(*) FROM audit_log WHERE action IN ('klien.read', 'export.reports')"
        )
    assert reads == 0


async def test_officer_cannot_use_admin_commands(router, world: World) -> None:
    chat = Chat(router, "2001")
    for text in ADMIN_COMMANDS:
        await chat.send(text)
        assert "tidak tersedia untuk peran Anda" in chat.text, text


async def test_observer_never_receives_a_name_or_register_number(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "4001")
    seen: list[Reply] = []
    # Every registered command, with and without an argument that names a klien.
    for name in sorted(COMMANDS):
        for args in ("", " Budi", " PB-0001/2026", " 7", " bulan"):
            seen += await chat.send(f"/{name}{args}")
            seen += await chat.send("/batal")
    for klien_id in world.names:
        seen += await chat.send(choice=f"a:klien:{klien_id}")
        seen += await chat.send(choice=f"a:klien_page:{klien_id}")
    seen += await chat.send("Budi Klien1")
    data = payload(seen)
    assert leaks(world, data, list(world.names)) == []
    for word in (b"Budi", b"Joko", b"PWT01", b"PBG01", b"Pesantren Al-Hidayah", b"Maju Jaya"):
        assert word not in data
    # The observer's summary did run (/bahasa switched the language on the way).
    assert b"Ringkasan Kabupaten Banyumas" in data or b"Summary for Kabupaten Banyumas" in data


async def test_storage_reads_take_the_scope(world: World) -> None:
    await seed_activity(world)
    officer_1 = Scope(role="officer", member_id=world.officer_1)
    coordinator_b = Scope(role="coordinator", pokmas_id=world.pokmas_b)
    observer = Member(world.observer, "observer", "x", None, None, "Banyumas", None, "id", True)
    async with world.db.read() as tx:
        found, total = await tx.summary.search_klien(officer_1, "Klien")
        assert {k.id for k in found} == set(world.klien_a) and total == 3
        found, _ = await tx.summary.search_klien(coordinator_b, "Klien")
        assert {k.id for k in found} == set(world.klien_b)
        assert await tx.summary.card_people(world.klien_b[0], officer_1) is None
        assert await tx.summary.card_reports(world.klien_b[0], officer_1) == []
        assert len(await tx.summary.card_reports(world.klien_b[0], Scope.everything())) == 2
        items, _ = await tx.summary.pending(
            officer_1,
            today="2026-11-30",
            alert_misses=3,
            quiet_before="2026-11-09T03:00:00Z",
            ending_by="2026-12-07",
        )
        assert {i.klien_id for i in items} <= set(world.klien_a)
        area = await tx.summary.area_figures(
            observer.scope,
            start="2026-10-31T17:00:00Z",
            end="2026-12-01T00:00:00Z",
            work_since="2026-10-01T00:00:00Z",
        )
        assert sum(area.active_by_program.values()) == 3  # Banyumas only
        nobody = await tx.summary.caseload(
            Scope(role="stranger"),
            start="2000-01-01T00:00:00Z",
            end="2100-01-01T00:00:00Z",
            weeks_from=[],
            today="2026-11-30",
            due_until="2026-12-07",
            quiet_before="2026-11-16T03:00:00Z",
        )
    assert nobody.klien == {} and nobody.reports == {} and nobody.silent_total == 0
