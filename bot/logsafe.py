"""Logging failures without personal data: the exception's type and place, never its text.

An exception's message can repeat what a user typed (a name, a register number);
tracebacks print it. Log `describe(exc)` instead.
"""

from __future__ import annotations

import traceback


def where(exc: BaseException) -> str:
    """Return where an exception was raised (file:line in function), never its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


def describe(exc: BaseException) -> str:
    """Return 'TypeName at file:line in function' for a log line."""
    return f"{type(exc).__name__} at {where(exc)}"
