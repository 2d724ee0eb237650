"""Texts of /lapor, the klien picker, categories, outcomes and field names."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.lapor": ("laporan perkembangan klien", "progress report on a klien"),
    # picker
    "pick.klien": (
        "Pilih klien (halaman {page} dari {pages}, {total} klien), atau ketik sebagian namanya:",
        "Choose the klien (page {page} of {pages}, {total} klien), or type part of a name:",
    ),
    "pick.klien_query": (
        "Hasil untuk \u201c{query}\u201d: {total}",
        "Results for \u201c{query}\u201d: {total}",
    ),
    "pick.no_match": (
        "Tidak ada klien yang cocok dengan \u201c{query}\u201d.",
        "No klien matches \u201c{query}\u201d.",
    ),
    "pick.no_klien": (
        "Belum ada klien aktif yang ditempatkan pada Anda.",
        "There are no active klien placed with you yet.",
    ),
    "pick.prev": ("\u2039 Sebelumnya", "\u2039 Previous"),
    "pick.next": ("Berikutnya \u203a", "Next \u203a"),
    "pick.not_yours": (
        "Klien itu tidak ada dalam daftar Anda (atau sudah tidak aktif).",
        "That klien is not in your list (or is no longer active).",
    ),
    "pick.wrong_program": (
        "Klien itu tidak punya putusan kerja sosial.",
        "That klien has no community-service order.",
    ),
    "pick.type_more": (
        "Ketik 2 sampai 60 huruf dari nama klien, atau pilih dari daftar.",
        "Type 2 to 60 letters of the klien's name, or choose from the list.",
    ),
    "pick.help": (
        "Pilih klien yang dilaporkan: ketuk namanya, ketik nomornya di daftar, atau ketik "
        "sebagian namanya untuk mencari.",
        "Choose the klien: tap the name, type its number in the list, or type part of the "
        "name to search.",
    ),
    "pick.today": ("Hari ini", "Today"),
    "pick.yesterday": ("Kemarin", "Yesterday"),
    "pick.bad_date": (
        "Tanggal tidak dikenali. Tulis seperti 28/11/2026, atau pilih Hari ini / Kemarin.",
        "Date not recognised. Write it like 28/11/2026, or choose Today / Yesterday.",
    ),
    "pick.text_short": (
        "Terlalu pendek ({length} karakter). Tulis minimal {low} karakter.",
        "Too short ({length} characters). Write at least {low}.",
    ),
    "pick.text_long": (
        "Terlalu panjang ({length} karakter). Maksimal {high} karakter.",
        "Too long ({length} characters). At most {high}.",
    ),
    # fields (confirm screen and edit menu)
    "field.klien": ("Klien", "Klien"),
    "field.category": ("Kategori", "Category"),
    "field.outcome": ("Hasil", "Outcome"),
    "field.body": ("Keterangan", "Description"),
    "field.occurred_on": ("Tanggal kejadian", "Date"),
    "field.photo": ("Foto", "Photo"),
    # categories
    "cat.pekerjaan": ("Pekerjaan", "Work"),
    "cat.pelatihan": ("Pelatihan keterampilan", "Skills training"),
    "cat.dokumen": ("Dokumen (SIM/KTP/KK/BPJS)", "Documents (SIM/KTP/KK/BPJS)"),
    "cat.mediasi_keluarga": ("Mediasi keluarga", "Family mediation"),
    "cat.bimbingan": ("Bimbingan kepribadian/keagamaan", "Personal/religious guidance"),
    "cat.kesehatan": ("Kesehatan", "Health"),
    "cat.kerja_sosial": ("Kerja sosial", "Community service"),
    "cat.insiden": ("Insiden/pelanggaran", "Incident/violation"),
    "cat.lainnya": ("Lainnya", "Other"),
    # outcomes
    "outcome.selesai": ("Selesai", "Done"),
    "outcome.dalam_proses": ("Dalam proses", "In progress"),
    "outcome.butuh_bantuan": ("Butuh bantuan PK", "Needs the PK's help"),
    # /lapor
    "lapor.ask_category": ("Laporan untuk {klien}. Tentang apa?", "Report on {klien}. What about?"),
    "lapor.help_category": (
        "Pilih bidang yang paling sesuai. Insiden dilaporkan lewat /insiden.",
        "Choose the closest area. Incidents are reported with /insiden.",
    ),
    "lapor.ask_outcome": ("Bagaimana hasilnya?", "How does it stand?"),
    "lapor.help_outcome": (
        "Selesai: tidak perlu tindak lanjut. Dalam proses: akan ada tindak lanjut. "
        "Butuh bantuan PK: PK diberi tahu dan tindak lanjut dibuka.",
        "Done: nothing to follow up. In progress: a follow-up is opened. Needs the PK's "
        "help: the officer is told and a follow-up is opened.",
    ),
    "lapor.ask_body": (
        "Ceritakan apa yang terjadi ({low}\u2013{high} karakter).",
        "Describe what happened ({low}\u2013{high} characters).",
    ),
    "lapor.help_body": (
        "Tulis singkat dan jelas: apa yang dilakukan klien, siapa yang terlibat, apa hasilnya. "
        "Jangan menulis detail perkara pidananya.",
        "Write briefly and clearly: what the klien did, who was involved, the result. Do not "
        "write details of the criminal case.",
    ),
    "lapor.ask_date": (
        "Kapan terjadinya? Pilih, atau tulis tanggalnya (DD/MM/YYYY).",
        "When did it happen? Choose, or write the date (DD/MM/YYYY).",
    ),
    "lapor.help_date": (
        "Tanggal tidak boleh di masa depan atau sebelum klien ditempatkan.",
        "The date cannot be in the future or before the klien's placement.",
    ),
    "lapor.date_future": ("Tanggal itu masih di masa depan.", "That date is in the future."),
    "lapor.date_before_placement": (
        "Tanggal itu sebelum klien ditempatkan ({date}).",
        "That date is before the klien's placement ({date}).",
    ),
    "lapor.ask_photo": (
        "Kirim foto kegiatan jika ada, atau pilih Lewati.",
        "Send a photo of the activity if you have one, or choose Skip.",
    ),
    "lapor.help_photo": (
        "Foto bersifat pilihan. Jangan kirim foto dokumen identitas.",
        "A photo is optional. Do not send photos of identity documents.",
    ),
    "lapor.skip_photo": ("Lewati", "Skip"),
    "lapor.photo_or_skip": (
        "Kirim sebuah foto, atau pilih Lewati.",
        "Send a photo, or choose Skip.",
    ),
    "lapor.photo_yes": ("ada", "attached"),
    "lapor.photo_no": ("tidak ada", "none"),
    "lapor.followup_will_open": (
        "Tindak lanjut akan dibuka, jatuh tempo {due}.",
        "A follow-up will be opened, due {due}.",
    ),
    "lapor.saved": (
        "Laporan untuk {klien} tersimpan (no. {number}). Terima kasih!",
        "Report on {klien} saved (no. {number}). Thank you!",
    ),
    "lapor.followup_opened": (
        "Tindak lanjut dibuka, jatuh tempo {due}. Lihat /tindaklanjut.",
        "Follow-up opened, due {due}. See /tindaklanjut.",
    ),
    "lapor.officer_told": ("PK klien sudah diberi tahu.", "The klien's officer has been told."),
    "lapor.admins_told": (
        "Klien ini belum punya PK aktif; admin Bapas sudah diberi tahu.",
        "This klien has no active officer yet; the Bapas admins have been told.",
    ),
}
