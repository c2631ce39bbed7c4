"""Tests of the fake Bot API server (tests/fakebot.py) against the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebot import FakeChat, FakeTelegram, FakeUser

ANNA = FakeUser(1001, "Anna", "Nowak", username="anna_n")
JAN = FakeUser(1002, "Jan")


@pytest.fixture
async def tg():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram):
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        yield bot


async def api(tg: FakeTelegram, method: str, token: str | None = None, **data: str) -> dict:
    """Raw form-encoded call, the way PTB sends it."""
    url = f"{tg.base_url}{token or tg.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=data) as response:
        return await response.json()


# --------------------------------------------------------------------------- telegram.Bot


async def test_get_me_and_send_message_with_keyboard(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "infolinia_test_bot"
    assert me.id == 123456
    tg.private_chat(ANNA)
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Tak", callback_data="yes")],
            [InlineKeyboardButton("Strona", url="https://example.com")],
        ]
    )
    message = await bot.send_message(
        ANNA.id, "<b>Witaj</b> &amp; dzień dobry", parse_mode="HTML", reply_markup=markup
    )
    assert message.text == "Witaj & dzień dobry"
    assert message.chat.first_name == "Anna"
    assert message.from_user.id == 123456
    assert message.reply_markup == markup
    sent = tg.sent[-1]
    assert (sent.method, sent.chat_id, sent.message_id) == ("sendMessage", ANNA.id, message.id)
    assert sent.text == "<b>Witaj</b> &amp; dzień dobry"
    assert sent.plain == "Witaj & dzień dobry"
    assert sent.parse_mode == "HTML"
    assert sent.buttons == [("Tak", "yes"), ("Strona", "https://example.com")]
    assert tg.messages_to(ANNA.id) == [sent]
    assert tg.calls[-1] == ("sendMessage", sent.params)
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"


async def test_numeric_text_stays_string_and_ids_increase(tg: FakeTelegram, bot: Bot) -> None:
    first = await bot.send_message(ANNA.id, "991")
    second = await bot.send_message(ANNA.id, "112", reply_to_message_id=first.id)
    assert tg.sent[0].text == "991"
    assert isinstance(tg.calls[-2][1]["text"], str)
    assert tg.calls[-2][1]["chat_id"] == ANNA.id
    assert first.text == "991"
    assert second.id == first.id + 1
    assert second.reply_to_message.text == "991"


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")  # PTB itself
async def test_retry_after_and_other_faults(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(ANNA.id, "hej")
    assert "Retry in 3 seconds" in str(info.value)
    tg.fail_next("sendmessage", status=500)
    with pytest.raises(Exception, match="Internal Server Error"):
        await bot.send_message(ANNA.id, "hej")
    assert (await bot.send_message(ANNA.id, "hej")).text == "hej"
    assert [status for _, _, status in tg.errors] == [429, 500]
    assert len(tg.sent) == 1


async def test_blocked_user_gives_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.block(JAN.id)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(JAN.id, "hej")
    await bot.send_message(ANNA.id, "hej")
    tg.unblock(JAN.id)
    await bot.send_message(JAN.id, "hej")
    assert [s.chat_id for s in tg.sent] == [ANNA.id, JAN.id]


async def test_send_document_and_download(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_document(
        ANNA.id, b"a;b\n1;2\n", filename="raport.csv", caption="Raport"
    )
    sent = tg.sent[-1]
    assert sent.method == "sendDocument"
    assert sent.document == ("raport.csv", b"a;b\n1;2\n")
    assert sent.text == "Raport"
    assert message.document.file_name == "raport.csv"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"


async def test_bad_requests_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(ANNA.id, "a <script> b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(ANNA.id, "Koniec.", parse_mode="MarkdownV2")
    await bot.send_message(
        ANNA.id, "*Koniec*\\. [strona](https://a.pl/x.html)", parse_mode="MarkdownV2"
    )
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        await bot.send_message(ANNA.id, "x", reply_markup=markup)
    message = await bot.send_message(ANNA.id, "same")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("same", ANNA.id, message.id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("new", ANNA.id, 999)
    assert await bot.delete_message(ANNA.id, message.id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.delete_message(ANNA.id, message.id)
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendUnicorn")


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=tg.base_url):
            pass


async def test_commands(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Początek"), ("pomoc", "Pomoc")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "pomoc"]
    assert tg.get_commands() == [
        {"command": "start", "description": "Początek"},
        {"command": "pomoc", "description": "Pomoc"},
    ]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


# --------------------------------------------------------------------------- raw protocol


async def test_raw_protocol_details(tg: FakeTelegram) -> None:
    group = FakeChat(-100500, "supergroup", "Klaster", username="klaster_group")
    tg.add_chat(group)
    answer = await api(tg, "SENDMESSAGE", chat_id="@klaster_group", text="991")
    assert answer["ok"] is True
    assert answer["result"]["text"] == "991"
    assert answer["result"]["chat"] == {
        "id": -100500,
        "type": "supergroup",
        "title": "Klaster",
        "username": "klaster_group",
    }
    assert tg.calls[-1] == ("sendMessage", {"chat_id": "@klaster_group", "text": "991"})
    assert tg.sent[-1].chat_id == -100500
    assert await api(tg, "fooBar") == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert (await api(tg, "getMe", token="1:X"))["error_code"] == 401
    tg.fail_next("getMe", retry_after=7)
    assert (await api(tg, "getMe"))["parameters"] == {"retry_after": 7}


async def test_get_updates_long_poll_and_offset(tg: FakeTelegram) -> None:
    started = time.monotonic()
    assert (await api(tg, "getUpdates", timeout="0.2"))["result"] == []
    assert time.monotonic() - started >= 0.2

    poll = asyncio.create_task(api(tg, "getUpdates", timeout="5"))
    await asyncio.sleep(0.05)
    message = await tg.send_text(ANNA, "/start@infolinia_test_bot hej @jan_kowalski")
    updates = (await asyncio.wait_for(poll, 1))["result"]
    assert [u["update_id"] for u in updates] == [1]
    assert updates[0]["message"] == message
    assert message["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 25},
        {"type": "mention", "offset": 30, "length": 13},
    ]
    await tg.send_photo(ANNA)
    await tg.send_location(JAN)
    assert len((await api(tg, "getUpdates", offset="2", limit="1"))["result"]) == 1
    result = (await api(tg, "getUpdates", offset="2"))["result"]
    assert [u["update_id"] for u in result] == [2, 3]
    assert "photo" in result[0]["message"] and "location" in result[1]["message"]
    assert (await api(tg, "getUpdates", offset="4"))["result"] == []


async def test_random_failures_are_deterministic(tg: FakeTelegram) -> None:
    codes = []
    tg.fail_randomly(0.5, {"sendMessage"}, seed=42)
    for _ in range(20):
        answer = await api(tg, "sendMessage", chat_id=str(ANNA.id), text="x")
        codes.append(answer.get("error_code", 200))
    tg.stop_failing()
    again = []
    tg.fail_randomly(0.5, {"sendMessage"}, seed=42)
    for _ in range(20):
        answer = await api(tg, "sendMessage", chat_id=str(ANNA.id), text="x")
        again.append(answer.get("error_code", 200))
    tg.stop_failing()
    assert codes == again
    failures = [c for c in codes if c != 200]
    assert failures and failures[::2] == [500] * len(failures[::2])
    assert set(failures[1::2]) <= {429}
    assert (await api(tg, "sendMessage", chat_id=str(ANNA.id), text="x"))["ok"]


async def test_webhook_delivery_with_secret_and_retry(tg: FakeTelegram) -> None:
    received: list[tuple[dict, str | None]] = []
    attempts = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            return web.Response(status=500)
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        assert (await api(tg, "setWebhook", url=url, secret_token="s3cret"))["result"] is True
        info = (await api(tg, "getWebhookInfo"))["result"]
        assert info["url"] == url
        assert (await api(tg, "getUpdates"))["error_code"] == 409
        message = await tg.send_text(ANNA, "hej")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.01)
        assert received == [({"update_id": 1, "message": message}, "s3cret")]
        assert attempts == 2
        await api(tg, "deleteWebhook")
        await tg.send_text(ANNA, "po webhooku")
        assert len((await api(tg, "getUpdates"))["result"]) == 1
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- Application


async def test_application_polling_end_to_end(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Tak", callback_data="yes")],
                [InlineKeyboardButton("Nie", callback_data="no")],
            ]
        )
        await update.effective_message.reply_text("Witaj! Kontynuować?", reply_markup=keyboard)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("OK")
        await query.edit_message_text(f"Wybrano: {query.data}")

    async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Dziękuję za zdjęcie")

    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.PHOTO, photo))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            await tg.send_text(ANNA, "/start")
            reply = await tg.wait_for_text(ANNA.id, "Witaj")
            assert reply.buttons == [("Tak", "yes"), ("Nie", "no")]
            query = await tg.press(ANNA, reply, "yes")
            edit = await tg.wait_for(lambda s: s.method == "editMessageText")
            assert (edit.chat_id, edit.message_id) == (ANNA.id, reply.message_id)
            assert edit.text == "Wybrano: yes"
            assert edit.buttons == []
            answer = await tg.wait_for_call("answerCallbackQuery")
            assert answer == {"callback_query_id": query["id"], "text": "OK"}
            with pytest.raises(AssertionError, match="no button"):
                await tg.press(ANNA, reply, "no")  # keyboard was removed by the edit
            await tg.send_photo(ANNA)
            await tg.wait_for_text(ANNA.id, "zdjęcie")
            with pytest.raises(AssertionError, match="Wybrano: yes"):
                await tg.wait_for_text(ANNA.id, "nigdy", timeout=0.05)
        finally:
            started = time.monotonic()
            await app.updater.stop()
            await app.stop()
            assert time.monotonic() - started < 1.0


async def test_application_webhook_end_to_end(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Witaj grupo")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="sekret",
        )
        try:
            assert tg.webhook_secret == "sekret"
            group = FakeChat(-100777, "supergroup", "Klaster")
            command = await tg.send_text(JAN, "/start@infolinia_test_bot", chat=group)
            reply = await tg.wait_for_text(group.id, "Witaj")
            assert reply.message["reply_to_message"]["message_id"] == command["message_id"]
            assert reply.message["chat"]["title"] == "Klaster"
            assert tg.webhook_failures == []
        finally:
            await app.updater.stop()
            await app.stop()


async def test_outbox_faults_speak_the_wire_format_ptb_understands(
    tg: FakeTelegram, bot: Bot
) -> None:
    group = FakeChat(-500, "group", title="Grupa")
    tg.add_chat(group)
    tg.migrate_chat(group.id, -100500)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(group.id, "x")
    assert migrated.value.new_chat_id == -100500
    await bot.send_message(-100500, "w supergrupie")

    update = await tg.kick_bot(-100500)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(-100500, "x")
    await tg.add_bot(-100500)
    await bot.send_message(-100500, "znowu")

    tg.forget_chat(777)
    with pytest.raises(BadRequest, match="not found"):
        await bot.send_message(777, "x")

    tg.time_out_next("sendMessage", carried_out=True, delay=0.6)
    with pytest.raises(TimedOut):
        await bot.send_message(5, "done anyway", read_timeout=0.2)
    await asyncio.sleep(0.6)
    assert tg.messages_to(5)[-1].text == "done anyway"
    tg.time_out_next("sendMessage", carried_out=False, delay=0.6)
    with pytest.raises(TimedOut):
        await bot.send_message(5, "lost", read_timeout=0.2)
    await asyncio.sleep(0.6)
    assert tg.messages_to(5)[-1].text == "done anyway"

    tg.go_down()
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(5, "x")
    await tg.refuse_connections()
    with pytest.raises(NetworkError):
        await bot.send_message(5, "x")
    await tg.accept_connections()
    tg.come_up()
    await bot.send_message(5, "back")
