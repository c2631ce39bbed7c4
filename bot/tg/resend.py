"""PTB's rate limiter that also sends a call again when the network failed it (the Bot API
down, a 5xx, a timeout): a handler's reply then arrives once the API is back, instead of being
lost. Only the call is repeated, never the handler, so nothing is stored twice; a timeout
after which Telegram did deliver can show a message twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0)  # then the error goes to the handler


class ResendingRateLimiter(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict | list[dict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict | list[dict]:
        if rate_limit_args is not None:  # a caller that retries in its own way
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        for number, pause in enumerate(PAUSES, start=1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except BadRequest:  # a NetworkError in PTB, but sending again cannot help
                raise
            except NetworkError as exc:
                if number == 1:
                    log.info("%s failed (%s), sending again", endpoint, exc)
                await asyncio.sleep(pause)
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)
