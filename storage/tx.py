"""A transaction's view of the storage: one repository per aggregate."""

from __future__ import annotations

import aiosqlite

from storage.checkins import CheckinsRepo, HoursRepo
from storage.conversations import ConversationsRepo
from storage.events import AuditRepo, EventsRepo
from storage.exports import ExportsRepo
from storage.followups import FollowupsRepo
from storage.klien import KlienRepo
from storage.members import MembersRepo
from storage.outbox import OutboxRepo
from storage.pokmas import PokmasRepo
from storage.reports import ReportsRepo
from storage.summary import SummaryRepo
from storage.sweep import SweepRepo


class Tx:
    """Repositories bound to one connection inside one transaction."""

    __slots__ = (
        "audit",
        "checkins",
        "conn",
        "conversations",
        "events",
        "exports",
        "followups",
        "hours",
        "klien",
        "members",
        "outbox",
        "pokmas",
        "read_only",
        "reports",
        "summary",
        "sweep",
    )

    def __init__(self, conn: aiosqlite.Connection, *, read_only: bool = False) -> None:
        self.conn = conn
        self.read_only = read_only
        self.pokmas = PokmasRepo(conn)
        self.members = MembersRepo(conn)
        self.klien = KlienRepo(conn)
        self.reports = ReportsRepo(conn)
        self.followups = FollowupsRepo(conn)
        self.checkins = CheckinsRepo(conn)
        self.hours = HoursRepo(conn)
        self.outbox = OutboxRepo(conn)
        self.events = EventsRepo(conn)
        self.exports = ExportsRepo(conn)
        self.conversations = ConversationsRepo(conn)
        self.audit = AuditRepo(conn)
        self.summary = SummaryRepo(conn)
        self.sweep = SweepRepo(conn)
