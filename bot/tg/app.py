"""Builds the Telegram application: one factory, every handler registered in one place."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import Forbidden, TelegramError
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
from bot.loader import knowledge_fingerprint, load_valid_knowledge
from bot.matcher import Matcher
from bot.outbox import Outbox
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tg import (
    coordinator,
    guard,
    insight,
    learning,
    meetings,
    privacy,
    reload,
    resident,
)
from bot.tg.delivery import TelegramSender
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
RUN_AT_START = ("deliveries", "reminders", "retention")
OFFER_LIFETIME_DAYS = 7

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
        return bool(message.text and mention in message.text.casefold())


NOT_TEXT = (filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
            | filters.Sticker.ALL | filters.Document.ALL | filters.LOCATION | filters.CONTACT
            | filters.ANIMATION | filters.POLL | filters.VENUE)


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
) -> Application:
    """The bot, ready to run. In webhook mode it has no updater: updates come from
    bot.tg.webhook."""
    quiet_chatty_loggers()
    fingerprint = knowledge_fingerprint(settings.knowledge.path)  # before: catch edits meanwhile
    knowledge = load_valid_knowledge(settings.knowledge.path, clock())
    connection = storage.connect(settings.storage.path)
    desk = TicketDesk(connection, clock)
    builder = ApplicationBuilder()
    if settings.telegram.mode == "webhook":
        builder = builder.updater(None)
    application = (
        builder
        .token(settings.telegram.token)
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .rate_limiter(rate_limiter or OutboxRateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    # Tests shrink the caps; the coordinator chat's cap keeps its ratio to the others'.
    outbox = Outbox(connection, clock=clock, coordinator_chat=settings.coordinator.chat_id,
                    coordinators=settings.coordinator.user_ids,
                    retry_base=min(1.0, retry_cap), retry_cap=retry_cap,
                    unreachable_cap=retry_cap * OUTBOX_UNREACHABLE_CAP_SECONDS
                    / OUTBOX_RETRY_CAP_SECONDS,
                    idle_check=delivery_interval)
    svc = Services(
        settings, Matcher(knowledge, settings.matcher.thresholds()), desk,
        SubscriptionBook(connection, clock),
        QuestionLog(connection, keep_text=settings.privacy.keep_question_text, clock=clock),
        clock, outbox=outbox, knowledge_fingerprint=fingerprint)
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
    queue.run_repeating(privacy.retention_job, interval=24 * 3600, name="retention")
    queue.run_repeating(reload.knowledge_watch_job, interval=watch_interval,
                        name="knowledge-watch")
    queue.run_repeating(housekeeping_job, interval=24 * 3600, first=60, name="housekeeping")


def quiet_chatty_loggers() -> None:
    """httpx logs every request URL at INFO, and the URL holds the bot token; APScheduler
    logs every run of every job."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def register_handlers(application: Application, in_coordinator_chat: filters.Chat) -> None:
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
        CommandHandler(["moje_dane", "my_data"], privacy.my_data),
        CommandHandler(["usun_dane", "forget_me"], privacy.forget_me),
        CommandHandler(["blokuj", "ban"], privacy.ban),
        CommandHandler(["odblokuj", "unban"], privacy.unban),
        CommandHandler(["odpowiedz", "reply"], coordinator.reply_command),
        CommandHandler(["zgloszenia", "tickets"], coordinator.list_tickets),
        CommandHandler(["zamknij", "close"], coordinator.close_ticket),
        MessageHandler(in_coordinator_chat & filters.REPLY & ~filters.COMMAND,
                       coordinator.reply_to_ticket),
        MessageHandler(~in_coordinator_chat & addressed & filters.TEXT & ~filters.COMMAND,
                       resident.question),
        MessageHandler(~in_coordinator_chat & addressed & NOT_TEXT, resident.not_text),
        MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, resident.unknown_command),
        CallbackQueryHandler(meetings.calendar_file, pattern=r"^ics:"),
        CallbackQueryHandler(meetings.reminders_toggle, pattern=r"^rem:(on|off)$"),
        CallbackQueryHandler(privacy.forget_button, pattern=r"^forget:(yes|no)$"),
        CallbackQueryHandler(learning.learn_button, pattern=r"^(learn|ln|lc|la|lx)(:|$)"),
        CallbackQueryHandler(resident.menu_button),
        ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ])
    application.add_error_handler(error_handler)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback; the person gets a short apology and the bot goes on."""
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
    log.error("exception while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.APOLOGY)
        except TelegramError:
            log.warning("could not send the apology", exc_info=True)


async def deliveries_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A safety net: the outbox is kicked when something is owed, and wakes by itself."""
    services(context).owed().kick()


def _person_gone(svc: Services, kind: str, chat_id: int, reason: str) -> None:
    """A resident who blocked the bot gets no more reminders or announcements."""
    if reason == "blocked" and chat_id > 0:
        svc.desk.record_blocked(chat_id)  # private chat: the chat id is the user id
    if kind in ("announcement", "reminder") and reason in ("blocked", "deleted", "deactivated"):
        svc.subscriptions.unsubscribe(chat_id)


async def housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily: unused hand-off offers go, and so do idle entries of the flood gate."""
    svc = services(context)
    svc.desk.forget_offers_older_than(dt.timedelta(days=OFFER_LIFETIME_DAYS))
    svc.flood.forget_idle(svc.now())


async def _post_init(application: Application) -> None:
    svc: Services = application.bot_data[SERVICES_KEY]
    # What is owed goes out in the background: start-up never waits for it.
    svc.owed().start()
    svc.owed().on_migrated(lambda _old, new: application.create_task(
        _register_coordinator_commands(application, [new]), name="commands"))
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
    for name in RUN_AT_START:
        for job in queue.get_jobs_by_name(name):
            await job.run(application)


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
