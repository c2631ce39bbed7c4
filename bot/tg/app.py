"""Builds the Telegram application: one factory, every handler registered in one place."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import storage, texts
from bot.config import Settings
from bot.matcher import matcher_for
from bot.outbox import Outbox
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tg import (
    coordinator,
    desk,
    guard,
    insight,
    learning,
    meetings,
    meetings_desk,
    panel,
    privacy,
    reload,
    resident,
)
from bot.tg.delivery import TelegramSender
from bot.tg.inbox import INBOX_KEY, Inbox, handle_again
from bot.tg.membership import my_membership
from bot.tg.ratelimit import OutboxRateLimiter
from bot.tg.services import SERVICES_KEY, Services, services
from bot.tickets import Clock, TicketDesk, utc_now

log = logging.getLogger(__name__)

DELIVERY_RETRY_SECONDS = 15.0
OUTBOX_RETRY_CAP_SECONDS = 60.0        # the longest a failing chat waits between tries
OUTBOX_UNREACHABLE_CAP_SECONDS = 300.0  # ... and the coordinator chat when the bot is out
OUTBOX_SEND_TIMEOUT_SECONDS = 10.0
REMINDER_CHECK_SECONDS = 30.0
KNOWLEDGE_WATCH_SECONDS = 5.0
RUN_AT_START = ("deliveries", "reminders", "retention")  # in the background, after the start
OFFER_LIFETIME_DAYS = 7
HTTP_CONNECTIONS = 8
HTTP_POOL_WAIT = 30.0

# What the menu shows; English duplicates (/help, /meetings, ...) and /id keep working when
# typed, but a resident's menu lists only what a resident needs, in Polish.
RESIDENT_COMMANDS = [
    BotCommand("start", "Menu i powitanie"),
    BotCommand("kontakt", "Dane kontaktowe"),
    BotCommand("spotkania", "Najbliższe spotkania"),
    BotCommand("przypomnienia", "Przypomnienia o spotkaniach"),
    BotCommand("moje_zgloszenia", "Moje pytania do koordynatora"),
    BotCommand("moje_dane", "Co o mnie zapisałeś"),
    BotCommand("usun_dane", "Usuń moje dane"),
]
COORDINATOR_COMMANDS = [
    *RESIDENT_COMMANDS,
    BotCommand("zgloszenia", "Otwarte zgłoszenia"),
    BotCommand("zgloszenie", "Historia zgłoszenia: /zgloszenie NUMER"),
    BotCommand("odpowiedz", "Odpowiedz: /odpowiedz NUMER treść"),
    BotCommand("zamknij", "Zamknij bez odpowiedzi: /zamknij NUMER powód"),
    BotCommand("dodaj_spotkanie", "Dodaj spotkanie"),
    BotCommand("nauczone", "Wpisy dodane z czatu"),
    BotCommand("ogloszenie", "Ogłoszenie do subskrybentów: /ogloszenie treść"),
    BotCommand("przeladuj", "Wczytaj ponownie bazę wiedzy"),
    BotCommand("panel", "Biurko w przeglądarce: link do logowania"),
    BotCommand("statystyki", "Statystyki: /statystyki [dni]"),
    BotCommand("blokuj", "Zablokuj użytkownika: /blokuj ID"),
    BotCommand("odblokuj", "Odblokuj użytkownika: /odblokuj ID"),
    BotCommand("id", "Identyfikatory czatu i użytkownika"),
]


class _AddressedToBot(filters.MessageFilter):
    """Private chats always; in groups only mentions of the bot and replies to it."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == "private":
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".casefold()
        return mention in (message.text or message.caption or "").casefold()


ATTACHMENTS = (filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO
               | filters.VIDEO_NOTE | filters.Document.ALL)
NOT_TEXT = (filters.Sticker.ALL | filters.LOCATION | filters.ANIMATION | filters.POLL
            | filters.VENUE | filters.Dice.ALL | filters.CONTACT)
