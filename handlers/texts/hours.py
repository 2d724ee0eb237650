"""Texts of /jam, community-service hours (kerja sosial)."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.jam": ("catat jam kerja sosial klien", "log a klien's community-service hours"),
    "jam.no_klien": (
        "Tidak ada klien dengan putusan kerja sosial yang ditempatkan pada Anda.",
        "No klien with a community-service order is placed with you.",
    ),
    "jam.order_complete": (
        "Jam kerja sosial {klien} sudah lengkap ({total} dari {order} jam). Tidak ada yang perlu dicatat lagi.",
        "{klien}'s community service is complete ({total} of {order} hours). Nothing more to log.",
    ),
    "jam.ask_date": (
        "Jam kerja sosial {klien}. Tanggal berapa klien bekerja? Pilih, atau tulis tanggalnya (DD/MM/YYYY).",
        "Community service of {klien}. On which day did the klien work? Choose, or write the date (DD/MM/YYYY).",
    ),
    "jam.help_date": (
        "Tanggal tidak boleh di masa depan atau sebelum klien ditempatkan.",
        "The date cannot be in the future or before the klien's placement.",
    ),
    "jam.ask_hours": (
        "Berapa jam klien bekerja pada {date}? Tulis angka antara {low} dan {high}, misalnya 2,5.",
        "How many hours did the klien work on {date}? Write a number between {low} and {high}, e.g. 2.5.",
    ),
    "jam.help_hours": (
        "Tulis lamanya bekerja dalam jam: 2 atau 2,5 (dua setengah jam). Paling sedikit "
        "setengah jam, paling banyak 12 jam sehari, dan tidak melebihi putusan.",
        "Write the time worked in hours: 2 or 2.5 (two and a half hours). At least half an "
        "hour, at most 12 hours a day, and not more than the order.",
    ),
    "jam.bad_hours": (
        "Tulis jumlah jam sebagai angka, misalnya 3 atau 2,5.",
        "Write the hours as a number, e.g. 3 or 2.5.",
    ),
    "jam.hours_range": (
        "Jumlah jam harus antara {low} dan {high}.",
        "The hours must be between {low} and {high}.",
    ),
    "jam.day_full": (
        "Pada {date} sudah tercatat {logged} jam; satu hari paling banyak {high} jam, jadi "
        "paling banyak {left} jam lagi.",
        "{logged} hours are already logged on {date}; a day has at most {high} hours, so at "
        "most {left} more.",
    ),
    "jam.day_no_room": (
        "Pada {date} sudah tercatat {logged} jam, batas satu hari. Pilih tanggal lain.",
        "{logged} hours are already logged on {date}, the limit for one day. Choose another date.",
    ),
    "jam.order_exceeded": (
        "Itu melebihi putusan: sudah {total} dari {order} jam, sisa {left} jam.",
        "That exceeds the order: {total} of {order} hours done, {left} hours left.",
    ),
    "jam.field_date": ("Tanggal", "Date"),
    "jam.field_hours": ("Jam", "Hours"),
    "jam.total_after": (
        "Setelah dicatat: {total} dari {order} jam.",
        "After logging: {total} of {order} hours.",
    ),
    "jam.total_after_no_order": ("Setelah dicatat: {total} jam.", "After logging: {total} hours."),
    "jam.saved": (
        "Tercatat {hours} jam kerja sosial {klien} pada {date}. Total: {total} dari {order} jam.",
        "Logged {hours} hours of community service for {klien} on {date}. Total: {total} of {order} hours.",
    ),
    "jam.saved_no_order": (
        "Tercatat {hours} jam kerja sosial {klien} pada {date}. Total: {total} jam.",
        "Logged {hours} hours of community service for {klien} on {date}. Total: {total} hours.",
    ),
    "jam.saved_complete": (
        "Jam kerja sosial sudah lengkap. PK akan melihatnya di ringkasan.",
        "The community service is complete. The PK will see it in the summary.",
    ),
}
