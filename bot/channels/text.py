"""Splitting long text for chat transports that count UTF-16 code units.

Telegram (4096) and WhatsApp (4096) both count astral characters such as most emoji
as two units; both channels split with the same rules.
"""

from __future__ import annotations

MESSAGE_LIMIT = 4096  # a Telegram or WhatsApp text message, in UTF-16 code units


def utf16_len(text: str) -> int:
    """Return the length Telegram and Meta count: UTF-16 code units (astral ones count 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def fit(text: str, limit: int) -> int:
    """Return the longest prefix length of `text` within `limit` UTF-16 units."""
    if len(text) <= limit // 2:
        return len(text)
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split text into messages of at most `limit` UTF-16 units, at the best boundary.

    A cut goes at the last paragraph break (blank line) of the window when that keeps
    at least half of it, else at the last line break, else the last space, else anywhere.
    Whitespace at a cut is dropped; no chunk is empty or blank (Telegram refuses those).
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        end = fit(rest, limit)
        if end >= len(rest):
            chunks.append(rest)
            break
        cut = (end, end)
        for sep in ("\n\n", "\n", " "):
            at = rest.rfind(sep, 1, end + len(sep))  # may start right after the window
            if at <= 0 or (sep == "\n\n" and at < end // 2):
                continue
            cut = (at, at + len(sep))
            break
        chunks.append(rest[: cut[0]].rstrip())
        rest = rest[cut[1] :].lstrip()
    return chunks
