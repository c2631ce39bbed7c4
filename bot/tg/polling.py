"""Long polling with the durable inbox: a batch from getUpdates is stored before the next
getUpdates tells Telegram (through its offset) that the batch arrived."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.tg.inbox import Inbox, InboxWorker, payload

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open; a stop cancels it at once
FIRST_RETRY = 0.5
LAST_RETRY = 5.0  # an API that is down is asked again this often
READ_MARGIN = 5.0  # seconds past the long poll's timeout before a getUpdates counts as lost
# Bot.get_updates returns parsed objects only; the raw call is ours on purpose.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)


class Backoff:
    """Waits after failures of the Bot API: longer each time, up to `last` seconds; Telegram's
    own retry_after when it gives one. Logs the first failure and then every 20th."""

    def __init__(self, what: str, last: float = LAST_RETRY) -> None:
        self._what = what
        self._last = last
        self._delay = FIRST_RETRY
        self._failures = 0

    async def failed(self, exc: TelegramError) -> None:
        self._failures += 1
        wait = self._delay
        if isinstance(exc, RetryAfter):
            wait = exc.retry_after if isinstance(exc.retry_after, int | float) \
                else exc.retry_after.total_seconds()
        if self._failures == 1 or self._failures % 20 == 0:
            log.warning("%s failed (%s), trying again in %.1f s", self._what, exc, wait)
        await asyncio.sleep(wait)
        self._delay = min(self._delay * 2, self._last)

    def succeeded(self) -> None:
        if self._failures:
            log.info("%s works again after %d failure(s)", self._what, self._failures)
        self._failures = 0
        self._delay = FIRST_RETRY


async def retrying(call: Callable[[], Awaitable[T]], what: str, *,
                   last_retry: float = LAST_RETRY) -> T:
    """`call` until it succeeds; a rejected token is final. Cancel to give up."""
    backoff = Backoff(what, last_retry)
    while True:
        try:
            result = await call()
        except InvalidToken:
            raise
        except TelegramError as exc:  # down, timed out, 5xx, 429, a conflict
            await backoff.failed(exc)
            continue
        backoff.succeeded()
        return result


async def poll(bot: Bot, inbox: Inbox, worker: InboxWorker, allowed_updates: list[str], *,
               timeout: int = POLL_TIMEOUT, last_retry: float = LAST_RETRY) -> None:
    """Fetch updates until cancelled; each batch is stored, then handed to the worker."""
    await retrying(bot.delete_webhook, "deleteWebhook", last_retry=last_retry)
    backoff = Backoff("getUpdates", last_retry)
    offset = 0
    while True:
        try:
            raw = await fetch(bot, offset, timeout, allowed_updates)
        except InvalidToken:
            raise
        except TelegramError as exc:  # a Conflict too: another process, or a webhook is set
            await backoff.failed(exc)
            continue
        backoff.succeeded()
        if raw:
            worker.submit(inbox.accept(parse(bot, raw)))
            offset = raw[-1]["update_id"] + 1


async def fetch(bot: Bot, offset: int, timeout: int, allowed_updates: list[str]) -> list[dict]:
    """getUpdates as Telegram sent them: the exact JSON is what the inbox keeps."""
    result = await bot.do_api_request(
        "getUpdates", api_kwargs={"offset": offset or None, "timeout": timeout, "limit": 100,
                                  "allowed_updates": allowed_updates},
        read_timeout=timeout + READ_MARGIN)
    return result if isinstance(result, list) else []


def parse(bot: Bot, raw: list[dict]) -> list[tuple[Update, str]]:
    pairs = []
    for data in raw:
        try:
            update = Update.de_json(data, bot)
        except Exception:  # never handled, whatever we do: skipped, and the offset moves on
            log.exception("update %s cannot be read; skipped", data.get("update_id"))
            continue
        pairs.append((update, payload(data)))
    return pairs
