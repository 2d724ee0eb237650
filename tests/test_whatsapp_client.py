"""The WhatsApp client: limits, splitting, buttons vs list vs numbered text, errors, pacing."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.base import DeliveryError, Outbound
from bot.channels.text import utf16_len
from bot.channels.whatsapp import (
    BODY_MAX,
    TEXT_MAX,
    GraphUnavailable,
    MediaPart,
    OutsideWindow,
    PairRateLimited,
    ThroughputLimited,
    Undeliverable,
    WhatsAppClient,
    WhatsAppError,
    delivery_error,
    plan_replies,
    plan_reply,
    shorten,
    split_tail,
    split_text,
    template_params,
    template_value,
)
from bot.config import WhatsAppTemplate
from handlers.model import Attachment, Choice, Reply
from storage.members import Identity
from tests.fakes.graph_api import FakeGraphServer, GraphError, validate_send
from tests.whatsapp_support import ACCESS_TOKEN, FakeTime

USER = "6281234567890"


def choices(n: int, label: str = "Pilihan") -> tuple[Choice, ...]:
    return tuple(Choice(f"7.v{i}", f"{label} {i}") for i in range(1, n + 1))


def check_with_fake(part: Any, to: str = USER) -> tuple[str, str]:
    """Validate a planned message the way the Cloud API does (raises GraphError)."""
    assert not isinstance(part, MediaPart)
    return validate_send({"messaging_product": "whatsapp", "to": to, **part})


# -- splitting and shortening -------------------------------------------------------------


def test_short_text_is_one_piece() -> None:
    assert split_text("Halo") == ["Halo"]


def test_long_text_splits_at_paragraphs_under_the_limit() -> None:
    paragraph = ("kata " * 300).strip()  # 1499 characters
    text = "\n\n".join([paragraph] * 6)  # ~9000 characters
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(utf16_len(p) <= TEXT_MAX for p in pieces)
    # Cut between paragraphs: each piece is whole paragraphs.
    assert all(
        p.count(paragraph) * len(paragraph) + (p.count("\n\n") * 2) == len(p) for p in pieces
    )


def test_text_without_boundaries_is_cut_hard() -> None:
    pieces = split_text("x" * 9000)
    assert [len(p) for p in pieces] == [4096, 4096, 808]


def test_emoji_count_twice_towards_the_limit() -> None:
    pieces = split_text("😀" * 3000)  # 6000 UTF-16 code units
    assert all(utf16_len(p) <= TEXT_MAX for p in pieces)
    assert "".join(pieces) == "😀" * 3000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab 😀\n"), min_size=0, max_size=900),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([50, 1024, 4096]),
)
def test_split_keeps_every_word_and_respects_the_limit(parts: list[str], limit: int) -> None:
    text = "\n\n".join(parts)
    pieces = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n"), min_size=0, max_size=6000))
def test_split_tail_keeps_the_last_piece_under_the_body_limit(text: str) -> None:
    head, tail = split_tail(text or "x", BODY_MAX)
    assert utf16_len(tail) <= BODY_MAX
    assert all(utf16_len(p) <= TEXT_MAX for p in head)
    assert "".join("".join([*head, tail]).split()) == "".join((text or "x").split())


def test_shorten_cuts_at_a_word_and_marks_it() -> None:
    assert shorten("Bimbingan kepribadian/keagamaan", 20) == "Bimbingan…"
    assert shorten("Muhammad Abdurrahman Wahid", 24) == "Muhammad Abdurrahman…"
    assert shorten("Pekerjaan", 20) == "Pekerjaan"
    assert len(shorten("Abcdefghijklmnopqrstuvwxyz", 20)) == 20


def test_template_values_are_one_line() -> None:
    assert template_value("Baris satu\n\nBaris   dua\tTiga") == "Baris satu · Baris dua Tiga"
    assert len(template_value("kata " * 500)) <= 600
    assert template_value("  ") == "-"


# -- choices: buttons, list, numbered text ------------------------------------------------------


def test_up_to_three_choices_are_reply_buttons() -> None:
    for n in (1, 2, 3):
        [part] = plan_reply(Reply("Pilih hasilnya:", choices(n)))
        assert part["interactive"]["type"] == "button"
        buttons = part["interactive"]["action"]["buttons"]
        assert [b["reply"]["id"] for b in buttons] == [c.id for c in choices(n)]
        check_with_fake(part)


def test_four_to_ten_choices_are_a_list() -> None:
    for n in (4, 10):
        [part] = plan_reply(Reply("Pilih kategori:", choices(n)))
        inter = part["interactive"]
        assert inter["type"] == "list"
        assert inter["action"]["button"] == "Pilih"
        rows = inter["action"]["sections"][0]["rows"]
        assert [r["id"] for r in rows] == [c.id for c in choices(n)]
        check_with_fake(part)
    [english] = plan_reply(Reply("Pick:", choices(5)), lang="en")
    assert english["interactive"]["action"]["button"] == "Choose"


def test_more_than_ten_choices_are_numbered_text() -> None:
    [part] = plan_reply(Reply("Pilih klien:", choices(12)))
    assert part["type"] == "text"
    body = part["text"]["body"]
    assert "1. Pilihan 1\n" in body and "12. Pilihan 12\n" in body
    assert "Balas dengan nomor" in body
    check_with_fake(part)


def test_long_labels_are_shortened_but_ids_and_order_kept() -> None:
    long = (
        Choice("3.a", "Bimbingan kepribadian/keagamaan"),
        Choice("3.b", "Bimbingan kepribadian umum"),
        Choice("3.c", "Lainnya"),
    )
    [part] = plan_reply(Reply("Kategori?", long))
    buttons = part["interactive"]["action"]["buttons"]
    titles = [b["reply"]["title"] for b in buttons]
    assert [b["reply"]["id"] for b in buttons] == ["3.a", "3.b", "3.c"]
    assert all(len(title) <= 20 for title in titles)
    assert len(set(titles)) == 3  # the two "Bimbingan…" were numbered apart
    assert titles[0].startswith("1. Bimbingan")
    check_with_fake(part)


def test_list_rows_keep_the_whole_label_in_the_description() -> None:
    rows_in = tuple(
        Choice(f"4.k{i}", f"Raden Mas Bagus Wicaksono {i}", f"PB-{i:04d}/2026") for i in range(5)
    )
    [part] = plan_reply(Reply("Pilih klien:", rows_in))
    rows = part["interactive"]["action"]["sections"][0]["rows"]
    assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
    assert rows[0]["description"].startswith("Raden Mas Bagus Wicaksono 0")
    assert "PB-0000/2026" in rows[0]["description"]
    check_with_fake(part)


def test_long_body_goes_first_as_text_and_the_buttons_keep_the_end() -> None:
    summary = "\n".join(f"Baris ringkasan nomor {i}: " + "isi " * 20 for i in range(30))
    text = f"Periksa sebelum dikirim:\n\n{summary}\n\nKirim sekarang?"
    parts = plan_reply(Reply(text, choices(3)))
    assert [p["type"] for p in parts] == ["text", "interactive"]
    assert parts[-1]["interactive"]["body"]["text"].endswith("Kirim sekarang?")
    for part in parts:
        check_with_fake(part)


def test_plain_replies_are_merged_into_the_next_message() -> None:
    replies = [Reply("Dibatalkan."), Reply("Apa yang ingin Anda lakukan?", choices(2))]
    [part] = plan_replies(replies)
    assert part["interactive"]["body"]["text"] == "Dibatalkan.\n\nApa yang ingin Anda lakukan?"
    assert len(plan_replies([Reply("a"), Reply("b")])) == 1


def test_attachment_with_short_text_is_a_caption() -> None:
    file = Attachment("ringkasan.png", b"\x89PNG", "image/png", kind="image")
    [part] = plan_reply(Reply("Ringkasan November", attachment=file))
    assert part == MediaPart(file, "Ringkasan November")
    parts = plan_reply(Reply("Pilih:", choices(2), attachment=file))
    assert isinstance(parts[0], MediaPart) and parts[0].caption is None
    assert parts[1]["type"] == "interactive"


def test_fake_rejects_what_we_never_send() -> None:
    """The validator used above is strict: a 21-character button title fails."""
    bad = {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "x"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "x" * 21}}]},
        },
    }
    with pytest.raises(GraphError):
        check_with_fake(bad)


# -- against the fake Graph API server ------------------------------------------------------------


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphServer]:
    async with FakeGraphServer(access_token=ACCESS_TOKEN) as server:
        yield server


@pytest.fixture
def vtime() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def client(graph: FakeGraphServer, vtime: FakeTime) -> AsyncIterator[WhatsAppClient]:
    wa = WhatsAppClient(
        f"{graph.base_url}/v21.0",
        graph.phone_number_id,
        ACCESS_TOKEN,
        per_recipient_seconds=6.0,
        monotonic=vtime.monotonic,
        sleep=vtime.sleep,
    )
    yield wa
    await wa.aclose()


async def test_sends_text_with_bearer_token_and_returns_wamids(
    client: WhatsAppClient, graph: FakeGraphServer
) -> None:
    wamids = await client.send_text(USER, "a" * 5000)
    assert len(wamids) == 2 and all(w.startswith("wamid.") for w in wamids)
    assert [m["wamid"] for m in graph.messages] == wamids
    assert graph.messages[0]["body"]["to"] == USER


async def test_user_id_recipient_is_addressed_with_recipient(
    client: WhatsAppClient, graph: FakeGraphServer
) -> None:
    await client.send_text("ID.4839201746520913", "Halo")
    body = graph.messages[0]["body"]
    assert body["recipient"] == "ID.4839201746520913" and "to" not in body


async def test_image_and_document_are_uploaded_then_sent(
    client: WhatsAppClient, graph: FakeGraphServer
) -> None:
    png = Attachment("grafik.png", b"\x89PNG fake bytes", "image/png", kind="image")
    xlsx = Attachment("laporan.xlsx", b"PK fake xlsx", "application/vnd.ms-excel")
    await client.send_replies(
        USER, [Reply("Grafik", attachment=png), Reply("Ekspor", attachment=xlsx)]
    )
    assert [m["type"] for m in graph.messages] == ["image", "document"]
    image_id = graph.messages[0]["body"]["image"]["id"]
    assert graph.media[image_id].data == png.data
    assert graph.messages[0]["body"]["image"]["caption"] == "Grafik"
    document = graph.messages[1]["body"]["document"]
    assert graph.media[document["id"]].data == xlsx.data
    assert document["filename"] == "laporan.xlsx"


async def test_template_message(client: WhatsAppClient, graph: FakeGraphServer) -> None:
    await client.send_template(
        USER, "pengingat_pokmas", "id", ["3", "Baris 1\nBaris 2"], ["a:ack:7", "/menu"]
    )
    template = graph.messages[0]["body"]["template"]
    assert template["name"] == "pengingat_pokmas"
    assert template["language"] == {"code": "id"}
    body, ack, menu = template["components"]
    assert body["parameters"] == [
        {"type": "text", "text": "3"},
        {"type": "text", "text": "Baris 1 · Baris 2"},
    ]
    assert ack == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "a:ack:7"}],
    }
    assert menu["index"] == "1" and menu["parameters"][0]["payload"] == "/menu"


@pytest.mark.parametrize(
    ("code", "error"),
    [(131047, OutsideWindow), (131026, Undeliverable)],
)
async def test_permanent_errors_are_typed(
    client: WhatsAppClient, graph: FakeGraphServer, code: int, error: type[WhatsAppError]
) -> None:
    graph.fail_next(code)
    with pytest.raises(error) as caught:
        await client.send_text(USER, "Halo")
    assert caught.value.code == code
    assert graph.messages == []


@pytest.mark.parametrize(
    ("code", "error"),
    [(131056, PairRateLimited), (130429, ThroughputLimited), (500, GraphUnavailable)],
)
async def test_transient_errors_are_retried_with_backoff(
    client: WhatsAppClient,
    graph: FakeGraphServer,
    vtime: FakeTime,
    code: int,
    error: type[WhatsAppError],
) -> None:
    graph.fail_next(code, count=2)
    before = vtime.now
    await client.send_text(USER, "Halo")
    assert len(graph.messages) == 1
    assert len(graph.rejected) == 2
    assert vtime.now - before >= (18 if code == 131056 else 3)  # 6+12 s, or 1+2 s
    graph.fail_next(code, count=10)
    with pytest.raises(error):
        await client.send_text(USER, "Lagi")


async def test_throughput_limit_as_http_429_honours_retry_after(vtime: FakeTime) -> None:
    calls: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(vtime.now)
        if len(calls) == 1:
            body = {"error": {"code": 130429, "message": "(#130429) Rate limit hit"}}
            return httpx.Response(429, json=body, headers={"Retry-After": "7"})
        return httpx.Response(200, json={"messages": [{"id": "wamid.ok"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        wa = WhatsAppClient(
            "http://graph.test/v21.0",
            "1",
            "t",
            http=http,
            monotonic=vtime.monotonic,
            sleep=vtime.sleep,
        )
        assert await wa.send_text(USER, "Halo") == ["wamid.ok"]
    assert calls[1] - calls[0] == 7


def test_delivery_errors_tell_the_sender_what_to_do() -> None:
    pair = delivery_error(PairRateLimited(131056, "pair", retry_after=None))
    assert not pair.permanent and pair.retry_after and pair.code == "131056"
    assert not delivery_error(ThroughputLimited(130429, "x")).permanent
    assert not delivery_error(GraphUnavailable(None, "timeout")).permanent
    gone = delivery_error(Undeliverable(131026, "undeliverable"))
    assert gone.permanent and gone.unreachable and gone.code == "131026"
    window = delivery_error(OutsideWindow(131047, "window"))
    assert window.permanent and window.held
    assert delivery_error(WhatsAppError(132001, "template does not exist")).held
    assert not delivery_error(WhatsAppError(190, "token expired", http_status=401)).permanent
    assert delivery_error(WhatsAppError(100, "bad parameter")).permanent


def test_template_params_come_in_the_configured_order() -> None:
    identity = Identity("whatsapp", USER, 1, USER, None, None)
    message = Outbound(identity, (Reply("Pengingat:\n- satu\n- dua"),), "digest", {"count": "2"})
    template = WhatsAppTemplate("pengingat", "id", ["count", "text"])
    assert template_params(template, message) == (["2", "Pengingat: · - satu · - dua"], [])
    alert = Outbound(
        identity,
        (Reply("Insiden", (Choice("a:ack:7", "Terima"), Choice("a:klien:3", "Kartu"))),),
        "incident",
    )
    buttons = WhatsAppTemplate("pokmas_insiden", "id", ["text", "choice1", "choice2", "/menu"])
    assert template_params(buttons, alert) == (["Insiden"], ["a:ack:7", "a:klien:3", "/menu"])
    missing = WhatsAppTemplate("x", "id", ["choice3"])
    assert template_params(missing, alert) == ([], ["/menu"])
    with pytest.raises(DeliveryError) as caught:
        template_params(WhatsAppTemplate("x", "id", ["klien"]), message)
    assert caught.value.held


# -- pacing ---------------------------------------------------------------------------------------


async def test_pace_one_message_per_six_seconds_per_recipient(vtime: FakeTime) -> None:
    sent: list[tuple[str, float]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append((body["to"], vtime.now))
        return httpx.Response(200, json={"messages": [{"id": f"wamid.{len(sent)}"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        wa = WhatsAppClient(
            "http://graph.test/v21.0",
            "1",
            "t",
            http=http,
            per_recipient_seconds=6.0,
            monotonic=vtime.monotonic,
            sleep=vtime.sleep,
        )
        await asyncio.gather(
            wa.send_text("628111", "satu"),
            wa.send_text("628111", "dua"),
            wa.send_text("628222", "lain"),
            wa.send_text("628111", "tiga"),
        )
    times_a = [at for to, at in sent if to == "628111"]
    times_b = [at for to, at in sent if to == "628222"]
    assert len(times_a) == 3 and len(times_b) == 1  # queued, none dropped
    assert all(later - earlier >= 6.0 for earlier, later in itertools.pairwise(times_a))
    assert times_b[0] < times_a[-1]  # another recipient does not wait behind the first


async def test_pace_keeps_the_order_of_one_recipient(vtime: FakeTime) -> None:
    texts: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        texts.append(json.loads(request.content)["text"]["body"])
        return httpx.Response(200, json={"messages": [{"id": "wamid.x"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        wa = WhatsAppClient(
            "http://graph.test/v21.0",
            "1",
            "t",
            http=http,
            monotonic=vtime.monotonic,
            sleep=vtime.sleep,
        )
        await asyncio.gather(*(wa.send_text("628111", f"pesan {i}") for i in range(5)))
    assert texts == [f"pesan {i}" for i in range(5)]
    assert vtime.sleeps and all(s <= 6.0 for s in vtime.sleeps)


async def test_pair_rate_limit_holds_the_recipient_not_others(vtime: FakeTime) -> None:
    sent: list[tuple[str, float]] = []
    failed = False

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal failed
        body = json.loads(request.content)
        if body["to"] == "628111" and not failed:
            failed = True
            return httpx.Response(400, json={"error": {"code": 131056, "message": "pair"}})
        sent.append((body["to"], vtime.now))
        return httpx.Response(200, json={"messages": [{"id": "wamid.x"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        wa = WhatsAppClient(
            "http://graph.test/v21.0",
            "1",
            "t",
            http=http,
            per_recipient_seconds=0,
            monotonic=vtime.monotonic,
            sleep=vtime.sleep,
            pair_backoff=6.0,
        )
        start = vtime.now
        await asyncio.gather(wa.send_text("628111", "satu"), wa.send_text("628222", "dua"))
    assert ("628222", start) in sent  # not held back by the other recipient's limit
    assert ("628111", start + 6.0) in sent  # retried after the back-off
