"""A fake Telegram Bot API server for end-to-end tests.

Start it, point the real python-telegram-bot ``Application`` (or ``Bot``) at it with
``base_url``/``base_file_url``, then act as Telegram users and look at what the bot sent::

    async with FakeTelegram() as tg:
        app = (
            ApplicationBuilder().token(tg.token)
            .base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        )
        ...  # add handlers, start the app and polling
        user = FakeUser(1001, "Anna")
        await tg.send_text(user, "/start")
        reply = await tg.wait_for_text(user.id, "Witaj")
        await tg.press(user, reply, "menu:faq")

The server speaks the wire format of the real Bot API as PTB uses it: ``POST
{base_url}{token}/{method}`` with a form-urlencoded body (multipart when uploading files),
where string parameters are sent raw and everything else JSON-encoded.  Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``.

Implemented methods: getMe, deleteWebhook, setWebhook, getWebhookInfo, getUpdates (long
polling), sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery,
setMyCommands, getMyCommands, deleteMyCommands, sendDocument, sendChatAction, deleteMessage,
setMessageReaction, getFile (plus downloads from ``base_file_url``), close, logOut.
Anything else answers 404 "Not Found: method not found".

Like the real server it rejects some broken requests with 400 so tests catch them: malformed
HTML (``parse_mode="HTML"``), unescaped reserved characters in MarkdownV2, empty or too long
texts, callback_data over 64 bytes, edits that change nothing ("message is not modified"),
replies to / edits / deletes of unknown messages, unknown callback query ids.
Sending to an unknown numeric chat id is allowed (a placeholder chat is created).

Faults for tests: ``fail_next`` / ``fail_randomly`` (500, 502, 429 with retry_after, timeouts
where the call was or was not carried out), ``time_out_next``, ``fail_chat`` (one chat's calls
fail), ``go_down`` / ``come_up`` (every call 502), ``block`` (a user blocked the bot),
``forget_chat`` ("chat not found"), ``migrate_chat`` (a group became a supergroup: 400 with
``migrate_to_chat_id``), ``kick_bot`` / ``add_bot`` (403 "bot was kicked", with
``my_chat_member`` updates), ``hold`` / ``release`` (calls hang, e.g. to kill the bot while
it handles an update). ``pending_updates`` shows what the bot has not confirmed yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web

__all__ = ["FakeChat", "FakeTelegram", "FakeUser", "Sent"]

# Parameters that PTB JSON-encodes (everything that is not a plain string).  Only these are
# decoded; all other fields (text, caption, parse_mode, url, ...) stay raw strings.
JSON_FIELDS = frozenset(
    {
        "allow_paid_broadcast",
        "allow_sending_without_reply",
        "allowed_updates",
        "cache_time",
        "caption_entities",
        "chat_id",
        "commands",
        "direct_messages_topic_id",
        "disable_content_type_detection",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "duration",
        "entities",
        "from_chat_id",
        "has_spoiler",
        "height",
        "is_big",
        "latitude",
        "limit",
        "link_preview_options",
        "longitude",
        "max_connections",
        "message_id",
        "message_ids",
        "message_thread_id",
        "offset",
        "protect_content",
        "reaction",
        "reply_markup",
        "reply_parameters",
        "reply_to_message_id",
        "scope",
        "show_alert",
        "show_caption_above_media",
        "suggested_post_parameters",
        "timeout",
        "user_id",
        "width",
    }
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_API_PATH = re.compile(r"/bot([^/]+)/([^/]+)/?")
_FILE_PATH = re.compile(r"/file/bot([^/]+)/(.+)")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]+")


# --------------------------------------------------------------------------- data classes


@dataclass
class FakeUser:
    """A Telegram user the test acts as."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_dict(self) -> dict:
        """The Bot API ``User`` object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class FakeChat:
    """A chat; use type "group"/"supergroup" with a title for groups (negative ids)."""

    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None


@dataclass
class Sent:
    """One message the bot sent or edited (one entry per successful call)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None  # exactly as sent (raw HTML/Markdown); caption for documents
    parse_mode: str | None
    reply_markup: dict | None
    params: dict
    document: tuple[str, bytes] | None = None  # (filename, content) for sendDocument
    message: dict | None = None  # the Message returned to the bot (text without markup)

    @property
    def plain(self) -> str | None:
        """Text (or caption) as Telegram shows it, i.e. with HTML markup removed."""
        if self.message is None:
            return self.text
        return self.message.get("text", self.message.get("caption"))

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data or url) of every keyboard button, rows flattened."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        result: list[tuple[str, str | None]] = []
        for row in rows:
            for button in row:
                if isinstance(button, str):
                    result.append((button, None))
                else:
                    result.append((button["text"], button.get("callback_data", button.get("url"))))
        return result


