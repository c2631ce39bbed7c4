"""Runs the bot from start to stop, in polling or webhook mode.

Start: updates are taken (and stored) at once, the Bot API is waited for if it is down, what
the inbox still holds is processed first, and nothing on the way waits for owed deliveries.
Stop: within STOP_BUDGET seconds whatever is owed; unfinished updates stay in the inbox and
unsent deliveries in the database, both taken up at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable

from aiohttp import web
from telegram.error import InvalidToken
from telegram.ext import Application

from bot.config import ConfigError, Settings
from bot.tg import background
from bot.tg.inbox import INBOX_KEY, Inbox, InboxWorker
from bot.tg.polling import POLL_TIMEOUT, poll, retrying
from bot.tg.webhook import ALLOWED_UPDATES, health_app, web_app

log = logging.getLogger(__name__)

STOP_BUDGET = 8.0  # seconds from the signal to the end; promised: 10, systemd kills at 30
HANDLING_GRACE = 3.0  # for updates in hand to finish
JOBS_GRACE = 2.0  # for running jobs; a job still waiting then is waiting for the rate limiter


async def run_until_signal(application: Application, settings: Settings) -> None:
    """`run` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run(application, settings, stop)


async def run(application: Application, settings: Settings, stop: asyncio.Event, *,
              ready: asyncio.Event | None = None, poll_timeout: int = POLL_TIMEOUT) -> None:
    """Serve until `stop` is set; `ready` is set once updates are being processed. Raises
    ConfigError when Telegram rejects the token."""
    inbox: Inbox = application.bot_data[INBOX_KEY]
    worker = InboxWorker(application, inbox)
    site: web.AppRunner | None = None
    if settings.telegram.mode == "webhook":  # stores updates even before the API answers
        site = web.AppRunner(web_app(application, settings, inbox, worker), access_log=None,
                             shutdown_timeout=2.0)
    elif settings.telegram.health_port:
        site = web.AppRunner(health_app(application, inbox), access_log=None,
                             shutdown_timeout=2.0)
    serving = asyncio.create_task(
        _serve(application, settings, worker, site, ready, poll_timeout), name="serving")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        await _stop(application, worker, site, serving)
    if not serving.cancelled() and serving.exception() is not None:
        exc = serving.exception()
        if isinstance(exc, InvalidToken):
            raise ConfigError("telegram.token: Telegram rejected the token") from exc
        raise exc  # type: ignore[misc]


async def _serve(application: Application, settings: Settings, worker: InboxWorker,
                 site: web.AppRunner | None, ready: asyncio.Event | None,
                 poll_timeout: int) -> None:
    hook = settings.telegram.webhook
    polling = settings.telegram.mode != "webhook"
    if site is not None:
        port, key = ((settings.telegram.health_port, "telegram.health_port") if polling
                     else (hook.port, "telegram.webhook.port"))
        await site.setup()
        try:
            await web.TCPSite(site, hook.listen, port).start()
        except OSError as exc:
            raise ConfigError(f"{key}: cannot listen on {hook.listen}:{port} "
                              f"({exc.strerror})") from exc
        log.info("listening on %s:%s (%s)", hook.listen, port,
                 "health check" if polling else "webhook and health check")
    await retrying(application.initialize, "connecting to the Bot API")  # getMe
    if application.post_init is not None:
        await application.post_init(application)  # schedules start-up chores; no waiting
    await application.start()  # the job queue
    worker.open()  # the inbox's leftovers first
    inbox: Inbox = application.bot_data[INBOX_KEY]
    if polling:
        if ready is not None:
            ready.set()
        log.info("polling mode: asking Telegram for updates")
        await poll(application.bot, inbox, worker, ALLOWED_UPDATES, timeout=poll_timeout)
        return
    await retrying(lambda: application.bot.set_webhook(
        url=hook.public_url.rstrip("/") + hook.path, secret_token=hook.secret_token,
        allowed_updates=ALLOWED_UPDATES), "setWebhook")
    if ready is not None:
        ready.set()
    await asyncio.Event().wait()  # until cancelled


async def _stop(application: Application, worker: InboxWorker, site: web.AppRunner | None,
                serving: asyncio.Task[None]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_BUDGET
    serving.cancel()  # no more fetching; a batch already fetched is stored by now
    await asyncio.gather(serving, return_exceptions=True)
    left = await worker.stop(HANDLING_GRACE)
    if left:
        log.info("stopping: %d update(s) wait in the inbox for the next start", left)
    if site is not None:
        await _within(site.cleanup(), deadline - loop.time(), "the webhook server")
    # application.stop() waits for running jobs and create_task tasks (deliveries paced by
    # the rate limiter, an announcement); those and our background tasks get JOBS_GRACE, then
    # are cancelled: what they owe stays owed in the database.
    waiting = background.ask_to_stop(application)
    stopping = asyncio.create_task(application.stop()) if application.running else None
    if stopping is not None:
        waiting.add(stopping)
    if waiting:
        _, unfinished = await asyncio.wait(waiting, timeout=JOBS_GRACE)
        if unfinished:
            running = [*_ptb_background_tasks(), *(unfinished - {stopping})]
            log.info("stopping: cancelling %d job(s) and task(s) still running", len(running))
            for task in running:
                task.cancel()
            await _within(asyncio.gather(*unfinished, return_exceptions=True),
                          deadline - loop.time() - 1.0, "jobs and background tasks")
    if application.post_stop is not None:  # the outbox stops while it can finish a call
        await _within(application.post_stop(application), max(deadline - loop.time() - 1.0, 0.5),
                      "the outbox")
    await _within(application.shutdown(), max(deadline - loop.time(), 0.5), "the HTTP client")
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
    log.info("stopped")


# PTB shields a job's callback from cancellation (Job.run) and keeps no handle on the tasks
# of Application.create_task that we could cancel; these are their coroutines' names.
_PTB_BACKGROUND = frozenset({"Job._run", "Application.__create_task_callback"})


def _ptb_background_tasks() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks()
            if getattr(task.get_coro(), "__qualname__", "") in _PTB_BACKGROUND]


async def _within(step: Awaitable[object], seconds: float, what: str) -> bool:
    """Await `step` for at most `seconds`; cancel it after. True when it finished."""
    try:
        await asyncio.wait_for(step, max(seconds, 0.1))
    except TimeoutError:
        log.warning("stopping: gave up waiting for %s", what)
        return False
    except Exception:
        log.exception("stopping: %s failed", what)
        return False
    return True
