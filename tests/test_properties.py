"""Property: whatever a registered coordinator sends, the bot answers, never crashes, and
never reads or writes a klien outside the coordinator's Pokmas.

Each example replays a random sequence of events against a fresh copy of a seeded
database (copied from a template built once, which keeps examples fast). The events
mix valid moves (so flows are entered and finished) with junk: random unicode,
10,000-character text, forged and stale tokens, tokens naming Pokmas B's klien and
follow-ups with the current seq, actions with junk values, commands with junk
arguments, photos in text steps, locations, and jumps of the clock past expiry.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_statistic
from hypothesis import strategies as st

from handlers.commands import ACTIONS, COMMANDS
from handlers.model import Incoming, Reply
from handlers.router import Router
from handlers.settings import Settings
from storage import Database
from storage.reports import ReportIn
from tests.conftest import Clock, seed_world
from tests.flowkit import rows, seed_flows

SENDER = "1001"  # coordinator of Pokmas A
_template: dict[str, Any] = {}
KLIEN_TOKEN = re.compile(r"(?:^\d+\.k|^a:klien:)(\d+)$")
_ids = itertools.count(1)


async def _build_template(path: Path) -> dict[str, Any]:
    db = await Database.open(path)
    try:
        world = await seed_world(db)
        fw = await seed_flows(world, followups_a=2)
        async with db.transaction() as tx:  # an open incident on each side, for ack tokens
            for klien_id, author in (
                (world.klien_a[0], world.coord_a),
                (world.klien_b[0], world.coord_b),
            ):
                report = await tx.reports.add(
                    ReportIn(
                        klien_id,
                        author,
                        None,
                        "console",
                        "incident",
                        "insiden",
                        "Kejadian awal untuk pengujian.",
                        "2026-11-29",
                    ),
                    "2026-11-29T03:00:00Z",
                )
                await tx.reports.add_incident(report, klien_id, "ringan", "2026-11-29T03:00:00Z")
    finally:
        await db.close()
    baseline = {}
    db = await Database.open(path)
    try:
        for table in ("reports", "service_hours", "incidents", "followups", "outbox", "audit_log"):
            baseline[table] = int(
                (await rows(db, f"SELECT coalesce(max(id), 0) FROM {table}"))[0][0]
            )
    finally:
        await db.close()
    mine = {*world.klien_a, fw.ks_a}
    theirs = {*world.klien_b, fw.ks_b}
    return {
        "path": path,
        "mine": mine,
        "theirs": theirs,
        "secrets": [world.names[k] for k in theirs] + [world.register_nos[k] for k in theirs],
        "their_names": [world.names[k] for k in theirs],
        "fu_b": fw.fu_b,
        "fw": fw,
        "baseline": baseline,
    }


def _template_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not _template:
        folder = tmp_path_factory.mktemp("template")
        _template.update(asyncio.run(_build_template(folder / "template.db")))
    return _template


# -- the events ----------------------------------------------------------------------

FLOW_COMMANDS = ["lapor", "bulanan", "insiden", "jam", "tindaklanjut", "klien"]
COMMAND_NAMES = sorted(COMMANDS) + ["batal", "kembali", "bantuan", "xyz", ""]
JUNK_ARG = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and " " not in s)


def _offered(last: list[Reply]) -> list[tuple[str, str]]:
    return [(c.id, c.label) for r in last for c in r.choices]


def draw_event(
    data: st.DataObject, last: list[Reply], seq: int, tpl: dict[str, Any], focus: int
) -> dict:
    """Draw one event as keyword arguments for Incoming (or a clock jump).

    With probability focus/10 the event moves the conversation forward (an offered
    option, Kirim when offered, or an answer a text step accepts); otherwise it is
    drawn from every kind of junk.
    """
    offered = _offered(last)
    if data.draw(st.integers(0, 9), label="roll") < focus:
        send = [o for o in offered if o[1] in ("Kirim", "Send")]
        forward = [o for o in offered if o[1] not in ("Batal", "Cancel", "Ubah", "Edit")]
        if send:
            return {"choice": send[0][0]}
        if forward:
            return {"choice": data.draw(st.sampled_from(forward))[0]}
        command = "/" + data.draw(st.sampled_from(FLOW_COMMANDS))
        return {
            "text": data.draw(
                st.sampled_from(["Kegiatan berjalan baik hari ini.", "2,5", command])
            )
        }
    kinds = [
        "text",
        "command",
        "control",
        "number",
        "forged",
        "token",
        "action",
        "photo",
        "location",
        "date",
        "long",
        "their_name",
        "clock",
    ]
    kinds += ["good"] * 3 + ["start"] * 3  # so that flows are entered and finished
    if offered:
        kinds += ["offered"] * 14 + ["label"] * 2
    kind = data.draw(st.sampled_from(kinds), label="kind")
    if kind == "start":
        return {"text": "/" + data.draw(st.sampled_from(FLOW_COMMANDS))}
    if kind == "good":
        return {
            "text": data.draw(
                st.sampled_from(
                    ["Kegiatan berjalan baik hari ini.", "2,5", "hari ini", "Sudah selesai diurus."]
                )
            )
        }
    if kind == "offered":
        return {"choice": data.draw(st.sampled_from(offered))[0]}
    if kind == "label":
        label = data.draw(st.sampled_from(offered))[1]
        return {"text": data.draw(st.sampled_from([label, label.upper(), f" {label} "]))}
    if kind == "text":
        return {"text": data.draw(st.text(max_size=60), label="text")}
    if kind == "long":
        unit = data.draw(st.text(min_size=1, max_size=5), label="unit")
        return {"text": (unit * 10_000)[:10_000]}
    if kind == "command":
        name = data.draw(st.sampled_from(COMMAND_NAMES))
        args = data.draw(st.lists(JUNK_ARG, max_size=4))
        return {"text": " ".join([f"/{name}", *args])}
    if kind == "control":
        return {
            "text": data.draw(
                st.sampled_from(
                    ["batal", "Kembali", "BANTUAN", "menu", "/batal", "/kembali x", "/bantuan 1"]
                )
            )
        }
    if kind == "number":
        return {"text": str(data.draw(st.integers(-3, 40)))}
    if kind == "date":
        d, m, y = (
            data.draw(st.integers(0, 40)),
            data.draw(st.integers(0, 14)),
            data.draw(st.integers(0, 2100)),
        )
        return {
            "text": data.draw(
                st.sampled_from(
                    [f"{d}/{m}/{y}", f"{y}-{m:02d}-{d:02d}", "kemarin", "hari ini", "2,5", "12,5"]
                )
            )
        }
    if kind == "their_name":
        return {"text": data.draw(st.sampled_from(tpl["secrets"]))}
    if kind == "forged":
        targets = (
            [f"k{k}" for k in tpl["theirs"]]
            + [f"f{f}" for f in tpl["fu_b"]]
            + ["send", "edit", "d:2030-01-01", "d:1999-01-01", "next", "k", "f0"]
        )
        target = data.draw(st.sampled_from(targets))
        near = data.draw(st.sampled_from([seq, seq, seq - 1, seq + 1, 0]))
        return {"choice": f"{near}.{target}"}
    if kind == "token":
        return {"choice": data.draw(st.text(max_size=70), label="token")}
    if kind == "action":
        name = data.draw(st.sampled_from(sorted(ACTIONS) + ["nope", ""]))
        value = data.draw(
            st.sampled_from(
                [str(k) for k in tpl["theirs"]]
                + ["1", "2", "0", "-1", "x", "", "9" * 30]
                + sorted(COMMANDS)
            )
        )
        return {"choice": f"a:{name}:{value}"}
    if kind == "photo":
        return {"photo": "photo-ref", "text": data.draw(st.sampled_from([None, "caption"]))}
    if kind == "location":
        return {"location": (-7.4, 109.2)}
    return {"clock": data.draw(st.sampled_from([1, 5, 23, 25]))}


async def _scenario(path: Path, data: st.DataObject, tpl: dict[str, Any]) -> None:
    clock = Clock()
    db = await Database.open(path)
    try:
        router = Router(db, Settings(bapas_name="Bapas"), clock)
        coord = tpl["fw"].world.coord_a
        last: list[Reply] = []
        typed = ""
        steps = data.draw(st.integers(5, 40), label="steps")
        focus = data.draw(st.integers(0, 9), label="focus")
        for _ in range(steps):
            found = await rows(db, "SELECT seq FROM conversations WHERE member_id = ?", (coord,))
            seq = int(found[0][0]) if found else 0
            kw = draw_event(data, last, seq, tpl, focus)
            if "clock" in kw:
                clock.advance(hours=kw["clock"])
                continue
            event = Incoming("console", SENDER, f"p{next(_ids)}", **kw)
            last = await router.handle(event)  # no exception may escape
            assert last, f"no reply to {kw!r}"
            said = "\n".join(
                " ".join([r.text, *(c.label + " " + (c.description or "") for c in r.choices)])
                for r in last
            )
            typed += "\n" + (event.text or "").casefold()
            # Structural check, whatever was typed: no offered option points at a klien
            # outside the coordinator's Pokmas (flow tokens `<seq>.k<id>`, `a:klien:<id>`).
            for reply in last:
                for choice in reply.choices:
                    match = KLIEN_TOKEN.search(choice.id)
                    if match:
                        assert int(match.group(1)) in tpl["mine"], f"offered {choice.id}"
            for secret in tpl["secrets"]:
                if secret.casefold() not in typed:  # not an echo of what the member typed
                    assert secret not in said, f"leaked after {kw!r}"
        await _check_database(db, tpl)
        for table in ("reports", "service_hours", "followups"):  # how deep the examples go
            changed = await rows(
                db, f"SELECT count(*) FROM {table} WHERE id > ?", (tpl["baseline"][table],)
            )
            note_statistic(f"new {table} rows: {min(int(changed[0][0]), 1)}")
        closed = await rows(db, "SELECT count(*) FROM followups WHERE status = 'done'")
        note_statistic(f"follow-ups closed: {min(int(closed[0][0]), 1)}")
    finally:
        await db.close()


async def _check_database(db: Database, tpl: dict[str, Any]) -> None:
    """Nothing outside Pokmas A was written; B's follow-up and incident are untouched."""
    mine, theirs = tpl["mine"], tpl["theirs"]
    base = tpl["baseline"]
    for table in ("reports", "service_hours", "incidents", "followups"):
        for (klien_id,) in await rows(
            db, f"SELECT klien_id FROM {table} WHERE id > ?", (base[table],)
        ):
            assert klien_id in mine, table
    for (klien_id,) in await rows(db, "SELECT klien_id FROM audit_log WHERE klien_id IS NOT NULL"):
        assert klien_id in mine
    # follow-ups changed (closed or moved) only on Pokmas A's klien
    for (klien_id,) in await rows(
        db, "SELECT klien_id FROM followups WHERE status = 'done' OR due_on <> '2026-12-03'"
    ):
        assert klien_id in mine
    assert await rows(
        db, "SELECT status, due_on, close_note FROM followups WHERE id = ?", (tpl["fu_b"][0],)
    ) == [("open", "2026-12-03", None)]
    assert await rows(
        db,
        "SELECT acknowledged_at FROM incidents i JOIN klien k ON "
        "k.id = i.klien_id WHERE k.pokmas_id = 2",
    ) == [(None,)]
    for (payload,) in await rows(db, "SELECT payload FROM outbox"):
        body = json.loads(payload)
        assert body.get("klien_id") in (None, *mine)
    for klien_id in theirs:
        assert await rows(
            db,
            "SELECT count(*) FROM reports WHERE klien_id = ? AND id > ?",
            (klien_id, base["reports"]),
        ) == [(0,)]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_events_never_crash_or_cross_pokmas(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    tpl = _template_db(tmp_path_factory)
    copy = tmp_path_factory.mktemp("example") / "bot.db"
    shutil.copyfile(tpl["path"], copy)
    asyncio.run(_scenario(copy, data, tpl))