class ApiError(Exception):
    """An error answer of the API (raised inside method handlers)."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------- text parsing

_HTML_TAGS = frozenset(
    {
        "a", "b", "blockquote", "code", "del", "em", "i", "ins", "pre", "s", "span",
        "strike", "strong", "tg-emoji", "tg-spoiler", "tg-time", "u",
    }
)  # fmt: skip


class _TelegramHtml(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does (roughly) and collects plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise _bad_request(f'can\'t parse entities: Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_html(text: str) -> str:
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise _bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{parser.stack[-1]}"'
        )
    return "".join(parser.parts)


def _check_markdown_v2(text: str) -> str:
    """Raise like Telegram for unescaped reserved characters; return text without escapes."""
    in_code = in_url = False
    after_bracket = False
    i = 0
    while i < len(text):
        ch = text[i]
        line_prefix = text[text.rfind("\n", 0, i) + 1 : i]
        at_line_start = not line_prefix.strip("*")  # ">" or "**>" starts a blockquote
        if ch == "\\":
            i += 2
            after_bracket = False
            continue
        if ch == "`":
            in_code = not in_code
        elif in_url:
            in_url = ch != ")"
        elif not in_code:
            if ch == "(" and after_bracket:
                in_url = True
            elif (ch in "#+-={}.()" or (ch == ">" and not at_line_start)) or (
                ch == "!" and text[i + 1 : i + 2] != "["  # "![emoji](tg://emoji?id=...)"
            ):
                raise _bad_request(
                    f"can't parse entities: Character '{ch}' is reserved and must be "
                    "escaped with the preceding '\\'"
                )
        after_bracket = ch == "]" and not in_code
        i += 1
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _plain_text(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _plain_html(text)
    if mode == "markdownv2":
        return _check_markdown_v2(text)
    return text


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text_entities(text: str) -> list[dict]:
    """bot_command entity for a leading "/command", mention entities for "@username"."""
    entities = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0] if text.strip() else text
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command)})
    for match in _MENTION.finditer(text):  # "/cmd@botname" does not match (\w before @)
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group()),
            }
        )
    return entities


def _check_reply_markup(markup: Any) -> None:
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad_request("BUTTON_DATA_INVALID")
            if len(button) == 1:  # only "text"
                raise _bad_request("text buttons are unallowed in the inline keyboard")


def _inline_markup(markup: Any) -> dict | None:
    """Telegram only echoes inline keyboards in Message.reply_markup."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return markup
    return None


# --------------------------------------------------------------------------- the server


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None = None
    delay: float = 0.0  # a timeout: the answer comes this late (the client gave up before)
    carried_out: bool = False  # ... and whether the call was done all the same
    chat_id: int | None = None  # only calls about this chat


RANDOM_FAULTS = ("500", "429", "502", "timeout_done", "timeout_lost")


@dataclass
class _Hold:
    method: str
    chat_id: int | None
    released: asyncio.Event
    fail: bool = False


Handler = Callable[[dict, dict[str, tuple[str, bytes]]], Awaitable[Any]]


