"""Runs the web chat: on its own (`run_bot.py --web`) or beside Telegram in one process.

Beside Telegram it shares the Telegram channel's conversation core and SQLite connection (one
event loop, one connection: no lock between two writers) and starts and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import storage
from bot.config import ConfigError, Settings
from bot.conversation.service import Conversation, ConversationSettings
from bot.conversation.state import ConversationStates
from bot.desk import versions
from bot.desk.app import add_desk
from bot.desk.context import DeskContext
from bot.desk.wiring import DeskHooks, no_reload, watch_reload
from bot.loader import knowledge_fingerprint, load_knowledge, load_valid_knowledge
from bot.matcher import matcher_for
from bot.office_hours import parse_office_hours
from bot.plural import ENTRIES, count
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tickets import TELEGRAM, Clock, TicketDesk, utc_now
from bot.web.app import POLL_SECONDS, build_app
from bot.web.chat import WebChat
from bot.web.delivery import EMAIL, WEB, EmailSender, WebPostman, WebSender
from bot.web.live import Live
from bot.web.sessions import WebSessions

log = logging.getLogger(__name__)

WEB_KEY = "web_chat"
HOUSEKEEPING_SECONDS = 3600.0
KNOWLEDGE_WATCH_SECONDS = 5.0
STOP_GRACE = 2.0  # seconds for requests in hand when stopping
OFFER_LIFETIME = dt.timedelta(days=7)


@dataclass
class WebChannel:
    """The web chat's server, its deliveries and its housekeeping, started and stopped once."""

    settings: Settings
    chat: WebChat
    postman: WebPostman
    app: web.Application
    # Alone, the web chat also does the retention work the Telegram channel does otherwise.
    standalone: bool = False
    # The senders by channel ('web', 'email'): the postman's, or the shared outbox's at merge.
    senders: dict[str, Any] = field(default_factory=dict)
    clock: Clock = utc_now
    runner: web.AppRunner | None = None
    url: str = ""
    _housekeeping: asyncio.Task[None] | None = field(default=None, repr=False)

    async def start(self) -> None:
        # No access log: paths carry session ids. Stopping waits briefly for requests in hand.
        self.runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=STOP_GRACE)
        await self.runner.setup()
        listen, port = self.settings.web.listen, self.settings.web.port
        try:
            await web.TCPSite(self.runner, listen, port).start()
        except OSError as exc:
            await self.runner.cleanup()
            raise ConfigError(f"web.port: cannot listen on {listen}:{port} "
                              f"({exc.strerror or exc})") from None
        host, port = self.runner.addresses[0][:2]
        host = f"[{host}]" if ":" in host else host
        self.url = f"http://{host}:{port}/czat"
        self.postman.start()
        self._housekeeping = asyncio.create_task(self._tidy(), name="web-housekeeping")
        log.info("web chat at %s", self.url)

    async def stop(self) -> None:
        if self._housekeeping is not None:
            self._housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._housekeeping
        await self.postman.stop()
        self.chat.live.wake_all()  # long polls answer now instead of holding the stop 25 s
        if self.runner is not None:
            await self.runner.cleanup()

    async def _tidy(self) -> None:
        while True:
            try:
                self.tidy()
            except Exception:
                log.exception("web chat housekeeping failed")
            await asyncio.sleep(HOUSEKEEPING_SECONDS)

    def tidy(self) -> None:
        """Retention: idle sessions go; alone, also what the Telegram channel's jobs do."""
        expired = self.chat.store.expire()
        if expired:
            log.info("web chat: %d idle session(s) deleted", expired)
        core = self.chat.core
        versions.forget_older_than(core.desk.connection, self.clock() - versions.KEPT_FOR)
        if self.standalone:
            age = dt.timedelta(days=self.settings.privacy.retention_days)
            core.desk.anonymise_older_than(age)
            core.questions.forget_texts_older_than(age)
            core.desk.forget_offers_older_than(OFFER_LIFETIME)


