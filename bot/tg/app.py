"""Builds the Telegram application: one factory, every handler registered in one place."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import storage, texts
from bot.config import Settings
from bot.matcher import Matcher
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tg import (
    coordinator,
    guard,
    insight,
    meetings,
    privacy,
    reload,
    resident,
)
from bot.tg.delivery import flush_deliveries
from bot.tg.inbox import INBOX_KEY, Inbox
from bot.tg.resend import ResendingRateLimiter
from bot.tg.services import SERVICES_KEY, Services, services
from bot.tickets import Clock, TicketDesk, utc_now

log = logging.getLogger(__name__)

DELIVERY_RETRY_SECONDS = 15.0
REMINDER_CHECK_SECONDS = 30.0
KNOWLEDGE_WATCH_SECONDS = 5.0
RUN_AT_START = ("deliveries", "reminders", "retention")  # in the background, after the start
OFFER_LIFETIME_DAYS = 7
HTTP_CONNECTIONS = 8
HTTP_POOL_WAIT = 30.0

RESIDENT_COMMANDS = [
    BotCommand("start", "Menu i powitanie"),
    BotCommand("pomoc", "Co potrafię"),
    BotCommand("kontakt", "Dane kontaktowe"),
    BotCommand("help", "Menu (po angielsku: help)"),
    BotCommand("contact", "Dane kontaktowe (contact)"),
    BotCommand("spotkania", "Najbliższe spotkania"),
    BotCommand("przypomnienia", "Przypomnienia o spotkaniach"),
    BotCommand("meetings", "Najbliższe spotkania (meetings)"),
    BotCommand("reminders", "Przypomnienia (reminders)"),
    BotCommand("moje_dane", "Co o mnie zapisano"),
    BotCommand("usun_dane", "Usuń moje dane"),
    BotCommand("id", "Identyfikatory czatu i użytkownika"),
]
COORDINATOR_COMMANDS = [
    *RESIDENT_COMMANDS,
    BotCommand("zgloszenia", "Otwarte zgłoszenia"),
    BotCommand("odpowiedz", "Odpowiedz: /odpowiedz NUMER treść"),
    BotCommand("zamknij", "Zamknij bez odpowiedzi: /zamknij NUMER"),
    BotCommand("tickets", "Otwarte zgłoszenia (tickets)"),
    BotCommand("reply", "Odpowiedz (reply NUMER treść)"),
    BotCommand("close", "Zamknij (close NUMER)"),
    BotCommand("ogloszenie", "Ogłoszenie do subskrybentów: /ogloszenie treść"),
    BotCommand("announce", "Ogłoszenie (announce treść)"),
    BotCommand("przeladuj", "Wczytaj ponownie bazę wiedzy"),
    BotCommand("reload", "Wczytaj bazę wiedzy (reload)"),
    BotCommand("statystyki", "Statystyki: /statystyki [dni]"),
    BotCommand("stats", "Statystyki (stats [dni])"),
    BotCommand("blokuj", "Zablokuj użytkownika: /blokuj ID"),
    BotCommand("odblokuj", "Odblokuj użytkownika: /odblokuj ID"),
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
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        builder = builder.rate_limiter(ResendingRateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data[INBOX_KEY] = Inbox(connection, clock)
    application.bot_data[SERVICES_KEY] = Services(
        settings, Matcher(keeper.knowledge, settings.matcher.thresholds()), desk,
        SubscriptionBook(connection, clock),
        QuestionLog(connection, keep_text=settings.privacy.keep_question_text, clock=clock),
        keeper, clock)
    svc: Services = application.bot_data[SERVICES_KEY]
    svc.on_owed = lambda: _flush_soon(application)
    register_handlers(application, settings.coordinator.chat_id)
    schedule_jobs(application, delivery_interval, reminder_interval, watch_interval)
    return application


def schedule_jobs(application: Application, delivery_interval: float,
                  reminder_interval: float, watch_interval: float) -> None:
    queue = application.job_queue
    assert queue is not None, "install python-telegram-bot[job-queue]"
    queue.run_repeating(deliveries_job, interval=delivery_interval, name="deliveries")
    queue.run_repeating(meetings.reminders_job, interval=reminder_interval, name="reminders")
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


def register_handlers(application: Application, coordinator_chat: int) -> None:
    in_coordinator_chat = filters.Chat(chat_id=coordinator_chat)
    addressed = _AddressedToBot()
    application.add_handler(TypeHandler(Update, guard.guard), group=-1)
    application.add_handlers([
        CommandHandler(["start", "pomoc", "help"], resident.start),
        CommandHandler(["kontakt", "contact"], resident.contact),
        CommandHandler("id", resident.ids),
        CommandHandler(["spotkania", "meetings"], meetings.meetings_command),
        CommandHandler(["przypomnienia", "reminders"], meetings.reminders_command),
        CommandHandler(["ogloszenie", "announce"], meetings.announce),
        CommandHandler(["przeladuj", "reload"], reload.reload_command),
        CommandHandler(["statystyki", "stats"], insight.stats_command),
        CommandHandler(["moje_dane", "my_data"], resident.my_data),
        CommandHandler(["usun_dane", "forget_me"], resident.forget_me),
        CommandHandler(["blokuj", "ban"], privacy.ban),
        CommandHandler(["odblokuj", "unban"], privacy.unban),
        CommandHandler(["odpowiedz", "reply"], coordinator.reply_command),
        CommandHandler(["zgloszenia", "tickets"], coordinator.list_tickets),
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
    ])
    application.add_error_handler(error_handler)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback; a person hit by a bug gets a short apology and the bot goes on.

    A failed send is no bug: whatever was asked is already stored, so no apology (it would
    invite the same question again), and the coordinator chat never gets one.
    """
    user = update.effective_user if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        if user is not None and chat is not None and chat.type == "private":
            services(context).desk.record_blocked(user.id)
            log.info("a user blocked the bot")
        else:
            log.info("the bot cannot write in a group any more")
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