class FakeTelegram:
    """In-process fake of the Telegram Bot API (aiohttp on 127.0.0.1, random port).

    Public state for assertions: ``calls`` (every API call as (method, params)), ``sent``
    (every message the bot sent or edited), ``errors`` (calls answered with an error as
    (method, params, status)), ``webhook_url``/``webhook_secret``, ``commands``.
    """

    def __init__(
        self, token: str = "123456:TEST", *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Infolinia",
            "username": "infolinia_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[tuple[str, dict]] = []
        self.sent: list[Sent] = []
        self.errors: list[tuple[str, dict, int]] = []
        self.callback_answers: list[dict] = []  # answerCallbackQuery params (toasts)
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_retries = 3
        self.webhook_failures: list[dict] = []  # updates dropped after failed deliveries
        # (scope type or JSON, language_code) -> list of BotCommand dicts
        self.commands: dict[tuple[str, str], list[dict]] = {}

        self._chats: dict[int, dict] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._files: dict[str, tuple[str, bytes, str]] = {}  # file_id -> (name, bytes, path)
        self._pending: list[dict] = []
        self._allowed_updates: list[str] = []
        self._callback_ids: set[str] = set()
        self._next_update_id = 1
        self._next_message_id = 1
        self._next_file_id = 1
        self._next_callback_id = 1
        self._faults: dict[str, list[_Fault]] = {}
        self._blocked: set[int] = set()
        self._kicked: set[int] = set()  # groups the bot was removed from
        self._gone: set[int] = set()  # chats Telegram no longer knows ("chat not found")
        self._migrated: dict[int, int] = {}  # group id -> supergroup id
        self._failing_chats: dict[int, int] = {}  # chat id -> status every call gets
        self._down: bool = False
        self._random_kinds: tuple[str, ...] = ("500", "429")
        self._random_delay = 1.0
        self.timeouts: list[tuple[str, dict, bool]] = []  # (method, params, carried out)
        self._random_rate = 0.0
        self._random_methods: set[str] = set()
        self._random = random.Random(0)
        self._random_count = 0
        self._holds: list[_Hold] = []
        self._changed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task | None = None
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendDocument": self._send_document,
                "sendChatAction": self._true,
                "deleteMessage": self._delete_message,
                "setMessageReaction": self._set_message_reaction,
                "getFile": self._get_file,
                "copyMessage": self._copy_message,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Start listening; ``port`` is set to the bound port afterwards."""
        self._stopping = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        self._webhook_task = asyncio.create_task(self._webhook_worker())

    async def stop(self) -> None:
        """Stop: pending long polls return [] at once, webhook delivery is cancelled."""
        self._stopping = True
        self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ acting as users

    def add_chat(self, chat: FakeChat, user: FakeUser | None = None) -> dict:
        """Register a chat (private chats take names from ``user``); return its Chat dict."""
        data: dict[str, Any] = {"id": chat.id, "type": chat.type}
        if chat.type == "private" and user is not None:
            data.update(
                {k: v for k, v in user.to_dict().items() if k in ("first_name", "last_name")}
            )
            if user.username:
                data["username"] = user.username
        elif chat.type == "private":
            data["first_name"] = self._chats.get(chat.id, {}).get("first_name", f"User {chat.id}")
        else:
            data["title"] = chat.title or f"Chat {chat.id}"
        if chat.username:
            data["username"] = chat.username
        self._chats[chat.id] = data
        return data

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The private chat of ``user`` with the bot (chat id == user id)."""
        chat = FakeChat(user.id, "private")
        self.add_chat(chat, user)
        return chat

    async def inject_update(self, payload: dict) -> dict:
        """Queue (or deliver by webhook) an arbitrary update, e.g. {"edited_message": {...}}.

        Adds ``update_id`` and returns the whole update.
        """
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self._pending.append(update)
        self._notify()
        await asyncio.sleep(0)
        return update

    async def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: FakeChat | None = None,
        reply_to: Sent | dict | None = None,
    ) -> dict:
        """The user sends ``text`` (commands and @mentions get entities)."""
        extra: dict[str, Any] = {"text": text}
        entities = _text_entities(text)
        if entities:
            extra["entities"] = entities
        if reply_to is not None:
            if isinstance(reply_to, Sent):
                reply_to = self._messages.get(
                    (reply_to.chat_id, reply_to.message_id), reply_to.message
                )
            extra["reply_to_message"] = reply_to
        return await self._user_message(user, chat, extra)

    async def send_photo(
        self, user: FakeUser, chat: FakeChat | None = None, caption: str | None = None
    ) -> dict:
        """The user sends a photo (two PhotoSizes)."""
        sizes = []
        for width, height in ((90, 67), (800, 600)):
            file_id, unique = self._store_file(f"photo_{width}.jpg", b"\xff\xd8fake-jpeg", "photos")
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "width": width,
                    "height": height,
                    "file_size": 11,
                }
            )
        extra: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return await self._user_message(user, chat, extra)

    async def send_sticker(
        self, user: FakeUser, chat: FakeChat | None = None, emoji: str = "👍"
    ) -> dict:
        """The user sends a (static) sticker."""
        file_id, unique = self._store_file("sticker.webp", b"RIFFfake-webp", "stickers")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._user_message(user, chat, {"sticker": sticker})

    async def send_voice(
        self, user: FakeUser, chat: FakeChat | None = None, duration: int = 3
    ) -> dict:
        """The user sends a voice message."""
        file_id, unique = self._store_file("voice.ogg", b"OggSfake-voice", "voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 14,
        }
        return await self._user_message(user, chat, {"voice": voice})

    async def send_document_from_user(
        self,
        user: FakeUser,
        chat: FakeChat | None = None,
        filename: str = "dokument.pdf",
        content: bytes = b"%PDF-1.4 fake",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> dict:
        """The user sends a file (downloadable by the bot via getFile)."""
        file_id, unique = self._store_file(filename, content, "documents")
        document = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return await self._user_message(user, chat, extra)

    async def send_location(
        self,
        user: FakeUser,
        chat: FakeChat | None = None,
        latitude: float = 50.8118,
        longitude: float = 19.1203,
    ) -> dict:
        """The user shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._user_message(user, chat, {"location": location})

    async def edit_text(self, user: FakeUser, message: dict, text: str) -> dict:
        """The user edits a message they sent earlier (an ``edited_message`` update)."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self._messages[(message["chat"]["id"], message["message_id"])] = edited
        await self.inject_update({"edited_message": edited})
        return edited

    async def send_contact(self, user: FakeUser, phone: str, chat: FakeChat | None = None
                           ) -> dict:
        """The user shares their own contact card (the phone number button)."""
        contact = {"phone_number": phone, "first_name": user.first_name, "user_id": user.id}
        return await self._user_message(user, chat, {"contact": contact})

    async def press(self, user: FakeUser, message: Sent, data: str, *, check: bool = True) -> dict:
        """The user presses the inline button with ``data`` under a bot message.

        With ``check`` the button must be on the message's current keyboard. Returns the
        CallbackQuery dict.
        """
        current = self._messages.get((message.chat_id, message.message_id), message.message)
        if current is None:
            raise AssertionError(f"message {message.message_id} in {message.chat_id} is unknown")
        if check:
            rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
            datas = [b.get("callback_data") for row in rows for b in row]
            if data not in datas:
                raise AssertionError(
                    f"no button with callback_data {data!r} on message {message.message_id}; "
                    f"buttons: {datas}"
                )
        query_id = str(self._next_callback_id)
        self._next_callback_id += 1
        self._callback_ids.add(query_id)
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": current,
            "chat_instance": str(current["chat"]["id"]),
            "data": data,
        }
        await self.inject_update({"callback_query": query})
        return query

    # ------------------------------------------------------------------ observing

    async def wait_for(
        self, predicate: Callable[[Sent], bool], timeout: float = 5.0, *, start: int = 0
    ) -> Sent:
        """First ``Sent`` (from index ``start`` on, existing or new) matching ``predicate``.

        Raises AssertionError with a summary of what was sent when ``timeout`` passes.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = start
        while True:
            while index < len(self.sent):
                candidate = self.sent[index]
                index += 1
                if predicate(candidate):
                    return candidate
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no matching message within {timeout}s.\n{self.summary()}")
            await self._wait_change(remaining)

    async def wait_for_text(
        self, chat_id: int, contains: str, timeout: float = 5.0, *, start: int = 0
    ) -> Sent:
        """First message to ``chat_id`` whose raw or plain text contains ``contains``."""

        def matches(sent: Sent) -> bool:
            texts = (sent.text or "", sent.plain or "")
            return sent.chat_id == chat_id and any(contains in text for text in texts)

        try:
            return await self.wait_for(matches, timeout, start=start)
        except AssertionError as exc:
            raise AssertionError(f"waiting for {contains!r} in chat {chat_id}: {exc}") from None

    async def wait_for_call(self, method: str, timeout: float = 5.0, *, start: int = 0) -> dict:
        """Params of the first call (from index ``start`` of ``calls``) to ``method``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = start
        while True:
            while index < len(self.calls):
                name, params = self.calls[index]
                index += 1
                if name.lower() == method.lower():
                    return params
            remaining = deadline - loop.time()
            if remaining <= 0:
                called = [name for name, _ in self.calls]
                raise AssertionError(f"no call to {method} within {timeout}s; calls: {called}")
            await self._wait_change(remaining)

    async def wait_for_callback_answers(self, count: int, timeout: float = 5.0) -> None:
        """Until ``count`` button taps have been answered (toasts included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.callback_answers) < count:
            if loop.time() > deadline:
                raise AssertionError(f"{len(self.callback_answers)} of {count} taps answered")
            await self._wait_change(deadline - loop.time())

    def current_text(self, chat_id: int, message_id: int) -> str | None:
        """The text a message shows now, after any edits."""
        message = self._messages.get((chat_id, message_id))
        return None if message is None else message.get("text") or message.get("caption")

    @property
    def pending_updates(self) -> list[dict]:
        """Updates the bot has not confirmed yet (getUpdates offset) nor taken by webhook."""
        return list(self._pending)

    def messages_to(self, chat_id: int) -> list[Sent]:
        """Everything sent or edited in ``chat_id``, in order."""
        return [sent for sent in self.sent if sent.chat_id == chat_id]

    def get_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands set with setMyCommands for that scope/language ([] if none)."""
        return self.commands.get((self._scope_key(scope), language_code), [])

    def summary(self, last: int = 30) -> str:
        """Human-readable list of the last sent messages and errors (for failure messages)."""
        lines = [f"{len(self.sent)} message(s) sent/edited:"]
        for sent in self.sent[-last:]:
            text = sent.text if sent.text is None or len(sent.text) < 200 else sent.text[:200] + "…"
            lines.append(
                f"  {sent.method} chat={sent.chat_id} id={sent.message_id} text={text!r}"
                + (f" buttons={sent.buttons}" if sent.buttons else "")
            )
        if self.errors:
            lines.append(f"{len(self.errors)} call(s) answered with an error:")
            lines.extend(f"  {m} -> {status}" for m, _, status in self.errors[-last:])
        return "\n".join(lines)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` get an error (429 with retry_after by default)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                400: "Bad Request",
                403: "Forbidden",
            }.get(status, HTTPStatus(status).phrase)
        fault = _Fault(status, description, retry_after if status == 429 else None)
        self._faults.setdefault(method.lower(), []).extend([fault] * count)

    def block(self, user_id: int) -> None:
        """The user blocked the bot: calls with that chat_id get 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo ``block``."""
        self._blocked.discard(user_id)

    def fail_randomly(
        self,
        rate: float,
        methods: set[str],
        seed: int = 0,
        *,
        kinds: tuple[str, ...] = ("500", "429"),
        delay: float = 1.0,
    ) -> None:
        """Fail ``rate`` of calls to ``methods``, taking turns through ``kinds`` (by default
        500 and 429 with retry_after=1). Kinds: "500", "502", "429", "timeout_done" (the call
        is carried out but answered ``delay`` seconds late), "timeout_lost" (answered late and
        not carried out)."""
        unknown = set(kinds) - set(RANDOM_FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {unknown}")
        self._random_rate = rate
        self._random_methods = {m.lower() for m in methods}
        self._random = random.Random(seed)
        self._random_count = 0
        self._random_kinds = tuple(kinds)
        self._random_delay = delay

    def time_out_next(
        self,
        method: str,
        count: int = 1,
        *,
        carried_out: bool = True,
        delay: float = 1.0,
        chat_id: int | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` (about ``chat_id``, if given) are answered
        ``delay`` seconds late (set it past the client's read timeout); with ``carried_out``
        the call is done all the same, as Telegram does when only its answer is lost."""
        fault = _Fault(504, "Gateway Timeout", delay=delay, carried_out=carried_out,
                       chat_id=chat_id)
        self._faults.setdefault(method.lower(), []).extend([fault] * count)

    def fail_chat(self, chat_id: int, status: int = 500) -> None:
        """Every call about ``chat_id`` gets ``status`` (until ``heal_chat``)."""
        self._failing_chats[chat_id] = status

    def heal_chat(self, chat_id: int) -> None:
        self._failing_chats.pop(chat_id, None)

    def go_down(self) -> None:
        """The API is down: every call, getUpdates included, answers 502 Bad Gateway."""
        self._down = True
        self._notify()

    def come_up(self) -> None:
        self._down = False
        self._notify()

    async def refuse_connections(self) -> None:
        """The API's address refuses connections (stop listening; the port is kept)."""
        if self._site is not None:
            await self._site.stop()
            self._site = None

    async def accept_connections(self) -> None:
        """Listen again on the same port after ``refuse_connections``."""
        if self._site is None and self._runner is not None:
            self._site = web.TCPSite(self._runner, self.host, self.port)
            await self._site.start()

    def forget_chat(self, chat_id: int) -> None:
        """Telegram no longer knows the chat (the person deleted their account or data)."""
        self._gone.add(chat_id)

    def migrate_chat(self, group_id: int, supergroup_id: int, title: str | None = None) -> None:
        """The group became a supergroup: calls with the old id get 400 with
        ``parameters.migrate_to_chat_id``; the supergroup keeps the title."""
        old = self._chats.get(group_id, {})
        self._chats[supergroup_id] = {
            "id": supergroup_id,
            "type": "supergroup",
            "title": title or old.get("title") or f"Chat {supergroup_id}",
        }
        self._migrated[group_id] = supergroup_id

    async def kick_bot(self, chat_id: int, by: FakeUser | None = None) -> dict:
        """The bot is removed from a group: calls to it get 403, and the bot gets a
        my_chat_member update (status "kicked")."""
        self._kicked.add(chat_id)
        return await self._my_chat_member(chat_id, by, "member", "kicked")

    async def add_bot(self, chat_id: int, by: FakeUser | None = None) -> dict:
        """The bot is added (back) to a group: a my_chat_member update (status "member")."""
        self._kicked.discard(chat_id)
        return await self._my_chat_member(chat_id, by, "left", "member")

    async def _my_chat_member(
        self, chat_id: int, by: FakeUser | None, old: str, new: str
    ) -> dict:
        chat = self._chat(chat_id)
        actor = (by or FakeUser(1, "Admin")).to_dict()
        bot = {k: v for k, v in self.bot_user.items() if k in ("id", "is_bot", "first_name",
                                                               "username")}
        member = {"user": bot, "status": new}
        if new == "kicked":
            member["until_date"] = 0
        update = await self.inject_update({
            "my_chat_member": {
                "chat": chat,
                "from": actor,
                "date": int(time.time()),
                "old_chat_member": {"user": bot, "status": old},
                "new_chat_member": member,
            }
        })
        return update

    def hold(self, method: str, chat_id: int | None = None) -> None:
        """Calls of ``method`` (to ``chat_id`` only, if given) hang until ``release``."""
        self._holds.append(_Hold(method.lower(), chat_id, asyncio.Event()))

    def release(self, method: str | None = None, *, fail: bool = False) -> None:
        """End holds (of ``method``, or all): held calls go on, or with ``fail`` get 502 as if
        the connection had been lost (nothing is recorded as sent)."""
        for held in [h for h in self._holds if method is None or h.method == method.lower()]:
            held.fail = fail
            held.released.set()
            self._holds.remove(held)

    async def _wait_if_held(self, method: str, params: dict) -> None:
        for held in self._holds:
            if held.method == method.lower() and held.chat_id in (None, params.get("chat_id")):
                await held.released.wait()
                if held.fail:
                    raise ApiError(502, "Bad Gateway")
                return

    def stop_failing(self) -> None:
        """Cancel ``fail_randomly``, ``fail_chat``, ``go_down`` and remaining ``fail_next``
        / ``time_out_next`` faults."""
        self._random_rate = 0.0
        self._random_methods = set()
        self._faults.clear()
        self._failing_chats.clear()
        self._down = False

    def _injected_fault(self, method: str, params: dict) -> _Fault | None:
        queue = self._faults.get(method.lower(), [])
        for index, fault in enumerate(queue):
            if fault.chat_id is None or fault.chat_id == params.get("chat_id"):
                return queue.pop(index)
        if method.lower() in self._random_methods and self._random.random() < self._random_rate:
            kind = self._random_kinds[self._random_count % len(self._random_kinds)]
            self._random_count += 1
            return {
                "500": _Fault(500, "Internal Server Error"),
                "502": _Fault(502, "Bad Gateway"),
                "429": _Fault(429, "Too Many Requests: retry after 1", 1),
                "timeout_done": _Fault(504, "Gateway Timeout", delay=self._random_delay,
                                       carried_out=True),
                "timeout_lost": _Fault(504, "Gateway Timeout", delay=self._random_delay),
            }[kind]
        return None

    def _chat_fault(self, chat_id: Any) -> ApiError | None:
        """Faults that belong to the chat a call is about."""
        if not isinstance(chat_id, int):
            return None
        if chat_id in self._failing_chats:
            status = self._failing_chats[chat_id]
            return ApiError(status, HTTPStatus(status).phrase)
        if chat_id in self._migrated:
            return ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._kicked:
            kind = self._chats.get(chat_id, {}).get("type", "group")
            where = "supergroup chat" if kind == "supergroup" else "group chat"
            return ApiError(403, f"Forbidden: bot was kicked from the {where}")
        if chat_id in self._gone:
            return ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            return ApiError(403, "Forbidden: bot was blocked by the user")
        return None

    # ------------------------------------------------------------------ HTTP plumbing

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    @staticmethod
    def _error_response(error: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.status,
            "description": error.description,
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.status)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        file_match = _FILE_PATH.fullmatch(request.path)
        if file_match:
            return self._serve_file(*file_match.groups())
        match = _API_PATH.fullmatch(request.path)
        if not match:
            return self._error_response(ApiError(404, "Not Found"))
        token, raw_method = match.groups()
        if token != self.token:
            return self._error_response(ApiError(401, "Unauthorized"))
        params, files = await self._read_params(request)
        name, handler = self._handlers.get(raw_method.lower(), (raw_method, None))
        self.calls.append((name, params))
        self._notify()
        try:
            if self._down:
                raise ApiError(502, "Bad Gateway")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            await self._wait_if_held(name, params)
            fault = self._injected_fault(name, params)
            if fault is not None and fault.delay:
                return await self._time_out(name, params, files, handler, fault)
            if fault is not None:
                extra = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.status, fault.description, extra)
            chat_fault = self._chat_fault(params.get("chat_id"))
            if chat_fault is not None:
                raise chat_fault
            result = await handler(params, files)
        except ApiError as error:
            self.errors.append((name, params, error.status))
            self._notify()
            return self._error_response(error)
        return web.json_response({"ok": True, "result": result})

    async def _time_out(
        self, name: str, params: dict, files: dict, handler: Handler, fault: _Fault
    ) -> web.StreamResponse:
        """Answer too late for the client; done first when ``fault.carried_out``."""
        self.timeouts.append((name, params, fault.carried_out))
        result: Any = None
        if fault.carried_out:
            try:
                result = await handler(params, files)
            except ApiError as error:
                self.errors.append((name, params, error.status))
                self._notify()
                await asyncio.sleep(fault.delay)
                return self._error_response(error)
        await asyncio.sleep(fault.delay)
        if not fault.carried_out:
            self.errors.append((name, params, fault.status))
            self._notify()
            return self._error_response(ApiError(fault.status, fault.description))
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict, dict[str, tuple[str, bytes]]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            body = await request.json()
            return {**raw, **body}, files
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    raw[key] = value if isinstance(value, str) else value.decode()
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in JSON_FIELDS:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value  # e.g. chat_id="@channel"
            else:
                params[key] = value
        return params, files

    def _serve_file(self, token: str, path: str) -> web.Response:
        if token != self.token:
            return self._error_response(ApiError(401, "Unauthorized"))
        for _name, content, file_path in self._files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return self._error_response(ApiError(404, "Not Found"))

    # ------------------------------------------------------------------ helpers

    def _store_file(self, filename: str, content: bytes, folder: str) -> tuple[str, str]:
        number = self._next_file_id
        self._next_file_id += 1
        file_id, unique = f"FILE{number:04d}", f"UNIQ{number:04d}"
        suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        self._files[file_id] = (filename, content, f"{folder}/file_{number}.{suffix}")
        return file_id, unique

    def _new_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    async def _user_message(self, user: FakeUser, chat: FakeChat | None, extra: dict) -> dict:
        if chat is None:
            chat = self.private_chat(user)
        elif chat.id not in self._chats or chat.type != "private":
            self.add_chat(chat, user if chat.type == "private" else None)
        message = {
            "message_id": self._new_message_id(),
            "from": user.to_dict(),
            "chat": self._chats[chat.id],
            "date": int(time.time()),
            **extra,
        }
        self._messages[(chat.id, message["message_id"])] = message
        await self.inject_update({"message": message})
        return message

    def _chat(self, chat_id: Any) -> dict:
        """Chat dict for a chat_id parameter (unknown numeric ids get a placeholder)."""
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
            chat_id = int(chat_id)
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self._chats.values():
                if chat_id.startswith("@") and str(chat.get("username", "")).lower() == name:
                    return chat
            raise _bad_request("chat not found")
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = {
                    "id": chat_id,
                    "type": "private",
                    "first_name": f"User {chat_id}",
                }
            else:
                self._chats[chat_id] = {
                    "id": chat_id,
                    "type": "supergroup",
                    "title": f"Chat {chat_id}",
                }
        return self._chats[chat_id]

    def _check_blocked(self, chat: dict) -> None:
        if chat["id"] in self._blocked and chat["type"] == "private":
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _reply_to(self, params: dict, chat: dict) -> dict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            reply_chat = self._chat(reply["chat_id"]) if "chat_id" in reply else chat
            allow = reply.get("allow_sending_without_reply", False)
        elif params.get("reply_to_message_id") is not None:
            message_id, reply_chat = params["reply_to_message_id"], chat
            allow = params.get("allow_sending_without_reply", False)
        else:
            return None
        original = self._messages.get((reply_chat["id"], message_id))
        if original is None:
            if allow:
                return None
            raise _bad_request("message to be replied not found")
        return {k: v for k, v in original.items() if k != "reply_to_message"}

    def _bot_message(self, chat: dict, params: dict, content: dict) -> dict:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        markup = _inline_markup(params.get("reply_markup"))
        if markup:
            message["reply_markup"] = markup
        reply = self._reply_to(params, chat)
        if reply is not None:
            message["reply_to_message"] = reply
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _record(
        self,
        method: str,
        message: dict,
        params: dict,
        text: str | None,
        document: tuple[str, bytes] | None = None,
    ) -> None:
        self.sent.append(
            Sent(
                method=method,
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                text=text,
                parse_mode=params.get("parse_mode"),
                reply_markup=params.get("reply_markup"),
                params=params,
                document=document,
                message=message,
            )
        )
        self._notify()

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope or scope == {"type": "default"}:
            return "default"
        if set(scope) == {"type"}:
            return scope["type"]
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------ API methods

    async def _true(self, params: dict, files: dict) -> bool:
        return True

    async def _get_me(self, params: dict, files: dict) -> dict:
        return self.bot_user

    async def _delete_webhook(self, params: dict, files: dict) -> bool:
        self.webhook_url, self.webhook_secret = "", None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._notify()
        return True

    async def _set_webhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = params.get("url", "")
        self.webhook_secret = params.get("secret_token") or None
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        self._notify()
        return True

    async def _get_webhook_info(self, params: dict, files: dict) -> dict:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    async def _get_updates(self, params: dict, files: dict) -> list[dict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._confirm(int(params.get("offset") or 0))
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if self._allowed_updates:
            allowed = set(self._allowed_updates)
            self._pending = [u for u in self._pending if allowed & set(u)]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while not self._pending and not self._stopping:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self._wait_change(remaining)
        return self._pending[:limit]

    async def _send_message(self, params: dict, files: dict) -> dict:
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        text = params.get("text") or ""
        plain = _plain_text(text, params.get("parse_mode"))
        if not plain.strip():
            raise _bad_request("message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        _check_reply_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": plain}
        if params.get("entities"):
            content["entities"] = params["entities"]
        message = self._bot_message(chat, params, content)
        self._record("sendMessage", message, params, text)
        return message

    async def _copy_message(self, params: dict, files: dict) -> dict:
        """copyMessage: a copy of a user's (or the bot's) message in another chat."""
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        source = self._messages.get((int(params.get("from_chat_id") or 0),
                                     int(params.get("message_id") or 0)))
        if source is None:
            raise _bad_request("message to copy not found")
        content = {k: v for k, v in source.items()
                   if k in ("text", "caption", "photo", "document", "voice", "audio", "video")}
        message = self._bot_message(chat, params, content)
        self._record("copyMessage", message, params, content.get("text") or content.get("caption"))
        return {"message_id": message["message_id"]}

    async def _send_document(self, params: dict, files: dict) -> dict:
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        if "document" in files:
            filename, content = files["document"]
            filename = filename or "document"
        elif params.get("document") in self._files:
            filename, content, _ = self._files[params["document"]]
        else:
            raise _bad_request("wrong remote file identifier specified")
        caption = params.get("caption")
        plain_caption = _plain_text(caption, params.get("parse_mode")) if caption else None
        if plain_caption and len(plain_caption) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        _check_reply_markup(params.get("reply_markup"))
        file_id, unique = self._store_file(filename, content, "documents")
        document = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": filename,
            "file_size": len(content),
        }
        body: dict[str, Any] = {"document": document}
        if plain_caption:
            body["caption"] = plain_caption
        message = self._bot_message(chat, params, body)
        self._record("sendDocument", message, params, caption, (filename, content))
        return message

    async def _edit_message_text(self, params: dict, files: dict) -> dict | bool:
        return self._edit("editMessageText", params)

    async def _edit_message_reply_markup(self, params: dict, files: dict) -> dict | bool:
        return self._edit("editMessageReplyMarkup", params)

    def _edit(self, method: str, params: dict) -> dict | bool:
        """Shared by editMessageText (text + markup) and editMessageReplyMarkup (markup)."""
        if params.get("inline_message_id"):
            return True  # inline messages are not tracked
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        key = (chat["id"], params.get("message_id"))
        message = self._messages.get(key)
        if message is None:
            raise _bad_request("message to edit not found")
        if message["from"].get("id") != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        updated = dict(message)
        if method == "editMessageText":
            plain = _plain_text(params.get("text") or "", params.get("parse_mode"))
            if not plain.strip():
                raise _bad_request("message text is empty")
            if len(plain) > MAX_TEXT_LENGTH:
                raise _bad_request("message is too long")
            updated["text"] = plain
            updated.pop("entities", None)
            if params.get("entities"):
                updated["entities"] = params["entities"]
        _check_reply_markup(params.get("reply_markup"))
        markup = _inline_markup(params.get("reply_markup"))
        updated.pop("reply_markup", None)
        if markup:
            updated["reply_markup"] = markup
        if updated == message:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        updated["edit_date"] = int(time.time())
        self._messages[key] = updated
        text = params.get("text") if method == "editMessageText" else updated.get("text")
        self._record(method, updated, params, text)
        return updated

    async def _answer_callback_query(self, params: dict, files: dict) -> bool:
        if params.get("callback_query_id") not in self._callback_ids:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.callback_answers.append(params)
        self._notify()
        return True

    async def _set_my_commands(self, params: dict, files: dict) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self.commands[key] = list(params.get("commands") or [])
        return True

    async def _get_my_commands(self, params: dict, files: dict) -> list[dict]:
        return self.get_commands(params.get("scope"), params.get("language_code", ""))

    async def _delete_my_commands(self, params: dict, files: dict) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self.commands.pop(key, None)
        return True

    async def _delete_message(self, params: dict, files: dict) -> bool:
        chat = self._chat(params.get("chat_id"))
        if self._messages.pop((chat["id"], params.get("message_id")), None) is None:
            raise _bad_request("message to delete not found")
        return True

    async def _set_message_reaction(self, params: dict, files: dict) -> bool:
        chat = self._chat(params.get("chat_id"))
        if (chat["id"], params.get("message_id")) not in self._messages:
            raise _bad_request("message to react not found")
        return True

    async def _get_file(self, params: dict, files: dict) -> dict:
        file_id = params.get("file_id")
        if file_id not in self._files:
            raise _bad_request("invalid file_id")
        _name, content, path = self._files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": "UNIQ" + file_id.removeprefix("FILE"),
            "file_size": len(content),
            "file_path": path,
        }

    # ------------------------------------------------------------------ webhook delivery

    async def _webhook_worker(self) -> None:
        """Deliver pending updates, in order, to ``webhook_url`` while one is set."""
        while not self._stopping:
            if not (self.webhook_url and self._pending):
                await self._wait_change(None)
                continue
            update = self._pending[0]
            delivered = await self._deliver(self.webhook_url, update)
            if self._pending and self._pending[0] is update:
                self._pending.pop(0)
            if not delivered:
                self.webhook_failures.append(update)

    async def _deliver(self, url: str, update: dict) -> bool:
        assert self._session is not None
        headers = {}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        for attempt in range(self.webhook_retries):
            if attempt:
                await asyncio.sleep(0.1)
            try:
                async with self._session.post(
                    url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=5)
                ) as response:
                    if 200 <= response.status < 300:
                        return True
            except (aiohttp.ClientError, TimeoutError):
                pass
        return False
