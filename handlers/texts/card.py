"""Texts of the klien card (/klien QUERY for officers and admins)."""

TEXTS: dict[str, tuple[str, str]] = {
    "card.menu": ("cari klien dan buka kartunya", "find a klien and open the card"),
    "card.usage": (
        "Pakai: /klien NAMA atau /klien NOMOR-REGISTER (minimal 2 huruf).",
        "Use: /klien NAME or /klien REGISTER-NUMBER (at least 2 characters).",
    ),
    "card.no_match": (
        "Tidak ada klien Anda yang cocok dengan \u201c{query}\u201d.",
        "None of your klien matches \u201c{query}\u201d.",
    ),
    "card.matches": (
        "{total} klien cocok dengan \u201c{query}\u201d. Pilih satu:",
        "{total} klien match \u201c{query}\u201d. Choose one:",
    ),
    "card.matches_more": (
        "Ditampilkan {shown} pertama; ketik lebih lengkap untuk mempersempit.",
        "Showing the first {shown}; type more to narrow it down.",
    ),
    "card.not_found": (
        "Klien itu tidak ada dalam daftar Anda.",
        "That klien is not in your list.",
    ),
    "card.title": ("Kartu klien: {name} ({register_no})", "Klien card: {name} ({register_no})"),
    "card.program": (
        "Program: {program} \u00b7 Status: {status}",
        "Programme: {program} \u00b7 Status: {status}",
    ),
    "card.supervision": (
        "Masa pembimbingan: {start}\u2013{end} ({left})",
        "Supervision: {start}\u2013{end} ({left})",
    ),
    "card.days_left": ("{days} hari lagi", "{days} days left"),
    "card.ends_today": ("berakhir hari ini", "ends today"),
    "card.ended": ("berakhir {days} hari lalu", "ended {days} days ago"),
    "card.pokmas": (
        "Pokmas: {name} ({code}), sejak {since}",
        "Pokmas: {name} ({code}), since {since}",
    ),
    "card.pokmas_no_date": ("Pokmas: {name} ({code})", "Pokmas: {name} ({code})"),
    "card.no_pokmas": ("Pokmas: belum ditempatkan", "Pokmas: not placed"),
    "card.officer": ("PK: {name} ({code})", "Officer: {name} ({code})"),
    "card.no_officer": ("PK: belum ditentukan", "Officer: not assigned"),
    "card.checkin": (
        "Wajib lapor: berikutnya {next}, tiap {every} hari; tidak hadir berturut-turut: {missed}",
        "Check-in: next {next}, every {every} days; missed in a row: {missed}",
    ),
    "card.checkin_none": ("belum dijadwalkan", "not scheduled"),
    "card.checkin_history": ("Riwayat wajib lapor: {items}", "Check-in history: {items}"),
    "card.checkin_history_none": (
        "Riwayat wajib lapor: belum ada",
        "Check-in history: none yet",
    ),
    "card.attendance.hadir": ("hadir", "in person"),
    "card.attendance.daring": ("daring", "remote"),
    "card.attendance.tidak_hadir": ("tidak hadir", "missed"),
    "card.hours": (
        "Jam kerja sosial: {done} dari {ordered} jam ({percent}%); sesuai jadwal seharusnya \u00b1{expected} jam",
        "Community service: {done} of {ordered} hours ({percent}%); on schedule it would be \u00b1{expected} hours",
    ),
    "card.hours_no_order": (
        "Jam kerja sosial tercatat: {done} jam (tanpa putusan jam)",
        "Community service logged: {done} hours (no ordered hours)",
    ),
    "card.reports": (
        "Laporan terakhir ({shown} dari {total}):",
        "Latest reports ({shown} of {total}):",
    ),
    "card.reports_none": ("Laporan: belum ada", "Reports: none yet"),
    "card.report_line": (
        "\u2022 {date} {category}{outcome}: {body} ({author})",
        "\u2022 {date} {category}{outcome}: {body} ({author})",
    ),
    "card.followups": ("Tindak lanjut terbuka:", "Open follow-ups:"),
    "card.followups_none": ("Tindak lanjut terbuka: tidak ada", "Open follow-ups: none"),
    "card.followup_line": (
        "\u2022 {title} \u2014 jatuh tempo {due}",
        "\u2022 {title} \u2014 due {due}",
    ),
    "card.followup_overdue": (
        "\u2022 {title} \u2014 jatuh tempo {due} (lewat tenggat)",
        "\u2022 {title} \u2014 due {due} (past due)",
    ),
    "card.unknown_author": ("tidak diketahui", "unknown"),
}
