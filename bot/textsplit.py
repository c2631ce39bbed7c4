"""Cutting long plain text into message-sized parts between words.

Split the plain text first and escape each part afterwards (HTML), so a cut can never fall
inside an entity such as `&amp;`. Lengths are counted the way Telegram counts them: in UTF-16
code units of the text the reader sees.
"""

from __future__ import annotations

from collections.abc import Callable


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_words(text: str, limit: int, *, first_limit: int | None = None,
                measure: Callable[[str], int] = utf16_len) -> list[str]:
    """Parts of `text`, each at most `limit` long (the first at most `first_limit`), cut at a
    paragraph, line or word boundary; only a single word longer than a part is cut inside."""
    parts: list[str] = []
    rest = text.strip()
    budget = limit if first_limit is None else first_limit
    while rest:
        if measure(rest) <= budget:
            parts.append(rest)
            break
        window = _prefix_within(rest, budget, measure)
        cut = len(window) if rest[len(window)].isspace() else _boundary(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
        budget = limit
    return [p for p in parts if p]


def _prefix_within(text: str, budget: int, measure: Callable[[str], int]) -> str:
    """The longest prefix of `text` no longer than `budget` (at least one character)."""
    low, high = 1, min(len(text), max(budget, 1))
    while low < high:  # measure is monotonic in the prefix length
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def _boundary(window: str) -> int:
    """Where to cut a window that is too short for the rest: the latest paragraph end in its
    second half, else the latest line end there, else the latest space, else its end."""
    half = len(window) // 2
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at > half:
            return at
    at = max(window.rfind(" "), window.rfind("\t"))
    return at if at > 0 else len(window)
