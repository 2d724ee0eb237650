"""Texts of /tertunda: everything overdue for an officer, most urgent first."""

TEXTS: dict[str, tuple[str, str]] = {
    "pending.menu": ("yang tertunda, paling mendesak dulu", "what is overdue, most urgent first"),
    "pending.none": (
        "Tidak ada yang tertunda. Semua klien Anda tertangani.",
        "Nothing is overdue. All your klien are on track.",
    ),
    "pending.title": (
        "Tertunda: {total} hal, paling mendesak dulu.",
        "Overdue: {total} items, most urgent first.",
    ),
    "pending.more": (
        "\u2026 dan {count} lainnya. Selesaikan yang di atas dulu, lalu ketik /tertunda lagi.",
        "\u2026 and {count} more. Deal with the ones above first, then type /tertunda again.",
    ),
    "pending.open_hint": (
        "Ketuk nama klien untuk membuka kartunya.",
        "Tap a klien's name to open the card.",
    ),
    "pending.incident": (
        "Insiden ({severity}) belum diterima \u2014 {klien}, sejak {since}",
        "Incident ({severity}) not acknowledged \u2014 {klien}, since {since}",
    ),
    "pending.misses_alert": (
        "Tidak hadir wajib lapor berturut-turut: {count} \u2014 {klien}",
        "Missed check-ins in a row: {count} \u2014 {klien}",
    ),
    "pending.missed": (
        "Wajib lapor terlewat (jadwal {due}) \u2014 {klien}",
        "Check-in missed (due {due}) \u2014 {klien}",
    ),
    "pending.missed_count": (
        "Tidak hadir wajib lapor berturut-turut: {count} (jadwal berikutnya {due}) \u2014 {klien}",
        "Missed check-ins in a row: {count} (next due {due}) \u2014 {klien}",
    ),
    "pending.followup": (
        "Tindak lanjut lewat tenggat {due}: {title} \u2014 {klien}",
        "Follow-up past due {due}: {title} \u2014 {klien}",
    ),
    "pending.silent": (
        "Tidak ada laporan sejak {since} \u2014 {klien}",
        "No report since {since} \u2014 {klien}",
    ),
    "pending.silent_never": (
        "Belum pernah ada laporan \u2014 {klien}",
        "No report ever \u2014 {klien}",
    ),
    "pending.ending": (
        "Masa pembimbingan berakhir {end} \u2014 {klien}",
        "Supervision ends {end} \u2014 {klien}",
    ),
    "pending.severity.ringan": ("ringan", "minor"),
    "pending.severity.sedang": ("sedang", "moderate"),
    "pending.severity.berat": ("berat", "serious"),
    "pending.unknown_date": ("-", "-"),
}
