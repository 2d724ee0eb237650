"""The layout promise: handlers/ stays channel-neutral; texts come from catalogs."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from handlers.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("bot", "telegram", "httpx", "starlette", "uvicorn", "apscheduler")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_handlers_import_no_transport_and_no_bot() -> None:
    offenders = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for name in imports_of(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_storage_imports_neither_handlers_nor_bot() -> None:
    offenders = []
    for path in sorted((ROOT / "storage").rglob("*.py")):
        for name in imports_of(path):
            if name.split(".")[0] in ("handlers", "bot", *FORBIDDEN):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_catalog_has_both_languages_with_the_same_placeholders() -> None:
    fmt = string.Formatter()
    for key, (indonesian, english) in catalog().items():
        assert indonesian.strip() and english.strip(), key
        fields_id = {f for _, f, _, _ in fmt.parse(indonesian) if f}
        fields_en = {f for _, f, _, _ in fmt.parse(english) if f}
        assert fields_id == fields_en, f"{key}: {fields_id} != {fields_en}"


def test_every_catalog_key_used_in_code_exists() -> None:
    """Literal keys passed to t()/ctx.t()/ctx.reply()/Invalid() must be in the catalog."""
    pattern = re.compile(
        r"""(?:\bt\(\s*(?:lang|ctx\.lang|"(?:id|en)"|member\.language)\s*,\s*|\.t\(\s*|"""
        r"""\.reply\(\s*|Invalid\(\s*|InviteError\(\s*)"([a-z_]+\.[a-z_0-9.]+)\"""")
    keys = catalog()
    missing = []
    for folder in ("handlers", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for key in pattern.findall(path.read_text()):
                if key not in keys and not key.endswith(("_", ".")):  # prefix + value
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []
