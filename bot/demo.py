"""`pokmas-bot demo`: a throw-away database seeded like the Purwokerto residency.

Four kabupaten (Banyumas, Purbalingga, Banjarnegara, Kebumen), 32 Pokmas across
the sectors, 6 officers and about 120 klien of mixed programs with some history.
All names are invented. Then it opens the console chat as a demo coordinator, or,
when stdin is not a terminal, prints what it seeded and exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.channels.console import chat
from bot.cli import is_interactive
from bot.config import Config, DatabaseConfig
from storage import Database, Scope
from storage.klien import KlienIn
from storage.outbox import OutboxRow
from storage.pokmas import PokmasIn
from storage.reports import ReportIn
from storage.timeutil import ts

KABUPATEN = ("Banyumas", "Purbalingga", "Banjarnegara", "Kebumen")
KAB_CODE = {"Banyumas": "BMS", "Purbalingga": "PBG", "Banjarnegara": "BNA", "Kebumen": "KBM"}
POKMAS_NAMES = {
    "pesantren": (
        "Pondok Pesantren Al-Hikmah",
        "Pesantren Darussalam",
        "Pesantren Nurul Huda",
        "Pesantren Miftahul Ulum",
        "Pesantren At-Taqwa",
    ),
    "bengkel": (
        "Bengkel Maju Jaya",
        "Bengkel Las Sinar Baja",
        "Bengkel Motor Barokah",
        "Bengkel Mobil Sentosa",
        "Bengkel Karya Mandiri",
    ),
    "cuci_kendaraan": (
        "Cuci Motor & Mobil Bersih Kilat",
        "Doorsmeer Cemerlang",
        "Cuci Kendaraan Tirta",
        "Steam Motor Berkah",
    ),
    "toko_sepeda": (
        "Toko Sepeda Ontel Jaya",
        "Sepeda Sehat Purbalingga",
        "Toko Sepeda Gowes",
        "Bengkel Sepeda Makmur",
    ),
    "peternakan": (
        "Peternakan Kambing Etawa Lestari",
        "Ternak Lele Mina Sejahtera",
        "Peternakan Ayam Kampung Subur",
        "Kandang Sapi Rukun Tani",
    ),
    "jasa": (
        "Jasa Service Elektronik Mulya",
        "Percetakan Sablon Kreatif",
        "Jasa Las Keliling",
        "Konveksi Batik Banyumasan",
        "Katering Ibu Sri",
    ),
    "pendidikan": (
        "Lembaga Kursus Komputer Cerdas",
        "PKBM Tunas Harapan",
        "Sanggar Kegiatan Belajar Mandiri",
        "Balai Latihan Kerja Swadaya",
        "Kursus Menjahit Terampil",
    ),
}
FIRST = (
    "Agus",
    "Bambang",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Gilang",
    "Hadi",
    "Imam",
    "Joko",
    "Kurniawan",
    "Lukman",
    "Rizki",
    "Slamet",
    "Teguh",
    "Wahyu",
    "Yusuf",
    "Andi",
    "Arif",
    "Dimas",
    "Heru",
    "Rudi",
    "Sigit",
    "Tri",
    "Wawan",
    "Siti",
    "Dewi",
    "Rina",
    "Yuni",
    "Ani",
)
LAST = (
    "Santoso",
    "Wibowo",
    "Saputra",
    "Pratama",
    "Nugroho",
    "Setiawan",
    "Hidayat",
    "Susanto",
    "Purnomo",
    "Kurniawan",
    "Prasetyo",
    "Wijaya",
    "Rahmawati",
    "Lestari",
    "Utomo",
)
OFFICERS = (
    ("PK01", "Sri Wahyuni, S.Sos"),
    ("PK02", "Hendra Gunawan, S.H."),
    ("PK03", "Nur Aini, S.Psi"),
    ("PK04", "Bayu Aji Pamungkas, S.H."),
    ("PK05", "Retno Palupi, S.Sos"),
    ("PK06", "Teguh Raharjo, A.Md.IP"),
)
PROGRAMS = (
    ("PB",) * 6
    + ("CB",) * 3
    + (
        "CMB",
        "asimilasi",
        "asimilasi",
        "diversi",
        "pidana_pengawasan",
        "kerja_sosial",
        "kerja_sosial",
    )
)
REPORT_TEXTS = {
    "pekerjaan": "Masuk kerja tepat waktu sepanjang minggu, membantu pekerjaan harian.",
    "pelatihan": "Mengikuti pelatihan keterampilan dan mulai bisa mengerjakan sendiri.",
    "dokumen": "Mengantar ke Disdukcapil untuk mengurus KTP elektronik yang hilang.",
    "mediasi_keluarga": "Mediasi dengan keluarga, hubungan dengan orang tua membaik.",
    "bimbingan": "Mengikuti pengajian rutin dan bimbingan kepribadian.",
    "kesehatan": "Diantar berobat ke puskesmas, kondisi membaik.",
    "kerja_sosial": "Kerja sosial membersihkan fasilitas umum bersama warga.",
}


@dataclasses.dataclass
class Seeded:
    """What the demo created."""

    pokmas: int = 0
    officers: int = 0
    klien: int = 0
    reports: int = 0
    coordinator_id: int = 0
    coordinator_name: str = ""
    officer_id: int = 0


async def seed_demo(db: Database, now: datetime, *, seed: int = 31012023) -> Seeded:
    """Fill an empty database with a deterministic Purwokerto-like residency."""
    rng = random.Random(seed)  # noqa: S311 - reproducible invented data, not secrets
    out = Seeded()
    stamp = ts(now)
    today = now.date()
    async with db.transaction() as tx:
        sectors = list(POKMAS_NAMES)
        pokmas_codes: list[str] = []
        for i in range(32):
            sector = sectors[i % len(sectors)]
            kab = KABUPATEN[i % 4]
            name = POKMAS_NAMES[sector][(i // len(sectors)) % len(POKMAS_NAMES[sector])]
            code = f"{KAB_CODE[kab]}{i // 4 + 1:02d}"
            signed = date(2023, 1, 31) if i < 16 else date(2024, 3, 1) + timedelta(days=9 * i)
            await tx.pokmas.upsert(
                PokmasIn(
                    code,
                    name,
                    sector,
                    kab,
                    f"W11.PAS.PAS17-PK.01.05-{i + 1:03d}",
                    signed.isoformat(),
                    (signed + timedelta(days=4 * 365)).isoformat(),
                    rng.choice((3, 5, 8, 10)),
                ),
                stamp,
            )
            pokmas_codes.append(code)
        out.pokmas = len(pokmas_codes)
        for code, name in OFFICERS:
            await tx.members.upsert_officer(code, name, f"62812{rng.randrange(10**7):07d}", stamp)
        out.officers = len(OFFICERS)
        officer_ids = list((await tx.members.officer_codes()).values())
        pokmas_ids = await tx.pokmas.codes()
        await tx.members.create(role="admin", name="Admin Bapas Purwokerto", now=stamp)
        for kab in KABUPATEN:
            await tx.members.create(
                role="observer", name=f"Dinas Sosial {kab}", kabupaten=kab, now=stamp
            )
        coordinators = {}
        for code in pokmas_codes:
            pokmas = await tx.pokmas.by_code(code)
            assert pokmas is not None
            coordinators[pokmas.id] = await tx.members.create(
                role="coordinator",
                name=f"Koordinator {pokmas.name}",
                pokmas_id=pokmas.id,
                now=stamp,
            )
        for n in range(120):
            program = rng.choice(PROGRAMS)
            start = today - timedelta(days=rng.randrange(20, 400))
            end = start + timedelta(days=rng.choice((180, 365, 540, 730)))
            if end <= today:
                end = today + timedelta(days=rng.randrange(3, 120))
            pokmas_code = pokmas_codes[n % 8] if n < 40 else rng.choice(pokmas_codes)
            hours = float(rng.choice((40, 80, 120, 240))) if program == "kerja_sosial" else None
            register_no = f"{program.upper()[:3]}.{n + 1:04d}/BPS-PWT/{start.year}"
            await tx.klien.upsert(
                KlienIn(
                    register_no,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    program,
                    start.isoformat(),
                    end.isoformat(),
                    officer_ids[n % len(officer_ids)],
                    pokmas_ids[pokmas_code],
                    rng.choice((7, 14, 30)),
                    hours,
                ),
                stamp,
                changed_by="demo",
            )
        out.klien = 120
        klien_rows, _ = await tx.klien.list_active(Scope.everything(), limit=1000)
        for klien in klien_rows:
            author = coordinators[klien.pokmas_id or 0]
            for _ in range(rng.randrange(0, 6)):
                category = rng.choice(tuple(REPORT_TEXTS))
                when = now - timedelta(days=rng.randrange(0, 40), hours=rng.randrange(0, 8))
                occurred = max(
                    when.date(), date.fromisoformat(klien.placed_on or klien.supervision_start)
                )
                outcome = rng.choice(("selesai", "selesai", "dalam_proses", "butuh_bantuan"))
                report_id = await tx.reports.add(
                    ReportIn(
                        klien.id,
                        author,
                        klien.pokmas_id,
                        rng.choice(("telegram", "whatsapp")),
                        "progress",
                        category,
                        REPORT_TEXTS[category],
                        occurred.isoformat(),
                        outcome,
                    ),
                    ts(when),
                )
                out.reports += 1
                if outcome != "selesai" and rng.random() < 0.5:
                    await tx.followups.open(
                        klien_id=klien.id,
                        owner_id=author,
                        title=REPORT_TEXTS[category][:60],
                        due_on=(occurred + timedelta(days=7)).isoformat(),
                        report_id=report_id,
                        now=ts(when),
                    )
            if klien.program == "kerja_sosial":
                for d in range(rng.randrange(2, 10)):
                    await tx.hours.add(
                        klien_id=klien.id,
                        on_date=(today - timedelta(days=3 * d + 1)).isoformat(),
                        hours=rng.choice((2.0, 3.0, 4.0)),
                        logged_by=author,
                        now=stamp,
                    )
        # One unacknowledged incident, so the officer side has something urgent.
        victim = klien_rows[3]
        report_id = await tx.reports.add(
            ReportIn(
                victim.id,
                coordinators[victim.pokmas_id or 0],
                victim.pokmas_id,
                "telegram",
                "incident",
                "insiden",
                "Tidak masuk kerja tiga hari tanpa kabar, keluarga juga tidak tahu.",
                today.isoformat(),
                None,
            ),
            stamp,
        )
        incident_id = await tx.reports.add_incident(report_id, victim.id, "sedang", stamp)
        if victim.officer_id is not None:
            await tx.outbox.enqueue(
                OutboxRow(
                    "incident",
                    f"incident:{incident_id}",
                    "0",
                    victim.officer_id,
                    {
                        "incident_id": incident_id,
                        "klien_id": victim.id,
                        "klien": victim.name,
                        "severity": "sedang",
                        "body": "Tidak masuk kerja tiga hari tanpa kabar.",
                    },
                ),
                now=stamp,
            )
        first_pokmas = pokmas_ids[pokmas_codes[0]]
        out.coordinator_id = coordinators[first_pokmas]
        coordinator = await tx.members.get(out.coordinator_id)
        assert coordinator is not None
        out.coordinator_name = coordinator.name
        out.officer_id = officer_ids[0]
    return out


async def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    """Seed a throw-away database and chat in the terminal as a demo coordinator."""
    with tempfile.TemporaryDirectory(prefix="pokmas-demo-") as tmp:
        path = args.keep or Path(tmp) / "demo.db"
        if path.exists():
            print(f"pokmas-bot: {path} exists; choose a new path for --keep", file=sys.stderr)
            return 2
        demo_config = dataclasses.replace(config, database=DatabaseConfig(path=str(path)))
        db = await Database.open(path)
        try:
            seeded = await seed_demo(db, datetime.now(UTC))
            print(f"Demo database: {path}{'' if args.keep else ' (deleted on exit)'}")
            print(
                f"Seeded {seeded.pokmas} Pokmas in {', '.join(KABUPATEN)}; "
                f"{seeded.officers} officers; {seeded.klien} klien; {seeded.reports} reports."
            )
            if not is_interactive():
                print(
                    "stdin is not a terminal, so the chat is not opened. In a terminal:\n"
                    "  make demo                  chat as a demo coordinator (try /lapor)\n"
                    "  pokmas-bot demo --keep demo.db, then with [database] path = demo.db:\n"
                    f"  pokmas-bot chat --as {seeded.coordinator_id}    (coordinator)\n"
                    "  pokmas-bot chat --as PK01  (officer)"
                )
                return 0
            print(f"\nYou are {seeded.coordinator_name}, a Pokmas coordinator. Try /lapor.\n")
            member = None
            async with db.read() as tx:
                member = await tx.members.get(seeded.coordinator_id)
            assert member is not None
            await chat(db, demo_config, member)
        finally:
            await db.close()
    return 0
