"""Wiring: importing a feature module registers its commands, actions and flows."""

from handlers import (  # noqa: F401
    admin_commands,
    card,
    checkin,
    drafts,
    followup,
    hours,
    incident,
    klien_list,
    monthly,
    officer_export,
    pending,
    registration,
    reminders,
    report,
    snooze,
    summary,
)
