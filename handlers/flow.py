"""Conversations as data: a flow is an ordered table of steps, run by one small engine.

A step says what it asks (`ask`), how it reads the answer (`accept`, which stores
into the draft and returns the next step's name, or raises `Invalid`), which help
text explains it, and whether the confirm screen may jump back to it (`field`).
The engine adds what every flow shares: the confirm screen (Kirim / Ubah / Batal),
/kembali, /batal, /bantuan, choice tokens bound to the prompt that offered them,
typed numbers and labels as answers, and expiry. State lives in SQLite.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from handlers.context import Context
from handlers.model import MAX_CHOICE_ID_BYTES, Choice, Reply
from storage.conversations import ConversationState
from storage.timeutil import ts

CONFIRM = "_confirm"
EDIT = "_edit"
SUBMIT = "_submit"
_OFFER = "_offer"
_EDITING = "_editing"


class Invalid(Exception):
    """An answer a step cannot take; the catalog key explains why and the step asks again."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class Option:
    """One option a step offers: a short value (never trusted) and a label."""

    value: str
    label: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Prompt:
    """What a step asks: text and the options offered (if any)."""

    text: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """The sender's answer to a prompt: a chosen option value, free text or a photo."""

    value: str | None = None
    text: str | None = None
    photo: str | None = None


Draft = dict[str, Any]
AskFn = Callable[[Context, Draft], Awaitable[Prompt]]
AcceptFn = Callable[[Context, Draft, Answer], Awaitable[str]]


@dataclass(frozen=True)
class Step:
    """One named state of a flow."""

    name: str
    ask: AskFn
    accept: AcceptFn
    help: str  # catalog key
    field: str | None = None  # catalog key of the field label, when editable from confirm
    free_text: bool = True  # whether typed text (not matching an option) is passed on


@dataclass(frozen=True)
class Flow:
    """A named conversation: its steps in order, how to summarise and submit the draft."""

    name: str
    roles: frozenset[str]
    steps: tuple[Step, ...]
    summary: Callable[[Context, Draft], Awaitable[str]]
    submit: Callable[[Context, Draft], Awaitable[list[Reply]]]
    start: Callable[[Context, list[str]], Awaitable[Draft]] | None = None
    confirm: bool = True
    by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {s.name: s for s in self.steps})

    @property
    def first(self) -> str:
        """Return the name of the first step."""
        return self.steps[0].name


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Make a flow known to the engine (by name)."""
    if flow.name in FLOWS:
        raise RuntimeError(f"flow {flow.name!r} registered twice")
    FLOWS[flow.name] = flow
    return flow


# -- the engine ---------------------------------------------------------------------


def _expires(ctx: Context) -> str:
    return ts(ctx.now + timedelta(hours=ctx.settings.conversations.draft_expiry_hours))


async def start(ctx: Context, flow: Flow, args: list[str]) -> list[Reply]:
    """Begin a flow (replacing any open one) and ask its first question."""
    # Starting something new drops an unfinished draft, and says so.
    before = [ctx.reply("flow.replaced")] if ctx.state is not None else []
    try:
        draft: Draft = await flow.start(ctx, args) if flow.start else {}
    except Invalid as bad:  # e.g. no klien to report on: nothing to start
        return [ctx.reply(bad.key, **bad.params)]
    first = draft.pop("_step", flow.first)
    # Tokens carry the prompt's number; a new conversation starts counting at a random
    # point, so a button left over from an earlier (cancelled) conversation never matches.
    ctx.state = ConversationState(
        member_id=ctx.member.id,
        flow=flow.name,
        step=first,
        data=draft,
        history=[],
        seq=secrets.randbelow(1 << 30) * 16,
    )
    return await _ask(ctx, flow, before)


async def _ask(ctx: Context, flow: Flow, before: list[Reply] | None = None) -> list[Reply]:
    """Render the current step's prompt, remember what it offered, save the state."""
    state = ctx.state
    assert state is not None
    state.seq += 1
    try:
        if state.step == CONFIRM:
            prompt = await _confirm_prompt(ctx, flow)
        elif state.step == EDIT:
            prompt = _edit_prompt(ctx, flow)
        else:
            prompt = await flow.by_name[state.step].ask(ctx, state.data)
    except Invalid as bad:
        # Nothing left to ask (no klien to choose, the klien moved away): the flow ends.
        await ctx.tx.conversations.clear(ctx.member.id)
        ctx.state = None
        return [*(before or []), ctx.reply(bad.key, **bad.params)]
    state.data[_OFFER] = [[o.value, o.label] for o in prompt.options]
    choices = tuple(_choice(state.seq, o) for o in prompt.options)
    state.expires_at = _expires(ctx)
    state.nudged = False
    await ctx.tx.conversations.save(state, ctx.stamp)
    return [*(before or []), Reply(prompt.text, choices)]


