"""Texts of /wajiblapor (recording a check-in at the Bapas)."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.wajiblapor": ("catat wajib lapor klien", "record a klien's check-in"),
    "wajib.help_klien": (
        "Pilih klien yang wajib lapornya dicatat: ketuk namanya, ketik nomornya di daftar, "
        "atau ketik sebagian namanya.",
        "Choose the klien whose check-in you record: tap the name, type its number in the "
        "list, or type part of the name.",
    ),
    "wajib.ask_attendance": (
        "Wajib lapor {klien} (jatuh tempo {due}). Bagaimana kehadirannya?",
        "Check-in of {klien} (due {due}). Did they attend?",
    ),
    "wajib.att.hadir": ("Hadir", "Attended"),
    "wajib.att.daring": ("Hadir daring", "Attended remotely"),
    "wajib.att.tidak_hadir": ("Tidak hadir", "Did not attend"),
    "wajib.help_attendance": (
        "Hadir: datang ke Bapas. Hadir daring: lapor lewat panggilan video. Tidak hadir: "
        "tidak datang dan tidak menghubungi. Tiga kali tidak hadir berturut-turut "
        "memberi tahu admin.",
        "Attended: came to the Bapas. Attended remotely: reported by video call. Did not "
        "attend: neither came nor called. Three misses in a row alert the admin.",
    ),
    "wajib.ask_date": (
        "Tanggal wajib lapor? Pilih, atau tulis seperti 28/11/2026.",
        "Date of the check-in? Choose, or write it like 28/11/2026.",
    ),
    "wajib.help_date": (
        "Tanggal klien datang (atau seharusnya datang). Tidak boleh di masa depan.",
        "The day the klien came (or should have come). It cannot be in the future.",
    ),
    "wajib.date_future": (
        "Tanggal itu belum lewat. Pilih hari ini atau tanggal sebelumnya.",
        "That date has not come yet. Choose today or an earlier date.",
    ),
    "wajib.date_before_start": (
        "Tanggal itu sebelum masa pembimbingan dimulai ({date}).",
        "That date is before supervision began ({date}).",
    ),
    "wajib.date_before_last": (
        "Tanggal itu sebelum wajib lapor terakhir yang tercatat ({date}).",
        "That date is before the last recorded check-in ({date}).",
    ),
    "wajib.field_attendance": ("Kehadiran", "Attendance"),
    "wajib.field_date": ("Tanggal", "Date"),
    "wajib.saved": (
        "Wajib lapor {klien} tercatat: {attendance}. Wajib lapor berikutnya: {next}.",
        "Check-in of {klien} recorded: {attendance}. Next check-in: {next}.",
    ),
    "wajib.misses": (
        "Tidak hadir {count} kali berturut-turut.",
        "Missed {count} times in a row.",
    ),
    "wajib.alerted": (
        "Admin Bapas sudah diberi tahu tentang ketidakhadiran berturut-turut ini.",
        "The Bapas admins have been told about these consecutive misses.",
    ),
}
