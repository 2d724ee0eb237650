"""Texts of registration, menus, the router and the conversation engine."""

TEXTS: dict[str, tuple[str, str]] = {
    # registration
    "auth.unknown_sender": (
        "Halo! Bot ini untuk Pokmas Lipas dan petugas Bapas. Untuk mendaftar, kirim "
        "DAFTAR diikuti kode undangan dari Bapas, misalnya: DAFTAR AbCd1234EfGh",
        "Hello! This bot is for Pokmas Lipas and Bapas staff. To register, send DAFTAR "
        "followed by the invite code from the Bapas, e.g.: DAFTAR AbCd1234EfGh",
    ),
    "auth.need_code": (
        "Kirim kode undangan setelah DAFTAR, misalnya: DAFTAR AbCd1234EfGh",
        "Send the invite code after DAFTAR, e.g.: DAFTAR AbCd1234EfGh",
    ),
    "auth.code_unknown": (
        "Kode undangan tidak dikenal. Periksa lagi kodenya, atau minta kode baru ke Bapas.",
        "Unknown invite code. Check the code, or ask the Bapas for a new one.",
    ),
    "auth.code_expired": (
        "Kode undangan ini sudah kedaluwarsa. Minta kode baru ke Bapas.",
        "This invite code has expired. Ask the Bapas for a new one.",
    ),
    "auth.code_used": (
        "Kode undangan ini sudah dipakai. Setiap kode hanya berlaku sekali; minta kode baru ke Bapas.",
        "This invite code was already used. Each code works once; ask the Bapas for a new one.",
    ),
    "auth.code_inactive": (
        "Akun untuk kode ini sudah dinonaktifkan. Hubungi Bapas.",
        "The account for this code was deactivated. Contact the Bapas.",
    ),
    "auth.too_many": (
        "Terlalu banyak kode yang salah. Coba lagi satu jam lagi.",
        "Too many wrong codes. Try again in an hour.",
    ),
    "auth.deactivated": (
        "Akun Anda sudah dinonaktifkan. Hubungi Bapas jika ini keliru.",
        "Your account has been deactivated. Contact the Bapas if this is a mistake.",
    ),
    "auth.welcome": (
        "Selamat datang, {name}! Akun Anda sudah terhubung dengan {bapas}.",
        "Welcome, {name}! Your account is now linked to {bapas}.",
    ),
    "auth.already_registered": (
        "Anda sudah terdaftar sebagai {name}; kode tidak diperlukan lagi.",
        "You are already registered as {name}; no code is needed again.",
    ),
    "auth.privacy": (
        "Pemberitahuan privasi: bot ini menyimpan nama Anda, akun chat Anda, dan laporan yang "
        "Anda kirim tentang klien, untuk pembimbingan oleh Bapas (UU 27/2022 tentang "
        "Pelindungan Data Pribadi). Laporan dapat dilihat oleh pengurus Pokmas Anda, PK klien "
        "tersebut, dan admin Bapas; Dinas Sosial hanya menerima angka ringkasan tanpa nama. "
        "Pembukaan kartu klien dan perubahan data klien dicatat. Data disimpan selama masa "
        "pembimbingan dan masa retensi yang ditetapkan Bapas.",
        "Privacy notice: this bot stores your name, your chat account, and the reports you "
        "send about klien, for supervision by the Bapas (Law 27/2022 on Personal Data "
        "Protection). Reports can be seen by your Pokmas' coordinators, the klien's probation "
        "officer and Bapas admins; the Dinas Sosial receives only aggregate figures without "
        "names. Opening a klien card and changes to klien data are logged. Data is kept for "
        "the supervision period and the retention period set by the Bapas.",
    ),
    # menu
    "menu.intro": ("Apa yang ingin Anda lakukan?", "What would you like to do?"),
    "menu.help_intro": (
        "Ketik atau ketuk salah satu perintah di bawah. Di tengah percakapan: /batal untuk "
        "membatalkan, /kembali untuk kembali satu langkah, /bantuan untuk penjelasan.",
        "Type or tap one of the commands below. In the middle of a conversation: /batal to "
        "cancel, /kembali to go back one step, /bantuan for an explanation.",
    ),
    "menu.menu": ("tampilkan menu", "show the menu"),
    "menu.bahasa": ("ganti bahasa (Indonesia/English)", "switch language (Indonesia/English)"),
    "menu.bahasa_usage": ("Pakai: /bahasa id atau /bahasa en", "Use: /bahasa id or /bahasa en"),
    "menu.bahasa_set": ("Bahasa diganti ke Bahasa Indonesia.", "Language switched to English."),
    # router
    "router.not_understood": (
        "Maaf, saya tidak mengerti pesan itu. Ketik /menu untuk melihat apa yang bisa dilakukan.",
        "Sorry, I did not understand that. Type /menu to see what you can do.",
    ),
    "router.unknown_command": (
        "Perintah /{command} tidak dikenal. Ketik /menu untuk daftar perintah.",
        "Unknown command /{command}. Type /menu for the list of commands.",
    ),
    "router.not_allowed": (
        "Perintah /{command} tidak tersedia untuk peran Anda. Ketik /menu.",
        "The command /{command} is not available for your role. Type /menu.",
    ),
    "router.unsupported": (
        "Jenis pesan ini belum bisa diproses di sini. Jawab dengan teks atau pilih salah satu "
        "pilihan.",
        "This kind of message cannot be used here. Answer with text or pick one of the options.",
    ),
    "router.error": (
        "Maaf, terjadi kesalahan saat memproses pesan Anda. Silakan coba lagi sebentar lagi.",
        "Sorry, something went wrong while handling your message. Please try again shortly.",
    ),
    # conversation engine
    "flow.confirm": (
        "Periksa sebelum dikirim:\n\n{summary}",
        "Check before sending:\n\n{summary}",
    ),
    "flow.send": ("Kirim", "Send"),
    "flow.edit": ("Ubah", "Edit"),
    "flow.cancel": ("Batal", "Cancel"),
    "flow.edit_which": ("Bagian mana yang ingin diubah?", "Which part do you want to change?"),
    "flow.help_confirm": (
        "Pilih Kirim untuk menyimpan, Ubah untuk memperbaiki satu bagian, atau Batal.",
        "Choose Send to save, Edit to change one part, or Cancel.",
    ),
    "flow.cancelled": ("Dibatalkan. Tidak ada yang disimpan.", "Cancelled. Nothing was saved."),
    "flow.nothing_to_cancel": (
        "Tidak ada yang sedang berlangsung. Ketik /menu.",
        "Nothing is in progress. Type /menu.",
    ),
    "flow.nothing_to_go_back": (
        "Tidak ada langkah sebelumnya. Ketik /menu.",
        "There is no previous step. Type /menu.",
    ),
    "flow.at_first_step": ("Ini sudah langkah pertama.", "This is already the first step."),
    "flow.replaced": (
        "Draf sebelumnya yang belum selesai dibuang.",
        "The previous unfinished draft was discarded.",
    ),
    "flow.expired": (
        "Draf Anda yang belum selesai sudah kedaluwarsa dan dibuang.",
        "Your unfinished draft expired and was discarded.",
    ),
    "flow.stale_choice": (
        "Pilihan itu sudah tidak berlaku. Gunakan pilihan pada pesan terakhir.",
        "That choice is no longer valid. Use the options of the latest message.",
    ),
    "flow.bad_choice": (
        "Pilihan itu tidak tersedia untuk Anda.",
        "That option is not available to you.",
    ),
    "flow.need_text": ("Kirim jawaban berupa teks.", "Send your answer as text."),
    "flow.pick_option": (
        "Pilih salah satu pilihan: ketuk tombolnya atau ketik nomornya.",
        "Pick one of the options: tap it or type its number.",
    ),
    "flow.number_out_of_range": (
        "Ketik nomor dari 1 sampai {count}.",
        "Type a number from 1 to {count}.",
    ),
    "flow.nudge": (
        "Anda punya draf /{flow} yang belum dikirim. Draf akan dibuang dalam {hours} jam. "
        "Lanjutkan dengan menjawab pertanyaan terakhir, atau /batal.",
        "You have an unsent /{flow} draft. It will be discarded in {hours} hours. Continue "
        "by answering the last question, or /batal.",
    ),
}
