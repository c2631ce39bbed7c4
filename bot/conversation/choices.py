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
    LEARN = "learn"  # value: ticket id; opens a preview (a draft)
    # Buttons of the first version, before previews: recognised, answered as out of date.
    LEARN_NEW = "ln"
    LEARN_CATEGORY = "lc"
    LEARN_AS = "la"
    LEARN_CANCEL = "lx"
    # The preview of a learned entry; value: draft id, then ":" and a detail.
    LEARN_SAVE = "lsv"  # save as a new entry
    LEARN_EDIT = "led"  # value: draft:field (question | answer | button)
    LEARN_PICK_CATEGORY = "lpc"  # show the categories
    LEARN_SET_CATEGORY = "lsc"  # value: draft:category
    LEARN_STRIP = "lst"  # drop the greeting and sign-off from the answer
    LEARN_PHRASING = "lph"  # value: draft:index of the target entry
    LEARN_REPLACE = "lrp"  # value: draft:index, then draft:index:y once confirmed
    LEARN_BACK = "lbk"  # back to the preview's buttons
    LEARN_TARGETS = "ltg"  # the entries the bot had suggested: phrasing or replace
    LEARN_DISCARD = "ldx"
    # /nauczone: learned entries listed, edited and removed; value: entry id (+ detail).
    LEARNED_SHOW = "nsh"
    LEARNED_EDIT = "ned"  # value: field:entry id
    LEARNED_REMOVE = "nrm"  # value: entry id, then y:entry id once confirmed
    LEARNED_UNPHRASE = "nup"  # value: index:entry id
    # Meetings managed from chat; value: draft id or meeting id.
    MEETING_SAVE = "msv"  # value: draft id
    MEETING_EDIT = "med"  # value: draft:field
    MEETING_AUDIENCE = "mau"  # value: draft:public|members
    MEETING_DISCARD = "mdx"  # value: draft id
    MEETING_MOVE = "mmv"  # value: meeting id
    MEETING_CANCEL = "mcx"  # value: meeting id, then y:meeting id once confirmed
    # Under the coordinator's answer, for the resident; value: ticket id (rating: id:1|0).
    ANSWER_DONE = "ad"
    ANSWER_MORE = "am"
    ANSWER_RATE = "ar"
    # The coordinator's desk; value: ticket id (answer again: ticket:message, then y| n).
    TICKET_TAKE = "tt"
    TICKET_CLOSE = "tc"
    TICKET_SHOW = "ts"
    TICKET_ANSWER_AGAIN = "ta"
    # /ogloszenie's preview; value: the command's message id, then ":" all | members | x.
    ANNOUNCE_SEND = "an"


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
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