NEW_MESSAGE = filters.UpdateType.MESSAGE  # edited messages have their own handler


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    delivery_interval: float = DELIVERY_RETRY_SECONDS,
    reminder_interval: float = REMINDER_CHECK_SECONDS,
    watch_interval: float = KNOWLEDGE_WATCH_SECONDS,
    rate_limiter: BaseRateLimiter | None = None,
    retry_cap: float = OUTBOX_RETRY_CAP_SECONDS,
    send_timeout: float | None = OUTBOX_SEND_TIMEOUT_SECONDS,
    rate_limit: bool = True,
) -> Application:
    """The bot, ready for bot.tg.runner. It has no PTB updater: updates come through the
    durable inbox (bot.tg.polling or bot.tg.webhook). `rate_limit=False` only for benchmarks."""
    quiet_chatty_loggers()
    keeper = reload.start_keeper(settings, clock())  # the files, or the last good snapshot
    connection = storage.connect(settings.storage.path)
    desk = TicketDesk(connection, clock)
    builder = (
        ApplicationBuilder()
        .updater(None)
        .token(settings.telegram.token)
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        # Few connections, long waits for one: every request scans the whole pool (a socket
        # poll each), which cost a quarter of the CPU with 32 chats at once on 32 connections.
        .connection_pool_size(HTTP_CONNECTIONS)
        .pool_timeout(HTTP_POOL_WAIT)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        builder = builder.rate_limiter(rate_limiter or OutboxRateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data[INBOX_KEY] = Inbox(connection, clock)
    # Tests shrink the caps; the coordinator chat's cap keeps its ratio to the others'.
    outbox = Outbox(connection, clock=clock, coordinator_chat=settings.coordinator.chat_id,
                    coordinators=settings.coordinator.user_ids,
                    retry_base=min(1.0, retry_cap), retry_cap=retry_cap,
                    unreachable_cap=retry_cap * OUTBOX_UNREACHABLE_CAP_SECONDS
                    / OUTBOX_RETRY_CAP_SECONDS,
                    idle_check=delivery_interval)
    svc = Services(
        settings, matcher_for(keeper.knowledge, settings.matcher.thresholds()), desk,
        SubscriptionBook(connection, clock),
        QuestionLog(connection, keep_text=settings.privacy.keep_question_text, clock=clock),
        keeper, clock, outbox=outbox)
    outbox.on_gone(lambda delivery, reason: _person_gone(svc, delivery.kind, delivery.chat_id,
                                                         reason))
    outbox.add_sender("telegram", TelegramSender(
        application.bot, desk, lambda: svc.matcher.knowledge, outbox.store.ticket_post,
        timeout=send_timeout))
    application.bot_data[SERVICES_KEY] = svc
    register_handlers(application, svc.coordinator_filter)
    schedule_jobs(application, delivery_interval, reminder_interval, watch_interval)
    return application


def schedule_jobs(application: Application, delivery_interval: float,
                  reminder_interval: float, watch_interval: float) -> None:
    queue = application.job_queue
    assert queue is not None, "install python-telegram-bot[job-queue]"
    queue.run_repeating(deliveries_job, interval=delivery_interval, name="deliveries")
    queue.run_repeating(meetings.reminders_job, interval=reminder_interval, name="reminders")
    queue.run_repeating(coordinator.overdue_job, interval=reminder_interval,
                        name="ticket-reminders")
    queue.run_repeating(privacy.retention_job, interval=24 * 3600, name="retention")
    queue.run_repeating(reload.knowledge_watch_job, interval=watch_interval,
                        name="knowledge-watch")
    queue.run_repeating(housekeeping_job, interval=24 * 3600, first=60, name="housekeeping")


def quiet_chatty_loggers() -> None:
    """httpx logs every request URL at INFO, and the URL holds the bot token; APScheduler
    logs every run of every job."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # PTB handles errors of jobs itself; this one only reports jobs cancelled at a stop.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.CRITICAL)


def register_handlers(application: Application, in_coordinator_chat: filters.Chat) -> None:
    addressed = _AddressedToBot()
    application.add_handler(TypeHandler(Update, guard.guard), group=-1)
    application.add_handlers([
        # A coordinator's answer to the bot's own question ("Napisz nową odpowiedź…") first.
        MessageHandler(desk.AwaitingInput(application) & NEW_MESSAGE & filters.TEXT,
                       desk.desk_input),
        CommandHandler(["start", "pomoc", "help"], resident.start),
        CommandHandler(["kontakt", "contact"], resident.contact),
        CommandHandler("id", resident.ids),
        CommandHandler(["spotkania", "meetings"], resident.upcoming_meetings),
        CommandHandler(["przypomnienia", "reminders"], meetings.reminders_command),
        CommandHandler(["ogloszenie", "announce"], meetings.announce),
        CommandHandler(["przeladuj", "reload"], reload.reload_command),
        CommandHandler(["statystyki", "stats"], insight.stats_command),
        CommandHandler(["moje_dane", "my_data"], resident.my_data),
        CommandHandler(["moje_zgloszenia", "my_tickets"], resident.my_tickets),
        CommandHandler(["usun_dane", "forget_me"], resident.forget_me),
        CommandHandler("dodaj_spotkanie", meetings_desk.add_meeting_command),
        CommandHandler("nauczone", learning.learned_command),
        CommandHandler("anuluj", desk.cancel_command),
        CommandHandler(["panel", "desk"], panel.panel_command),
        CommandHandler(["blokuj", "ban"], privacy.ban),
        CommandHandler(["odblokuj", "unban"], privacy.unban),
        CommandHandler(["odpowiedz", "reply"], coordinator.reply_command),
        CommandHandler(["zgloszenia", "tickets"], coordinator.list_tickets),
        CommandHandler(["zgloszenie", "ticket"], coordinator.show_ticket),
        CommandHandler(["zamknij", "close"], coordinator.close_ticket),
        MessageHandler(in_coordinator_chat & NEW_MESSAGE & filters.REPLY & ~filters.COMMAND,
                       coordinator.reply_to_ticket),
        MessageHandler(~in_coordinator_chat & filters.UpdateType.EDITED_MESSAGE & addressed,
                       resident.edited),
        MessageHandler(~in_coordinator_chat & NEW_MESSAGE & addressed & filters.TEXT
                       & ~filters.COMMAND, resident.question),
        MessageHandler(~in_coordinator_chat & NEW_MESSAGE & addressed & ATTACHMENTS,
                       resident.attachment),
        MessageHandler(filters.ChatType.PRIVATE & NEW_MESSAGE & filters.CONTACT,
                       resident.shared_contact),
        MessageHandler(~in_coordinator_chat & NEW_MESSAGE & addressed & NOT_TEXT,
                       resident.not_text),
        MessageHandler(filters.ChatType.PRIVATE & NEW_MESSAGE & filters.COMMAND,
                       resident.unknown_command),
        CallbackQueryHandler(resident.button),
        ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ])
    application.add_error_handler(error_handler)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback; a person hit by a bug gets a short apology and the bot goes on.

    A failure of the network is no reason to apologise: the update is handled again
    (bot.tg.inbox). Any other failed send is no bug either: whatever was asked is stored, so
    no apology (it would invite the same question again); the coordinator chat never gets one.
    """
    user = update.effective_user if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # In a private chat the person blocked me; in a group I was removed, which says
        # nothing about the person who wrote there.
        if user is not None and chat is not None and chat.type == chat.PRIVATE:
            services(context).desk.record_blocked(user.id)
            log.info("a user blocked the bot")
        else:
            log.warning("I may not write in a chat any more: %s", context.error)
        return
    transient = (isinstance(context.error, NetworkError | RetryAfter)
                 and not isinstance(context.error, BadRequest))  # BadRequest is a NetworkError
    if transient and isinstance(update, Update):
        log.warning("the Bot API failed while handling an update, handling it again: %s",
                    context.error)
        handle_again(context.bot_data, update)
        return
    if isinstance(context.error, TelegramError):
        log.warning("a reply could not be sent: %s", context.error)
        return
    log.error("exception while handling an update", exc_info=context.error)
    if chat is not None and chat.id != services(context).coordinator_chat_id():
        try:
            await context.bot.send_message(chat.id, texts.APOLOGY)
        except TelegramError:
            log.warning("could not send the apology", exc_info=True)


async def deliveries_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A safety net: the outbox is kicked when something is owed, and wakes by itself."""
    services(context).owed().kick()


def _person_gone(svc: Services, kind: str, chat_id: int, reason: str) -> None:
    """A resident who blocked the bot gets no more reminders or announcements."""
    if reason == "blocked" and chat_id > 0:
        svc.desk.record_blocked(chat_id)  # private chat: the chat id is the user id
    if (kind in ("announcement", "reminder", "meeting_change")
            and reason in ("blocked", "deleted", "deactivated")):
        svc.subscriptions.unsubscribe(chat_id)


async def housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily: unused hand-off offers go, and so do idle entries of the flood gate and
    processed updates of the inbox."""
    svc = services(context)
    svc.desk.forget_offers_older_than(dt.timedelta(days=OFFER_LIFETIME_DAYS))
    svc.flood.forget_idle(svc.now())
    context.bot_data[INBOX_KEY].prune()


async def _post_init(application: Application) -> None:
    """What is owed goes out in the background (start-up never waits for it); the other
    start-up chores run as a job once the application starts, so a stop can cancel them."""
    svc: Services = application.bot_data[SERVICES_KEY]
    # What is owed goes out in the background: start-up never waits for it.
    svc.owed().start()
    svc.owed().on_migrated(lambda _old, new: application.create_task(
        _register_coordinator_commands(application, [new]), name="commands"))
    assert application.job_queue is not None
    application.job_queue.run_once(start_up_job, when=0, name="start-up",
                                   job_kwargs={"misfire_grace_time": None})


async def start_up_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    svc = services(context)
    try:
        await application.bot.set_my_commands(RESIDENT_COMMANDS)
    except TelegramError as exc:
        log.warning("could not register the command list: %s", exc)
    await _register_coordinator_commands(
        application, [svc.coordinator_chat_id(), *svc.settings.coordinator.user_ids])
    # APScheduler cannot start a repeating job at once, so these run now by hand: reminders
    # left over from before a restart are owed at start.
    queue = application.job_queue
    assert queue is not None
    await asyncio.gather(*(job.run(application) for name in RUN_AT_START
                           for job in queue.get_jobs_by_name(name)))


async def _register_coordinator_commands(application: Application, chats: list[int]) -> None:
    try:
        for chat_id in dict.fromkeys(c for c in chats if c != 0):
            await application.bot.set_my_commands(COORDINATOR_COMMANDS,
                                                  scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not register the coordinators' command list: %s", exc)


async def _post_stop(application: Application) -> None:
    """Stop sending while the bot can still finish a call; what is not sent stays owed."""
    await application.bot_data[SERVICES_KEY].owed().stop()


async def _post_shutdown(application: Application) -> None:
    svc: Services = application.bot_data[SERVICES_KEY]
    await svc.owed().stop()
    svc.desk.close_storage()
