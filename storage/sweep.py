"""Set-based SQL of the reminder sweep: each rule is one INSERT ... SELECT into the outbox.

Every rule inserts with `ON CONFLICT DO NOTHING` against the outbox's unique key
(kind, subject, period, member_id), so a reminder is written once per period no
matter how many sweeps run, one after the other or at the same time (each sweep
is one BEGIN IMMEDIATE transaction). The thresholds arrive as stored texts (UTC
times, local ISO dates) computed by the caller from an injected `now`; the SQL
never reads a clock. Local dates of stored UTC times use the time zone's current
offset (`to_local`, e.g. '+420 minutes'); Indonesia keeps no daylight saving.

The module also keeps the small `meta` key/value table (the last sweep time, for
catch-up after a restart) and the snoozes of the no-report rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from storage.base import Repo
from storage.outbox import OutboxItem
from storage.summary import IN_WORK, QUIET, AreaFigures

_INSERT = "INSERT INTO outbox (kind, subject, period, member_id, payload, not_before, created_at) "
# Appended to every INSERT ... SELECT: the WHERE before it avoids SQLite's parsing ambiguity.
_SKIP = " ON CONFLICT DO NOTHING"

# Recipients, as SQL joined to a klien row `k`. CROSS JOIN keeps SQLite from starting
# at the members and walking every klien of every officer: the rule's own condition on
# the klien (an index range) goes first, the recipient is looked up per row.
_OFFICER = "CROSS JOIN members m ON m.id = k.officer_id AND m.active = 1"
_COORDINATORS = (
    "CROSS JOIN members m ON m.pokmas_id = k.pokmas_id AND m.role = 'coordinator' AND m.active = 1"
)
_ADMINS = "CROSS JOIN members m ON m.role = 'admin' AND m.active = 1"


def _new(kind: str, subject: str, period: str, member: str = "m.id") -> str:
    """Return a condition keeping rows not queued yet (their payload is then never built).

    The unique key (and ON CONFLICT DO NOTHING) is what guarantees once; this only
    skips building the JSON payload of rows that would be dropped anyway.
    """
    return (
        f"AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = {kind} "
        f"AND o.subject = {subject} AND o.period = {period} AND o.member_id = {member})"
    )


@dataclass(frozen=True, slots=True)
class DeliveryProblems:
    """Outbox rows created in a window that did not go out, for the admins' report."""

    by_status: dict[str, int]
    by_kind: dict[str, int]
    held_members: tuple[str, ...]  # names of members with held rows (staff, not klien)
    held_now: int  # every row held right now, whenever created

    @property
    def total(self) -> int:
        """Return the number of problem rows in the window."""
        return sum(self.by_status.values())


