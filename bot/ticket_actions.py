"""What a coordinator does with a ticket, whichever desk they use (Telegram or the web desk):
answer, take ("Biorę"), close and tell the resident. The resident gets the answer on their own
channel (a delivery owed, then every delivery loop woken), and the ticket post in the
Telegram coordinator chat shows the same state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot import storage
from bot.conversation.service import closed_notice
from bot.tickets import Ticket, TicketDesk

AnswerKind = Literal["owed", "missing", "anonymised", "confirm"]


@dataclass(frozen=True)
class Answered:
    """What became of an answer: `owed` (it goes out), `missing` (no such ticket),
    `anonymised` (the resident deleted their data: nobody to answer), `confirm` (the ticket
    was answered or closed meanwhile: only sent once the coordinator confirms)."""

    kind: AnswerKind
    ticket: Ticket | None = None


def seen_state(desk: TicketDesk, ticket: Ticket) -> str:
    """What a coordinator saw of a ticket, to tell whether it changed since: its status and
    how many answers it had."""
    answers = sum(item.kind == "answer" for item in desk.history_of(ticket.id))
    return f"{ticket.status}:{answers}"


class TicketActions:
    def __init__(self, desk: TicketDesk, coordinator_chat: Callable[[], int],
                 kick: Callable[[], None]) -> None:
        self.desk = desk
        self._coordinator_chat = coordinator_chat
        self._kick = kick

    def answer(self, number: int, text: str, by: str | None, *, again: bool = False,
               seen: str | None = None, acted_in: int | None = None) -> Answered:
        """Answer ticket `number`. An open ticket is answered at once; one answered or closed
        (or changed since `seen`, see `seen_state`) only `again`, once confirmed."""
        ticket = self.desk.ticket(number)
        if ticket is None:
            return Answered("missing")
        if not ticket.user_id:
            return Answered("anonymised", ticket)
        changed = seen is not None and seen != seen_state(self.desk, ticket)
        if changed or (ticket.status != "open" and not again):
            return Answered("confirm", ticket)
        answered = self.desk.answer(number, text, by=by, acted_in=acted_in)
        self._kick()  # the ticket post shows ✅ once the answer is delivered
        return Answered("owed", answered)

    def claim(self, number: int, by: str) -> Ticket | None:
        """Take an open ticket; None when it is not open."""
        taken = self.desk.claim(number, by)
        if taken is not None:
            self._owe_status(number)
            self._kick()
        return taken

    def close(self, number: int, reason: str = "") -> Ticket | None:
        """Close an open ticket without an answer; the resident is told politely (with the
        reason, if any) and the ticket post shows 🔒. None when there is no such open
        ticket."""
        with storage.transaction(self.desk.connection):
            closed = self.desk.close(number, reason)
            if closed is None:
                return None
            if closed.user_id:  # not anonymised
                self.desk.owe_notice(closed, closed_notice(closed, reason))
            self._owe_status(number)
        self._kick()
        return closed

    def _owe_status(self, number: int) -> None:
        chat = self._coordinator_chat()
        if chat:  # without Telegram there is no ticket post to edit
            self.desk.owe_status(number, chat)