def web_channel(settings: Settings, core: Conversation, *, clock: Clock = utc_now,
                poll_seconds: float = POLL_SECONDS, standalone: bool = False,
                delivery_interval: float = 1.0, desk_hooks: DeskHooks | None = None
                ) -> WebChannel:
    desk = core.desk
    store = WebSessions(desk.connection, clock,
                        dt.timedelta(days=settings.privacy.retention_days))
    live = Live()
    email = settings.email.enabled
    senders: dict[str, Any] = {WEB: WebSender(store, live, email=email),
                               EMAIL: EmailSender(settings.email, store, settings.web.public_url)}
    postman = WebPostman(desk, senders, clock=clock, interval=delivery_interval)
    chat = WebChat(core, store, live, retention_days=settings.privacy.retention_days,
                   email_enabled=email, kick=postman.kick)
    app = build_app(chat, settings, poll_seconds=poll_seconds)
    hooks = desk_hooks or DeskHooks()
    add_desk(app, DeskContext(
        settings, desk, clock, Path(settings.knowledge.path), lambda: core.knowledge,
        reload=hooks.reload or no_reload, kick=hooks.kick or postman.kick,
        coordinator_chat=hooks.coordinator_chat or (lambda: settings.coordinator.chat_id),
        telegram=hooks.telegram))
    return WebChannel(settings, chat, postman, app, standalone, senders, clock)


