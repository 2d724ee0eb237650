"""Closed vocabularies of the domain, shared by the schema, the importer and the handlers."""

from __future__ import annotations

ROLES = ("coordinator", "officer", "admin", "observer")
CHANNELS = ("telegram", "whatsapp", "console")

SECTORS = (
    "pesantren",
    "bengkel",
    "cuci_kendaraan",
    "toko_sepeda",
    "peternakan",
    "pertanian",
    "jasa",
    "pendidikan",
    "lainnya",
)

PROGRAMS = (
    "PB",
    "CB",
    "CMB",
    "asimilasi",
    "diversi",
    "pidana_pengawasan",
    "kerja_sosial",
    "lainnya",
)

KLIEN_STATUSES = ("aktif", "selesai", "dicabut", "mangkir")

CATEGORIES = (
    "pekerjaan",
    "pelatihan",
    "dokumen",
    "mediasi_keluarga",
    "bimbingan",
    "kesehatan",
    "kerja_sosial",
    "insiden",
    "lainnya",
)

OUTCOMES = ("selesai", "dalam_proses", "butuh_bantuan")
SEVERITIES = ("ringan", "sedang", "berat")
ATTENDANCE = ("hadir", "daring", "tidak_hadir")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "held", "unknown")
