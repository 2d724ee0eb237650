"""/insiden: report, incident row and officer alert in one transaction; acknowledgement."""

from __future__ import annotations

import json

import pytest

from handlers.model import Incoming
from handlers.notify import render
from handlers.router import Router
from storage import Database
from tests.conftest import Chat, Clock, World
from tests.flowkit import FlowWorld, rows, scalar, seed_flows, snapshot, state, walk


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def _send_incident(router: Router, fw: FlowWorld) -> int:
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden")
    await chat.tap("Kirim")
    assert "Insiden tentang Budi Klien1 tercatat" in chat.text
    return int(await scalar(fw.db, "SELECT max(id) FROM incidents"))


async def test_report_incident_and_alert_together(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden")
    assert "Tingkat: Sedang" in chat.text
    outcome = await router.process(
        Incoming("console", "1001", "ins-send", choice=chat.choice_id("Kirim"))
    )
    assert outcome.outbox_written
    assert "PK sudah diberi tahu" in outcome.replies[0].text
    [(report_id, kind, category, body, klien_id)] = await rows(
        world.db, "SELECT id, kind, category, body, klien_id FROM reports"
    )
    assert (kind, category, klien_id) == ("incident", "insiden", world.klien_a[0])
    assert body == "Bertengkar dengan rekan kerja di bengkel."
    [(incident_id, inc_report, severity, acked)] = await rows(
        world.db, "SELECT id, report_id, severity, acknowledged_at FROM incidents"
    )
    assert (inc_report, severity, acked) == (report_id, "sedang", None)
    [(kind, subject, period, member_id, payload)] = await rows(
        world.db, "SELECT kind, subject, period, member_id, payload FROM outbox"
    )
    assert (kind, subject, period, member_id) == (
        "incident",
        f"incident:{incident_id}",
        "0",
        world.officer_1,
    )
    assert json.loads(payload)["incident_id"] == incident_id
    # the rows were written by the same transaction: one commit, the same timestamp
    stamps = await rows(
        world.db,
        "SELECT (SELECT created_at FROM reports), (SELECT created_at FROM incidents), "
        "(SELECT created_at FROM outbox)",
    )
    assert len(set(stamps[0])) == 1


async def test_alert_failure_rolls_back_the_report(router: Router, fw: FlowWorld) -> None:
    """If writing the alert fails after the report insert, neither report nor incident exists."""
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden")
    before = await snapshot(fw.db)
    async with fw.db.transaction() as tx:
        await tx.conn.execute(
            "CREATE TRIGGER outbox_fails BEFORE INSERT ON outbox WHEN NEW.kind = 'incident' "
            "BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END"
        )
    with pytest.raises(Exception, match="outbox unavailable"):
        await chat.tap("Kirim")
    assert await snapshot(fw.db) == before
    assert await scalar(fw.db, "SELECT count(*) FROM reports") == 0
    assert await scalar(fw.db, "SELECT count(*) FROM incidents") == 0
    assert await state(fw.db, fw.world.coord_a) == ("insiden", "_confirm")  # draft kept
    async with fw.db.transaction() as tx:
        await tx.conn.execute("DROP TRIGGER outbox_fails")
    await chat.send("/bantuan")
    await chat.tap("Kirim")  # a redelivery after the failure works
    assert await scalar(fw.db, "SELECT count(*) FROM incidents") == 1
    assert await scalar(fw.db, "SELECT count(*) FROM outbox WHERE kind = 'incident'") == 1


async def test_klien_without_officer_alerts_the_admins(
    router: Router, fw: FlowWorld, db: Database
) -> None:
    world = fw.world
    async with db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE klien SET officer_id = NULL WHERE id = ?", (world.klien_a[0],)
        )
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden")
    await chat.tap("Kirim")
    assert "admin Bapas sudah diberi tahu" in chat.text
    assert await rows(db, "SELECT member_id FROM outbox WHERE kind = 'incident'") == [
        (world.admin,)
    ]