class KnowledgeWatch:
    """Alone, the web chat picks up edited knowledge as the Telegram channel does: a sound
    knowledge base replaces the one in service; a broken one is logged and ignored."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._fingerprint = knowledge_fingerprint(settings.knowledge.path)
        knowledge = load_valid_knowledge(settings.knowledge.path, clock())
        self.matcher = matcher_for(knowledge, settings.matcher.thresholds())

    def check(self) -> bool:
        fingerprint = knowledge_fingerprint(self._settings.knowledge.path)
        if fingerprint == self._fingerprint:
            return False
        self._fingerprint = fingerprint
        return self._load() is None

    def reload_now(self) -> str:
        """Load the files now (the desk wrote them); a Polish line saying what happened."""
        self._fingerprint = knowledge_fingerprint(self._settings.knowledge.path)
        problems = self._load()
        if problems is not None:
            return ("Nie wczytałem bazy wiedzy, bo ma błędy; bot odpowiada dalej według "
                    f"poprzedniej wersji. {problems}")
        return (f"Wczytałem bazę wiedzy: {count(len(self.matcher.knowledge.entries), ENTRIES)}"
                ", bot już z niej korzysta.")

    def _load(self) -> str | None:
        """None when the files went live; else their first problems."""
        result = load_knowledge(self._settings.knowledge.path, self._clock())
        if not result.ok:
            problems = "; ".join(map(str, result.problems[:5]))
            log.error("knowledge not reloaded: %s", problems)
            return problems
        self.matcher = matcher_for(result.knowledge, self._settings.matcher.thresholds())
        log.info("knowledge reloaded: %d entries", len(result.knowledge.entries))
        return None


def standalone_conversation(settings: Settings, clock: Clock = utc_now,
                            watch: KnowledgeWatch | None = None) -> Conversation:
    """The conversation core without Telegram: the bundled (or configured) knowledge and the
    configured database; hand-offs wait there for a coordinator."""
    watch = watch or KnowledgeWatch(settings, clock)
    connection = storage.connect(settings.storage.path)
    return Conversation(
        lambda: watch.matcher, TicketDesk(connection, clock),
        QuestionLog(connection, keep_text=settings.privacy.keep_question_text, clock=clock),
        SubscriptionBook(connection, clock), ConversationStates(connection, clock),
        coordinator_chat=lambda: settings.coordinator.chat_id,
        settings=ConversationSettings(
            retention_days=settings.privacy.retention_days,
            open_tickets_per_user=settings.limits.open_tickets_per_user,
            privacy_notice_url=settings.privacy.notice_url,
            controller=settings.privacy.controller,
            cluster_of=settings.cluster.name_genitive,
            coordinator_org=settings.cluster.coordinator_org,
            reply_expectation=settings.coordinator.reply_expectation),
        clock=clock, office_hours=parse_office_hours(settings.coordinator.office_hours))


async def serve_web(settings: Settings, stop: asyncio.Event, *,
                    announce: Any = print) -> None:
    """`run_bot.py --web`: the web chat alone until `stop` is set."""
    watch = KnowledgeWatch(settings, utc_now)
    core = standalone_conversation(settings, watch=watch)
    channel = web_channel(settings, core, standalone=True,
                          desk_hooks=DeskHooks(reload=watch_reload(watch)))
    try:
        await channel.start()
    except BaseException:
        core.desk.close_storage()
        raise
    watching = asyncio.create_task(_watch(watch), name="knowledge-watch")
    announce(f"Czat na stronie działa: {channel.url}  (Ctrl+C kończy)")
    desk_url = channel.url.removesuffix("/czat") + "/koordynator"
    if settings.desk.accounts:
        announce(f"Biurko koordynatora: {desk_url}")
    if not settings.coordinator.chat_id:
        where = ("w biurku koordynatora" if settings.desk.accounts else
                 "w bazie, aż bot wystartuje z Telegramem albo dodasz konto biurka "
                 "(desk.accounts, hasło: python -m bot haslo)")
        announce(f"Bez Telegrama: pytania przekazane koordynatorowi czekają {where}.")
    try:
        await stop.wait()
    finally:
        watching.cancel()
        await channel.stop()
        core.desk.close_storage()


async def _watch(watch: KnowledgeWatch) -> None:
    while True:
        await asyncio.sleep(KNOWLEDGE_WATCH_SECONDS)
        try:
            watch.check()
        except OSError:
            log.warning("could not read the knowledge", exc_info=True)


def attach_web(application: Any, settings: Settings, *, poll_seconds: float = POLL_SECONDS,
               delivery_interval: float = 1.0) -> None:
    """Run the web chat beside the Telegram application: started after its post_init, stopped
    before its post_shutdown (which closes the database). The one hook run_bot needs."""
    from bot.tg.services import SERVICES_KEY  # only here: the web chat runs without Telegram

    before_init, before_shutdown = application.post_init, application.post_shutdown

    async def post_init(app: Any) -> None:
        svc = app.bot_data[SERVICES_KEY]
        # Before the start-up flush: tickets from a web-only run go out with it.
        adopt_waiting_tickets(svc.desk, settings.coordinator.chat_id)
        if before_init is not None:
            await before_init(app)
        channel = web_channel(settings, svc.conversation, clock=svc.clock,
                              poll_seconds=poll_seconds, delivery_interval=delivery_interval,
                              desk_hooks=telegram_desk_hooks(app))
        svc.owed_listeners.append(channel.postman.kick)  # an answer to a web ticket
        channel.postman.on_sent = lambda delivery: _tell(
            app, settings, delivery, ANSWER_IN_PAGE, learn=True)
        channel.postman.on_dropped = lambda delivery, _: _tell(
            app, settings, delivery, ANSWER_NOT_IN_PAGE)
        await channel.start()
        app.bot_data[WEB_KEY] = channel

    async def post_shutdown(app: Any) -> None:
        channel = app.bot_data.pop(WEB_KEY, None)
        if channel is not None:
            await channel.stop()
        if before_shutdown is not None:
            await before_shutdown(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown


def telegram_desk_hooks(application: Any) -> DeskHooks:
    """Beside Telegram the desk reloads through the knowledge keeper (which holds back what
    drops entries unless removed on purpose), and wakes the outbox and the web postman."""
    from bot.tg.reload import outcome_text
    from bot.tg.services import SERVICES_KEY

    svc = application.bot_data[SERVICES_KEY]

    async def reload(removes: frozenset[str]) -> str:
        outcome = svc.knowledge_written(True, removes)
        return outcome_text(outcome, automatic=False) if outcome is not None else ""

    return DeskHooks(reload=reload, kick=svc.deliveries_owed,
                     coordinator_chat=svc.coordinator_chat_id, telegram=application)


ANSWER_IN_PAGE = ("Odpowiedź na zgłoszenie #{number} jest już na czacie na stronie: "
                  "mieszkaniec zobaczy ją po otwarciu strony.")
ANSWER_NOT_IN_PAGE = ("Nie dostarczyłem odpowiedzi na zgłoszenie #{number}: tej rozmowy na "
                      "stronie już nie ma (wygasła albo mieszkaniec usunął dane).")


async def _tell(application: Any, settings: Settings, delivery: Any, text: str, *,
                learn: bool = False) -> None:
    """As for Telegram answers: the coordinator chat hears whether the answer is there, with
    the button that adds it to the knowledge. (At merge: the outbox's confirmations.)"""
    from telegram.error import TelegramError

    from bot.tg.learning import learn_keyboard
    from bot.tg.services import SERVICES_KEY

    if delivery.channel != WEB or delivery.kind != "answer":
        return
    with contextlib.suppress(TelegramError):
        await application.bot.send_message(
            application.bot_data[SERVICES_KEY].coordinator_chat_id(),
            text.format(number=delivery.ticket_id),
            reply_markup=learn_keyboard(delivery.ticket_id) if learn else None)


def adopt_waiting_tickets(desk: TicketDesk, coordinator_chat: int) -> int:
    """Ticket posts stored by a web-only run without a coordinator chat are addressed to the
    one configured now."""
    if not coordinator_chat:
        return 0
    return desk.connection.execute(
        "UPDATE deliveries SET chat_id = ? WHERE chat_id = 0 AND channel = ? AND sent_at IS NULL "
        "AND failed IS NULL AND kind IN ('ticket', 'followup', 'notice', 'copy')",
        (coordinator_chat, TELEGRAM)).rowcount