class SweepRepo(Repo):
    """The reminder rules' queries, snoozes and the sweep's bookkeeping."""

    # -- no report (coordinator nudge, officer escalation) -------------------------------

    async def no_report(
        self,
        *,
        kind: str,
        to: str,
        now: str,
        cutoff: str,
        today: str,
        to_local: str,
        to_utc: str,
        days: int,
    ) -> int:
        """Queue `kind` to the coordinators (to='coordinator') or the officer of silent klien.

        A klien placed with a Pokmas is silent when neither a report (created_at)
        nor the placement (local midnight of placed_on, else supervision_start)
        is at or after `cutoff`. The period is the moment the silence began, so
        a new report or a new placement starts a new period. Snoozed klien
        (kind 'no_report', until_on >= today) are skipped.
        """
        recipients = _COORDINATORS if to == "coordinator" else _OFFICER
        # QUIET < cutoff ranges over the klien_quiet index (only quiet klien are read);
        # it compares a date with a UTC time, exact for zones east of UTC (Indonesia),
        # and `since` (the exact silence start, a UTC time) is checked again below.
        sql = f"""
            WITH silent AS (
                SELECT k.id, k.name, k.pokmas_id, k.officer_id,
                       max(coalesce(k.last_report_at, ''),
                           strftime('%Y-%m-%dT%H:%M:%SZ',
                                    coalesce(k.placed_on, k.supervision_start), :to_utc))
                           AS since
                FROM klien k
                WHERE k.status = 'aktif' AND {QUIET} < :cutoff AND k.pokmas_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM snoozes z
                                  WHERE z.klien_id = k.id AND z.kind = 'no_report'
                                    AND z.until_on >= :today)
            )
            {_INSERT}
            SELECT :kind, 'klien:' || k.id, k.since, m.id,
                   json_object('klien_id', k.id, 'klien', k.name,
                               'since_on', date(k.since, :to_local), 'days', :days),
                   :now, :now
            FROM silent k {recipients}
            WHERE k.since < :cutoff {_new(":kind", "'klien:' || k.id", "k.since")} {_SKIP}
        """
        params = {
            "kind": kind,
            "now": now,
            "cutoff": cutoff,
            "today": today,
            "to_local": to_local,
            "to_utc": to_utc,
            "days": days,
        }
        return await self._count(sql, params)

    # -- check-ins ---------------------------------------------------------------------------

    async def checkin_due(self, *, now: str, today: str, until: str) -> int:
        """Queue 'checkin_due' to officer and coordinators for next check-ins in [today, until]."""
        return await self._both(
            "checkin_due",
            "k.status = 'aktif' AND k.next_checkin_on BETWEEN :today AND :until",
            {"now": now, "today": today, "until": until},
        )

    async def checkin_missed(self, *, now: str, today: str) -> int:
        """Queue 'checkin_missed' to officer and coordinators for check-in dates before today."""
        return await self._both(
            "checkin_missed",
            "k.status = 'aktif' AND k.next_checkin_on < :today",
            {"now": now, "today": today},
        )

    async def _both(self, kind: str, where: str, params: dict[str, Any]) -> int:
        """Queue a check-in kind to the officer and to the coordinators; period = the due date."""
        total = 0
        for recipients in (_OFFICER, _COORDINATORS):
            sql = f"""
                {_INSERT}
                SELECT :kind, 'klien:' || k.id, k.next_checkin_on, m.id,
                       json_object('klien_id', k.id, 'klien', k.name,
                                   'due_on', k.next_checkin_on, 'role', m.role),
                       :now, :now
                FROM klien k {recipients}
                WHERE {where} {_new(":kind", "'klien:' || k.id", "k.next_checkin_on")}
                {_SKIP}
            """
            total += await self._count(sql, {**params, "kind": kind})
        return total

    async def three_misses(self, *, now: str, threshold: int) -> int:
        """Queue 'three_misses' to officer and admins for runs of misses at the threshold.

        The period is the last recorded check-in ('checkin:<id>'), the same key the
        /wajiblapor handler writes, so the sweep only fills in what it did not.
        """
        total = 0
        for recipients in (_OFFICER, _ADMINS):
            sql = f"""
                {_INSERT}
                SELECT 'three_misses', 'klien:' || k.id,
                       coalesce('checkin:' || (SELECT max(c.id) FROM checkins c
                                               WHERE c.klien_id = k.id),
                                'misses:' || k.missed_in_row),
                       m.id,
                       json_object('klien_id', k.id, 'klien', k.name,
                                   'misses', k.missed_in_row,
                                   'officer', (SELECT o.name FROM members o
                                               WHERE o.id = k.officer_id)),
                       :now, :now
                FROM klien k {recipients}
                WHERE k.status = 'aktif' AND k.missed_in_row >= :threshold {_SKIP}
            """
            total += await self._count(sql, {"now": now, "threshold": threshold})
        return total

    # -- supervision ending ----------------------------------------------------------------

    async def supervision_end(self, *, now: str, days: int, first: str, last: str) -> int:
        """Queue 'supervision_end' to the officer for ends in [first, last] ('<days>:<end>')."""
        sql = f"""
            {_INSERT}
            SELECT 'supervision_end', 'klien:' || k.id, :days || ':' || k.supervision_end, m.id,
                   json_object('klien_id', k.id, 'klien', k.name,
                               'end_on', k.supervision_end, 'days', :days),
                   :now, :now
            FROM klien k {_OFFICER}
            WHERE k.status = 'aktif' AND k.supervision_end BETWEEN :first AND :last {_SKIP}
        """
        return await self._count(sql, {"now": now, "days": days, "first": first, "last": last})

    # -- follow-ups ----------------------------------------------------------------------------

    async def followup_stale(self, *, now: str, owner_due_before: str, officer_due_by: str) -> int:
        """Queue 'followup_stale' to owners (due before a date) and 'followup_stale_officer'.

        The officer's copy goes when the follow-up is due on or before
        `officer_due_by`, and not when the officer owns it. Period = the due date,
        so moving the due date re-arms the reminder.
        """
        payload = (
            "json_object('followup_id', f.id, 'klien_id', k.id, 'klien', k.name, "
            "'title', f.title, 'due_on', f.due_on, "
            "'owner', (SELECT o.name FROM members o WHERE o.id = f.owner_id))"
        )
        owner = f"""
            {_INSERT}
            SELECT 'followup_stale', 'followup:' || f.id, f.due_on, m.id, {payload}, :now, :now
            FROM followups f JOIN klien k ON k.id = f.klien_id
                 JOIN members m ON m.id = f.owner_id AND m.active = 1
            WHERE f.status = 'open' AND f.due_on < :before
              -- only an owner who still sees the klien (it may have moved since)
              AND (m.role = 'admin' OR (m.role = 'coordinator' AND m.pokmas_id = k.pokmas_id)
                   OR (m.role = 'officer' AND m.id = k.officer_id))
              {_new("'followup_stale'", "'followup:' || f.id", "f.due_on")} {_SKIP}
        """
        officer = f"""
            {_INSERT}
            SELECT 'followup_stale_officer', 'followup:' || f.id, f.due_on, m.id, {payload},
                   :now, :now
            FROM followups f JOIN klien k ON k.id = f.klien_id {_OFFICER}
            WHERE f.status = 'open' AND f.due_on <= :by AND f.owner_id <> m.id
              {_new("'followup_stale_officer'", "'followup:' || f.id", "f.due_on")} {_SKIP}
        """
        return await self._count(owner, {"now": now, "before": owner_due_before}) + (
            await self._count(officer, {"now": now, "by": officer_due_by})
        )

    # -- incidents -----------------------------------------------------------------------------

    async def incident_repeats(
        self, *, now: str, first_due: str, repeat_hours: int, admin_after: int
    ) -> int:
        """Repeat unacknowledged incident alerts: kind 'incident', period '<n>'.

        n = whole `repeat_hours` elapsed since the incident. Repeat n goes to the
        klien's (active) officer, or to every admin when there is none; from
        repeat `admin_after` on, every admin gets it too. The payload is copied
        from the first alert (period '0', written by /insiden); an incident with
        no first alert is not repeated.
        """
        sql = f"""
            WITH due AS (
                SELECT i.id,
                       CAST((unixepoch(:now) - unixepoch(i.created_at))
                            / (:hours * 3600) AS INTEGER) AS n,
                       (SELECT o.id FROM members o
                        WHERE o.id = k.officer_id AND o.active = 1) AS officer_id,
                       (SELECT a.payload FROM outbox a
                        WHERE a.kind = 'incident' AND a.subject = 'incident:' || i.id
                          AND a.period = '0'
                        ORDER BY a.id LIMIT 1) AS payload
                FROM incidents i JOIN klien k ON k.id = i.klien_id
                WHERE i.acknowledged_at IS NULL AND i.created_at <= :first_due
            ),
            recipients AS (
                SELECT d.id, d.n, d.payload, d.officer_id AS member_id
                FROM due d WHERE d.officer_id IS NOT NULL
                UNION
                SELECT d.id, d.n, d.payload, m.id
                FROM due d {_ADMINS}
                WHERE d.officer_id IS NULL OR d.n >= :admin_after
            )
            {_INSERT}
            SELECT 'incident', 'incident:' || r.id, CAST(r.n AS TEXT), r.member_id, r.payload,
                   :now, :now
            FROM recipients r
            WHERE r.payload IS NOT NULL AND r.n >= 1 {_SKIP}
        """
        params = {"now": now, "first_due": first_due, "hours": repeat_hours}
        return await self._count(sql, {**params, "admin_after": admin_after})

    async def drop_acknowledged_repeats(self) -> int:
        """Delete unsent (pending or held) repeats of incidents acknowledged meanwhile."""
        _, count = await self._exec(
            """
            DELETE FROM outbox WHERE id IN (
                SELECT o.id FROM outbox o
                JOIN incidents i ON i.id = CAST(substr(o.subject, 10) AS INTEGER)
                WHERE o.status IN ('pending', 'held') AND o.kind = 'incident' AND o.period <> '0'
                  AND i.acknowledged_at IS NOT NULL
            )
            """
        )
        return count

    # -- community service ---------------------------------------------------------------------

    async def service_hours_behind(self, *, now: str, today: str, week: str, slack: float) -> int:
        """Queue 'service_hours_behind' to the officer; period = the ISO week.

        Expected hours grow linearly from supervision_start to supervision_end;
        a klien is behind when the hours logged are below expected minus
        `slack` times the hours ordered.
        """
        sql = f"""
            WITH s AS (
                SELECT k.id, k.name, k.officer_id, k.service_hours AS ordered,
                       (SELECT coalesce(sum(h.hours), 0) FROM service_hours h
                        WHERE h.klien_id = k.id) AS logged,
                       k.service_hours * min(1.0, max(0.0,
                           (julianday(:today) - julianday(k.supervision_start))
                           / max(1.0, julianday(k.supervision_end)
                                      - julianday(k.supervision_start)))) AS expected
                FROM klien k
                WHERE k.status = 'aktif' AND k.service_hours IS NOT NULL
                  AND k.service_hours > 0
            )
            {_INSERT}
            SELECT 'service_hours_behind', 'klien:' || k.id, :week, m.id,
                   json_object('klien_id', k.id, 'klien', k.name, 'ordered', k.ordered,
                               'logged', round(k.logged, 1), 'expected', round(k.expected, 1)),
                   :now, :now
            FROM s k {_OFFICER}
            WHERE k.logged < k.expected - :slack * k.ordered {_SKIP}
        """
        return await self._count(sql, {"now": now, "today": today, "week": week, "slack": slack})

    # -- Pokmas agreements -----------------------------------------------------------------

    async def pks_expiring(self, *, now: str, today: str, until: str) -> int:
        """Queue 'pks_expiring' to every admin for agreements expiring in [today, until]."""
        sql = f"""
            {_INSERT}
            SELECT 'pks_expiring', 'pokmas:' || p.id, p.pks_expires, m.id,
                   json_object('pokmas_id', p.id, 'code', p.code, 'pokmas', p.name,
                               'pks_number', p.pks_number, 'expires_on', p.pks_expires),
                   :now, :now
            FROM pokmas p {_ADMINS}
            WHERE p.active = 1 AND p.pks_expires BETWEEN :today AND :until {_SKIP}
        """
        return await self._count(sql, {"now": now, "today": today, "until": until})

    # -- weekly officer digest ---------------------------------------------------------------

    async def members_without(self, role: str, kind: str, period: str) -> list[int]:
        """Return active members of a role with no `kind` row for `period` yet."""
        rows = await self._all(
            "SELECT m.id FROM members m WHERE m.role = ? AND m.active = 1 AND NOT EXISTS ("
            "SELECT 1 FROM outbox o WHERE o.kind = ? AND o.subject = 'member:' || m.id "
            "AND o.period = ? AND o.member_id = m.id) ORDER BY m.id",
            (role, kind, period),
        )
        return [int(r["id"]) for r in rows]

    async def weekly_digest(
        self,
        *,
        now: str,
        week: str,
        today: str,
        due_until: str,
        ending_until: str,
        cutoff: str,
        days: int,
    ) -> int:
        """Queue each active officer's caseload at a glance ('weekly_digest', period = week).

        One grouped pass per figure over the whole Bapas (it runs once a week):
        active klien, silent klien (quiet since before `cutoff`, as the no-report
        rule), check-ins due until `due_until` and missed, runs of misses,
        supervision ending by `ending_until`, open and overdue follow-ups and
        unacknowledged incidents.
        """
        sql = f"""
            WITH kl AS (
                SELECT k.officer_id,
                       count(*) AS active,
                       sum(k.next_checkin_on BETWEEN :today AND :due_until) AS due,
                       sum(k.next_checkin_on < :today) AS missed,
                       sum(k.missed_in_row > 0) AS misses,
                       sum(k.supervision_end <= :ending_until) AS ending
                FROM klien k NOT INDEXED  -- one sequential pass beats a walk of klien_officer
                WHERE k.status = 'aktif' AND k.officer_id IS NOT NULL
                GROUP BY k.officer_id
            ),
            silent AS (
                SELECT k.officer_id, count(*) AS n
                FROM klien k INDEXED BY klien_quiet
                WHERE k.status = 'aktif' AND k.officer_id IS NOT NULL
                  AND k.pokmas_id IS NOT NULL
                  AND {QUIET} < :cutoff
                GROUP BY k.officer_id
            ),
            fu AS (
                SELECT k.officer_id, count(*) AS open, sum(f.due_on < :today) AS overdue
                FROM followups f INDEXED BY followups_open_due JOIN klien k ON k.id = f.klien_id
                WHERE f.status = 'open'
                GROUP BY k.officer_id
            ),
            inc AS (
                SELECT k.officer_id, count(*) AS n
                FROM incidents i INDEXED BY incidents_unacked JOIN klien k ON k.id = i.klien_id
                WHERE i.acknowledged_at IS NULL
                GROUP BY k.officer_id
            )
            {_INSERT}
            SELECT 'weekly_digest', 'member:' || m.id, :week, m.id,
                   json_object('week', :week, 'days', :days, 'active', coalesce(kl.active, 0),
                               'silent', coalesce(silent.n, 0),
                               'checkins_due', coalesce(kl.due, 0),
                               'checkins_missed', coalesce(kl.missed, 0),
                               'misses', coalesce(kl.misses, 0),
                               'ending', coalesce(kl.ending, 0),
                               'followups_open', coalesce(fu.open, 0),
                               'followups_overdue', coalesce(fu.overdue, 0),
                               'incidents', coalesce(inc.n, 0)),
                   :now, :now
            FROM members m
            LEFT JOIN kl ON kl.officer_id = m.id
            LEFT JOIN silent ON silent.officer_id = m.id
            LEFT JOIN fu ON fu.officer_id = m.id
            LEFT JOIN inc ON inc.officer_id = m.id
            WHERE m.role = 'officer' AND m.active = 1 {_SKIP}
        """
        params = {
            "now": now,
            "week": week,
            "today": today,
            "due_until": due_until,
            "ending_until": ending_until,
            "cutoff": cutoff,
            "days": days,
        }
        return await self._count(sql, params)

    # -- monthly observer summary ---------------------------------------------------------

    async def area_figures(
        self, *, start: str, end: str, work_since: str
    ) -> dict[str, AreaFigures]:
        """Return every kabupaten's aggregate figures, as its observer may see them.

        Three grouped passes for the whole Bapas, by Pokmas, folded into kabupaten
        here (one row per Pokmas and value: bounded by the Pokmas, not the caseload):
        active klien by programme and by Pokmas sector (the klien's Pokmas); reports
        created in [start, end) by category (the reporting Pokmas, from the covering
        index reports_period); active klien with a work report since `work_since`.
        """
        places = {
            int(r["id"]): (str(r["kabupaten"]), str(r["sector"]))
            for r in await self._all("SELECT id, kabupaten, sector FROM pokmas")
        }
        out: dict[str, AreaFigures] = {}

        def area(pokmas_id: int) -> tuple[AreaFigures, str]:
            kabupaten, sector = places[pokmas_id]
            if kabupaten not in out:
                out[kabupaten] = AreaFigures({}, {}, {}, 0)
            return out[kabupaten], sector

        def add(counts: dict[str, int], key: str, n: int) -> None:
            counts[key] = counts.get(key, 0) + n

        for r in await self._all(
            "SELECT k.pokmas_id, k.program, count(*) AS n FROM klien k NOT INDEXED "
            "WHERE k.status = 'aktif' AND k.pokmas_id IS NOT NULL GROUP BY k.pokmas_id, k.program"
        ):
            figures, sector = area(int(r["pokmas_id"]))
            add(figures.active_by_program, str(r["program"]), int(r["n"]))
            add(figures.active_by_sector, sector, int(r["n"]))
        for r in await self._all(
            "SELECT r.pokmas_id, r.category, count(*) AS n "
            "FROM reports r INDEXED BY reports_period "
            "WHERE r.created_at >= ? AND r.created_at < ? AND r.pokmas_id IS NOT NULL "
            "GROUP BY r.pokmas_id, r.category",
            (start, end),
        ):
            figures, _ = area(int(r["pokmas_id"]))
            add(figures.reports_by_category, str(r["category"]), int(r["n"]))
        for r in await self._all(
            f"SELECT k.pokmas_id, count(*) AS n FROM klien k "
            f"WHERE k.status = 'aktif' AND k.pokmas_id IS NOT NULL AND k.id IN ("
            f"SELECT r.klien_id FROM reports r WHERE {IN_WORK} AND r.created_at >= ?) "
            f"GROUP BY k.pokmas_id",
            (work_since,),
        ):
            figures, _ = area(int(r["pokmas_id"]))
            out[places[int(r["pokmas_id"])][0]] = replace(
                figures, in_work=figures.in_work + int(r["n"])
            )
        return out

    # -- delivery problems ---------------------------------------------------------------------

    async def delivery_problems(self, *, start: str, end: str) -> DeliveryProblems:
        """Count rows created in [start, end) that failed or are held, and all held now."""
        by_status: dict[str, int] = {}
        by_kind: dict[str, int] = {}
        rows = await self._all(
            "SELECT status, kind, count(*) AS n FROM outbox "
            "WHERE status IN ('failed', 'held', 'unknown') AND created_at >= ? AND created_at < ? "
            "GROUP BY status, kind",
            (start, end),
        )
        for r in rows:
            by_status[r["status"]] = by_status.get(r["status"], 0) + int(r["n"])
            by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + int(r["n"])
        names = await self._all(
            "SELECT m.name FROM members m WHERE EXISTS (SELECT 1 FROM outbox o "
            "WHERE o.member_id = m.id AND o.status = 'held') ORDER BY m.name LIMIT 10"
        )
        held_now = int(await self._scalar("SELECT count(*) FROM outbox WHERE status = 'held'"))
        return DeliveryProblems(by_status, by_kind, tuple(str(r["name"]) for r in names), held_now)

    # -- snoozes -------------------------------------------------------------------------------

    async def snooze(
        self, *, klien_id: int, kind: str, until_on: str, reason: str, member_id: int, now: str
    ) -> None:
        """Snooze one rule for one klien until a date (replacing an earlier snooze)."""
        await self._exec(
            "INSERT INTO snoozes (klien_id, kind, until_on, reason, member_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (klien_id, kind) DO UPDATE SET "
            "until_on = excluded.until_on, reason = excluded.reason, "
            "member_id = excluded.member_id, created_at = excluded.created_at",
            (klien_id, kind, until_on, reason, member_id, now),
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        """Return a value of the meta table."""
        value = await self._scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set_meta(self, key: str, value: str, now: str) -> None:
        """Store a value in the meta table."""
        await self._exec(
            "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, value, now),
        )

    async def last_outbox_id(self) -> int:
        """Return the highest outbox row id (0 when empty)."""
        return int(await self._scalar("SELECT coalesce(max(id), 0) FROM outbox"))

    async def outbox_after(self, row_id: int) -> list[OutboxItem]:
        """Return outbox rows with an id above `row_id` (rows written since), in order."""
        rows = await self._all("SELECT * FROM outbox WHERE id > ? ORDER BY id", (row_id,))
        return [OutboxItem.from_row(r) for r in rows]

    async def next_pending_at(self) -> str | None:
        """Return the earliest not_before of a pending row, or None."""
        value = await self._scalar("SELECT min(not_before) FROM outbox WHERE status = 'pending'")
        return None if value is None else str(value)

    async def hold(self, ids: list[int], *, reason: str, now: str) -> None:
        """Park rows as 'held' (visible, never dropped) and remember since when (not_before)."""
        await self._many(
            "UPDATE outbox SET status = 'held', last_error = ?, not_before = ? WHERE id = ?",
            ((reason, now, i) for i in ids),
        )

    async def release_held(self, channels: list[str], *, since: str, now: str) -> int:
        """Put held rows (created since `since`) back to pending once their member is reachable.

        Reachable again: an identity on one of `channels`, not marked unreachable,
        linked or written from after the row was held (its not_before). A member
        who links a chat, unblocks the bot and writes, or reopens WhatsApp's
        24-hour window by writing, gets what was held for them.
        """
        if not channels:
            return 0
        marks = ", ".join("?" for _ in channels)
        _, count = await self._exec(
            f"""
            UPDATE outbox SET status = 'pending', not_before = ?
            WHERE status = 'held' AND created_at >= ?
              AND EXISTS (SELECT 1 FROM identities i
                          WHERE i.member_id = outbox.member_id AND i.channel IN ({marks})
                            AND i.unreachable_since IS NULL
                            AND max(coalesce(i.last_inbound_at, ''), i.linked_at)
                                >= outbox.not_before)
            """,
            (now, since, *channels),
        )
        return count

    async def discard(self, ids: list[int]) -> None:
        """Delete pending rows that became pointless (a nudge about a draft already expired)."""
        await self._many(
            "DELETE FROM outbox WHERE id = ? AND status = 'pending'", ((i,) for i in ids)
        )

    async def _count(self, sql: str, params: dict[str, Any]) -> int:
        """Run one INSERT ... SELECT and return how many rows it added."""
        await self._exec(sql, params)
        # Not cursor.rowcount: Python's sqlite3 reports -1 for a statement opening with WITH.
        return int(await self._scalar("SELECT changes()"))
