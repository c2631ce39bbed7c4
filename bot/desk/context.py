"""What every desk page needs: the shared contract of the desk's modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.tickets import Clock, TicketDesk


@dataclass
class DeskContext:
    settings: Settings
    desk: TicketDesk                      # tickets; desk.connection is the SQLite connection
    clock: Clock                          # () -> aware UTC datetime (injectable)
    knowledge_root: Path                  # settings.knowledge.path
    knowledge: Callable[[], KnowledgeBase]   # the knowledge in service now
    # Reload knowledge into the running bot; `removes`: entry/meeting keys removed on purpose
    # ("entry:<id>", "meeting:<id>"; a reload that drops ids is otherwise held back, see
    # bot/knowledge_keeper.py); returns a Polish one-line outcome.
    reload: Callable[[frozenset[str]], Awaitable[str]]
    kick: Callable[[], None]              # wake every delivery loop (Telegram outbox, web postman)
    coordinator_chat: Callable[[], int]   # Telegram coordinator chat id, 0 without Telegram
    telegram: Any | None = None           # the PTB Application beside Telegram, else None

    @property
    def connection(self) -> Any:
        return self.desk.connection
