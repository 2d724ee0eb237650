"""Texts of /ringkasan (officer, admin, observer) and the labels of programs, statuses, sectors."""

TEXTS: dict[str, tuple[str, str]] = {
    "summary.menu": ("ringkasan klien dan laporan", "summary of klien and reports"),
    "summary.usage": (
        "Pakai: /ringkasan 7, /ringkasan 30 (bawaan) atau /ringkasan bulan.",
        "Use: /ringkasan 7, /ringkasan 30 (default) or /ringkasan bulan.",
    ),
    "summary.title_days": (
        "Ringkasan {days} hari terakhir ({start}\u2013{end})",
        "Summary of the last {days} days ({start}\u2013{end})",
    ),
    "summary.title_month": (
        "Ringkasan bulan ini ({start}\u2013{end})",
        "Summary of this month ({start}\u2013{end})",
    ),
    "summary.scope_officer": ("Klien Anda", "Your klien"),
    "summary.scope_admin": ("Seluruh {bapas}", "All of {bapas}"),
    "summary.klien_total": (
        "{scope}: {active} aktif dari {total}",
        "{scope}: {active} active of {total}",
    ),
    "summary.by_status": ("Status: {parts}", "Status: {parts}"),
    "summary.by_program": ("Program (aktif): {parts}", "Programme (active): {parts}"),
    "summary.reports": ("Laporan dalam periode: {total}", "Reports in the period: {total}"),
    "summary.reports_category": ("Per kategori: {parts}", "By category: {parts}"),
    "summary.reports_pokmas": ("Per Pokmas: {parts}", "By Pokmas: {parts}"),
    "summary.silent": (
        "Tanpa laporan lebih dari {days} hari: {count}",
        "No report for more than {days} days: {count}",
    ),
    "summary.silent_more": ("dan {count} lainnya", "and {count} more"),
    "summary.checkins": (
        "Wajib lapor: {due} jatuh tempo dalam {days} hari, {missed} terlewat",
        "Check-ins: {due} due within {days} days, {missed} missed",
    ),
    "summary.followups": (
        "Tindak lanjut terbuka: {open} ({overdue} lewat tenggat)",
        "Open follow-ups: {open} ({overdue} past due)",
    ),
    "summary.incidents": (
        "Insiden belum diterima: {count}",
        "Incidents not acknowledged: {count}",
    ),
    "summary.none": ("tidak ada", "none"),
    "summary.hint": (
        "Lihat /tertunda untuk yang perlu ditindaklanjuti, /klien NAMA untuk kartu klien.",
        "See /tertunda for what needs action, /klien NAME for a klien card.",
    ),
    "summary.chart_caption": (
        "Laporan per minggu per Pokmas ({start}\u2013{end})",
        "Reports per week per Pokmas ({start}\u2013{end})",
    ),
    "summary.chart_ylabel": ("Laporan", "Reports"),
    "summary.chart_week": ("Minggu mulai", "Week starting"),
    "summary.chart_other": ("Lainnya", "Other"),
    "summary.no_pokmas": ("tanpa Pokmas", "no Pokmas"),
    "summary.no_chart": (
        "(Grafik tidak dikirim: pustaka grafik matplotlib belum terpasang di server.)",
        "(No chart: the matplotlib charting library is not installed on the server.)",
    ),
    "summary.no_reports_chart": (
        "(Tidak ada laporan dalam periode ini, jadi tidak ada grafik.)",
        "(No reports in this period, so no chart.)",
    ),
    # observer
    "summary.area_title": (
        "Ringkasan Kabupaten {kabupaten}",
        "Summary for Kabupaten {kabupaten}",
    ),
    "summary.area_note": (
        "Hanya angka gabungan, tanpa nama. Angka 1\u20134 ditulis \u201c<5\u201d; bila perlu angka "
        "lain ditulis \u201c\u22655\u201d atau rinciannya tidak ditampilkan, agar angka kecil tidak "
        "bisa dihitung dari jumlahnya.",
        "Aggregate figures only, no names. Counts of 1\u20134 are shown as \u201c<5\u201d; where "
        "needed other counts are shown as \u201c\u22655\u201d or the breakdown is withheld, so a "
        "small count cannot be worked out from the total.",
    ),
    "summary.too_few": (
        "terlalu sedikit untuk dirinci",
        "too few to break down",
    ),
    "summary.area_active": ("Klien aktif: {count}", "Active klien: {count}"),
    "summary.area_program": ("Per program: {parts}", "By programme: {parts}"),
    "summary.area_sector": (
        "Penempatan per sektor Pokmas: {parts}",
        "Placements by Pokmas sector: {parts}",
    ),
    "summary.area_reports": ("Laporan dalam periode: {count}", "Reports in the period: {count}"),
    "summary.area_category": ("Per kategori: {parts}", "By category: {parts}"),
    "summary.area_in_work": (
        "Klien bekerja: {count} (klien aktif dengan laporan pekerjaan selesai atau dalam proses "
        "dalam {days} hari terakhir)",
        "Klien in work: {count} (active klien with a work report, done or in progress, in the "
        "last {days} days)",
    ),
    # programs
    "summary.program.PB": ("PB", "PB"),
    "summary.program.CB": ("CB", "CB"),
    "summary.program.CMB": ("CMB", "CMB"),
    "summary.program.asimilasi": ("Asimilasi", "Assimilation"),
    "summary.program.diversi": ("Diversi", "Diversion"),
    "summary.program.pidana_pengawasan": ("Pidana pengawasan", "Supervision sentence"),
    "summary.program.kerja_sosial": ("Kerja sosial", "Community service"),
    "summary.program.lainnya": ("Lainnya", "Other"),
    # klien statuses
    "summary.status.aktif": ("aktif", "active"),
    "summary.status.selesai": ("selesai", "completed"),
    "summary.status.dicabut": ("dicabut", "revoked"),
    "summary.status.mangkir": ("mangkir", "absconded"),
    # Pokmas sectors
    "summary.sector.pesantren": ("Pesantren", "Pesantren"),
    "summary.sector.bengkel": ("Bengkel", "Workshop"),
    "summary.sector.cuci_kendaraan": ("Cuci kendaraan", "Vehicle wash"),
    "summary.sector.toko_sepeda": ("Toko sepeda", "Bicycle shop"),
    "summary.sector.peternakan": ("Peternakan", "Livestock farm"),
    "summary.sector.pertanian": ("Pertanian", "Farming"),
    "summary.sector.jasa": ("Jasa", "Services"),
    "summary.sector.pendidikan": ("Pendidikan", "Education"),
    "summary.sector.lainnya": ("Lainnya", "Other"),
}
