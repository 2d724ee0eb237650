"""Read-only aggregates for summaries, the klien card and the overdue list.

Every method takes the reader's `Scope` and puts `Scope.klien_condition` inside
its SQL: the database counts, groups and limits; nothing is fetched and then
filtered in Python. Times are stored UTC text, dates ISO local dates.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.base import Repo
from storage.scope import Scope


@dataclass(frozen=True, slots=True)
class KlienRef:
    """Enough of a klien to name it in a list (staff only, never observers)."""

    id: int
    name: str
    register_no: str
    status: str


@dataclass(frozen=True, slots=True)
class Caseload:
    """A caseload at a glance for one scope and one period."""

    klien: dict[tuple[str, str], int]  # (status, program) -> klien
    # (week number within the period, category, Pokmas code at the time) -> reports
    reports: dict[tuple[int, str, str | None], int]
    silent_total: int  # active klien with no report past the threshold
    silent: tuple[KlienRef, ...]  # the longest silent of them
    checkins_due: int  # next check-in within the coming days
    checkins_missed: int  # next check-in date passed unrecorded, or a run of misses
    followups_open: int
    followups_overdue: int
    incidents_unacked: int

    @property
    def reports_by_category(self) -> dict[str, int]:
        """Return the period's reports per category."""
        out: dict[str, int] = {}
        for (_, category, _), n in self.reports.items():
            out[category] = out.get(category, 0) + n
        return out

    @property
    def reports_by_pokmas(self) -> dict[str | None, int]:
        """Return the period's reports per Pokmas code (None: not placed)."""
        out: dict[str | None, int] = {}
        for (_, _, pokmas), n in self.reports.items():
            out[pokmas] = out.get(pokmas, 0) + n
        return out

    def weekly(self) -> dict[tuple[int, str | None], int]:
        """Return the period's reports per (week number, Pokmas code)."""
        out: dict[tuple[int, str | None], int] = {}
        for (week, _, pokmas), n in self.reports.items():
            out[(week, pokmas)] = out.get((week, pokmas), 0) + n
        return out


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """Aggregate figures for an observer's kabupaten: counts only, no one named."""

    active_by_program: dict[str, int]
    active_by_sector: dict[str, int]
    reports_by_category: dict[str, int]
    in_work: int


@dataclass(frozen=True, slots=True)
class PendingItem:
    """One overdue thing about one klien; `rank` orders urgency (1 = most urgent)."""

    rank: int
    kind: str  # incident | misses_alert | missed | followup | silent | ending
    klien_id: int
    klien_name: str
    at: str | None  # a stored time (incident, silent) or a date (the others)
    detail: str | None  # severity, run of misses or follow-up title


@dataclass(frozen=True, slots=True)
class CardReport:
    """A report as shown on the klien card."""

    id: int
    occurred_on: str
    created_at: str
    kind: str
    category: str
    outcome: str | None
    body: str
    author: str | None


@dataclass(frozen=True, slots=True)
class CardPeople:
    """Who a klien belongs to, for the card."""

    pokmas_code: str | None
    pokmas_name: str | None
    officer_code: str | None
    officer_name: str | None
    hours_done: float


PENDING_KINDS = ("incident", "misses_alert", "missed", "followup", "silent", "ending")

# The reports that put a klien "in work" (observers). The partial index reports_work
# (migration M003) has this WHERE; SQLite uses it only when a query repeats it exactly.
IN_WORK = "r.category = 'pekerjaan' AND r.outcome IN ('selesai', 'dalam_proses')"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# When a klien went quiet: its last report, or its placement if that came later. The
# expression is indexed (klien_quiet, migration M003) and must be written the same way.
QUIET = "max(coalesce(k.last_report_at, ''), coalesce(k.placed_on, k.supervision_start))"


def _whole(scope: Scope) -> bool:
    """Return True when the scope restricts nothing (the admin's whole Bapas)."""
    return scope.klien_condition("k")[0] == "1 = 1"


def _join_klien(scope: Scope, klien_id: str) -> str:
    """Return the JOIN that scoping needs; the whole Bapas needs none (foreign keys hold)."""
    return "" if _whole(scope) else f"JOIN klien k ON k.id = {klien_id}"


