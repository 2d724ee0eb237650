"""Reusable steps: pick a klien (paged, or by typing part of a name), dates, free text."""

from __future__ import annotations

import re
from datetime import date, timedelta

from handlers.context import Context
from handlers.flow import Answer, Draft, Invalid, Option, Prompt, Step
from storage.klien import Klien

_PAGE = "_page"
_QUERY = "_query"


async def _klien_page(
    ctx: Context, draft: Draft, only_program: str | None, empty: str = "pick.no_klien"
) -> Prompt:
    size = ctx.settings.conversations.page_size
    page = int(draft.get(_PAGE, 0))
    query = draft.get(_QUERY)
    klien, total = await ctx.tx.klien.list_active(
        ctx.member.scope, query=query, program=only_program, limit=size, offset=page * size
    )
    if total == 0 and query:
        draft.pop(_QUERY, None)
        draft[_PAGE] = 0
        prefix = ctx.t("pick.no_match", query=query) + "\n"
        prompt = await _klien_page(ctx, draft, only_program, empty)
        return Prompt(prefix + prompt.text, prompt.options)
    if total == 0:
        raise Invalid(empty)
    if not klien and page > 0:  # the list shrank under a stale page number: start over
        draft[_PAGE] = 0
        return await _klien_page(ctx, draft, only_program, empty)
    options = [Option(f"k{k.id}", k.name, k.register_no) for k in klien]
    if page > 0:
        options.append(Option("prev", ctx.t("pick.prev")))
    if (page + 1) * size < total:
        options.append(Option("next", ctx.t("pick.next")))
    pages = (total + size - 1) // size
    text = ctx.t("pick.klien", page=page + 1, pages=pages, total=total)
    if query:
        text = ctx.t("pick.klien_query", query=query, total=total) + "\n" + text
    return Prompt(text, tuple(options))


def klien_step(
    name: str = "klien",
    *,
    help: str = "pick.help",
    field: str | None = "field.klien",
    only_program: str | None = None,
    empty: str = "pick.no_klien",
    next_step: str,
) -> Step:
    """Return a step that picks one active klien in the member's scope into draft[name].

    `only_program` limits the choice to one program (e.g. kerja_sosial, filtered in
    SQL); `empty` is the catalog key said when there is no klien to choose.
    """

    async def ask(ctx: Context, draft: Draft) -> Prompt:
        return await _klien_page(ctx, draft, only_program, empty)

    async def accept(ctx: Context, draft: Draft, answer: Answer) -> str:
        if answer.value in ("prev", "next"):
            draft[_PAGE] = max(0, int(draft.get(_PAGE, 0)) + (1 if answer.value == "next" else -1))
            return name
        if answer.value and answer.value.startswith("k"):
            klien = await ctx.tx.klien.get(int(answer.value[1:]), ctx.member.scope)
            if klien is None or klien.status != "aktif":
                raise Invalid("pick.not_yours")
            if only_program and klien.program != only_program:
                raise Invalid("pick.wrong_program")
            draft[name] = klien.id
            draft[f"{name}_name"] = klien.name
            draft.pop(_PAGE, None)
            draft.pop(_QUERY, None)
            return next_step
        text = (answer.text or "").strip()
        if len(text) < 2 or len(text) > 60:
            raise Invalid("pick.type_more")
        draft[_QUERY] = text
        draft[_PAGE] = 0
        return name

    return Step(name, ask, accept, help, field)


async def draft_klien(ctx: Context, draft: Draft, name: str = "klien") -> Klien:
    """Re-read the draft's klien within the member's scope (it may have moved or ended)."""
    klien = await ctx.tx.klien.get(int(draft[name]), ctx.member.scope)
    if klien is None or klien.status != "aktif":
        raise Invalid("pick.not_yours")
    return klien


def parse_user_date(text: str, today: date) -> date:
    """Parse 'hari ini', 'kemarin', DD/MM/YYYY, DD-MM-YYYY or YYYY-MM-DD (day first)."""
    folded = text.strip().casefold()
    if folded in ("hari ini", "today", "hariini"):
        return today
    if folded in ("kemarin", "yesterday"):
        return today - timedelta(days=1)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})", folded)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return date(year, month, day)  # ValueError on 31/02
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", folded):
        return date.fromisoformat(folded)
    raise ValueError(text)


def read_date(ctx: Context, answer: Answer) -> date:
    """Read a date answer (an option value 'd:YYYY-MM-DD' or typed text) or raise Invalid."""
    if answer.value and answer.value.startswith("d:"):
        return date.fromisoformat(answer.value[2:])
    try:
        return parse_user_date(answer.text or "", ctx.today)
    except ValueError:
        raise Invalid("pick.bad_date") from None


def date_options(ctx: Context) -> tuple[Option, ...]:
    """Offer today and yesterday as one-tap dates."""
    today = ctx.today
    return (
        Option(f"d:{today.isoformat()}", ctx.t("pick.today")),
        Option(f"d:{(today - timedelta(days=1)).isoformat()}", ctx.t("pick.yesterday")),
    )


def read_text(answer: Answer, *, low: int, high: int) -> str:
    """Read free text between `low` and `high` characters or raise Invalid."""
    text = (answer.text or "").strip()
    if len(text) < low:
        raise Invalid("pick.text_short", low=low, length=len(text))
    if len(text) > high:
        raise Invalid("pick.text_long", high=high, length=len(text))
    return text
