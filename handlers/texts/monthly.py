"""Texts of /bulanan, the monthly report (the five check-in questions)."""

TEXTS: dict[str, tuple[str, str]] = {
    "menu.bulanan": (
        "laporan bulanan klien (5 pertanyaan)",
        "monthly report on a klien (5 questions)",
    ),
    "bulanan.already": (
        "{klien} sudah punya laporan bulanan untuk {month} (no. {number}). Satu klien cukup "
        "satu laporan bulanan per bulan; tambahan kabar kirim lewat /lapor.",
        "{klien} already has a monthly report for {month} (no. {number}). One monthly report "
        "per klien per month is enough; send further news with /lapor.",
    ),
    "bulanan.ask_kondisi": (
        "Laporan bulanan {klien} ({month}), pertanyaan 1 dari 5.\n"
        "Bagaimana kondisi klien bulan ini (kesehatan, sikap, semangat)? ({low}\u2013{high} karakter)",
        "Monthly report on {klien} ({month}), question 1 of 5.\n"
        "How is the klien this month (health, attitude, motivation)? ({low}\u2013{high} characters)",
    ),
    "bulanan.ask_pekerjaan": (
        "2 dari 5. Bagaimana pekerjaan atau kegiatan klien? ({low}\u2013{high} karakter)",
        "2 of 5. How are the klien's work or activities going? ({low}\u2013{high} characters)",
    ),
    "bulanan.ask_lingkungan_sosial": (
        "3 dari 5. Bagaimana hubungan klien dengan keluarga dan lingkungan sekitar? "
        "({low}\u2013{high} karakter)",
        "3 of 5. How does the klien get on with family and neighbours? "
        "({low}\u2013{high} characters)",
    ),
    "bulanan.ask_masalah": (
        "4 dari 5. Apakah ada masalah? Tulis \u201ctidak ada\u201d jika tidak ada. "
        "({low}\u2013{high} karakter)",
        "4 of 5. Are there any problems? Write \u201cnone\u201d if there are none. "
        "({low}\u2013{high} characters)",
    ),
    "bulanan.ask_rencana": (
        "5 dari 5. Apa rencana untuk bulan depan? ({low}\u2013{high} karakter)",
        "5 of 5. What are the plans for next month? ({low}\u2013{high} characters)",
    ),
    "bulanan.help": (
        "Jawab dengan kalimat singkat sesuai pengamatan Anda bulan ini. Jangan menulis detail "
        "perkara pidananya. /kembali untuk mengubah jawaban sebelumnya.",
        "Answer in a few words from what you saw this month. Do not write details of the "
        "criminal case. /kembali changes the previous answer.",
    ),
    "bulanan.field_kondisi": ("Kondisi", "Condition"),
    "bulanan.field_pekerjaan": ("Pekerjaan", "Work"),
    "bulanan.field_lingkungan_sosial": ("Lingkungan sosial", "Social environment"),
    "bulanan.field_masalah": ("Masalah", "Problems"),
    "bulanan.field_rencana": ("Rencana", "Plans"),
    "bulanan.field_month": ("Bulan", "Month"),
    "bulanan.saved": (
        "Laporan bulanan {klien} untuk {month} tersimpan (no. {number}). Terima kasih!",
        "Monthly report on {klien} for {month} saved (no. {number}). Thank you!",
    ),
    "bulanan.month_1": ("Januari {year}", "January {year}"),
    "bulanan.month_2": ("Februari {year}", "February {year}"),
    "bulanan.month_3": ("Maret {year}", "March {year}"),
    "bulanan.month_4": ("April {year}", "April {year}"),
    "bulanan.month_5": ("Mei {year}", "May {year}"),
    "bulanan.month_6": ("Juni {year}", "June {year}"),
    "bulanan.month_7": ("Juli {year}", "July {year}"),
    "bulanan.month_8": ("Agustus {year}", "August {year}"),
    "bulanan.month_9": ("September {year}", "September {year}"),
    "bulanan.month_10": ("Oktober {year}", "October {year}"),
    "bulanan.month_11": ("November {year}", "November {year}"),
    "bulanan.month_12": ("Desember {year}", "December {year}"),
}