def _choice(seq: int, option: Option) -> Choice:
    token = f"{seq}.{option.value}"
    if len(token.encode()) > MAX_CHOICE_ID_BYTES:
        raise ValueError(f"choice token too long: {len(token.encode())} bytes")
    return Choice(token, option.label, option.description)


def _answer(ctx: Context, step_free_text: bool) -> Answer | Invalid:
    """Turn the event into an Answer for the current prompt, or say why it is not one."""
    state = ctx.state
    assert state is not None
    offered: list[list[str]] = state.data.get(_OFFER, [])
    values = [v for v, _ in offered]
    event = ctx.event
    if event.choice is not None:
        seq, _, value = event.choice.partition(".")
        if seq != str(state.seq):
            return Invalid("flow.stale_choice")
        if value not in values:
            return Invalid("flow.bad_choice")
        return Answer(value=value)
    if event.photo is not None:
        return Answer(photo=event.photo, text=event.text)
    text = (event.text or "").strip()
    if not text:
        return Invalid("flow.need_text")
    if offered:
        # isdecimal, not isdigit: int() refuses "²"; and int() refuses 4300+ digits.
        if text.isdecimal() and len(text) <= 6:
            index = int(text) - 1
            if 0 <= index < len(offered):
                return Answer(value=offered[index][0])
            if not step_free_text:
                return Invalid("flow.number_out_of_range", count=len(offered))
        folded = text.casefold()
        for value, label in offered:
            if label.casefold() == folded:
                return Answer(value=value)
        if not step_free_text:
            return Invalid("flow.pick_option")
    return Answer(text=text)


async def resume(ctx: Context) -> list[Reply]:
    """Feed the event to the current step of the open conversation."""
    state = ctx.state
    assert state is not None
    flow = FLOWS[state.flow]
    if state.step == CONFIRM:
        return await _on_confirm(ctx, flow)
    if state.step == EDIT:
        return await _on_edit(ctx, flow)
    step = flow.by_name[state.step]
    answer = _answer(ctx, step.free_text)
    if isinstance(answer, Invalid):
        return await _ask(ctx, flow, [ctx.reply(answer.key, **answer.params)])
    try:
        following = await step.accept(ctx, state.data, answer)
    except Invalid as bad:
        return await _ask(ctx, flow, [ctx.reply(bad.key, **bad.params)])
    return await _go(ctx, flow, following)


async def _go(ctx: Context, flow: Flow, following: str) -> list[Reply]:
    """Move to the next step (or confirm/submit) and ask it."""
    state = ctx.state
    assert state is not None
    if following == state.step:  # same step again: paging, a narrowed search
        return await _ask(ctx, flow)
    # After an edit, return straight to the confirm screen, unless a later step still
    # needs an answer (its field is empty, e.g. cleared because the edit changed it).
    editing = state.data.get(_EDITING) and following not in (CONFIRM, SUBMIT)
    if editing and not _needs(flow, following, state.data):
        following = CONFIRM
    if following == SUBMIT or (following == CONFIRM and not flow.confirm):
        return await _submit(ctx, flow)
    if following == CONFIRM:
        state.data.pop(_EDITING, None)
    state.history.append(state.step)
    state.step = following
    return await _ask(ctx, flow)


