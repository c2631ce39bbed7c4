"""How the desk is plugged into a running bot: alone with the web chat (`run_bot.py --web`)
or beside Telegram (bot/web/server.py attach_web)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Reloading(Protocol):
    def reload_now(self) -> str: ...


@dataclass
class DeskHooks:
    """What differs between the two ways of running: how knowledge is reloaded, what else is
    woken when something is owed, the coordinator chat and the Telegram application."""

    reload: Callable[[frozenset[str]], Awaitable[str]] | None = None
    kick: Callable[[], None] | None = None
    coordinator_chat: Callable[[], int] | None = None
    telegram: Any | None = None


def watch_reload(watch: Reloading) -> Callable[[frozenset[str]], Awaitable[str]]:
    """Alone, the web chat's knowledge watch loads a sound change at once (it never holds
    back a removal, so `removes` needs no confirmation)."""

    async def reload(removes: frozenset[str]) -> str:
        return watch.reload_now()

    return reload


async def no_reload(removes: frozenset[str]) -> str:
    return "Zmiany w plikach wczytam w ciągu kilku sekund."
