"""Long polls: a page waits for the next message of its session; a new one wakes it."""

from __future__ import annotations

import asyncio
import contextlib


class Live:
    """Waiting pages by session. Holds only a future per open request: memory stays flat."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Future[None]]] = {}

    def waiting(self, session: str | None = None) -> int:
        if session is not None:
            return len(self._waiting.get(session, ()))
        return sum(len(s) for s in self._waiting.values())

    def notify(self, session: str) -> None:
        for future in self._waiting.pop(session, set()):
            if not future.done():
                future.set_result(None)

    def wake_all(self) -> None:
        """Stopping: every waiting page gets its (empty) answer now and polls again later."""
        for session in list(self._waiting):
            self.notify(session)

    async def wait(self, session: str, timeout: float) -> bool:
        """Until something new arrives for `session` (True) or `timeout` passes (False)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(session, set()).add(future)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiters = self._waiting.get(session)
            if waiters is not None:
                waiters.discard(future)
                if not waiters:
                    with contextlib.suppress(KeyError):
                        del self._waiting[session]
