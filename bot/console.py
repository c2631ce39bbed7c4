"""A chat in the terminal over the same conversation core as Telegram: for trying the knowledge.

Choices are numbered; hand-offs are stored in an in-memory database, so nothing reaches a
coordinator and nothing is left on disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TextIO

from bot import storage, texts
from bot.conversation import Choice, Sender, Turn
from bot.conversation.choices import ChoiceKind, encode
from bot.conversation.service import Conversation, ConversationSettings
from bot.conversation.state import ConversationStates
from bot.matcher import Matcher
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tickets import Clock, TicketDesk, utc_now

HELP = (
    "Komendy: /menu – tematy, /kontakt – dane kontaktowe, /moje_dane, /usun_dane, "
    "/koniec – wyjście.\nWybór z listy: wpisz numer."
)
CONSOLE_HANDOFF = (
    "(W trybie konsoli zgłoszenie zostaje tylko w pamięci tej sesji: żaden koordynator go "
    "nie dostanie.)"
)
EXIT_WORDS = frozenset({"/koniec", "/exit", "/quit", "koniec", "exit", "quit"})
CONSOLE_PERSON = Sender.private_chat("console", "local", "Konsola")
COMMANDS = {"/menu": "menu", "/start": "start", "/pomoc": "start", "/help": "start",
            "/kontakt": "contact", "/contact": "contact", "/moje_dane": "my_data",
            "/usun_dane": "forget_request", "/spotkania": "meetings",
            "/przypomnienia": "reminders"}
UPCOMING_ENTRY = "spotkania.najblizsze"
REMINDERS_ELSEWHERE = "Przypomnienia o spotkaniach włączysz w Telegramie (/przypomnienia)."


@dataclass
class ConsoleChat:
    """Turns one line from the person into the bot's reply; remembers numbered choices."""

    matcher: Matcher
    clock: Clock = utc_now
    _choices: list[Choice] = field(default_factory=list)
    _core: Conversation = field(init=False)

    def __post_init__(self) -> None:
        db = storage.connect(":memory:")
        desk = TicketDesk(db, self.clock)
        self._core = Conversation(
            lambda: self.matcher, desk, QuestionLog(db, clock=self.clock),
            SubscriptionBook(db, self.clock), ConversationStates(db, self.clock),
            coordinator_chat=lambda: 0, settings=ConversationSettings(), clock=self.clock)

    def start(self) -> str:
        return f"{texts.greeting()}\n{HELP}"

    def reply(self, line: str) -> str:
        text = line.strip()
        if text.isascii() and text.isdigit() and self._choices:
            number = int(text)
            if not 1 <= number <= len(self._choices):
                return f"Wpisz numer od 1 do {len(self._choices)} albo zadaj nowe pytanie."
            turn = self._core.choose(CONSOLE_PERSON, self._choices[number - 1].id)
            return self._render(turn or Turn.of())
        command = COMMANDS.get(text.split(maxsplit=1)[0].casefold() if text else "")
        if command == "meetings":
            return self._render(self._core.choose(
                CONSOLE_PERSON, encode(ChoiceKind.QUESTION, UPCOMING_ENTRY)) or Turn.of())
        if command == "reminders":
            return REMINDERS_ELSEWHERE
        if command is not None:
            return self._render(getattr(self._core, command)(CONSOLE_PERSON))
        return self._render(self._core.message(CONSOLE_PERSON, text))

    def _render(self, turn: Turn) -> str:
        self._choices = [c for reply in turn.replies for c in reply.choices
                         if not c.private_link]
        lines: list[str] = []
        number = 0
        for reply in turn.replies:
            lines.append(reply.text)
            for choice in reply.choices:
                number += 1
                lines.append(f"  {number}. {choice.label}")
            if reply.kind == "handed_off":
                lines.append(CONSOLE_HANDOFF)
        if turn.notice:
            lines.append(turn.notice)
        return "\n".join(lines)


def run_console(matcher: Matcher, stdin: TextIO, stdout: TextIO) -> int:
    chat = ConsoleChat(matcher, clock=lambda: dt.datetime.now(dt.UTC))
    interactive = stdin.isatty()
    print(chat.start(), file=stdout)
    try:
        while True:
            if interactive:
                stdout.write("\nTy: ")
                stdout.flush()
            line = stdin.readline()
            if not line or line.strip().casefold() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            if not interactive:
                print(f"\nTy: {line.strip()}", file=stdout)
            print(f"Bot: {chat.reply(line)}", file=stdout)
    except KeyboardInterrupt:  # Ctrl+C ends the chat like /koniec, without a traceback
        print(file=stdout)
    print("Do widzenia!", file=stdout)
    return 0
