"""Texts of /klien for coordinators: my active klien at a glance."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.klien": ("klien saya: daftar, atau cari kartu klien", "my klien: the list, or find a klien card"),
    "klienlist.header": (
        "Klien aktif Anda: {total} (halaman {page} dari {pages})",
        "Your active klien: {total} (page {page} of {pages})",
    ),
    "klienlist.empty": (
        "Belum ada klien aktif yang ditempatkan pada Anda.",
        "There are no active klien placed with you yet.",
    ),
    "klienlist.line": (
        "{n}. {name} \u2014 {last}; {followups}",
        "{n}. {name} \u2014 {last}; {followups}",
    ),
    "klienlist.last_report": ("laporan terakhir {date}", "last report {date}"),
    "klienlist.no_report": ("belum ada laporan", "no report yet"),
    "klienlist.no_followups": ("tidak ada tindak lanjut terbuka", "no open follow-ups"),
    "klienlist.followups": ("{count} tindak lanjut terbuka", "{count} open follow-ups"),
    "klienlist.footer": (
        "Laporan: /lapor \u00b7 Tindak lanjut: /tindaklanjut",
        "Report: /lapor \u00b7 Follow-ups: /tindaklanjut",
    ),
}
