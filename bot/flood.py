"""Per-person message limit: over it, one polite notice, then silence until the window passes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from typing import Literal

WINDOW = dt.timedelta(minutes=1)
Verdict = Literal["ok", "notice", "silent"]


class FloodGate:
    def __init__(self, per_minute: int) -> None:
        self._limit = per_minute
        self._seen: dict[int, deque[dt.datetime]] = defaultdict(deque)
        self._noticed: set[int] = set()

    def check(self, user_id: int, now: dt.datetime) -> Verdict:
        seen = self._seen[user_id]
        while seen and now - seen[0] >= WINDOW:
            seen.popleft()
        if len(seen) < self._limit:
            seen.append(now)
            self._noticed.discard(user_id)
            return "ok"
        if user_id in self._noticed:
            return "silent"
        self._noticed.add(user_id)
        return "notice"

    def forget_idle(self, now: dt.datetime) -> None:
        """Drop people with nothing in the window, so memory does not grow with every visitor."""
        idle = [u for u, seen in self._seen.items() if not seen or now - seen[-1] >= WINDOW]
        for user_id in idle:
            del self._seen[user_id]
            self._noticed.discard(user_id)
