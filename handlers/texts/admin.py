"""Texts of the admin's chat commands: /undang, /pokmas, /anggota, /pindah."""

TEXTS: dict[str, tuple[str, str]] = {
    "admin.menu_undang": ("buat kode undangan", "create an invite code"),
    "admin.menu_pokmas": ("daftar Pokmas", "list the Pokmas"),
    "admin.menu_anggota": ("daftar anggota", "list the members"),
    "admin.menu_pindah": (
        "pindahkan klien ke PK atau Pokmas lain",
        "move a klien to another officer or Pokmas",
    ),
    # roles
    "admin.role.coordinator": ("Koordinator Pokmas", "Pokmas coordinator"),
    "admin.role.officer": ("PK", "Officer (PK)"),
    "admin.role.admin": ("Admin", "Admin"),
    "admin.role.observer": ("Pengamat (Dinas Sosial)", "Observer (Dinas Sosial)"),
    # /undang
    "admin.undang_usage": (
        "Pakai:\n/undang pk KODE-PK\n/undang koordinator KODE-POKMAS [nama]\n"
        "/undang pengamat KABUPATEN [nama]\n/undang admin [nama]\n"
        "Tambahkan hari=N untuk masa berlaku (1\u201390, bawaan 7).",
        "Use:\n/undang pk OFFICER-CODE\n/undang koordinator POKMAS-CODE [name]\n"
        "/undang pengamat KABUPATEN [name]\n/undang admin [name]\n"
        "Add hari=N for the validity (1\u201390, default 7).",
    ),
    "admin.undang_done": (
        "Undangan untuk {role} #{member} ({name}) dibuat.\nKode: {code}\nBerlaku sampai: {expires}",
        "Invite for {role} #{member} ({name}) created.\nCode: {code}\nValid until: {expires}",
    ),
    "admin.undang_telegram": ("Telegram: {link}", "Telegram: {link}"),
    "admin.undang_whatsapp": ("WhatsApp: {link}", "WhatsApp: {link}"),
    "admin.undang_daftar": (
        "Atau kirim ke bot: DAFTAR {code}\nKode hanya berlaku sekali; berikan hanya kepada orangnya.",
        "Or send to the bot: DAFTAR {code}\nThe code works once; give it only to that person.",
    ),
    # /pokmas
    "admin.pokmas_title": ("Pokmas: {count}", "Pokmas: {count}"),
    "admin.pokmas_none": (
        "Belum ada Pokmas. Impor dengan pokmas-bot import pokmas.",
        "No Pokmas yet. Import them with pokmas-bot import pokmas.",
    ),
    "admin.pokmas_line": (
        "\u2022 {code} {name} \u2014 {kabupaten}, {sector}; {klien} klien aktif; {last}; {pks}",
        "\u2022 {code} {name} \u2014 {kabupaten}, {sector}; {klien} active klien; {last}; {pks}",
    ),
    "admin.pokmas_inactive": ("(nonaktif)", "(inactive)"),
    "admin.pokmas_last": ("laporan terakhir {date}", "last report {date}"),
    "admin.pokmas_no_report": ("belum ada laporan", "no report yet"),
    "admin.pks_none": ("tanpa PKS", "no PKS"),
    "admin.pks_until": ("PKS s.d. {date}", "PKS until {date}"),
    "admin.pks_soon": (
        "PKS s.d. {date} (habis dalam {days} hari)",
        "PKS until {date} (expires in {days} days)",
    ),
    "admin.pks_expired": ("PKS habis {date}", "PKS expired {date}"),
    # /anggota
    "admin.anggota_title": ("Anggota: {count}", "Members: {count}"),
    "admin.anggota_line": (
        "\u2022 #{id} {name}{scope} \u2014 {chats}{inactive}",
        "\u2022 #{id} {name}{scope} \u2014 {chats}{inactive}",
    ),
    "admin.anggota_unlinked": ("belum terhubung", "not linked"),
    "admin.anggota_inactive": (" (nonaktif)", " (inactive)"),
    # /pindah
    "admin.pindah_usage": (
        "Pakai: /pindah NOMOR-REGISTER KODE-PK atau /pindah NOMOR-REGISTER KODE-POKMAS. "
        "Jika kode PK sama dengan kode Pokmas, tulis pk:KODE atau pokmas:KODE.",
        "Use: /pindah REGISTER-NUMBER OFFICER-CODE or /pindah REGISTER-NUMBER POKMAS-CODE. "
        "If an officer code equals a Pokmas code, write pk:CODE or pokmas:CODE.",
    ),
    "admin.pindah_no_klien": (
        "Klien dengan nomor register {register_no} tidak ditemukan.",
        "No klien with register number {register_no}.",
    ),
    "admin.pindah_no_target": (
        "Kode {code} bukan kode PK atau Pokmas yang aktif.",
        "{code} is not the code of an active officer or Pokmas.",
    ),
    "admin.pindah_ambiguous": (
        "Kode {code} dipakai oleh PK dan juga Pokmas. Tulis pk:{code} atau pokmas:{code}.",
        "{code} is both an officer code and a Pokmas code. Write pk:{code} or pokmas:{code}.",
    ),
    "admin.pindah_same": (
        "{klien} sudah berada di {target}. Tidak ada yang diubah.",
        "{klien} is already with {target}. Nothing changed.",
    ),
    "admin.pindah_done_officer": (
        "{klien} dipindahkan dari PK {old} ke PK {new}. Riwayat penempatan tetap tersimpan; PK baru diberi tahu.",
        "{klien} moved from officer {old} to officer {new}. The placement history is kept; the new officer is told.",
    ),
    "admin.pindah_done_pokmas": (
        "{klien} dipindahkan dari Pokmas {old} ke Pokmas {new}. Riwayat penempatan tetap tersimpan; {told} koordinator diberi tahu.",
        "{klien} moved from Pokmas {old} to Pokmas {new}. The placement history is kept; {told} coordinator(s) told.",
    ),
    "admin.nobody": ("(tidak ada)", "(none)"),
    # the outbox message
    "admin.reassigned_officer": (
        "Klien baru untuk Anda: {klien} ({register_no}), program {program}, Pokmas {pokmas}. Dipindahkan oleh {by}.",
        "A new klien for you: {klien} ({register_no}), programme {program}, Pokmas {pokmas}. Moved by {by}.",
    ),
    "admin.reassigned_pokmas": (
        "Klien baru ditempatkan di Pokmas Anda: {klien}, program {program}, PK {officer}. Lihat /klien.",
        "A new klien is placed with your Pokmas: {klien}, programme {program}, officer {officer}. See /klien.",
    ),
}
