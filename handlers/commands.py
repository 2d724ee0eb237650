"""The command and action registries: what a member can type or tap, and who may."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.context import Context
from handlers.model import MAX_CHOICE_ID_BYTES, Choice, Reply

CommandFn = Callable[[Context, list[str]], Awaitable[list[Reply]]]
ActionFn = Callable[[Context, str], Awaitable[list[Reply]]]

COORDINATOR = frozenset({"coordinator"})
OFFICER = frozenset({"officer"})
ADMIN = frozenset({"admin"})
OBSERVER = frozenset({"observer"})
STAFF = frozenset({"officer", "admin"})
EVERYONE = frozenset({"coordinator", "officer", "admin", "observer"})


@dataclass(frozen=True)
class Command:
    """A /command: its name, who may use it, what it does, and its menu text key."""

    name: str
    roles: frozenset[str]
    run: CommandFn
    help: str
    aliases: tuple[str, ...] = ()
    in_menu: bool = True


@dataclass(frozen=True)
class Action:
    """A tappable action outside a flow (token `a:<name>:<value>`); re-checks access itself."""

    name: str
    roles: frozenset[str]
    run: ActionFn


COMMANDS: dict[str, Command] = {}
ALIASES: dict[str, str] = {}
ACTIONS: dict[str, Action] = {}


def command(
    name: str,
    roles: frozenset[str],
    help: str,
    *,
    aliases: tuple[str, ...] = (),
    in_menu: bool = True,
) -> Callable[[CommandFn], CommandFn]:
    """Register a command handler."""

    def wrap(fn: CommandFn) -> CommandFn:
        if name in COMMANDS or name in ALIASES:
            raise RuntimeError(f"command /{name} registered twice")
        COMMANDS[name] = Command(name, roles, fn, help, aliases, in_menu)
        for alias in aliases:
            ALIASES[alias] = name
        return fn

    return wrap


def action(name: str, roles: frozenset[str]) -> Callable[[ActionFn], ActionFn]:
    """Register an action handler for `a:<name>:<value>` tokens."""

    def wrap(fn: ActionFn) -> ActionFn:
        if name in ACTIONS:
            raise RuntimeError(f"action {name!r} registered twice")
        ACTIONS[name] = Action(name, roles, fn)
        return fn

    return wrap


def parse_id(text: str) -> int | None:
    """Read an id or count from untrusted text: ASCII digits only, at most 18 of them."""
    text = text.strip()
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def action_choice(name: str, value: str | int, label: str) -> Choice:
    """Return a Choice that triggers a registered action."""
    token = f"a:{name}:{value}"
    if len(token.encode()) > MAX_CHOICE_ID_BYTES:
        raise ValueError(f"action token too long: {token!r}")
    return Choice(token, label)


def lookup(name: str) -> Command | None:
    """Return the command for a name or alias."""
    name = ALIASES.get(name, name)
    return COMMANDS.get(name)


# The menu shows each role's everyday tasks first; others follow in registration order.
MENU_ORDER = {
    "coordinator": ("lapor", "bulanan", "insiden", "jam", "tindaklanjut", "klien"),
    "officer": ("ringkasan", "tertunda", "klien", "wajiblapor", "tindaklanjut", "tunda", "ekspor"),
    "admin": ("ringkasan", "klien", "undang", "pokmas", "anggota", "pindah"),
}


def for_role(role: str) -> list[Command]:
    """Return the menu commands a role may use, everyday tasks first."""
    rank = {name: i for i, name in enumerate(MENU_ORDER.get(role, ()))}
    commands = [c for c in COMMANDS.values() if role in c.roles and c.in_menu]
    return sorted(commands, key=lambda c: rank.get(c.name, len(rank)))
