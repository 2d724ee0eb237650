"""Texts of /tindaklanjut, open follow-ups: close with a note or move the due date."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.tindaklanjut": ("tindak lanjut yang masih terbuka", "open follow-ups"),
    "tl.none": (
        "Tidak ada tindak lanjut yang terbuka. Tindak lanjut dibuka dari /lapor dengan hasil "
        "\u201cDalam proses\u201d atau \u201cButuh bantuan PK\u201d.",
        "There are no open follow-ups. Follow-ups are opened from /lapor with the outcome "
        "\u201cIn progress\u201d or \u201cNeeds the PK's help\u201d.",
    ),
    "tl.ask_followup": (
        "Tindak lanjut terbuka ({total}), halaman {page} dari {pages}. Pilih satu:",
        "Open follow-ups ({total}), page {page} of {pages}. Choose one:",
    ),
    "tl.option_due": ("jatuh tempo {due}", "due {due}"),
    "tl.option_overdue": ("lewat jatuh tempo {due}", "overdue since {due}"),
    "tl.help_followup": (
        "Pilih tindak lanjut yang ingin ditutup atau dijadwal ulang: ketuk, atau ketik nomornya.",
        "Choose the follow-up to close or reschedule: tap it, or type its number.",
    ),
    "tl.not_yours": (
        "Tindak lanjut itu tidak ada dalam daftar Anda atau sudah ditutup.",
        "That follow-up is not in your list or is already closed.",
    ),
    "tl.ask_action": (
        "{klien}: {title}\nJatuh tempo {due}. Apa yang ingin dilakukan?",
        "{klien}: {title}\nDue {due}. What do you want to do?",
    ),
    "tl.action_done": ("Selesai", "Done"),
    "tl.action_move": ("Ubah tanggal", "Change date"),
    "tl.help_action": (
        "Selesai: tindak lanjut ditutup dengan catatan singkat. Ubah tanggal: jatuh tempo "
        "dipindah ke tanggal baru.",
        "Done: the follow-up is closed with a short note. Change date: the due date moves to "
        "a new day.",
    ),
    "tl.ask_note": (
        "Tulis catatan singkat tentang hasilnya ({low}\u2013{high} karakter).",
        "Write a short note on the result ({low}\u2013{high} characters).",
    ),
    "tl.ask_due": (
        "Jatuh tempo baru? Pilih, atau tulis tanggalnya (DD/MM/YYYY).",
        "New due date? Choose, or write the date (DD/MM/YYYY).",
    ),
    "tl.in_one_week": ("1 minggu lagi", "In 1 week"),
    "tl.in_two_weeks": ("2 minggu lagi", "In 2 weeks"),
    "tl.help_detail": (
        "Untuk Selesai: catatan singkat tentang hasilnya. Untuk Ubah tanggal: tanggal baru, "
        "paling cepat hari ini dan paling lambat satu tahun lagi.",
        "For Done: a short note on the result. For Change date: the new date, today at the "
        "earliest and one year ahead at the latest.",
    ),
    "tl.date_past": (
        "Tanggal itu sudah lewat. Pilih hari ini atau sesudahnya.",
        "That date has passed. Choose today or later.",
    ),
    "tl.date_too_far": (
        "Tanggal itu terlalu jauh; paling lambat {last}.",
        "That date is too far ahead; {last} at the latest.",
    ),
    "tl.field_followup": ("Tindak lanjut", "Follow-up"),
    "tl.field_action": ("Tindakan", "Action"),
    "tl.field_detail": ("Catatan / tanggal baru", "Note / new date"),
    "tl.field_note": ("Catatan", "Note"),
    "tl.field_due": ("Jatuh tempo baru", "New due date"),
    "tl.closed": (
        "Tindak lanjut untuk {klien} ditutup. Terima kasih!",
        "Follow-up for {klien} closed. Thank you!",
    ),
    "tl.moved": (
        "Jatuh tempo tindak lanjut untuk {klien} dipindah ke {due}.",
        "The follow-up for {klien} is now due {due}.",
    ),
    "tl.gone": (
        "Tindak lanjut itu sudah ditutup atau dipindah orang lain. Tidak ada yang diubah.",
        "That follow-up was closed or moved by someone else. Nothing was changed.",
    ),
}
