"""Texts of the reminder rules' messages (outbox kinds rendered by handlers/reminders.py)."""

TEXTS: dict[str, tuple[str, str]] = {
    # shared bits
    "remind.item": ("• {klien}: {detail}", "• {klien}: {detail}"),
    "remind.more": ("… dan {count} lagi", "… and {count} more"),
    "remind.record_checkin": ("Catat wajib lapor", "Record a check-in"),
    "remind.send_report": ("Kirim laporan", "Send a report"),
    "remind.my_followups": ("Tindak lanjut saya", "My follow-ups"),
    # no report
    "remind.no_report": (
        "Belum ada laporan perkembangan selama {days} hari atau lebih. Mohon kirim laporan "
        "dengan /lapor:",
        "No progress report for {days} days or more. Please send one with /lapor:",
    ),
    "remind.no_report_officer": (
        "Tidak ada laporan dari Pokmas selama {days} hari atau lebih (koordinator sudah "
        "diingatkan):",
        "No report from the Pokmas for {days} days or more (the coordinator was reminded):",
    ),
    "remind.since": ("laporan terakhir/penempatan {date}", "last report/placement {date}"),
    # check-ins
    "remind.checkin_due_officer": (
        "Wajib lapor segera jatuh tempo:",
        "Check-ins (wajib lapor) coming due:",
    ),
    "remind.checkin_due_coordinator": (
        "Wajib lapor ke Bapas segera jatuh tempo. Mohon ingatkan klien:",
        "Check-ins at the Bapas are coming due. Please remind the klien:",
    ),
    "remind.checkin_missed_officer": (
        "Wajib lapor terlewat dan belum dicatat. Catat hasilnya dengan /wajiblapor:",
        "Check-ins passed without a record. Record what happened with /wajiblapor:",
    ),
    "remind.checkin_missed_coordinator": (
        "Klien ini belum tercatat hadir wajib lapor. Mohon ingatkan klien untuk menghubungi "
        "PK-nya:",
        "These klien have no recorded check-in. Please remind them to contact their PK:",
    ),
    "remind.due_on": ("jatuh tempo {date}", "due {date}"),
    "remind.three_misses": (
        "⚠️ {klien} tidak hadir wajib lapor {misses} kali berturut-turut (PK: {officer}). "
        "Ini dapat menjadi dasar pencabutan pembebasan bersyarat; mohon segera ditindaklanjuti.",
        "⚠️ {klien} missed {misses} check-ins in a row (PK: {officer}). This can be a ground "
        "for revoking conditional release; please act on it soon.",
    ),
    # supervision ending
    "remind.supervision_end": (
        "Masa pembimbingan segera berakhir:",
        "Supervision ending soon:",
    ),
    "remind.ends_on": ("berakhir {date}", "ends {date}"),
    # follow-ups
    "remind.followup_stale": (
        "Tindak lanjut melewati tenggat. Selesaikan atau pindahkan tenggatnya dengan "
        "/tindaklanjut:",
        "Follow-ups past their due date. Close them or move the due date with /tindaklanjut:",
    ),
    "remind.followup_stale_officer": (
        "Tindak lanjut oleh Pokmas yang melewati tenggat lebih dari beberapa hari:",
        "Follow-ups by the Pokmas overdue for several days:",
    ),
    "remind.followup_item": ("{title} (tenggat {date})", "{title} (due {date})"),
    "remind.followup_item_owner": (
        "{title} (tenggat {date}, oleh {owner})",
        "{title} (due {date}, by {owner})",
    ),
    # community service
    "remind.service_hours": (
        "Jam kerja sosial tertinggal dari jadwal:",
        "Community-service hours behind schedule:",
    ),
    "remind.hours_item": (
        "{logged} dari {ordered} jam tercatat (seharusnya sekitar {expected})",
        "{logged} of {ordered} hours logged (about {expected} expected by now)",
    ),
    # PKS
    "remind.pks_expiring": (
        "Perjanjian kerja sama (PKS) Pokmas segera berakhir:",
        "Pokmas cooperation agreements (PKS) expiring soon:",
    ),
    "remind.pks_item": (
        "• {pokmas} ({code}), PKS {number}: berakhir {date}",
        "• {pokmas} ({code}), PKS {number}: expires {date}",
    ),
    # weekly officer digest
    "remind.weekly": (
        "Ringkasan mingguan ({week}) — klien Anda:\n"
        "• Klien aktif: {active}\n"
        "• Tanpa laporan ≥ {days} hari: {silent}\n"
        "• Wajib lapor 7 hari ke depan: {due}; terlewat belum dicatat: {missed}; "
        "klien dengan ketidakhadiran berturut-turut: {misses}\n"
        "• Pembimbingan berakhir ≤ 30 hari: {ending}\n"
        "• Tindak lanjut terbuka: {open} (lewat tenggat: {overdue})\n"
        "• Insiden belum diterima: {incidents}\n"
        "Rincian: /ringkasan dan /tertunda.",
        "Weekly summary ({week}) — your klien:\n"
        "• Active klien: {active}\n"
        "• No report for ≥ {days} days: {silent}\n"
        "• Check-ins in the next 7 days: {due}; passed unrecorded: {missed}; "
        "klien with missed check-ins in a row: {misses}\n"
        "• Supervision ending within 30 days: {ending}\n"
        "• Open follow-ups: {open} (overdue: {overdue})\n"
        "• Unacknowledged incidents: {incidents}\n"
        "Details: /ringkasan and /tertunda.",
    ),
    # monthly observer summary (aggregate only, nobody named)
    "remind.monthly": (
        "Ringkasan bulanan {month} — Kabupaten {kabupaten} (angka agregat, tanpa nama):",
        "Monthly summary {month} — Kabupaten {kabupaten} (aggregate figures, no names):",
    ),
    "remind.monthly_active": ("Klien aktif: {count}", "Active klien: {count}"),
    "remind.monthly_program": ("Per program: {parts}", "By programme: {parts}"),
    "remind.monthly_sector": ("Per sektor Pokmas: {parts}", "By Pokmas sector: {parts}"),
    "remind.monthly_reports": ("Laporan bulan itu: {count}", "Reports that month: {count}"),
    "remind.monthly_category": ("Per kategori: {parts}", "By category: {parts}"),
    "remind.monthly_in_work": (
        "Klien bekerja (laporan pekerjaan dalam {days} hari terakhir): {count}",
        "Klien in work (a work report in the last {days} days): {count}",
    ),
    "remind.monthly_none": ("—", "—"),
    "remind.monthly_withheld": (
        "(tidak ditampilkan: angka terlalu kecil)",
        "(withheld: counts too small)",
    ),
    # delivery problems (admins)
    "remind.delivery": (
        "Masalah pengiriman pesan bot pada {date}: {total} pesan tidak terkirim.\n"
        "Menurut status: {by_status}\n"
        "Menurut jenis: {by_kind}\n"
        "Ditahan saat ini (penerima belum punya chat yang bisa dihubungi): {held_now}",
        "Bot delivery problems on {date}: {total} messages not delivered.\n"
        "By status: {by_status}\n"
        "By kind: {by_kind}\n"
        "Held right now (recipient has no reachable chat): {held_now}",
    ),
    "remind.delivery_held_members": (
        "Anggota dengan pesan ditahan: {names}",
        "Members with held messages: {names}",
    ),
    "remind.status.failed": ("gagal", "failed"),
    "remind.status.held": ("ditahan", "held"),
    "remind.status.unknown": ("tidak pasti", "unknown"),
}
