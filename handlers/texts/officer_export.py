"""Texts of /ekspor: an officer's XLSX of their klien's reports."""

TEXTS: dict[str, tuple[str, str]] = {
    "ekspor.menu": ("unduh laporan klien (XLSX)", "download klien reports (XLSX)"),
    "ekspor.usage": (
        "Pakai: /ekspor (bulan ini), /ekspor DARI, atau /ekspor DARI SAMPAI. Tanggal ditulis "
        "DD/MM/YYYY atau YYYY-MM-DD, misalnya /ekspor 01/10/2026 31/10/2026.",
        "Use: /ekspor (this month), /ekspor FROM, or /ekspor FROM TO. Dates are written "
        "DD/MM/YYYY or YYYY-MM-DD, e.g. /ekspor 01/10/2026 31/10/2026.",
    ),
    "ekspor.bad_date": (
        "Tanggal \u201c{text}\u201d tidak dikenali. Tulis seperti 01/10/2026 atau 2026-10-01.",
        "Date \u201c{text}\u201d not recognised. Write it like 01/10/2026 or 2026-10-01.",
    ),
    "ekspor.bad_order": (
        "Tanggal awal ({start}) sesudah tanggal akhir ({end}).",
        "The first date ({start}) is after the last date ({end}).",
    ),
    "ekspor.too_long": (
        "Periode paling panjang {days} hari. Bagi menjadi beberapa ekspor.",
        "The period can be at most {days} days. Split it into several exports.",
    ),
    "ekspor.empty": (
        "Tidak ada laporan klien Anda dari {start} sampai {end}.",
        "No reports on your klien from {start} to {end}.",
    ),
    "ekspor.done": (
        "Laporan klien Anda dari {start} sampai {end}: {count} baris.",
        "Reports on your klien from {start} to {end}: {count} rows.",
    ),
}
