"""Rendering outbox rows into messages, in the recipient's language.

Rules and flows write outbox rows (kind, subject, period, member, payload); the
sender in bot/ groups a member's due rows and asks `render` for the message. Each
kind registers a renderer. Kinds listed in BATCHED are merged into one message per
member per delivery pass (an officer's due items in one message, not one per klien).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.i18n import t
from handlers.model import Choice, Reply
from storage import Tx
from storage.klien import Klien
from storage.outbox import OutboxItem

Renderer = Callable[[list[OutboxItem], str], Reply]


@dataclass(frozen=True)
class Rendered:
    """A message for one member plus the outbox rows it settles."""

    kind: str
    reply: Reply
    item_ids: tuple[int, ...]
    template_params: dict[str, str]


RENDERERS: dict[str, Renderer] = {}
BATCHED: set[str] = set()


def renderer(kind: str, *, batched: bool = False) -> Callable[[Renderer], Renderer]:
    """Register how rows of one kind are rendered (several rows at once when batched)."""

    def wrap(fn: Renderer) -> Renderer:
        if kind in RENDERERS:
            raise RuntimeError(f"renderer for {kind!r} registered twice")
        RENDERERS[kind] = fn
        if batched:
            BATCHED.add(kind)
        return fn

    return wrap


async def officer_or_admins(tx: Tx, klien: Klien) -> tuple[list[int], bool]:
    """Return who must hear about a klien now: its active officer, else every admin.

    The second value says whether it is the officer. An alert must reach someone even
    when the klien has no officer, or its officer was deactivated before a reassignment.
    """
    if klien.officer_id is not None:
        officer = await tx.members.get(klien.officer_id)
        if officer is not None and officer.active:
            return [officer.id], True
    return [m.id for m in await tx.members.by_role("admin")], False


def render(items: list[OutboxItem], lang: str) -> list[Rendered]:
    """Turn one member's due rows into messages: batched kinds merged, others one each."""
    out: list[Rendered] = []
    batch = [i for i in items if i.kind in BATCHED]
    if batch:
        reply = _render_batch(batch, lang)
        out.append(
            Rendered("digest", reply, tuple(i.id for i in batch), {"count": str(len(batch))})
        )
    for item in items:
        if item.kind in BATCHED:
            continue
        fn = RENDERERS.get(item.kind)
        reply = fn([item], lang) if fn else Reply(t(lang, "notify.unknown_kind", kind=item.kind))
        out.append(Rendered(item.kind, reply, (item.id,), _params(item)))
    return out


def _render_batch(batch: list[OutboxItem], lang: str) -> Reply:
    """Merge every batched row of a member into one message with their choices."""
    texts: list[str] = []
    choices: list[Choice] = []
    by_kind: dict[str, list[OutboxItem]] = {}
    for item in batch:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, rows in by_kind.items():
        part = RENDERERS[kind](rows, lang)
        texts.append(part.text)
        choices.extend(part.choices)
    header = t(lang, "notify.digest_header", count=len(batch))
    unique = list({c.id: c for c in choices}.values())  # one button per subject
    return Reply(header + "\n\n" + "\n\n".join(texts), tuple(unique[:10]))


def _params(item: OutboxItem) -> dict[str, str]:
    return {k: str(v) for k, v in item.payload.items() if isinstance(v, str | int | float)}
