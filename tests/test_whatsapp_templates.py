"""docs/whatsapp-templates.md: the config block parses and matches the template texts."""

from __future__ import annotations

import re

import pytest

import handlers.registry  # registers the renderers of every feature
import handlers.reminders  # noqa: F401  (the reminder rules' renderers)
from bot.config import WhatsAppTemplate, parse_config
from handlers.notify import BATCHED, RENDERERS
from tests.whatsapp_support import TEMPLATES_DOC as DOC
from tests.whatsapp_support import doc_templates

SECTION = re.compile(r"^### \d+\. `(?P<name>[a-z0-9_]+)` — kind `(?P<kind>[a-z_]+)`", re.M)


def configured() -> dict[str, WhatsAppTemplate]:
    data = {"whatsapp": {"templates": doc_templates()}}
    return parse_config(data, env={}).whatsapp.templates


def sections() -> dict[str, tuple[str, str, list[str]]]:
    """Return kind -> (template name, body, quick-reply button texts) from the doc."""
    text = DOC.read_text()
    found = list(SECTION.finditer(text))
    out = {}
    for match, following in zip(found, [*found[1:], None], strict=True):
        part = text[match.end() : following.start() if following else len(text)]
        body = "\n".join(
            line[2:] if line.startswith("> ") else ""
            for line in part.splitlines()
            if line.startswith(">")
        ).strip()
        buttons_line = re.search(r"^Buttons \(quick reply\): (.+)\.$", part, re.M)
        buttons = re.findall(r"`([^`]+)`", buttons_line.group(1)) if buttons_line else []
        out[match["kind"]] = (match["name"], body, buttons)
    return out


def test_every_outbox_kind_has_a_template() -> None:
    kinds = {k for k in RENDERERS if k not in BATCHED} | {"digest"}
    missing = kinds - set(configured())
    assert not missing, f"add a template to docs/whatsapp-templates.md for {sorted(missing)}"


@pytest.mark.parametrize("kind", sorted(configured()))
def test_template_text_matches_its_config(kind: str) -> None:
    template = configured()[kind]
    name, body, buttons = sections()[kind]
    assert template.name == name
    assert template.language == "id"
    variables = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", body)]
    body_params = [p for p in template.params if not (p.startswith("/") or p.startswith("choice"))]
    assert variables == list(range(1, len(body_params) + 1)), body
    button_params = [p for p in template.params if p.startswith("/") or p.startswith("choice")]
    assert len(buttons) == len(button_params)
    # Meta's rules: no variable at either end, quick-reply texts up to 25 characters.
    assert not body.startswith("{{") and not body.endswith("}}")
    assert all(len(b) <= 25 for b in buttons)
    # The fixed words leave room for `text` (at most 600 characters) within 1024.
    assert len(body) <= 1024 - 600 - 10 * (len(body_params) - 1)
