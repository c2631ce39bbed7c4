"""One codec for button data: a typed kind and a value, within Telegram's 64-byte limit.

Every channel round-trips these ids unchanged (Telegram callback data, web chat choice ids),
so the limit is checked for all of them; `python -m bot check` checks the knowledge's ids.
"""

from __future__ import annotations

from enum import StrEnum

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data


class ChoiceKind(StrEnum):
    MENU = "menu"
    CATEGORY = "cat"
    QUESTION = "q"
    HAND_OFF = "h"  # value: offer id
    HELPED = "ok"  # value: offer id
    NOT_HELPED = "nh"  # value: offer id
    ASK = "ask"
    NO_THANKS = "no"
    FORGET_YES = "fy"
    FORGET_NO = "fn"
    PHONE_YES = "ph"  # value: ticket id
    PHONE_NO = "pn"
    CALENDAR = "ics"  # value: meeting id
    REMINDERS = "rem"  # value: on | off
    LEARN = "learn"
    LEARN_NEW = "ln"
    LEARN_CATEGORY = "lc"
    LEARN_AS = "la"
    LEARN_CANCEL = "lx"


class ChoiceTooLong(ValueError):
    pass


def encode(kind: ChoiceKind, value: str | int = "") -> str:
    data = f"{kind.value}:{value}" if value != "" else kind.value
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ChoiceTooLong(f"{data!r} is over {CALLBACK_DATA_LIMIT} bytes")
    return data


def fits(kind: ChoiceKind, value: str) -> bool:
    try:
        encode(kind, value)
    except ChoiceTooLong:
        return False
    return True


def decode(data: str | None) -> tuple[ChoiceKind, str] | None:
    """The kind and value of a button's data; None for anything we never made."""
    if not data:
        return None
    head, _, value = data.partition(":")
    try:
        return ChoiceKind(head), value
    except ValueError:
        return None


def number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None
