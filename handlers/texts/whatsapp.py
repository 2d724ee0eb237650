"""Texts the WhatsApp channel adds around choices (list button, numbered options)."""

TEXTS: dict[str, tuple[str, str]] = {
    # The button that opens a WhatsApp list message (at most 20 characters).
    "wa.list_button": ("Pilih", "Choose"),
    # Under more than 10 options, shown as numbered text.
    "wa.type_number": (
        "Balas dengan nomor pilihan Anda.",
        "Reply with the number of your choice.",
    ),
    # The body of a message that only carries choices (WhatsApp needs some text).
    "wa.choose": ("Silakan pilih:", "Please choose:"),
}
