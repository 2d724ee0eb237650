"""Texts of outbox messages shared by every kind."""

TEXTS: dict[str, tuple[str, str]] = {
    "notify.digest_header": (
        "Pengingat: {count} hal perlu perhatian Anda.",
        "Reminder: {count} items need your attention.",
    ),
    "notify.unknown_kind": ("Pemberitahuan ({kind}).", "Notice ({kind})."),
    "notify.open_klien": ("Buka kartu klien", "Open klien card"),
    "notify.help_needed": (
        "Butuh bantuan PK: {author} melaporkan tentang {klien} ({category}):\n{body}",
        "The PK's help is needed: {author} reported on {klien} ({category}):\n{body}",
    ),
}
