"""Wiring: importing a feature module registers its commands, actions and flows."""

from handlers import (  # noqa: F401
    drafts,
    followup,
    hours,
    incident,
    klien_list,
    monthly,
    registration,
    report,
)
