"""What the bot says when the disk refuses to store a hand-off."""

from __future__ import annotations

import re

from bot import texts
from bot.knowledge import KnowledgeBase

COORDINATOR_ENTRY = "kontakt.koordynator"
_PHONE = re.compile(r"\btel\.?\s*(\+?\d[\d ]{7,}\d)")


def storage_down_text(knowledge: KnowledgeBase) -> str:
    """"I cannot take the hand-off now", with the coordinator's phone when the knowledge
    gives one (never made up)."""
    entry = knowledge.entry(COORDINATOR_ENTRY)
    found = _PHONE.search(entry.answer) if entry is not None else None
    if found is None:
        return texts.STORAGE_DOWN
    return texts.STORAGE_DOWN + texts.STORAGE_DOWN_CALL.format(phone=found.group(1))
