"""Polish plural forms: 1 zgłoszenie, 2 zgłoszenia, 5 zgłoszeń."""

from __future__ import annotations


def plural(count: int, one: str, few: str, many: str) -> str:
    """`count` with the noun form Polish grammar wants after it."""
    n = abs(count)
    if n == 1:
        form = one
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        form = few
    else:
        form = many
    return f"{count} {form}"
