"""The Telegram sender of the outbox: renders each kind of delivery and maps every error the
Bot API can answer with to an Outcome (the outbox decides what to do with it)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from html import escape, unescape
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import texts
from bot.conversation.choices import ChoiceKind, encode
from bot.conversation.service import answer_message
from bot.knowledge import KnowledgeBase
from bot.outbox import Delivery, Outcome
from bot.textsplit import split_words, utf16_len
from bot.tg.learning import learn_keyboard
from bot.tg.ratelimit import OUTBOX_CALL
from bot.tg.render import WEB, WEB_CHANNEL_NAME, keyboard, who
from bot.tickets import Ticket, TicketDesk

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
MAX_TICKET_MESSAGES = 3  # longer questions: the first part plus the whole text as a file
STATUS_ROOM = 80         # kept free in a ticket's first message for "✅ odpowiedziano …"
LOCAL_TIME = ZoneInfo("Europe/Warsaw")
# The header every ticket message starts with; a reply to any message starting so routes.
TICKET_HEADER = re.compile(r"^\s*Zgłoszenie\s+(?:#|nr\.?\s*)(\d+)")


def ticket_number(text: str | None) -> int | None:
    """The ticket number a bot message in the coordinator chat stands for, from its text."""
    match = TICKET_HEADER.match(text or "")
    return int(match.group(1)) if match else None


# ------------------------------------------------------------------------------ rendering


@dataclass(frozen=True)
class TicketPost:
    messages: list[str]           # HTML
    document: bytes | None = None  # the whole question as a .txt, when it is too long


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def ticket_post(ticket: Ticket, question: str, knowledge: KnowledgeBase, *, followup: bool,
                limit: int = MESSAGE_LIMIT) -> TicketPost:
    """A ticket (or a follow-up) as messages: the question cut only between words, each part
    escaped on its own; over three messages it becomes the first part plus a .txt file."""
    # A web session id is the key to that conversation: never shown, only the channel.
    sender = (f"Kanał: {WEB_CHANNEL_NAME}" if ticket.channel == WEB
              else f"Od: {who(ticket)}, ID {ticket.user_id}")
    if followup:
        head = (f"<b>Zgłoszenie #{ticket.id}, ciąg dalszy</b>\n"
                + (sender if ticket.channel == WEB else f"Od: {who(ticket)}"))
        tail = ""
    else:
        head = f"<b>Zgłoszenie #{ticket.id}</b>\n{sender}"
        suggested = [e.question for i in ticket.suggestions if (e := knowledge.entry(i))]
        lines = []
        if suggested:
            lines += ["Bot proponował:", *(f"• {escape(q)}" for q in suggested), ""]
        lines.append(f"Odpowiedz na tę wiadomość albo: /odpowiedz {ticket.id} treść · "
                     f"/zamknij {ticket.id}")
        tail = "\n".join(lines)
    more = f"<b>Zgłoszenie #{ticket.id}, dalsza część</b>"
    first_room = limit - utf16_len(_plain(head)) - utf16_len(_plain(tail)) - 4 - STATUS_ROOM
    parts = split_words(question, limit - utf16_len(_plain(more)) - 2,
                        first_limit=max(first_room, 200)) or [""]
    document = None
    if len(parts) > MAX_TICKET_MESSAGES:
        note = "(Pytanie jest bardzo długie: całą treść wysyłam w pliku poniżej.)"
        tail = f"{note}\n\n{tail}"
        first_room -= utf16_len(note) + 2
        parts = split_words(question, limit, first_limit=max(first_room, 200))[:1]
        document = question.encode("utf-8")
    first = "\n\n".join(p for p in (head, escape(parts[0]), tail) if p)
    return TicketPost([first, *(f"{more}\n\n{escape(p)}" for p in parts[1:])], document)


def answered_status(ticket: Ticket) -> str:
    moment = (ticket.answered_at or dt.datetime.now(dt.UTC)).astimezone(LOCAL_TIME)
    by = f" ({escape(ticket.answered_by)})" if ticket.answered_by else ""
    return f"✅ Odpowiedziano {moment:%d.%m, %H:%M}{by}; odpowiedź dostarczona."


def ticket_status(ticket: Ticket) -> str:
    """The state line under a ticket post: answered, closed, taken; "" for a new one."""
    if ticket.status == "answered":
        return answered_status(ticket)
    if ticket.status == "closed":
        return "🔒 Zamknięte bez odpowiedzi."
    if ticket.claimed_by:
        return f"👤 Biorę: {escape(ticket.claimed_by)}"
    return ""


def desk_keyboard(ticket: Ticket) -> InlineKeyboardMarkup | None:
    """The ticket post's buttons for coordinators: take or close an open ticket; once
    answered, add the answer to the knowledge."""
    if ticket.status == "answered":
        return learn_keyboard(ticket.id)
    if ticket.status == "closed":
        return None
    row = [] if ticket.claimed_by else [(texts.TICKET_TAKE,
                                         encode(ChoiceKind.TICKET_TAKE, ticket.id))]
    row.append((texts.TICKET_CLOSE, encode(ChoiceKind.TICKET_CLOSE, ticket.id)))
    return keyboard([row])


def confirmations_text(numbers: list[int]) -> str:
    listed = ", ".join(f"#{n}" for n in numbers)
    return (f"✅ Dostarczyłem odpowiedzi na zgłoszenia: {listed}.\n"
            "Każde zgłoszenie dostanie też znaczek ✅ i przycisk „Dodaj do bazy wiedzy”.")


# ------------------------------------------------------------------------------ errors


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def outcome_of(error: Exception, chat_id: int, sent: list[int]) -> Outcome:
    """Every kind of failure of a Bot API call, as what the outbox should do about it."""
    text = getattr(error, "message", str(error)).lower()
    private = chat_id > 0
    if isinstance(error, ChatMigrated):
        return Outcome.migrated(error.new_chat_id)
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB warns about the type of retry_after
            warnings.simplefilter("ignore")
            return Outcome.retry(_seconds(error.retry_after), "429", sent)
    if isinstance(error, Forbidden):
        if "blocked by the user" in text:
            return Outcome.destination_gone("blocked")
        if "deactivated" in text and private:
            return Outcome.destination_gone("deactivated")
        if "initiate conversation" in text or "bots can't send messages to bots" in text:
            return Outcome.destination_gone("not_started")
        if "kicked" in text:
            return Outcome.destination_unreachable("kicked", sent)
        if "not a member" in text:
            return Outcome.destination_unreachable("not_member", sent)
        if "rights" in text:
            return Outcome.destination_unreachable("no_rights", sent)
        return (Outcome.destination_gone("blocked") if private
                else Outcome.destination_unreachable("forbidden", sent))
    if isinstance(error, BadRequest):
        if "chat not found" in text or "peer_id_invalid" in text:
            return (Outcome.destination_gone("deleted") if private
                    else Outcome.destination_unreachable("not_found", sent))
        if "deactivated" in text:
            return (Outcome.destination_gone("deactivated") if private
                    else Outcome.destination_unreachable("not_found", sent))
        if "rights" in text or "not enough" in text:
            return Outcome.destination_unreachable("no_rights", sent)
        return Outcome.rejected(error.message)
    if isinstance(error, TimedOut):  # Telegram may or may not have carried it out
        return Outcome.retry(None, "timeout", sent)
    if isinstance(error, NetworkError):  # 5xx, 502, connection refused
        return Outcome.retry(None, f"network: {error.message}"[:120], sent)
    if isinstance(error, InvalidToken):
        return Outcome.retry(60.0, "invalid token", sent)
    if isinstance(error, TelegramError):
        return Outcome.retry(None, error.message[:120], sent)
    return Outcome.retry(None, type(error).__name__, sent)


# ------------------------------------------------------------------------------ the sender


class TelegramSender:
    """Implements bot.outbox.Sender for Telegram."""

    def __init__(self, bot: Bot, desk: TicketDesk, knowledge: Callable[[], KnowledgeBase],
                 ticket_post_of: Callable[[int], tuple[int, int] | None], *,
                 timeout: float | None = None) -> None:
        self._bot = bot
        self._desk = desk
        self._knowledge = knowledge
        self._ticket_post_of = ticket_post_of
        # Per call, so a stuck request gives way to the next try instead of holding a worker.
        self._options: dict = {} if timeout is None else {
            "read_timeout": timeout, "write_timeout": timeout, "connect_timeout": timeout}
        if getattr(bot, "rate_limiter", None) is not None:
            self._options["rate_limit_args"] = OUTBOX_CALL  # a 429 comes back to the outbox

    async def send(self, delivery: Delivery) -> Outcome:
        sent: list[int] = []
        try:
            return await self._send(delivery, sent)
        except Exception as error:
            return outcome_of(error, delivery.chat_id, sent)

    async def _send(self, delivery: Delivery, sent: list[int]) -> Outcome:
        kind = delivery.kind
        if kind in ("ticket", "followup"):
            return await self._ticket(delivery, sent)
        if kind == "confirmation":
            return await self._confirmation(delivery)
        if kind == "confirmations":
            message = await self._message(delivery.chat_id,
                                          confirmations_text(delivery.payload["tickets"]))
            return Outcome.sent([message.message_id])
        if kind == "copy":  # a resident's photo or file, next to their ticket
            source = json.loads(delivery.text)
            copied = await self._bot.copy_message(delivery.chat_id, source["from_chat_id"],
                                                  source["message_id"], **self._options)
            return Outcome.sent([copied.message_id])
        if kind == "edit":  # a ticket post rewritten: the person deleted their data
            return await self._redact(delivery)
        if kind == "status":  # the ticket post shows the ticket's state: taken, closed
            return await self._status(delivery)
        if kind == "answer":
            assert delivery.ticket_id is not None
            ticket = self._desk.ticket(delivery.ticket_id)
            if ticket is None:
                text = texts.COORDINATOR_ANSWER.format(number=delivery.ticket_id,
                                                       text=delivery.text)
                return await self._parts(delivery, split_words(text, MESSAGE_LIMIT), sent)
            reply = answer_message(ticket, delivery.text)
            options = [(c.label, c.id) for c in reply.choices]
            return await self._parts(delivery, split_words(reply.text, MESSAGE_LIMIT), sent,
                                     markup=keyboard([options[:2], options[2:]]))
        markup = None
        if kind == "reminder" and delivery.payload.get("meeting_id"):
            markup = keyboard([[(texts.ADD_TO_CALENDAR, f"ics:{delivery.payload['meeting_id']}")]])
        # notice, announcement, reminder: plain text, the keyboard under the last part
        return await self._parts(delivery, split_words(delivery.text, MESSAGE_LIMIT), sent,
                                 markup=markup)

    async def _parts(self, delivery: Delivery, parts: list[str], sent: list[int], *,
                     parse_mode: str | None = None,
                     markup: InlineKeyboardMarkup | None = None,
                     first_markup: InlineKeyboardMarkup | None = None) -> Outcome:
        """Send the parts not sent by an earlier, interrupted attempt."""
        if not parts:
            return Outcome.rejected("empty text")
        for index, part in enumerate(parts):
            if index < len(delivery.sent_ids):
                continue
            last = index == len(parts) - 1
            buttons = first_markup if index == 0 and first_markup is not None else (
                markup if last else None)
            message = await self._message(delivery.chat_id, part, parse_mode=parse_mode,
                                          markup=buttons)
            sent.append(message.message_id)
        return Outcome.sent(sent)

    async def _ticket(self, delivery: Delivery, sent: list[int]) -> Outcome:
        assert delivery.ticket_id is not None
        ticket = self._desk.ticket(delivery.ticket_id)
        if ticket is None:
            return Outcome.rejected("no such ticket")
        post = ticket_post(ticket, delivery.text, self._knowledge(),
                           followup=delivery.kind == "followup")
        # Taken or closed before it was posted: shown at once (an answer shows once delivered).
        status = ("" if delivery.kind == "followup" or ticket.status == "answered"
                  else ticket_status(ticket))
        if status and not delivery.sent_ids:
            post.messages[0] = f"{post.messages[0]}\n\n{status}"
        outcome = await self._parts(
            delivery, post.messages, sent, parse_mode=ParseMode.HTML, first_markup=(
                None if delivery.kind == "followup" else desk_keyboard(ticket)))
        if post.document is None or len(delivery.sent_ids) > len(post.messages):
            return outcome
        document = InputFile(post.document, filename=f"zgloszenie-{ticket.id}.txt")
        options = dict(self._options)
        if "write_timeout" in options:  # an upload of megabytes needs longer than a message
            options["write_timeout"] = max(options["write_timeout"] * 3, 30.0)
        message = await self._bot.send_document(
            delivery.chat_id, document, parse_mode=ParseMode.HTML,
            caption=f"<b>Zgłoszenie #{ticket.id}</b> – pełna treść pytania", **options)
        sent.append(message.message_id)
        return Outcome.sent(sent)

    async def _redact(self, delivery: Delivery) -> Outcome:
        edit = json.loads(delivery.text)
        try:
            await self._bot.edit_message_text(edit["text"], chat_id=delivery.chat_id,
                                              message_id=edit["message_id"], **self._options)
        except BadRequest as error:
            gone = ("not modified", "not found", "can't be edited")
            if not any(reason in error.message.lower() for reason in gone):
                raise
        return Outcome.sent([edit["message_id"]])

    async def _status(self, delivery: Delivery) -> Outcome:
        assert delivery.ticket_id is not None
        ticket = self._desk.ticket(delivery.ticket_id)
        post = self._ticket_post_of(delivery.ticket_id)
        if ticket is None or post is None or post[0] != delivery.chat_id:
            return Outcome.sent()  # nothing to edit (the post went to an earlier chat)
        first = ticket_post(ticket, ticket.question, self._knowledge(),
                            followup=False).messages[0]
        status = ticket_status(ticket)
        try:
            await self._bot.edit_message_text(
                f"{first}\n\n{status}" if status else first, chat_id=post[0],
                message_id=post[1], parse_mode=ParseMode.HTML,
                reply_markup=desk_keyboard(ticket), **self._options)
        except BadRequest as error:
            gone = ("not modified", "not found", "can't be edited")
            if not any(reason in error.message.lower() for reason in gone):
                raise
        return Outcome.sent([post[1]])

    async def _confirmation(self, delivery: Delivery) -> Outcome:
        """The ticket message shows the answer went out (an edit: it costs no new post)."""
        assert delivery.ticket_id is not None
        ticket = self._desk.ticket(delivery.ticket_id)
        reported = bool(delivery.payload.get("reported"))
        post = self._ticket_post_of(delivery.ticket_id)
        if ticket is not None and post is not None and post[0] == delivery.chat_id:
            first = ticket_post(ticket, ticket.question, self._knowledge(),
                                followup=False).messages[0]
            try:
                await self._bot.edit_message_text(
                    f"{first}\n\n{answered_status(ticket)}", chat_id=post[0],
                    message_id=post[1], parse_mode=ParseMode.HTML,
                    reply_markup=learn_keyboard(ticket.id), **self._options)
                return Outcome.sent([post[1]])
            except BadRequest as error:
                if "not modified" in error.message.lower():
                    return Outcome.sent([post[1]])
                if reported:  # named in a batch already; the edit was only a courtesy
                    return Outcome.rejected(error.message)
                log.info("ticket #%s message not editable (%s); confirming anew",
                         delivery.ticket_id, error.message)
        elif reported:
            return Outcome.sent()
        message = await self._message(
            delivery.chat_id, f"✅ Odpowiedź na zgłoszenie #{delivery.ticket_id} dostarczona.",
            markup=learn_keyboard(delivery.ticket_id))
        return Outcome.sent([message.message_id])

    async def _message(self, chat_id: int, text: str, *, parse_mode: str | None = None,
                       markup: InlineKeyboardMarkup | None = None) -> Message:
        return await self._bot.send_message(chat_id, text, parse_mode=parse_mode,
                                            reply_markup=markup, **self._options)
