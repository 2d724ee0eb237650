"""User-facing text: Bahasa Indonesia first, English second, from per-feature catalogs.

Each module in `handlers/texts/` defines `TEXTS = {key: (indonesian, english)}`;
keys are namespaced by feature (`lapor.ask_klien`). Placeholders use str.format
names and must be the same in both languages (a test checks it).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import handlers.texts

LANGUAGES = ("id", "en")


@cache
def catalog() -> dict[str, tuple[str, str]]:
    """Return every text of every catalog module, refusing duplicate keys."""
    merged: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(handlers.texts.__path__):
        module = importlib.import_module(f"handlers.texts.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice (in {info.name})")
            merged[key] = pair
    return merged


def t(lang: str, key: str, /, **params: object) -> str:
    """Return the text for `key` in `lang` (id or en), formatted with `params`."""
    pair = catalog()[key]
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Return True when the catalog has `key`."""
    return key in catalog()