@pytest.mark.parametrize(
    ("field", "moves", "column", "stored"),
    [
        ("Tingkat", [("tap", "Berat")], "severity", "berat"),
        (
            "Kejadian",
            [("send", "Tidak datang tiga hari berturut-turut.")],
            "body",
            "Tidak datang tiga hari berturut-turut.",
        ),
        ("Klien", [("tap", "Budi Klien3")], "klien", "Budi Klien3"),
    ],
)
async def test_edit_each_field(
    router: Router,
    fw: FlowWorld,
    field: str,
    moves: list[tuple[str, str]],
    column: str,
    stored: str,
) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden")
    await chat.tap("Ubah")
    await chat.tap(field)
    for how, what in moves:
        await (chat.tap(what) if how == "tap" else chat.send(what))
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    [(severity, body, name)] = await rows(
        fw.db,
        "SELECT i.severity, r.body, k.name FROM incidents i JOIN reports r ON r.id = i.report_id "
        "JOIN klien k ON k.id = i.klien_id",
    )
    assert {"severity": severity, "body": body, "klien": name}[column] == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [("rusuh", "Terlalu pendek (5 karakter)"), ("z" * 2001, "Maksimal 2000")],
)
async def test_body_length(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden", upto="body")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("insiden", "body")


async def test_severity_must_be_an_option(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "insiden", upto="severity")
    await chat.send("parah sekali")
    assert "Pilih salah satu pilihan" in chat.text
    await chat.send("4")
    assert "Ketik nomor dari 1 sampai 3" in chat.text
    await chat.send("berat")  # the label, typed
    assert "Ceritakan apa yang terjadi" in chat.text


# -- the alert and its acknowledgement -----------------------------------------------


async def test_alert_renders_with_an_ack_choice(router: Router, fw: FlowWorld) -> None:
    incident_id = await _send_incident(router, fw)
    async with fw.db.read() as tx:
        items = await tx.outbox.due("2026-12-01T00:00:00Z")
    [rendered] = render(items, "id")
    assert "INSIDEN (Sedang)" in rendered.reply.text
    assert "Budi Klien1, Pesantren Al-Hidayah" in rendered.reply.text
    assert "Ustadz Ahmad" in rendered.reply.text
    assert rendered.reply.choices[0].id == f"a:ack:{incident_id}"
    [english] = render(items, "en")
    assert "INCIDENT (Moderate)" in english.reply.text
    assert english.reply.choices[0].label == "Acknowledge"


async def test_repeat_alert_says_it_is_a_reminder(router: Router, fw: FlowWorld) -> None:
    incident_id = await _send_incident(router, fw)
    async with fw.db.read() as tx:
        [first] = await tx.outbox.due("2026-12-01T00:00:00Z")
    repeat = type(first)(**{**{s: getattr(first, s) for s in first.__slots__}, "period": "2"})
    [rendered] = render([repeat], "id")
    assert rendered.reply.text.startswith("Pengingat ke-2")
    assert f"no. {incident_id}" in rendered.reply.text


async def test_officer_acknowledges_once(router: Router, fw: FlowWorld, clock: Clock) -> None:
    incident_id = await _send_incident(router, fw)
    officer = Chat(router, "2001")
    await officer.send(choice=f"a:ack:{incident_id}")
    assert (
        f"Insiden no. {incident_id} tentang Budi Klien1 ditandai diterima" in officer.text
    )
    [(acked_at, acked_by)] = await rows(
        fw.db, "SELECT acknowledged_at, acknowledged_by FROM incidents"
    )
    assert (acked_at, acked_by) == ("2026-11-30T03:00:00Z", fw.world.officer_1)
    assert await rows(
        fw.db, "SELECT member_id, action, klien_id FROM audit_log WHERE action = 'incident.ack'"
    ) == [(fw.world.officer_1, "incident.ack", fw.world.klien_a[0])]
    clock.advance(hours=1)
    admin = Chat(router, "3001")
    await admin.send(choice=f"a:ack:{incident_id}")
    assert "sudah diterima sebelumnya oleh Siti Rahayu (30/11/2026 10:00)" in admin.text
    assert await scalar(fw.db, "SELECT acknowledged_by FROM incidents") == fw.world.officer_1
    assert await scalar(fw.db, "SELECT count(*) FROM audit_log WHERE action = 'incident.ack'") == 1


async def test_admin_may_acknowledge(router: Router, fw: FlowWorld) -> None:
    incident_id = await _send_incident(router, fw)
    await Chat(router, "3001").send(choice=f"a:ack:{incident_id}")
    assert await scalar(fw.db, "SELECT acknowledged_by FROM incidents") == fw.world.admin


@pytest.mark.parametrize("sender", ["2002", "1001", "1002", "4001"])
async def test_ack_outside_scope_or_role_changes_nothing(
    router: Router, fw: FlowWorld, sender: str
) -> None:
    """Officer 2 (not the klien's PK), coordinators and the observer cannot acknowledge."""
    incident_id = await _send_incident(router, fw)
    before = await snapshot(fw.db)
    chat = Chat(router, sender)
    await chat.send(choice=f"a:ack:{incident_id}")
    assert ("bukan tanggung jawab Anda" in chat.text) or ("tidak tersedia untuk Anda" in chat.text)
    assert await snapshot(fw.db) == before


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999", "9" * 40, "1.5", "\u0661"])
async def test_ack_with_junk_values(router: Router, fw: FlowWorld, value: str) -> None:
    await _send_incident(router, fw)
    chat = Chat(router, "2001")
    await chat.send(choice=f"a:ack:{value}")
    assert "Insiden itu tidak ada" in chat.text
    assert await scalar(fw.db, "SELECT acknowledged_at FROM incidents") is None
