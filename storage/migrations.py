"""Append-only schema migrations, tracked with `PRAGMA user_version`.

Each migration is a name and a list of statements. Migration N (1-based) is
applied inside one transaction that also sets `user_version = N`, so a crash
leaves the database at N-1 or N, never in between. Never edit or reorder a
migration that has shipped: append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.enums import (
    ATTENDANCE,
    CATEGORIES,
    CHANNELS,
    KLIEN_STATUSES,
    OUTBOX_STATUSES,
    OUTCOMES,
    PROGRAMS,
    ROLES,
    SECTORS,
    SEVERITIES,
)


def _in(values: tuple[str, ...]) -> str:
    """Render a CHECK (... IN (...)) list from an enum tuple."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


@dataclass(frozen=True)
class Migration:
    """One named schema step."""

    name: str
    statements: tuple[str, ...]


M001_INITIAL = Migration(
    "initial domain schema",
    (
        f"""
        CREATE TABLE pokmas (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            sector TEXT NOT NULL CHECK (sector IN {_in(SECTORS)}),
            kabupaten TEXT NOT NULL,
            pks_number TEXT,
            pks_signed TEXT,
            pks_expires TEXT,
            capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX pokmas_kabupaten ON pokmas (kabupaten)",
        "CREATE INDEX pokmas_pks_expires ON pokmas (pks_expires) WHERE active = 1",
        f"""
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN {_in(ROLES)}),
            name TEXT NOT NULL,
            pokmas_id INTEGER REFERENCES pokmas (id),
            officer_code TEXT UNIQUE,
            kabupaten TEXT,
            phone TEXT,
            language TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (role <> 'coordinator' OR pokmas_id IS NOT NULL),
            CHECK (role <> 'officer' OR officer_code IS NOT NULL),
            CHECK (role <> 'observer' OR kabupaten IS NOT NULL)
        )
        """,
        "CREATE INDEX members_pokmas ON members (pokmas_id) WHERE pokmas_id IS NOT NULL",
        "CREATE INDEX members_role ON members (role, active)",
        f"""
        CREATE TABLE identities (
            channel TEXT NOT NULL CHECK (channel IN {_in(CHANNELS)}),
            external_id TEXT NOT NULL,
            member_id INTEGER NOT NULL REFERENCES members (id),
            address TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            last_inbound_at TEXT,
            unreachable_since TEXT,
            PRIMARY KEY (channel, external_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX identities_member ON identities (member_id)",
        """
        CREATE TABLE invites (
            id INTEGER PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            member_id INTEGER NOT NULL REFERENCES members (id),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            used_channel TEXT,
            used_external_id TEXT
        )
        """,
        "CREATE INDEX invites_member ON invites (member_id)",
        """
        CREATE TABLE auth_failures (
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
        "CREATE INDEX auth_failures_sender ON auth_failures (channel, external_id, at)",
        f"""
        CREATE TABLE klien (
            id INTEGER PRIMARY KEY,
            register_no TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            program TEXT NOT NULL CHECK (program IN {_in(PROGRAMS)}),
            supervision_start TEXT NOT NULL,
            supervision_end TEXT NOT NULL,
            officer_id INTEGER REFERENCES members (id),
            pokmas_id INTEGER REFERENCES pokmas (id),
            placed_on TEXT,
            interests TEXT,
            checkin_every_days INTEGER NOT NULL DEFAULT 30 CHECK (checkin_every_days > 0),
            next_checkin_on TEXT,
            missed_in_row INTEGER NOT NULL DEFAULT 0,
            service_hours REAL CHECK (service_hours IS NULL OR service_hours >= 0),
            status TEXT NOT NULL DEFAULT 'aktif' CHECK (status IN {_in(KLIEN_STATUSES)}),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (supervision_end >= supervision_start)
        )
        """,
        "CREATE INDEX klien_officer ON klien (officer_id, status)",
        "CREATE INDEX klien_pokmas ON klien (pokmas_id, status)",
        "CREATE INDEX klien_status_end ON klien (status, supervision_end)",
        "CREATE INDEX klien_status_checkin ON klien (status, next_checkin_on)",
        "CREATE INDEX klien_name ON klien (name COLLATE NOCASE)",
        """
        CREATE TABLE placements (
            id INTEGER PRIMARY KEY,
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            officer_id INTEGER REFERENCES members (id),
            pokmas_id INTEGER REFERENCES pokmas (id),
            from_date TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX placements_klien ON placements (klien_id, from_date)",
        f"""
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            author_id INTEGER NOT NULL REFERENCES members (id),
            pokmas_id INTEGER REFERENCES pokmas (id),
            channel TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('progress', 'monthly', 'incident')),
            category TEXT NOT NULL CHECK (category IN {_in(CATEGORIES)}),
            outcome TEXT CHECK (outcome IS NULL OR outcome IN {_in(OUTCOMES)}),
            body TEXT NOT NULL,
            answers TEXT,
            occurred_on TEXT NOT NULL,
            photo_ref TEXT,
            created_at TEXT NOT NULL
        )
        """,
        # The growing table: every per-klien and per-period query has an index.
        "CREATE INDEX reports_klien_created ON reports (klien_id, created_at)",
        "CREATE INDEX reports_created ON reports (created_at)",
        "CREATE INDEX reports_pokmas_created ON reports (pokmas_id, created_at)",
        """
        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            report_id INTEGER REFERENCES reports (id),
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            owner_id INTEGER NOT NULL REFERENCES members (id),
            title TEXT NOT NULL,
            due_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            created_at TEXT NOT NULL,
            closed_at TEXT,
            closed_by INTEGER REFERENCES members (id),
            close_note TEXT
        )
        """,
        "CREATE INDEX followups_open_due ON followups (due_on) WHERE status = 'open'",
        "CREATE INDEX followups_owner ON followups (owner_id, status)",
        "CREATE INDEX followups_klien ON followups (klien_id, status)",
        f"""
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            report_id INTEGER NOT NULL UNIQUE REFERENCES reports (id),
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            severity TEXT NOT NULL CHECK (severity IN {_in(SEVERITIES)}),
            created_at TEXT NOT NULL,
            acknowledged_at TEXT,
            acknowledged_by INTEGER REFERENCES members (id)
        )
        """,
        "CREATE INDEX incidents_unacked ON incidents (created_at) WHERE acknowledged_at IS NULL",
        "CREATE INDEX incidents_klien ON incidents (klien_id, created_at)",
        f"""
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            due_on TEXT NOT NULL,
            on_date TEXT NOT NULL,
            attendance TEXT NOT NULL CHECK (attendance IN {_in(ATTENDANCE)}),
            recorded_by INTEGER REFERENCES members (id),
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX checkins_klien_date ON checkins (klien_id, on_date)",
        """
        CREATE TABLE service_hours (
            id INTEGER PRIMARY KEY,
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            on_date TEXT NOT NULL,
            hours REAL NOT NULL CHECK (hours > 0 AND hours <= 12),
            logged_by INTEGER REFERENCES members (id),
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX service_hours_klien ON service_hours (klien_id, on_date)",
        """
        CREATE TABLE snoozes (
            klien_id INTEGER NOT NULL REFERENCES klien (id),
            kind TEXT NOT NULL,
            until_on TEXT NOT NULL,
            reason TEXT NOT NULL,
            member_id INTEGER NOT NULL REFERENCES members (id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (klien_id, kind)
        ) WITHOUT ROWID
        """,
        f"""
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            period TEXT NOT NULL,
            member_id INTEGER NOT NULL REFERENCES members (id),
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN {_in(OUTBOX_STATUSES)}),
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            channel TEXT,
            message_ref TEXT,
            last_error TEXT,
            UNIQUE (kind, subject, period, member_id)
        )
        """,
        "CREATE INDEX outbox_due ON outbox (status, not_before)",
        "CREATE INDEX outbox_member ON outbox (member_id, status)",
        "CREATE INDEX outbox_message_ref ON outbox (message_ref) WHERE message_ref IS NOT NULL",
        """
        CREATE TABLE processed_events (
            channel TEXT NOT NULL,
            event_id TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            PRIMARY KEY (channel, event_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX processed_events_at ON processed_events (processed_at)",
        """
        CREATE TABLE conversations (
            member_id INTEGER PRIMARY KEY REFERENCES members (id),
            flow TEXT NOT NULL,
            step TEXT NOT NULL,
            data TEXT NOT NULL,
            history TEXT NOT NULL,
            seq INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            nudged INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX conversations_expires ON conversations (expires_at)",
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            member_id INTEGER REFERENCES members (id),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            klien_id INTEGER REFERENCES klien (id),
            detail TEXT
        )
        """,
        "CREATE INDEX audit_klien ON audit_log (klien_id, at)",
        "CREATE INDEX audit_member ON audit_log (member_id, at)",
    ),
)

M002_REMINDER_SWEEP = Migration(
    "reminder sweep: meta table and rule indexes",
    (
        # Small key/value facts of the running program (the last sweep, for catch-up).
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        # Three-misses rule: active klien with a run of misses at the threshold.
        "CREATE INDEX klien_status_misses ON klien (status, missed_in_row)",
        # Service-hours rule: only klien with a community-service order.
        "CREATE INDEX klien_service ON klien (status) WHERE service_hours IS NOT NULL",
        # Service-hours rule: the hours logged per klien, without reading the table.
        "CREATE INDEX service_hours_klien_hours ON service_hours (klien_id, hours)",
    ),
)

M003_SUMMARIES = Migration(
    "summaries: each klien's last report (kept by triggers) and covering indexes",
    (
        # The time of each klien's newest report, so that "no report since X" over the
        # whole Bapas is an index range instead of one probe of reports per klien.
        "ALTER TABLE klien ADD COLUMN last_report_at TEXT",
        """
        UPDATE klien SET last_report_at =
            (SELECT max(r.created_at) FROM reports r WHERE r.klien_id = klien.id)
        """,
        """
        CREATE TRIGGER reports_last_insert AFTER INSERT ON reports BEGIN
            UPDATE klien SET last_report_at = NEW.created_at
            WHERE id = NEW.klien_id
              AND (last_report_at IS NULL OR last_report_at < NEW.created_at);
        END
        """,
        """
        CREATE TRIGGER reports_last_delete AFTER DELETE ON reports BEGIN
            UPDATE klien SET last_report_at =
                (SELECT max(r.created_at) FROM reports r WHERE r.klien_id = OLD.klien_id)
            WHERE id = OLD.klien_id;
        END
        """,
        """
        CREATE TRIGGER reports_last_update AFTER UPDATE OF klien_id, created_at ON reports
        BEGIN
            UPDATE klien SET last_report_at =
                (SELECT max(r.created_at) FROM reports r WHERE r.klien_id = klien.id)
            WHERE id IN (OLD.klien_id, NEW.klien_id);
        END
        """,
        # Quiet since: the last report, or the placement if later (storage/summary.py QUIET).
        """
        CREATE INDEX klien_quiet ON klien (
            status, max(coalesce(last_report_at, ''), coalesce(placed_on, supervision_start))
        )
        """,
        # The caseload's status x programme x check-in pass, index-only for a whole Bapas.
        "CREATE INDEX klien_caseload ON klien (status, program, next_checkin_on, missed_in_row)",
        # A period's reports by category and Pokmas, index-only for a whole Bapas.
        "CREATE INDEX reports_period ON reports (created_at, category, pokmas_id)",
        # "Klien in work" (observers): recent work reports only, a small partial index.
        # Its WHERE is storage/summary.py IN_WORK and must stay word for word the same.
        """
        CREATE INDEX reports_work ON reports (created_at, klien_id)
        WHERE category = 'pekerjaan' AND outcome IN ('selesai', 'dalam_proses')
        """,
    ),
)

M004_OFFERED_ACTIONS = Migration(
    "the action buttons each chat was last shown, so a typed number can pick one",
    ("ALTER TABLE identities ADD COLUMN offered TEXT",),
)

MIGRATIONS: tuple[Migration, ...] = (
    M001_INITIAL,
    M002_REMINDER_SWEEP,
    M003_SUMMARIES,
    M004_OFFERED_ACTIONS,
)


async def apply_migrations(conn: aiosqlite.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return their names."""
    row = await (await conn.execute("PRAGMA user_version")).fetchone()
    current = int(row[0]) if row else 0
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"database schema version {current} is newer than this program "
            f"({len(MIGRATIONS)}); upgrade pokmas-bot"
        )
    applied = []
    for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        applied.append(migration.name)
    return applied
