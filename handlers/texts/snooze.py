"""Texts of /tunda (snoozing the no-report reminders of one klien)."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.tunda": (
        "tunda pengingat tanpa laporan untuk satu klien (1–30 hari)",
        "snooze the no-report reminders of one klien (1–30 days)",
    ),
    "tunda.usage": (
        "Pakai: /tunda KLIEN HARI ALASAN — KLIEN nomor register atau sebagian nama, "
        "HARI {low}–{high}.",
        "Use: /tunda KLIEN DAYS REASON — KLIEN a register number or part of a name, "
        "DAYS {low}–{high}.",
    ),
    "tunda.example": (
        "Contoh: /tunda PB-0001/2026 14 klien dirawat di rumah sakit",
        "Example: /tunda PB-0001/2026 14 klien is in hospital",
    ),
    "tunda.bad_days": (
        "Jumlah hari harus {low} sampai {high}.",
        "The number of days must be {low} to {high}.",
    ),
    "tunda.need_reason": (
        "Tulis alasannya setelah jumlah hari (minimal 3 karakter).",
        "Write the reason after the number of days (at least 3 characters).",
    ),
    "tunda.reason_long": (
        "Alasannya terlalu panjang (maksimal 200 karakter).",
        "The reason is too long (at most 200 characters).",
    ),
    "tunda.no_match": (
        "Tidak ada klien aktif Anda yang cocok dengan \u201c{query}\u201d.",
        "None of your active klien matches \u201c{query}\u201d.",
    ),
    "tunda.ambiguous": (
        "Lebih dari satu klien cocok dengan \u201c{query}\u201d. Pakai nomor register:\n{names}",
        "More than one klien matches \u201c{query}\u201d. Use the register number:\n{names}",
    ),
    "tunda.done": (
        "Pengingat tanpa laporan untuk {klien} ditunda {days} hari, sampai {until}. "
        "Alasannya dicatat.",
        "No-report reminders for {klien} snoozed for {days} days, until {until}. The reason "
        "was recorded.",
    ),
}
