"""PTB's rate limiter, with two changes for the outbox's calls.

- They are paced like any other (30 a second overall, 20 a minute per group), but a 429 is
  handed back at once instead of being slept on: AIORateLimiter sleeps on a 429 while holding
  every other request, and the outbox rather backs off only the chat that got it.
- They get at most `outbox_rate` of the 30 a second, so a backlog of owed messages never
  queues ahead of a resident waiting for an answer right now.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

OUTBOX_CALL = "outbox"  # rate_limit_args of calls made by the outbox


class OutboxRateLimiter(AIORateLimiter):
    def __init__(self, *args: Any, outbox_rate: float = 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outbox_limiter = AsyncLimiter(outbox_rate, 1)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict | list[dict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | str | None,
    ) -> bool | dict | list[dict]:
        if rate_limit_args != OUTBOX_CALL:
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)  # type: ignore[arg-type]
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        group = chat_id if (isinstance(chat_id, int) and chat_id < 0) or isinstance(
            chat_id, str) else False
        async with self._outbox_limiter:
            return await self._run_request(chat=chat_id is not None, group=group,
                                           allow_paid_broadcast=False, callback=callback,
                                           args=args, kwargs=kwargs)