class SummaryRepo(Repo):
    """Scoped aggregate reads for /ringkasan, /klien, /tertunda."""

    # -- /ringkasan (officer, admin) -------------------------------------------------

    async def caseload(
        self,
        scope: Scope,
        *,
        start: str,
        end: str,
        weeks_from: list[str],
        today: str,
        due_until: str,
        quiet_before: str,
        silent_names: int = 5,
    ) -> Caseload:
        """Return the caseload of `scope`: reports created in [start, end) and today's state.

        `weeks_from` are the stored times at which the 2nd, 3rd... week of the period
        begin (week 0 starts at `start`). A klien is silent when active and quiet
        (no report, nor placement) since `quiet_before`, a stored time.
        """
        cond, params = scope.klien_condition("k")

        # One pass over the klien (an index-only scan for the whole Bapas).
        klien: dict[tuple[str, str], int] = {}
        due = missed = 0
        for row in await self._all(
            f"""
            SELECT k.status, k.program, count(*) AS n,
                   sum(k.status = 'aktif' AND k.next_checkin_on BETWEEN ? AND ?) AS due,
                   sum(k.status = 'aktif'
                       AND (k.next_checkin_on < ? OR k.missed_in_row > 0)) AS missed
            FROM klien k
            WHERE {cond}
            GROUP BY k.status, k.program
            """,
            (today, due_until, today, *params),
        ):
            klien[(str(row["status"]), str(row["program"]))] = int(row["n"])
            due += int(row["due"] or 0)
            missed += int(row["missed"] or 0)

        # The period's reports by category and Pokmas, one query per week: a plain
        # range is cheaper for SQLite than a CASE computed on every report.
        bounds = [start, *weeks_from, end]
        reports: dict[tuple[int, str, str | None], int] = {}
        for week, (low, high) in enumerate(itertools.pairwise(bounds)):
            for row in await self._all(
                f"""
                SELECT g.category, p.code AS pokmas, g.n
                FROM (SELECT r.category, r.pokmas_id, count(*) AS n
                      FROM {self._reports_from(scope)}
                      WHERE r.created_at >= ? AND r.created_at < ? AND {cond}
                      GROUP BY r.category, r.pokmas_id) AS g
                LEFT JOIN pokmas p ON p.id = g.pokmas_id
                """,
                (max(low, start), min(high, end), *params),
            ):
                key = (week, str(row["category"]), row["pokmas"])
                reports[key] = reports.get(key, 0) + int(row["n"])

        silent_where = f"k.status = 'aktif' AND {cond} AND {self._quiet(scope)} < ?"
        silent_total = await self.silent_count(scope, quiet_before)
        silent_rows = await self._all(
            f"""
            SELECT k.id, k.name, k.register_no, k.status FROM klien k
            WHERE {silent_where}
            ORDER BY {self._quiet(scope)}, k.id
            LIMIT ?
            """,
            (*params, quiet_before, silent_names),
        )

        fu = await self._one(
            f"""
            SELECT count(*) AS open, coalesce(sum(f.due_on < ?), 0) AS overdue
            FROM followups f {_join_klien(scope, "f.klien_id")}
            WHERE f.status = 'open' AND {cond}
            """,
            (today, *params),
        )
        incidents = await self._scalar(
            f"""
            SELECT count(*) FROM incidents i {_join_klien(scope, "i.klien_id")}
            WHERE i.acknowledged_at IS NULL AND {cond}
            """,
            params,
        )
        return Caseload(
            klien=klien,
            reports=reports,
            silent_total=silent_total,
            silent=tuple(_ref(r) for r in silent_rows),
            checkins_due=due,
            checkins_missed=missed,
            followups_open=int(fu["open"]) if fu else 0,
            followups_overdue=int(fu["overdue"]) if fu else 0,
            incidents_unacked=int(incidents or 0),
        )

    async def silent_count(self, scope: Scope, quiet_before: str) -> int:
        """Count active klien in scope with no report (nor placement) since a stored time.

        Over the whole Bapas this is a range of the klien_quiet index: reports are not
        read at all (klien.last_report_at is kept by triggers, migration M003).
        """
        cond, params = scope.klien_condition("k")
        sql = (
            f"SELECT count(*) FROM klien k "
            f"WHERE k.status = 'aktif' AND {cond} AND {self._quiet(scope)} < ?"
        )
        return int(await self._scalar(sql, (*params, quiet_before)))

    @staticmethod
    def _quiet(scope: Scope) -> str:
        """Return the quiet expression; a narrow scope disables its index (unary +).

        The whole Bapas ranges over klien_quiet; one officer's or Pokmas's klien are
        found by their own index and the expression is checked on those few rows.
        """
        return QUIET if _whole(scope) else f"+{QUIET}"

    @staticmethod
    def _reports_from(scope: Scope) -> str:
        """Return the FROM clause for a period's reports in scope, in the cheaper order.

        The whole Bapas reads the period's range of the covering index
        reports_period alone; a narrow scope (one officer, one Pokmas, a kabupaten)
        starts from its klien and seeks each one's reports by (klien_id, created_at).
        CROSS JOIN fixes SQLite's join order.
        """
        if _whole(scope):
            return "reports r"
        return "klien k CROSS JOIN reports r ON r.klien_id = k.id"

    # -- /ringkasan (observer) ----------------------------------------------------------

    async def area_figures(
        self, scope: Scope, *, start: str, end: str, work_since: str
    ) -> AreaFigures:
        """Return counts for an observer's area: nothing that names anyone."""
        cond, params = scope.klien_condition("k")
        # A kabupaten's klien are found through klien_pokmas; unary + keeps SQLite from
        # walking every active klien of the Bapas in klien_caseload instead.
        active = "k.status = 'aktif'" if _whole(scope) else "+k.status = 'aktif'"
        by_program: dict[str, int] = {}
        by_sector: dict[str, int] = {}
        for row in await self._all(
            f"""
            SELECT k.program, p.sector, count(*) AS n
            FROM klien k LEFT JOIN pokmas p ON p.id = k.pokmas_id
            WHERE {active} AND {cond}
            GROUP BY k.program, p.sector
            """,
            params,
        ):
            n = int(row["n"])
            by_program[row["program"]] = by_program.get(row["program"], 0) + n
            sector = row["sector"] or "lainnya"
            by_sector[sector] = by_sector.get(sector, 0) + n
        by_category = {
            str(r["category"]): int(r["n"])
            for r in await self._all(
                f"""
                SELECT r.category, count(*) AS n
                FROM {self._reports_from(scope)}
                WHERE r.created_at >= ? AND r.created_at < ? AND {cond}
                GROUP BY r.category
                """,
                (start, end, *params),
            )
        }
        # From the recent work reports to their klien (CROSS JOIN: in that order).
        in_work = await self._scalar(
            f"""
            SELECT count(DISTINCT r.klien_id)
            FROM reports r CROSS JOIN klien k ON k.id = r.klien_id
            WHERE {IN_WORK} AND r.created_at >= ? AND k.status = 'aktif' AND {cond}
            """,
            (work_since, *params),
        )
        return AreaFigures(by_program, by_sector, by_category, int(in_work or 0))

    # -- /klien QUERY --------------------------------------------------------------------

    async def search_klien(
        self, scope: Scope, query: str, *, limit: int = 10
    ) -> tuple[list[KlienRef], int]:
        """Return klien in scope whose register number or name contains `query`, and a count.

        An exact register number comes first; then active klien, then by name.
        """
        cond, params = scope.klien_condition("k")
        like = f"%{_escape_like(query.strip())}%"
        rows = await self._all(
            f"""
            SELECT k.id, k.name, k.register_no, k.status, count(*) OVER () AS total
            FROM klien k
            WHERE {cond}
              AND (k.name LIKE ? ESCAPE '\\' OR k.register_no LIKE ? ESCAPE '\\')
            ORDER BY k.register_no = ? COLLATE NOCASE DESC, k.status = 'aktif' DESC,
                     k.name, k.id
            LIMIT ?
            """,
            (*params, like, like, query.strip(), limit),
        )
        total = int(rows[0]["total"]) if rows else 0
        return [_ref(r) for r in rows], total

    # -- the klien card -----------------------------------------------------------------

    async def card_people(self, klien_id: int, scope: Scope) -> CardPeople | None:
        """Return the Pokmas, officer and hours done of a klien in scope."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"""
            SELECT p.code AS pokmas_code, p.name AS pokmas_name,
                   o.officer_code, o.name AS officer_name,
                   (SELECT coalesce(sum(h.hours), 0) FROM service_hours h
                     WHERE h.klien_id = k.id) AS hours_done
            FROM klien k
            LEFT JOIN pokmas p ON p.id = k.pokmas_id
            LEFT JOIN members o ON o.id = k.officer_id
            WHERE k.id = ? AND {cond}
            """,
            (klien_id, *params),
        )
        if row is None:
            return None
        return CardPeople(
            row["pokmas_code"],
            row["pokmas_name"],
            row["officer_code"],
            row["officer_name"],
            float(row["hours_done"]),
        )

    async def card_reports(
        self, klien_id: int, scope: Scope, *, limit: int = 5
    ) -> list[CardReport]:
        """Return a klien's newest reports with their author, if the klien is in scope."""
        cond, params = scope.klien_condition("k")
        rows = await self._all(
            f"""
            SELECT r.id, r.occurred_on, r.created_at, r.kind, r.category, r.outcome, r.body,
                   a.name AS author
            FROM klien k
            JOIN reports r ON r.klien_id = k.id
            LEFT JOIN members a ON a.id = r.author_id
            WHERE k.id = ? AND {cond}
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT ?
            """,
            (klien_id, *params, limit),
        )
        return [
            CardReport(
                r["id"],
                r["occurred_on"],
                r["created_at"],
                r["kind"],
                r["category"],
                r["outcome"],
                r["body"],
                r["author"],
            )
            for r in rows
        ]

    # -- /pindah -------------------------------------------------------------------------

    async def coordinators_of(self, pokmas_id: int) -> list[int]:
        """Return the ids of a Pokmas's active coordinators (to tell them of a new klien)."""
        rows = await self._all(
            "SELECT id FROM members WHERE role = 'coordinator' AND active = 1 AND pokmas_id = ? "
            "ORDER BY id",
            (pokmas_id,),
        )
        return [int(r["id"]) for r in rows]

    # -- /tertunda -----------------------------------------------------------------------

    async def pending(
        self,
        scope: Scope,
        *,
        today: str,
        alert_misses: int,
        quiet_before: str,
        ending_by: str,
        limit: int = 30,
    ) -> tuple[list[PendingItem], dict[str, int]]:
        """Return the most urgent overdue items in scope and the count of each kind.

        Urgency: unacknowledged incidents; a run of `alert_misses` missed check-ins;
        other missed check-ins (a miss recorded, or the due date passed unrecorded);
        follow-ups past due; active klien quiet (no report, nor placement) since
        `quiet_before`; supervision ending between `today` and `ending_by`.
        """
        cond, params = scope.klien_condition("k")
        parts: list[tuple[str, list[Any]]] = [
            (
                f"""SELECT 1 AS rank, 'incident' AS kind, k.id AS klien_id, k.name AS klien_name,
                       i.created_at AS at, i.severity AS detail
                FROM incidents i JOIN klien k ON k.id = i.klien_id
                WHERE i.acknowledged_at IS NULL AND {cond}""",
                [*params],
            ),
            (
                f"""SELECT 2, 'misses_alert', k.id, k.name, k.next_checkin_on,
                       CAST(k.missed_in_row AS TEXT)
                FROM klien k
                WHERE k.status = 'aktif' AND k.missed_in_row >= ? AND {cond}""",
                [alert_misses, *params],
            ),
            (
                f"""SELECT 3, 'missed', k.id, k.name, k.next_checkin_on,
                       CAST(k.missed_in_row AS TEXT)
                FROM klien k
                WHERE k.status = 'aktif' AND k.missed_in_row < ?
                  AND (k.missed_in_row > 0 OR k.next_checkin_on < ?) AND {cond}""",
                [alert_misses, today, *params],
            ),
            (
                f"""SELECT 4, 'followup', k.id, k.name, f.due_on, f.title
                FROM followups f JOIN klien k ON k.id = f.klien_id
                WHERE f.status = 'open' AND f.due_on < ? AND {cond}""",
                [today, *params],
            ),
            (
                f"""SELECT 5, 'silent', k.id, k.name, k.last_report_at, NULL
                FROM klien k
                WHERE k.status = 'aktif' AND {cond} AND {self._quiet(scope)} < ?""",
                [*params, quiet_before],
            ),
            (
                f"""SELECT 6, 'ending', k.id, k.name, k.supervision_end, NULL
                FROM klien k
                WHERE k.status = 'aktif' AND k.supervision_end >= ?
                  AND k.supervision_end <= ? AND {cond}""",
                [today, ending_by, *params],
            ),
        ]
        body = "\nUNION ALL\n".join(sql for sql, _ in parts)
        args = [p for _, ps in parts for p in ps]
        rows = await self._all(
            f"WITH items AS ({body}) SELECT * FROM items ORDER BY rank, at, klien_id LIMIT ?",
            (*args, limit),
        )
        counts = {
            str(r["kind"]): int(r["n"])
            for r in await self._all(
                f"WITH items AS ({body}) SELECT kind, count(*) AS n FROM items GROUP BY kind",
                args,
            )
        }
        items = [
            PendingItem(
                int(r["rank"]),
                str(r["kind"]),
                int(r["klien_id"]),
                str(r["klien_name"]),
                r["at"],
                r["detail"],
            )
            for r in rows
        ]
        return items, counts


def _ref(row: sqlite3.Row) -> KlienRef:
    return KlienRef(int(row["id"]), str(row["name"]), str(row["register_no"]), str(row["status"]))
