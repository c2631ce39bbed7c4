"""Long-running tasks besides the handling of updates (e.g. an outbox worker). At a stop the
runner calls each one's `on_stop` (finish what is in hand, take nothing new), waits a short
grace, then cancels: they must keep what they owe in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application

BACKGROUND_KEY = "background_tasks"


def spawn(application: Application, coroutine: Coroutine[Any, Any, object], name: str, *,
          on_stop: Callable[[], None] | None = None) -> asyncio.Task[object]:
    """Run `coroutine` until it ends or the bot stops."""
    tasks = _tasks(application)
    task = asyncio.create_task(coroutine, name=name)
    tasks[task] = on_stop
    task.add_done_callback(lambda done: tasks.pop(done, None))
    return task


def ask_to_stop(application: Application) -> set[asyncio.Task[object]]:
    """Call every `on_stop`; the tasks still running."""
    tasks = _tasks(application)
    for on_stop in list(tasks.values()):
        if on_stop is not None:
            on_stop()
    return set(tasks)


def _tasks(application: Application) -> dict[asyncio.Task[object], Callable[[], None] | None]:
    return application.bot_data.setdefault(BACKGROUND_KEY, {})
