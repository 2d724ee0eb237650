"""The WhatsApp webhook: verification, signatures, parsing, de-duplication, statuses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.channels.whatsapp import StatusUpdate, WhatsAppChannel, parse_webhook, signature_ok
from handlers.invites import create_invite
from handlers.model import Incoming, Reply
from handlers.router import Router
from storage import Database
from storage.outbox import OutboxRow
from storage.timeutil import ts
from tests.conftest import Clock, World
from tests.fakes.graph_api import (
    FakeGraphServer,
    build_status,
    build_text_message,
    post_webhook,
    sign_payload,
)
from tests.whatsapp_support import ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, WaUser, wa_config

DATA = Path(__file__).parent / "data" / "whatsapp"
PHONE = "6281234567890"


def sample(name: str) -> dict[str, object]:
    return json.loads((DATA / f"{name}.json").read_text())


# -- parsing the sample payloads ------------------------------------------------------------


def test_text_message_becomes_an_incoming_text() -> None:
    [event], statuses = parse_webhook(sample("text_message"), "1234567890")
    assert statuses == []
    assert event.channel == "whatsapp"
    assert event.sender == event.address == PHONE
    assert event.event_id.startswith("wamid.")
    assert event.text


def test_button_and_list_replies_become_choices() -> None:
    [button], _ = parse_webhook(sample("button_reply"), "1234567890")
    assert button.choice == "menu:lapor" and button.text is None
    [row], _ = parse_webhook(sample("list_reply"), "1234567890")
    assert row.choice is not None and row.text is None


def test_image_becomes_a_photo_reference() -> None:
    [event], _ = parse_webhook(sample("image_message"), "1234567890")
    assert event.photo is not None and event.photo.isdigit()


def test_contact_with_only_a_business_scoped_user_id() -> None:
    [event], _ = parse_webhook(sample("text_message_bsuid_only"), "1234567890")
    assert event.sender == event.address == "ID.4839201746520913"


def test_statuses_are_parsed_with_their_error() -> None:
    _, [failed] = parse_webhook(sample("status_failed"), "1234567890")
    assert failed.status == "failed" and failed.error_code == 131047
    assert failed.recipient == PHONE
    _, [delivered] = parse_webhook(sample("status_delivered"), "1234567890")
    assert delivered.status == "delivered" and delivered.error_code is None


def test_other_phone_numbers_and_reactions_are_ignored() -> None:
    assert parse_webhook(sample("text_message"), "999") == ([], [])
    reaction = build_text_message(PHONE, "x")
    message = reaction["entry"][0]["changes"][0]["value"]["messages"][0]
    message.pop("text")
    message.update(type="reaction", reaction={"message_id": "wamid.x", "emoji": "👍"})
    assert parse_webhook(reaction, "1234567890") == ([], [])


def test_location_and_template_button() -> None:
    payload = build_text_message(PHONE, "x")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.pop("text")
    message.update(type="location", location={"latitude": -7.42, "longitude": 109.23})
    [event], _ = parse_webhook(payload)
    assert event.location == (-7.42, 109.23)
    message.update(type="button", button={"text": "Menu", "payload": "Menu"})
    [event], _ = parse_webhook(payload)
    assert event.text == "Menu" and event.choice is None
    message.update(type="button", button={"text": "Diterima", "payload": "a:ack:7"})
    [event], _ = parse_webhook(payload)
    assert event.choice == "a:ack:7" and event.text is None
    message.update(type="button", button={"text": "Lanjutkan", "payload": "/bantuan"})
    [event], _ = parse_webhook(payload)
    assert event.text == "/bantuan"


def test_signature_is_hmac_of_the_raw_body() -> None:
    body = b'{"a":"\\u00e9"}'
    assert signature_ok(body, sign_payload(body, "s"), "s")
    assert not signature_ok(body, sign_payload(body, "other"), "s")
    assert not signature_ok(body + b" ", sign_payload(body, "s"), "s")
    assert not signature_ok(body, "", "s")
    assert not signature_ok(body, sign_payload(body, ""), "")
    assert not signature_ok(body, "sha256=ünïcode", "s")


# -- through the webhook (ASGI, in process) -------------------------------------------------


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphServer]:
    async with FakeGraphServer(access_token=ACCESS_TOKEN) as server:
        yield server


@pytest.fixture
async def channel(
    graph: FakeGraphServer, db: Database, router: Router, clock: Clock
) -> AsyncIterator[WhatsAppChannel]:
    wa = WhatsAppChannel(wa_config(graph), db=db, clock=clock)
    await wa.start(router.handle)
    yield wa
    await wa.stop()
    await wa.close()


@pytest.fixture
async def http(channel: WhatsAppChannel) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=channel.routes())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


async def count_events(db: Database) -> int:
    async with db.read() as tx:
        return int(await tx.events._scalar("SELECT count(*) FROM processed_events"))


async def test_verification_answers_the_challenge(http: httpx.AsyncClient) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158"}
    response = await http.get("/whatsapp", params=params)
    assert response.status_code == 200
    assert response.text == "1158"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
async def test_verification_refuses_anything_else(
    http: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await http.get("/whatsapp", params=params)
    assert response.status_code == 403
    assert "1" not in response.text


async def test_bad_signature_is_refused_and_nothing_processed(
    http: httpx.AsyncClient, graph: FakeGraphServer, db: Database
) -> None:
    payload = build_text_message(PHONE, "DAFTAR AbCdEfGh1234")
    bad = await post_webhook(http, "/whatsapp", payload, "not-the-app-secret")
    assert bad.status_code == 403
    missing = await http.post("/whatsapp", json=payload)
    assert missing.status_code == 403
    # A valid signature of other bytes does not carry over to a tampered body.
    body = json.dumps(payload).encode()
    tampered = await http.post(
        "/whatsapp",
        content=body.replace(b"DAFTAR", b"daftar"),
        headers={"X-Hub-Signature-256": sign_payload(body, APP_SECRET)},
    )
    assert tampered.status_code == 403
    assert await count_events(db) == 0
    assert graph.messages == []


async def test_unknown_sender_gets_the_registration_hint(
    http: httpx.AsyncClient, graph: FakeGraphServer, channel: WhatsAppChannel
) -> None:
    user = WaUser(http, "/whatsapp", graph, channel, PHONE)
    await user.say("Halo")
    assert "DAFTAR" in user.text
    assert graph.messages[0]["body"]["to"] == PHONE


async def test_redelivered_webhook_is_processed_once(
    http: httpx.AsyncClient, graph: FakeGraphServer, channel: WhatsAppChannel, db: Database
) -> None:
    user = WaUser(http, "/whatsapp", graph, channel, PHONE)
    await user.say("Halo", wamid="wamid.same")
    assert len(user.last) == 1
    await user.say("Halo", wamid="wamid.same")  # Meta redelivers after a lost 200
    assert user.last == []
    assert await count_events(db) == 1


async def test_registration_with_only_a_user_id(
    http: httpx.AsyncClient,
    graph: FakeGraphServer,
    channel: WhatsAppChannel,
    db: Database,
    world: World,
    clock: Clock,
) -> None:
    async with db.transaction() as tx:
        invite = await create_invite(
            tx, role="coordinator", pokmas_code="PWT01", now=clock(), created_by="test"
        )
    user = WaUser(http, "/whatsapp", graph, channel, None, user_id="ID.4839201746520913")
    await user.say(f"DAFTAR {invite.code}")
    assert "Selamat datang" in user.text
    assert all(m["body"]["recipient"] == "ID.4839201746520913" for m in user.last)
    async with db.read() as tx:
        member = await tx.members.by_identity("whatsapp", "ID.4839201746520913")
    assert member is not None and member.id == invite.member_id


async def test_failed_status_marks_the_outbox_row_failed(
    http: httpx.AsyncClient, db: Database, world: World, clock: Clock
) -> None:
    stamp = ts(clock())
    async with db.transaction() as tx:
        await tx.members.link(world.officer_1, "whatsapp", PHONE, PHONE, stamp)
        row = OutboxRow("help_needed", "report:1", "once", world.officer_1, {"klien": "x"})
        await tx.outbox.enqueue(row, now=stamp)
        [item] = await tx.outbox.due(stamp)
        await tx.outbox.claim([item.id], stamp)
        await tx.outbox.mark_sent([item.id], channel="whatsapp", message_ref="wamid.A", now=stamp)
    delivered = build_status("wamid.A", PHONE, "delivered")
    assert (await post_webhook(http, "/whatsapp", delivered, APP_SECRET)).status_code == 200
    failed = build_status("wamid.A", PHONE, "failed", error_code=131026)
    assert (await post_webhook(http, "/whatsapp", failed, APP_SECRET)).status_code == 200
    async with db.read() as tx:
        [row_after] = await tx.outbox.by_message_ref("wamid.A")
        shown = await tx.outbox.failed_since("2000-01-01T00:00:00Z")
        identity = await tx.members.identity("whatsapp", PHONE)
    assert row_after.status == "failed"
    assert row_after.last_error is not None and "131026" in row_after.last_error
    assert [i.id for i in shown] == [item.id]  # what the admin's failure listing shows
    assert identity is not None and identity.unreachable_since is not None


async def test_status_for_every_part_of_a_split_delivery_finds_the_row(
    channel: WhatsAppChannel, db: Database, world: World, clock: Clock
) -> None:
    channel._remember(["wamid.part1", "wamid.part2", "wamid.last"])
    stamp = ts(clock())
    async with db.transaction() as tx:
        row = OutboxRow("help_needed", "report:2", "once", world.officer_1, {"klien": "x"})
        await tx.outbox.enqueue(row, now=stamp)
        [item] = await tx.outbox.due(stamp)
        await tx.outbox.mark_sent(
            [item.id], channel="whatsapp", message_ref="wamid.last", now=stamp
        )
    await channel.handle([], [StatusUpdate("wamid.part1", "failed", PHONE, 131047, "window")])
    async with db.read() as tx:
        [after] = await tx.outbox.by_message_ref("wamid.last")
    assert after.status == "failed" and "131047" in (after.last_error or "")


async def test_a_failing_event_is_answered_500_and_redelivery_works(
    graph: FakeGraphServer, router: Router, db: Database
) -> None:
    calls = 0

    async def flaky(event: Incoming) -> list[Reply]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database is locked")
        return await router.handle(event)

    wa = WhatsAppChannel(wa_config(graph), db=db)
    await wa.start(flaky)
    app = Starlette(routes=wa.routes())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bot.test"
    ) as http:
        payload = build_text_message(PHONE, "Halo", wamid="wamid.flaky")
        first = await post_webhook(http, "/whatsapp", payload, APP_SECRET)
        assert first.status_code == 500
        second = await post_webhook(http, "/whatsapp", payload, APP_SECRET)
        assert second.status_code == 200
        third = await post_webhook(http, "/whatsapp", payload, APP_SECRET)
        assert third.status_code == 200
        await wa.idle()
    await wa.stop()
    await wa.close()
    texts = [m["body"]["text"]["body"] for m in graph.messages]
    assert len(texts) == 2  # one "sorry" for the failure, one answer; the third was a duplicate
    assert "kesalahan" in texts[0] and "DAFTAR" in texts[1]
    assert await count_events(db) == 1


async def test_webhook_before_start_is_not_acknowledged(graph: FakeGraphServer) -> None:
    wa = WhatsAppChannel(wa_config(graph))
    app = Starlette(routes=wa.routes())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bot.test"
    ) as http:
        response = await post_webhook(http, "/whatsapp", build_text_message(PHONE, "x"), APP_SECRET)
    await wa.stop()
    await wa.close()
    assert response.status_code == 503
