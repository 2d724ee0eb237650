"""Texts of invites (CLI and /undang)."""

TEXTS: dict[str, tuple[str, str]] = {
    "invite.bad_days": ("Masa berlaku harus 1\u201390 hari.", "Validity must be 1\u201390 days."),
    "invite.need_officer": (
        "Sebutkan kode petugas (--officer).",
        "Give the officer code (--officer).",
    ),
    "invite.unknown_officer": (
        "Kode petugas {code} tidak dikenal.",
        "Unknown officer code {code}.",
    ),
    "invite.need_pokmas": ("Sebutkan kode Pokmas (--pokmas).", "Give the Pokmas code (--pokmas)."),
    "invite.unknown_pokmas": ("Kode Pokmas {code} tidak dikenal.", "Unknown Pokmas code {code}."),
    "invite.need_kabupaten": (
        "Sebutkan kabupaten (--kabupaten).",
        "Give the kabupaten (--kabupaten).",
    ),
    "invite.bad_role": ("Peran {role} tidak dikenal.", "Unknown role {role}."),
}
