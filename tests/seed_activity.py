"""Seed the `world` with activity: reports, incidents, follow-ups, check-ins, service hours.

Shared by the tests of /ringkasan, /klien, /tertunda, /ekspor and the scope tests.
T0 is Monday 30/11/2026 10:00 in Jakarta. Officer 1's klien (Pokmas A, Banyumas):

- A1 "Budi Klien1": kerja_sosial, 40 hours ordered, 12 logged; next check-in in 3
  days; 7 reports (1, 3, 5, 8, 12, 40 and 70 days ago) and an unacknowledged
  serious incident 5 hours ago; a follow-up due in 5 days; check-ins 30 and 60 days ago.
- A2 "Budi Klien2": one report 16 days ago (silent past 14, not past 21 days); one
  missed check-in, next due 2 days ago; a follow-up 3 days past due.
- A3 "Budi Klien3": no report ever; 3 missed check-ins in a row; supervision ends in 5 days.

Officer 2's klien (Pokmas B, Purbalingga): B1 a work report 2 days ago and an
acknowledged incident; B2 a report 25 days ago; B3 nothing; check-ins in 20 days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage import Scope
from storage.klien import KlienIn
from storage.reports import ReportIn
from storage.timeutil import ts
from tests.conftest import T0, World

TODAY = (T0 + timedelta(hours=7)).date()  # local date in Jakarta


def day(offset: int) -> str:
    """Return the local date `offset` days from T0's date, ISO."""
    return (TODAY + timedelta(days=offset)).isoformat()


@dataclass
class Activity:
    """Ids of what was seeded."""

    reports: dict[int, list[int]] = field(default_factory=dict)  # klien id -> report ids
    incident_open: int = 0
    incident_acked: int = 0
    followup_due: int = 0
    followup_overdue: int = 0

    def count_reports(self, klien_ids: list[int]) -> int:
        """Return how many reports were seeded for these klien."""
        return sum(len(self.reports.get(k, [])) for k in klien_ids)


async def add_report(
    world: World,
    klien_id: int,
    *,
    at: datetime,
    category: str,
    outcome: str | None = "selesai",
    kind: str = "progress",
    body: str = "Kegiatan berjalan baik dan klien hadir tepat waktu.",
    author: int | None = None,
) -> int:
    """Store one report created at `at` (occurred the same local day)."""
    async with world.db.transaction() as tx:
        klien = await tx.klien.get(klien_id, Scope.everything())
        assert klien is not None
        if author is None:
            author = world.coord_a if klien_id in world.klien_a else world.coord_b
        return await tx.reports.add(
            ReportIn(
                klien_id=klien_id,
                author_id=author,
                pokmas_id=klien.pokmas_id,
                channel="console",
                kind=kind,
                category=category,
                outcome=outcome,
                body=body,
                occurred_on=(at + timedelta(hours=7)).date().isoformat(),
            ),
            ts(at),
        )


async def seed_activity(world: World) -> Activity:
    """Seed the activity described in the module docstring."""
    act = Activity()
    a1, a2, a3 = world.klien_a[:3]
    b1, b2, b3 = world.klien_b[:3]
    stamp = ts(T0)
    async with world.db.transaction() as tx:
        everything = Scope.everything()
        k = await tx.klien.get(a1, everything)
        assert k is not None
        await tx.klien.upsert(
            KlienIn(
                k.register_no,
                k.name,
                "kerja_sosial",
                k.supervision_start,
                k.supervision_end,
                k.officer_id,
                k.pokmas_id,
                service_hours=40,
            ),
            stamp,
            changed_by="test",
        )
        k3 = await tx.klien.get(a3, everything)
        assert k3 is not None
        await tx.klien.upsert(
            KlienIn(
                k3.register_no,
                k3.name,
                k3.program,
                k3.supervision_start,
                day(5),
                k3.officer_id,
                k3.pokmas_id,
            ),
            stamp,
            changed_by="test",
        )
        await tx.klien.set_checkin_state(a1, day(3), 0, stamp)
        await tx.klien.set_checkin_state(a2, day(-2), 1, stamp)
        await tx.klien.set_checkin_state(a3, day(28), 3, stamp)
        for b in (b1, b2, b3):
            await tx.klien.set_checkin_state(b, day(20), 0, stamp)
        for offset, attendance in ((-30, "hadir"), (-60, "daring")):
            await tx.checkins.add(
                klien_id=a1,
                due_on=day(offset),
                on_date=day(offset),
                attendance=attendance,
                recorded_by=world.officer_1,
                now=stamp,
            )
        for offset in (-20, -10, -2):
            await tx.hours.add(
                klien_id=a1, on_date=day(offset), hours=4, logged_by=world.coord_a, now=stamp
            )
        act.followup_due = await tx.followups.open(
            klien_id=a1,
            owner_id=world.coord_a,
            title="Urus KTP di Disdukcapil",
            due_on=day(5),
            report_id=None,
            now=stamp,
        )
        act.followup_overdue = await tx.followups.open(
            klien_id=a2,
            owner_id=world.coord_a,
            title="Mediasi dengan keluarga",
            due_on=day(-3),
            report_id=None,
            now=stamp,
        )

    plan: list[tuple[int, float, str, str | None]] = [
        (a1, 1, "pekerjaan", "selesai"),
        (a1, 3, "pelatihan", "dalam_proses"),
        (a1, 5, "dokumen", "butuh_bantuan"),
        (a1, 8, "pekerjaan", "dalam_proses"),
        (a1, 12, "kesehatan", "selesai"),
        (a1, 40, "bimbingan", "selesai"),
        (a1, 70, "lainnya", "selesai"),
        (a2, 16, "dokumen", "dalam_proses"),
        (b1, 2, "pekerjaan", "selesai"),
        (b2, 25, "pelatihan", "selesai"),
    ]
    for klien_id, days_ago, category, outcome in plan:
        report = await add_report(
            world, klien_id, at=T0 - timedelta(days=days_ago), category=category, outcome=outcome
        )
        act.reports.setdefault(klien_id, []).append(report)

    for klien_id, hours_ago, severity, acked in ((a1, 5, "berat", False), (b1, 72, "sedang", True)):
        at = T0 - timedelta(hours=hours_ago)
        report = await add_report(
            world,
            klien_id,
            at=at,
            category="insiden",
            outcome=None,
            kind="incident",
            body="Terlibat perkelahian kecil di tempat kerja.",
        )
        act.reports.setdefault(klien_id, []).append(report)
        async with world.db.transaction() as tx:
            incident = await tx.reports.add_incident(report, klien_id, severity, ts(at))
            if acked:
                await tx.reports.acknowledge(incident, world.officer_2, ts(at + timedelta(hours=1)))
                act.incident_acked = incident
            else:
                act.incident_open = incident
    return act


async def audit_rows(world: World, action: str) -> list[tuple[int | None, int | None]]:
    """Return (member_id, klien_id) of every audit row with this action."""
    async with world.db.read() as tx:
        rows = await tx.audit._all(
            "SELECT member_id, klien_id FROM audit_log WHERE action = ? ORDER BY id", (action,)
        )
    return [(r["member_id"], r["klien_id"]) for r in rows]
