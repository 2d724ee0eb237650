"""Texts of the Telegram command menu (the "/" list); the commands' own texts live with them."""

TEXTS: dict[str, tuple[str, str]] = {
    "telegram.cmd_start": ("daftar dengan kode undangan", "register with an invite code"),
    "telegram.cmd_bantuan": ("bantuan memakai bot ini", "help with using this bot"),
    "telegram.cmd_batal": ("batalkan yang sedang diisi", "cancel what you are filling in"),
}
