"""Sign-in attempts: after 5 failures in 15 minutes a login (or a client address) waits."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

FAILURES = 5
WINDOW = 15 * 60.0  # seconds
MAX_KEYS = 10_000


class SignInLimiter:
    def __init__(self, failures: int = FAILURES, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.window = window
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def wait(self, *keys: str) -> float:
        """Seconds until `keys` may try again (0: now)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            times = self._recent(key, now)
            if len(times) >= self.failures:
                waits.append(times[0] + self.window - now)
        return max(waits)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        if len(self._seen) > MAX_KEYS:
            for key in [k for k in self._seen if not self._recent(k, now)]:
                del self._seen[key]
        for key in keys:
            self._seen.setdefault(key, deque()).append(now)

    def succeeded(self, key: str) -> None:
        self._seen.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times