def _flush_soon(application: Application) -> None:
    """Handlers store what is owed and go on; the sending happens beside them."""
    svc: Services = application.bot_data[SERVICES_KEY]
    application.create_task(flush_deliveries(application.bot, svc), name="deliveries")


async def deliveries_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await flush_deliveries(context.bot, services(context))


async def housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily: unused hand-off offers go, and so do idle entries of the flood gate and
    processed updates of the inbox."""
    svc = services(context)
    svc.desk.forget_offers_older_than(dt.timedelta(days=OFFER_LIFETIME_DAYS))
    svc.flood.forget_idle(svc.now())
    context.bot_data[INBOX_KEY].prune()


async def _post_init(application: Application) -> None:
    """Start-up chores run as a job once the application starts: polling never waits for the
    command list or for what is owed from before a restart, and a stop can cancel them."""
    assert application.job_queue is not None
    application.job_queue.run_once(start_up_job, when=0, name="start-up",
                                   job_kwargs={"misfire_grace_time": None})


async def start_up_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    svc = services(context)
    try:
        await application.bot.set_my_commands(RESIDENT_COMMANDS)
        chats = {svc.settings.coordinator.chat_id, *svc.settings.coordinator.user_ids} - {0}
        for chat_id in chats:
            await application.bot.set_my_commands(COORDINATOR_COMMANDS,
                                                  scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not register the command list: %s", exc)
    # APScheduler cannot start a repeating job at once, so these run now by hand: tickets,
    # answers and reminders left over from before a restart go out at start.
    queue = application.job_queue
    assert queue is not None
    await asyncio.gather(*(job.run(application) for name in RUN_AT_START
                           for job in queue.get_jobs_by_name(name)))


async def _post_shutdown(application: Application) -> None:
    svc: Services = application.bot_data[SERVICES_KEY]
    svc.desk.close_storage()