def _needs(flow: Flow, step_name: str, draft: Draft) -> bool:
    """Return True when an edit must visit `step_name` because its field is empty."""
    step = flow.by_name.get(step_name)
    return step is not None and step.field is not None and step.name not in draft


async def _confirm_prompt(ctx: Context, flow: Flow) -> Prompt:
    state = ctx.state
    assert state is not None
    summary = await flow.summary(ctx, state.data)
    return Prompt(
        ctx.t("flow.confirm", summary=summary),
        (
            Option("send", ctx.t("flow.send")),
            Option("edit", ctx.t("flow.edit")),
            Option("cancel", ctx.t("flow.cancel")),
        ),
    )


def _edit_prompt(ctx: Context, flow: Flow) -> Prompt:
    options = tuple(Option(s.name, ctx.t(s.field)) for s in flow.steps if s.field)
    return Prompt(ctx.t("flow.edit_which"), options)


async def _on_confirm(ctx: Context, flow: Flow) -> list[Reply]:
    answer = _answer(ctx, step_free_text=False)
    if not isinstance(answer, Invalid) and answer.value is None:  # a photo is no option
        answer = Invalid("flow.pick_option")
    if isinstance(answer, Invalid):
        return await _ask(ctx, flow, [ctx.reply(answer.key, **answer.params)])
    if answer.value == "send":
        return await _submit(ctx, flow)
    if answer.value == "cancel":
        return await cancel(ctx)
    state = ctx.state
    assert state is not None
    state.history.append(state.step)
    state.step = EDIT
    return await _ask(ctx, flow)


async def _on_edit(ctx: Context, flow: Flow) -> list[Reply]:
    answer = _answer(ctx, step_free_text=False)
    if not isinstance(answer, Invalid) and answer.value is None:  # a photo is no option
        answer = Invalid("flow.pick_option")
    if isinstance(answer, Invalid):
        return await _ask(ctx, flow, [ctx.reply(answer.key, **answer.params)])
    state = ctx.state
    assert state is not None and answer.value is not None
    state.data[_EDITING] = True
    state.history.append(state.step)
    state.step = answer.value
    return await _ask(ctx, flow)


async def _submit(ctx: Context, flow: Flow) -> list[Reply]:
    """Hand the draft to the flow; a last check may still send the member back."""
    state = ctx.state
    assert state is not None
    draft = {k: v for k, v in state.data.items() if not k.startswith("_")}
    try:
        replies = await flow.submit(ctx, draft)
    except Invalid as bad:
        return await _ask(ctx, flow, [ctx.reply(bad.key, **bad.params)])
    await ctx.tx.conversations.clear(ctx.member.id)
    ctx.state = None
    return replies


async def cancel(ctx: Context) -> list[Reply]:
    """Drop the open conversation (if any)."""
    if ctx.state is None:
        return [ctx.reply("flow.nothing_to_cancel")]
    await ctx.tx.conversations.clear(ctx.member.id)
    ctx.state = None
    return [ctx.reply("flow.cancelled")]


async def back(ctx: Context) -> list[Reply]:
    """Go back one step and ask it again."""
    state = ctx.state
    if state is None:
        return [ctx.reply("flow.nothing_to_go_back")]
    flow = FLOWS[state.flow]
    if not state.history:
        return await _ask(ctx, flow, [ctx.reply("flow.at_first_step")])
    state.step = state.history.pop()
    state.data.pop(_EDITING, None)
    return await _ask(ctx, flow)


async def help_for_step(ctx: Context) -> list[Reply]:
    """Explain the current step, then ask it again."""
    state = ctx.state
    assert state is not None
    flow = FLOWS[state.flow]
    on_confirm = state.step in (CONFIRM, EDIT)
    key = "flow.help_confirm" if on_confirm else flow.by_name[state.step].help
    return await _ask(ctx, flow, [ctx.reply(key)])
