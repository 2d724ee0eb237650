"""Helpers shared by the conversation tests: extra seed data and small DB probes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage import Database, Scope
from storage.klien import KlienIn
from storage.timeutil import ts
from tests.conftest import T0, Chat, World


@dataclass
class FlowWorld:
    """The seeded world plus what the coordinator flows need."""

    world: World
    ks_a: int = 0  # kerja_sosial klien of Pokmas A (120 hours ordered)
    ks_b: int = 0  # kerja_sosial klien of Pokmas B
    fu_a: list[int] = field(default_factory=list)  # open follow-ups on Pokmas A klien
    fu_b: list[int] = field(default_factory=list)  # open follow-ups on Pokmas B klien

    @property
    def db(self) -> Database:
        return self.world.db


async def seed_flows(world: World, now: datetime = T0, *, followups_a: int = 1) -> FlowWorld:
    """Add a kerja_sosial klien to each Pokmas and open follow-ups on both sides."""
    fw = FlowWorld(world)
    stamp = ts(now)
    start = (now - timedelta(days=90)).date().isoformat()
    end = (now + timedelta(days=365)).date().isoformat()
    async with world.db.transaction() as tx:
        for reg, name, officer, pokmas, attr in (
            ("KS-0001/2026", "Sari Kerja", world.officer_1, world.pokmas_a, "ks_a"),
            ("KS-0002/2026", "Wati Kerja", world.officer_2, world.pokmas_b, "ks_b"),
        ):
            await tx.klien.upsert(
                KlienIn(reg, name, "kerja_sosial", start, end, officer, pokmas, service_hours=120),
                stamp,
                changed_by="test",
            )
            klien = await tx.klien.by_register_no(reg, Scope.everything())
            assert klien is not None
            setattr(fw, attr, klien.id)
            world.names[klien.id] = name
            world.register_nos[klien.id] = reg
        due = (now + timedelta(days=3)).date().isoformat()
        for i in range(followups_a):
            fw.fu_a.append(
                await tx.followups.open(
                    klien_id=world.klien_a[i % len(world.klien_a)],
                    owner_id=world.coord_a,
                    title=f"Urus KTP {i + 1}",
                    due_on=due,
                    report_id=None,
                    now=stamp,
                )
            )
        fw.fu_b.append(
            await tx.followups.open(
                klien_id=world.klien_b[0],
                owner_id=world.coord_b,
                title="Urus SIM",
                due_on=due,
                report_id=None,
                now=stamp,
            )
        )
    return fw


async def scalar(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Run one read query and return its first column (tests only)."""
    async with db.read() as tx, tx.conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return None if row is None else row[0]


async def rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one read query and return every row as a tuple (tests only)."""
    async with db.read() as tx, tx.conn.execute(sql, params) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Return the rows of every domain table a flow may change (to show nothing changed)."""
    out = {}
    for table in (
        "reports",
        "incidents",
        "followups",
        "service_hours",
        "outbox",
        "audit_log",
    ):
        out[table] = await rows(db, f"SELECT * FROM {table} ORDER BY rowid")
    return out


async def state(db: Database, member_id: int) -> tuple[str, str] | None:
    """Return (flow, step) of a member's open conversation, or None."""
    found = await rows(db, "SELECT flow, step FROM conversations WHERE member_id = ?", (member_id,))
    return (found[0][0], found[0][1]) if found else None


def seq_of(chat: Chat) -> str:
    """Return the seq part of the tokens the last prompt offered."""
    choices = chat.choices()
    assert choices, "the last reply offered no choices"
    return choices[0].id.split(".", 1)[0]


# -- scripted walks through each flow ---------------------------------------------


@dataclass(frozen=True)
class Move:
    """One step of a scripted walk: what its prompt says, its help, and the answer."""

    step: str
    prompt: str  # part of the step's prompt
    help: str  # part of the step's help text
    how: str  # "tap" (a label part), "send" (text)
    answer: str


