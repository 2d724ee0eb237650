"""The settings the handlers need, as plain frozen dataclasses (filled from config by bot/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, tzinfo
from zoneinfo import ZoneInfo


def doc(text: str, **extra: object) -> dict[str, object]:
    """Attach documentation (and validation hints) to a dataclass field."""
    return {"doc": text, **extra}


@dataclass(frozen=True)
class ReminderSettings:
    """Thresholds of the reminder rules (DESIGN.md, "Reminder rules")."""

    sweep_minutes: int = field(default=5, metadata=doc("Minutes between two sweeps.", min=1))
    no_report_days: int = field(
        default=14, metadata=doc("Days without a report before the coordinator is nudged.", min=1)
    )
    escalation_days: int = field(
        default=21, metadata=doc("Days without a report before the officer is told.", min=1)
    )
    checkin_due_days_before: int = field(
        default=1, metadata=doc("Days before a check-in (wajib lapor) to remind.", min=0)
    )
    checkin_misses_alert: int = field(
        default=3, metadata=doc("Consecutive missed check-ins that alert officer and admin.", min=1)
    )
    supervision_end_days: list[int] = field(
        default_factory=lambda: [30, 7],
        metadata=doc("Days before the end of supervision to tell the officer.", min=0),
    )
    followup_officer_after_days: int = field(
        default=3,
        metadata=doc("Days past due before a stale follow-up also goes to the officer.", min=0),
    )
    incident_repeat_hours: int = field(
        default=2, metadata=doc("Hours between repeats of an unacknowledged incident.", min=1)
    )
    incident_admin_after: int = field(
        default=3, metadata=doc("Unacknowledged repeats after which the admin is alerted.", min=1)
    )
    service_hours_slack: float = field(
        default=0.1,
        metadata=doc("Fraction of the ordered hours one may lag the linear schedule.", min=0),
    )
    pks_expiry_days: int = field(
        default=60,
        metadata=doc("Days before a Pokmas agreement (PKS) expires to tell admins.", min=1),
    )
    quiet_hours: str = field(
        default="20:00-07:00",
        metadata=doc(
            "Local hours with no reminders (HH:MM-HH:MM; deferred, never dropped).",
            pattern="quiet_hours",
        ),
    )
    weekly_digest: str = field(
        default="mon 07:30",
        metadata=doc("Weekly officer digest: weekday and local time.", pattern="weekly"),
    )
    monthly_summary: str = field(
        default="1 08:00",
        metadata=doc("Monthly observer summary: day of month and local time.", pattern="monthly"),
    )

    def quiet_window(self) -> tuple[time, time]:
        """Return the quiet hours as (start, end) local times."""
        start, end = self.quiet_hours.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


@dataclass(frozen=True)
class ConversationSettings:
    """How conversations behave."""

    draft_expiry_hours: int = field(
        default=24, metadata=doc("Hours after which an untouched draft expires.", min=1)
    )
    nudge_before_hours: int = field(
        default=2, metadata=doc("Hours before expiry to nudge about an unfinished draft.", min=0)
    )
    followup_due_days: int = field(
        default=7, metadata=doc("Default due date of a new follow-up, in days.", min=1)
    )
    page_size: int = field(default=8, metadata=doc("Choices shown per page.", min=2, max=10))
    max_wrong_codes: int = field(
        default=5, metadata=doc("Wrong invite codes per sender per hour before refusing.", min=1)
    )


@dataclass(frozen=True)
class Settings:
    """Everything a handler may consult besides storage and the clock."""

    bapas_name: str = "Bapas"
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    conversations: ConversationSettings = field(default_factory=ConversationSettings)
    bot_username: str | None = None
    whatsapp_number: str | None = None
