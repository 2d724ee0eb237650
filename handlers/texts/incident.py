"""Texts of /insiden, the incident alert and its acknowledgement."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.insiden": (
        "laporkan insiden/pelanggaran (PK langsung diberi tahu)",
        "report an incident (the PK is told at once)",
    ),
    "insiden.ask_severity": (
        "Insiden tentang {klien}. Seberapa berat?",
        "Incident concerning {klien}. How serious is it?",
    ),
    "insiden.sev_ringan": ("Ringan", "Minor"),
    "insiden.sev_sedang": ("Sedang", "Moderate"),
    "insiden.sev_berat": ("Berat", "Serious"),
    "insiden.sev_ringan_hint": (
        "mis. terlambat, tidak masuk sehari",
        "e.g. late, absent for a day",
    ),
    "insiden.sev_sedang_hint": ("mis. bertengkar, tidak pulang", "e.g. a fight, did not come home"),
    "insiden.sev_berat_hint": (
        "mis. kekerasan, melarikan diri, ditangkap",
        "e.g. violence, absconding, arrested",
    ),
    "insiden.help_severity": (
        "Ringan: pelanggaran kecil. Sedang: perlu ditangani PK segera. Berat: keselamatan "
        "orang terancam atau klien melarikan diri \u2014 jika darurat, hubungi polisi (110) dulu.",
        "Minor: a small breach. Moderate: the PK should deal with it soon. Serious: someone's "
        "safety is at risk or the klien absconded \u2014 in an emergency call the police (110) first.",
    ),
    "insiden.ask_body": (
        "Ceritakan apa yang terjadi: kapan, di mana, siapa yang terlibat ({low}\u2013{high} karakter).",
        "Describe what happened: when, where, who was involved ({low}\u2013{high} characters).",
    ),
    "insiden.help_body": (
        "Tulis faktanya singkat dan jelas. Jangan menulis detail perkara pidana lama klien.",
        "Write the facts briefly and clearly. Do not write details of the klien's old criminal case.",
    ),
    "insiden.field_severity": ("Tingkat", "Severity"),
    "insiden.field_body": ("Kejadian", "What happened"),
    "insiden.saved": (
        "Insiden tentang {klien} tercatat (no. {number}). PK sudah diberi tahu dan akan "
        "diingatkan sampai menanggapi.",
        "Incident concerning {klien} recorded (no. {number}). The PK has been told and will be "
        "reminded until they respond.",
    ),
    "insiden.saved_no_officer": (
        "Insiden tentang {klien} tercatat (no. {number}). Klien ini belum punya PK; admin Bapas "
        "sudah diberi tahu.",
        "Incident concerning {klien} recorded (no. {number}). This klien has no PK yet; the "
        "Bapas admins have been told.",
    ),
    # the alert (outbox kind "incident") and its acknowledgement
    "insiden.alert": (
        "\u26a0\ufe0f INSIDEN ({severity}) no. {number}: {klien}, {pokmas}.\n"
        "Dilaporkan oleh {author}:\n{body}",
        "\u26a0\ufe0f INCIDENT ({severity}) no. {number}: {klien}, {pokmas}.\n"
        "Reported by {author}:\n{body}",
    ),
    "insiden.alert_repeat": (
        "Pengingat ke-{repeat}: insiden ini belum diterima.",
        "Reminder {repeat}: this incident has not been acknowledged yet.",
    ),
    "insiden.ack_button": ("Diterima", "Acknowledge"),
    "insiden.ack_done": (
        "Insiden no. {number} tentang {klien} ditandai diterima. Pengingat dihentikan.",
        "Incident no. {number} concerning {klien} marked as acknowledged. Reminders stop.",
    ),
    "insiden.ack_already": (
        "Insiden no. {number} sudah diterima sebelumnya oleh {name} ({when}).",
        "Incident no. {number} was already acknowledged by {name} ({when}).",
    ),
    "insiden.not_found": (
        "Insiden itu tidak ada atau bukan tanggung jawab Anda.",
        "That incident does not exist or is not yours to handle.",
    ),
}