def scripts(fw: FlowWorld) -> dict[str, list[Move]]:
    """Return, per flow, the moves from the command to the confirm screen (Indonesian)."""
    names = fw.world.names
    klien = Move("klien", "Pilih klien", "ketuk namanya", "tap", names[fw.world.klien_a[0]])
    return {
        "lapor": [
            klien,
            Move("category", "Tentang apa?", "Insiden dilaporkan lewat", "tap", "Pekerjaan"),
            Move("outcome", "Bagaimana hasilnya?", "tidak perlu tindak lanjut", "tap", "Selesai"),
            Move(
                "body",
                "Ceritakan apa yang terjadi",
                "Jangan menulis detail",
                "send",
                "Mulai bekerja di bengkel las setiap hari.",
            ),
            Move(
                "occurred_on", "Kapan terjadinya?", "tidak boleh di masa depan", "tap", "Hari ini"
            ),
            Move("photo", "Kirim foto", "Foto bersifat pilihan", "tap", "Lewati"),
        ],
        "bulanan": [
            klien,
            Move(
                "kondisi",
                "pertanyaan 1 dari 5",
                "Jawab dengan kalimat",
                "send",
                "Sehat, rajin sholat.",
            ),
            Move("pekerjaan", "2 dari 5", "Jawab dengan kalimat", "send", "Bekerja di bengkel."),
            Move(
                "lingkungan_sosial",
                "3 dari 5",
                "Jawab dengan kalimat",
                "send",
                "Akur dengan keluarga.",
            ),
            Move("masalah", "4 dari 5", "Jawab dengan kalimat", "send", "tidak ada"),
            Move("rencana", "5 dari 5", "Jawab dengan kalimat", "send", "Ikut pelatihan las."),
        ],
        "insiden": [
            klien,
            Move("severity", "Seberapa berat?", "pelanggaran kecil", "tap", "Sedang"),
            Move(
                "body",
                "Ceritakan apa yang terjadi: kapan",
                "Tulis faktanya",
                "send",
                "Bertengkar dengan rekan kerja di bengkel.",
            ),
        ],
        "jam": [
            Move("klien", "Pilih klien", "ketuk namanya", "tap", names[fw.ks_a]),
            Move(
                "on_date",
                "Tanggal berapa klien bekerja",
                "tidak boleh di masa depan",
                "tap",
                "Hari ini",
            ),
            Move("hours", "Berapa jam", "Tulis lamanya", "send", "2,5"),
        ],
        "tindaklanjut": [
            Move("followup", "Tindak lanjut terbuka", "Pilih tindak lanjut", "tap", "Urus KTP 1"),
            Move(
                "action",
                "Apa yang ingin dilakukan",
                "Selesai: tindak lanjut ditutup",
                "tap",
                "Selesai",
            ),
            Move("detail", "Tulis catatan singkat", "Untuk Selesai", "send", "KTP sudah jadi."),
        ],
    }


async def play(chat: Chat, move: Move) -> None:
    """Answer one step as scripted."""
    if move.how == "tap":
        await chat.tap(move.answer)
    else:
        await chat.send(move.answer)


async def walk(chat: Chat, fw: FlowWorld, flow: str, upto: str | None = None) -> None:
    """Start `flow` and answer its steps until step `upto` is asked (None: to confirm)."""
    await chat.send(f"/{flow}")
    for move in scripts(fw)[flow]:
        assert move.prompt in chat.text, (flow, move.step, chat.text)
        if move.step == upto:
            return
        await play(chat, move)
    assert "Periksa sebelum dikirim" in chat.text, (flow, chat.text)


async def current_seq(db: Database, member_id: int) -> int:
    """Return the seq of the member's latest prompt (what a forger would have to guess)."""
    return int(await scalar(db, "SELECT seq FROM conversations WHERE member_id = ?", (member_id,)))
