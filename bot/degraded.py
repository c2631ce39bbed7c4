"""What the bot says when the disk refuses to store a hand-off."""

from __future__ import annotations

import re

from bot import texts
from bot.knowledge import KnowledgeBase

COORDINATOR_ENTRY = "kontakt.koordynator"
_PHONE = re.compile(r"\btel\.?\s*(\+?\d[\d ]{7,}\d)")


def storage_down_text(knowledge: KnowledgeBase, *, unanswered: bool = False) -> str:
    """"I cannot take the hand-off now" (`unanswered`: "I have no answer and cannot pass the
    question on now"), with the coordinator's phone when the knowledge gives one (never made
    up)."""
    text = texts.NO_ANSWER_STORAGE_DOWN if unanswered else texts.STORAGE_DOWN
    entry = knowledge.entry(COORDINATOR_ENTRY)
    found = _PHONE.search(entry.answer) if entry is not None else None
    if found is None:
        return text
    return text + texts.STORAGE_DOWN_CALL.format(phone=found.group(1))
