"""Tests for the fake WhatsApp Graph API server, sample payloads and webhook signing."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.graph_api import (
    GRAPH_ERRORS,
    FakeGraphServer,
    build_button_reply,
    build_image_message,
    build_list_reply,
    build_status,
    build_text_message,
    post_webhook,
    sign_payload,
)

DATA = Path(__file__).parent / "data" / "whatsapp"
TOKEN = "test-token"
PHONE_ID = "1234567890"
USER = "6281234567890"

JSON = dict[str, Any]


@pytest.fixture
async def srv() -> AsyncIterator[FakeGraphServer]:
    async with FakeGraphServer(phone_number_id=PHONE_ID, access_token=TOKEN) as server:
        yield server


@pytest.fixture
async def client(srv: FakeGraphServer) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=srv.base_url, headers=headers, timeout=5) as c:
        yield c


def text_body(to: str = USER, body: str = "Halo") -> JSON:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "text", "text": {"body": body}}


def buttons_body(to: str = USER) -> JSON:
    return {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "text", "text": "Menu utama"},
            "body": {"text": "Pilih salah satu:"},
            "footer": {"text": "Pokmas Lipas"},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": "menu:lapor", "title": "Lapor kegiatan"}},
                {"type": "reply", "reply": {"id": "menu:rekap", "title": "Rekap"}},
            ]},
        },
    }


def list_body(to: str = USER) -> JSON:
    return {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pilih Bapas:"},
            "action": {"button": "Daftar Bapas", "sections": [
                {"title": "Jawa Timur", "rows": [
                    {"id": "bapas:sby", "title": "Bapas Surabaya",
                     "description": "Balai Pemasyarakatan Kelas I Surabaya"},
                    {"id": "bapas:mlg", "title": "Bapas Malang"},
                ]},
                {"title": "Jawa Tengah", "rows": [{"id": "bapas:smg", "title": "Bapas Semarang"}]},
            ]},
        },
    }


async def send(client: httpx.AsyncClient, body: JSON, version: str = "v21.0") -> httpx.Response:
    return await client.post(f"/{version}/{PHONE_ID}/messages", json=body)


async def test_text_buttons_and_list_are_recorded(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    responses = [await send(client, text_body()), await send(client, buttons_body()),
                 await send(client, list_body(to="6289900000000"), version="v23.0")]
    assert [r.status_code for r in responses] == [200, 200, 200]
    first = responses[0].json()
    assert first["messaging_product"] == "whatsapp"
    assert first["contacts"] == [{"input": USER, "wa_id": USER}]
    wamids = [r.json()["messages"][0]["id"] for r in responses]
    assert len(set(wamids)) == 3 and all(w.startswith("wamid.") for w in wamids)
    assert [m["wamid"] for m in srv.messages] == wamids
    assert [m["type"] for m in srv.messages] == ["text", "interactive", "interactive"]
    assert srv.messages[0]["body"]["text"]["body"] == "Halo"
    assert [m["wamid"] for m in srv.messages_to(USER)] == wamids[:2]
    assert srv.messages[1]["body"]["interactive"]["type"] == "button"
    assert srv.messages[0]["timestamp"] <= srv.messages[2]["timestamp"]
    assert len(await srv.wait_for_messages(1, to="6289900000000", timeout=1)) == 1


async def test_wait_for_messages_wakes_on_send(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    waiter = asyncio.create_task(srv.wait_for_messages(2, to=USER, timeout=2))
    await send(client, text_body(body="satu"))
    await send(client, text_body(body="dua"))
    got = await waiter
    assert [m["body"]["text"]["body"] for m in got] == ["satu", "dua"]


async def test_wait_for_messages_timeout_lists_what_was_seen(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    await send(client, text_body(body="hanya satu"))
    with pytest.raises(AssertionError, match=r"expected 2 message\(s\).*hanya satu"):
        await srv.wait_for_messages(2, timeout=0.05)


async def test_wrong_or_missing_token_is_401(srv: FakeGraphServer) -> None:
    async with httpx.AsyncClient(base_url=srv.base_url) as anon:
        missing = await anon.post(f"/v21.0/{PHONE_ID}/messages", json=text_body())
        wrong = await anon.post(f"/v21.0/{PHONE_ID}/messages", json=text_body(),
                                headers={"Authorization": "Bearer nope"})
    for response in (missing, wrong):
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] == 190 and error["type"] == "OAuthException"
        assert error["fbtrace_id"]
    assert srv.messages == []


async def test_unknown_phone_number_id_and_version(client: httpx.AsyncClient) -> None:
    other = await client.post("/v21.0/999/messages", json=text_body())
    assert other.status_code == 400 and other.json()["error"]["error_subcode"] == 33
    bad_version = await client.post(f"/latest/{PHONE_ID}/messages", json=text_body())
    assert bad_version.status_code == 400


def _set(path: str, value: Any) -> Callable[[JSON], None]:
    """Mutation that sets a dotted/indexed path inside a body."""
    def apply(body: JSON) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        target: Any = body
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return apply


def _buttons(n: int) -> list[JSON]:
    return [{"type": "reply", "reply": {"id": f"b{i}", "title": f"Opsi {i}"}} for i in range(n)]


def _rows(n: int) -> list[JSON]:
    return [{"id": f"r{i}", "title": f"Baris {i}"} for i in range(n)]


LIMIT_CASES = [
    ("text", "text.body", "x" * 4097, 100, "max length: 4096"),
    ("buttons", "interactive.action.buttons", _buttons(4), 131009, "max items: 3"),
    ("buttons", "interactive.action.buttons.0.reply.title", "x" * 21, 131009,
     "buttons[0].reply.title is 21 characters long; max length: 20"),
    ("buttons", "interactive.action.buttons.1.reply.id", "menu:lapor", 131009, "must be unique"),
    ("buttons", "interactive.body.text", "x" * 1025, 131009, "max length: 1024"),
    ("buttons", "interactive.header.text", "x" * 61, 131009, "max length: 60"),
    ("buttons", "interactive.footer.text", "x" * 61, 131009, "max length: 60"),
    ("list", "interactive.action.sections.0.rows", _rows(10), 131009, "max rows: 10"),
    ("list", "interactive.action.sections.0.rows.0.title", "x" * 25, 131009, "max length: 24"),
    ("list", "interactive.action.sections.0.rows.0.description", "x" * 73, 131009,
     "max length: 72"),
    ("list", "interactive.action.button", "x" * 21, 131009, "max length: 20"),
    ("list", "interactive.action.sections.1.title", "x" * 25, 131009, "max length: 24"),
    ("list", "interactive.action.sections.1.rows.0.id", "bapas:sby", 131009, "must be unique"),
    ("list", "interactive.body.text", "x" * 1025, 131009, "max length: 1024"),
]


@pytest.mark.parametrize(("kind", "path", "value", "code", "needle"), LIMIT_CASES)
async def test_limits_are_rejected_naming_the_limit(
    srv: FakeGraphServer, client: httpx.AsyncClient,
    kind: str, path: str, value: Any, code: int, needle: str,
) -> None:
    body = {"text": text_body, "buttons": buttons_body, "list": list_body}[kind]()
    _set(path, copy.deepcopy(value))(body)
    response = await send(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert needle in error["error_data"]["details"]
    assert srv.messages == [] and srv.rejected[-1]["code"] == code


async def test_limits_accept_boundary_values(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    buttons = buttons_body()
    buttons["interactive"]["action"]["buttons"] = _buttons(3)
    buttons["interactive"]["action"]["buttons"][0]["reply"]["title"] = "x" * 20
    one_section = list_body()
    one_section["interactive"]["action"]["sections"] = [{"rows": _rows(10)}]
    bodies = [text_body(body="x" * 4096), buttons, one_section]
    assert [(await send(client, b)).status_code for b in bodies] == [200, 200, 200]
    assert len(srv.messages) == 3


async def test_sections_need_titles_when_more_than_one(client: httpx.AsyncClient) -> None:
    body = list_body()
    del body["interactive"]["action"]["sections"][1]["title"]
    response = await send(client, body)
    assert response.status_code == 400
    assert "sections[1].title is required" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("code", "status", "wire_code"),
    [(131047, 400, 131047), (130429, 400, 130429), (131056, 400, 131056),
     (131026, 400, 131026), (500, 500, 131000)],
)
async def test_injected_errors_have_graph_bodies(
    srv: FakeGraphServer, client: httpx.AsyncClient, code: int, status: int, wire_code: int
) -> None:
    srv.fail_next(code)
    failed = await send(client, text_body())
    assert failed.status_code == status
    error = failed.json()["error"]
    spec = GRAPH_ERRORS[wire_code]
    assert error["code"] == wire_code
    assert error["type"] == "OAuthException"
    assert error["message"] == f"(#{wire_code}) {spec.title}"
    assert error["error_data"] == {"messaging_product": "whatsapp", "details": spec.details}
    assert isinstance(error["fbtrace_id"], str) and error["fbtrace_id"]
    assert (await send(client, text_body())).status_code == 200
    assert len(srv.messages) == 1 and srv.rejected[0]["code"] == wire_code


async def test_fail_next_respects_count_and_recipient(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    srv.fail_next(131056, count=2, to="628111")
    statuses = [(await send(client, text_body(to=to))).status_code
                for to in ("628222", "628111", "628111", "628111")]
    assert statuses == [200, 400, 400, 200]
    assert [m["to"] for m in srv.messages] == ["628222", "628111"]


async def test_delay_next_slows_one_answer(srv: FakeGraphServer) -> None:
    srv.delay_next(0.3)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=srv.base_url, headers=headers, timeout=0.05) as quick:
        with pytest.raises(httpx.ReadTimeout):
            await send(quick, text_body())
    async with httpx.AsyncClient(base_url=srv.base_url, headers=headers, timeout=5) as normal:
        started = time.monotonic()
        assert (await send(normal, text_body())).status_code == 200
        assert time.monotonic() - started < 0.3


async def test_mark_as_read(srv: FakeGraphServer, client: httpx.AsyncClient) -> None:
    body = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.ABC="}
    response = await send(client, body)
    assert response.status_code == 200 and response.json() == {"success": True}
    assert srv.read_receipts[0]["message_id"] == "wamid.ABC=" and srv.messages == []


async def test_send_to_bsuid_echoes_user_id(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    body = text_body()
    del body["to"]
    body["recipient"] = "ID.1502576394655843"
    response = await send(client, body)
    assert response.json()["contacts"] == [
        {"input": "ID.1502576394655843", "user_id": "ID.1502576394655843"}
    ]
    assert srv.messages_to("ID.1502576394655843")


async def test_media_upload_is_stored_and_downloadable(
    srv: FakeGraphServer, client: httpx.AsyncClient
) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00--fake--\r\n\r\nchart-bytes\r\n"
    response = await client.post(
        f"/v21.0/{PHONE_ID}/media",
        files={"file": ("ringkasan.png", data, "image/png")},
        data={"type": "image/png", "messaging_product": "whatsapp"},
    )
    assert response.status_code == 200
    media_id = response.json()["id"]
    stored = srv.media[media_id]
    assert stored.data == data and stored.mime_type == "image/png"
    assert stored.filename == "ringkasan.png"
    info = (await client.get(f"/v21.0/{media_id}")).json()
    assert info["mime_type"] == "image/png" and info["file_size"] == len(data)
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert (await client.get(info["url"])).content == data

    missing = await client.post(f"/v21.0/{PHONE_ID}/media",
                                data={"type": "image/png", "messaging_product": "whatsapp"})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == 100


SAMPLES = ["text_message", "button_reply", "list_reply", "image_message",
           "status_delivered", "status_failed", "text_message_bsuid_only"]


def _value(payload: JSON) -> JSON:
    """Check the common envelope and return entry[0].changes[0].value."""
    assert payload["object"] == "whatsapp_business_account"
    entry = payload["entry"][0]
    assert isinstance(entry["id"], str)
    change = entry["changes"][0]
    assert change["field"] == "messages"
    value: JSON = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert set(value["metadata"]) == {"display_phone_number", "phone_number_id"}
    return value


def _message(value: JSON) -> JSON:
    contact = value["contacts"][0]
    message: JSON = value["messages"][0]
    assert isinstance(contact["profile"]["name"], str)
    assert contact.get("wa_id") == message.get("from")
    assert contact.get("user_id") == message.get("from_user_id")
    assert "wa_id" in contact or "user_id" in contact
    assert message["id"].startswith("wamid.") and message["timestamp"].isdigit()
    return message


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_payloads_have_documented_shape(name: str) -> None:
    payload = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    value = _value(payload)
    if name.startswith("status_"):
        status = value["statuses"][0]
        assert status["id"].startswith("wamid.") and status["timestamp"].isdigit()
        assert status["status"] == name.removeprefix("status_")
        if name == "status_failed":
            assert status["errors"][0]["code"] == 131047
            assert status["errors"][0]["title"] == "Re-engagement message"
        return
    message = _message(value)
    kind = {"button_reply": "interactive", "list_reply": "interactive",
            "image_message": "image"}.get(name, "text")
    assert message["type"] == kind
    if name == "button_reply":
        assert set(message["interactive"]["button_reply"]) == {"id", "title"}
        assert message["context"]["id"].startswith("wamid.")
    if name == "list_reply":
        assert set(message["interactive"]["list_reply"]) == {"id", "title", "description"}
    if name == "image_message":
        assert {"id", "mime_type", "sha256"} <= set(message["image"])
    if name == "text_message_bsuid_only":
        assert "from" not in message and "wa_id" not in value["contacts"][0]
        assert message["from_user_id"].startswith("ID.")


def test_builders_match_sample_shapes() -> None:
    built = [
        build_text_message(USER, "halo", user_id="ID.1"),
        build_text_message(None, "halo", user_id="ID.1", username="budi"),
        build_button_reply(USER, "menu:lapor", "Lapor"),
        build_list_reply(USER, "bapas:sby", "Bapas Surabaya", "Kelas I"),
        build_image_message(USER, "123", caption="foto"),
    ]
    for payload in built:
        _message(_value(payload))
    phone_only = _value(build_text_message(USER, "halo", wamid="wamid.X", timestamp=42))
    assert phone_only["contacts"] == [{"profile": {"name": "Tester"}, "wa_id": USER}]
    assert phone_only["messages"][0] == {"from": USER, "id": "wamid.X", "timestamp": "42",
                                         "type": "text", "text": {"body": "halo"}}
    with pytest.raises(ValueError):
        build_text_message(None, "halo")


def test_build_status() -> None:
    delivered = _value(build_status("wamid.A", USER, "delivered", recipient_user_id="ID.1"))
    assert delivered["statuses"][0]["recipient_user_id"] == "ID.1"
    assert delivered["contacts"] == [{"wa_id": USER, "user_id": "ID.1"}]
    failed = _value(build_status("wamid.A", USER, "failed", error_code=131026))
    assert failed["statuses"][0]["errors"][0]["code"] == 131026
    assert "contacts" not in failed and "pricing" not in failed["statuses"][0]
    with pytest.raises(ValueError):
        build_status("wamid.A", USER, "failed")
    with pytest.raises(ValueError):
        build_status("wamid.A", USER, "seen")


def test_sign_payload_matches_known_hmac() -> None:
    # Well-known HMAC-SHA256 test vector.
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign_payload(body, "key") == f"sha256={expected}"
    raw = b'{"object":"whatsapp_business_account"}'
    independent = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert sign_payload(raw, "s3cret") == "sha256=" + independent


async def test_post_webhook_signs_the_exact_bytes() -> None:
    seen: list[tuple[bytes, str]] = []

    async def receive(request: Request) -> JSONResponse:
        seen.append((await request.body(), request.headers["x-hub-signature-256"]))
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/webhook", receive, methods=["POST"])])
    payload = build_text_message(USER, "Laporan: kerja bakti — selesai ✓")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://bot.test") as c:
        ok = await post_webhook(c, "/webhook", payload, "app-secret")
        forged = await post_webhook(c, "/webhook", payload, "app-secret", signature="sha256=00")
    assert ok.status_code == forged.status_code == 200
    raw, signature = seen[0]
    assert signature == "sha256=" + hmac.new(b"app-secret", raw, hashlib.sha256).hexdigest()
    assert json.loads(raw) == payload
    assert seen[1] == (raw, "sha256=00")
