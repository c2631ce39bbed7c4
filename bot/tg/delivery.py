"""Sends what the ticket desk owes: tickets to the coordinator chat, answers to residents."""

from __future__ import annotations

import json
import logging
from html import escape

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import texts
from bot.tg.learning import learn_keyboard
from bot.tg.render import split_message, ticket_html
from bot.tg.services import Services
from bot.tickets import TELEGRAM, Delivery

log = logging.getLogger(__name__)


async def flush_deliveries(bot: Bot, svc: Services) -> None:
    """Try every pending delivery once, oldest first; a transient failure waits for next time."""
    async with svc.delivery_lock:
        for delivery in svc.desk.pending_deliveries():
            if delivery.channel != TELEGRAM:  # the web chat's (bot.web.delivery) and e-mail
                continue
            try:
                message_ids = await _send(bot, svc, delivery)
            except Forbidden:
                await _undeliverable(bot, svc, delivery, "blocked")
            except BadRequest as exc:
                log.warning("delivery %s refused: %s", delivery.id, exc.message)
                await _undeliverable(bot, svc, delivery, exc.message)
            except (RetryAfter, NetworkError) as exc:
                log.warning("delivery %s postponed: %s", delivery.id, exc)
                svc.desk.mark_attempt(delivery)
                return
            else:
                svc.desk.mark_sent(delivery, message_ids)
                if delivery.kind == "answer":
                    await _tell_coordinator(
                        bot, svc, f"Odpowiedź na zgłoszenie #{delivery.ticket_id} dostarczona.",
                        learn_keyboard(delivery.ticket_id))


async def _send(bot: Bot, svc: Services, delivery: Delivery) -> list[int]:
    """Send one delivery, in as many messages as its length needs; their ids."""
    ticket = svc.desk.ticket(delivery.ticket_id)
    assert ticket is not None
    if delivery.kind == "copy":  # a resident's photo or file, next to their ticket
        source = json.loads(delivery.text)
        copied = await bot.copy_message(delivery.chat_id, source["from_chat_id"],
                                        source["message_id"])
        return [copied.message_id]
    if delivery.kind == "edit":  # a ticket post rewritten (the person deleted their data)
        edit = json.loads(delivery.text)
        await bot.edit_message_text(edit["text"], chat_id=delivery.chat_id,
                                    message_id=edit["message_id"])
        return [edit["message_id"]]
    if delivery.kind == "notice":
        message = await bot.send_message(delivery.chat_id, delivery.text)
        return [message.message_id]
    if delivery.kind == "answer":
        text = texts.COORDINATOR_ANSWER.format(number=ticket.id, text=delivery.text)
        parse_mode = None
    else:  # the whole question, however long: it was cut only for matching
        text = ticket_html(ticket, delivery.text, svc.matcher.knowledge,
                           followup=delivery.kind == "followup")
        parse_mode = ParseMode.HTML
    ids = []
    for part in split_message(text):
        message = await bot.send_message(delivery.chat_id, part, parse_mode=parse_mode)
        ids.append(message.message_id)
    return ids


async def _undeliverable(bot: Bot, svc: Services, delivery: Delivery, reason: str) -> None:
    svc.desk.mark_undeliverable(delivery, reason)
    if delivery.kind != "answer":
        log.error("ticket #%s cannot reach the coordinator chat: %s", delivery.ticket_id, reason)
        return
    ticket = svc.desk.ticket(delivery.ticket_id)
    if reason == "blocked" and ticket is not None:
        svc.desk.record_blocked(ticket.user_id)
        await _tell_coordinator(bot, svc, f"Nie dostarczono odpowiedzi na zgłoszenie "
                                          f"#{delivery.ticket_id}: mieszkaniec zablokował bota.")
    else:
        await _tell_coordinator(bot, svc, f"Nie dostarczono odpowiedzi na zgłoszenie "
                                          f"#{delivery.ticket_id}: {escape(reason)}")


async def _tell_coordinator(bot: Bot, svc: Services, text: str,
                            markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await bot.send_message(svc.settings.coordinator.chat_id, text, parse_mode=ParseMode.HTML,
                               reply_markup=markup)
    except TelegramError as exc:  # a confirmation is a courtesy; the delivery itself is recorded
        log.warning("could not confirm to the coordinator chat: %s", exc)
