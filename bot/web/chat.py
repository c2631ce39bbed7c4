"""The web chat channel: API calls become conversation core calls; replies become stored
messages of the session (both ways), and waiting pages are woken."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot import texts
from bot.conversation import Reply, Sender, Turn
from bot.conversation.choices import ChoiceKind, decode
from bot.conversation.service import Conversation
from bot.web.live import Live
from bot.web.sessions import WebMessage, WebSessions

CHANNEL = "web"
# Typed commands work as in Telegram (the core's texts mention /kontakt and /usun_dane).
COMMANDS = {"/start": "menu", "/menu": "menu", "/pomoc": "menu", "/help": "menu",
            "/kontakt": "contact", "/contact": "contact", "/moje_dane": "my_data",
            "/usun_dane": "forget_request"}
# The page's own buttons (footer), as choice ids.
PAGE_CHOICES = {"kontakt": "contact", "moje_dane": "my_data", "usun_dane": "forget_request"}
PAGE_LABELS = {"kontakt": "Kontakt", "moje_dane": "Moje dane", "usun_dane": "Usuń moje dane"}
EMAIL_CHOICE = "web:email"  # opens the page's e-mail form; never sent to the server
CALENDAR_CHOICE = "web:ics:"  # + meeting id: the page links to /czat/spotkanie/<id>.ics
# Buttons whose effect is Telegram's own (calendar files, reminders, coordinators' tools).
NOT_ON_THE_WEB = {ChoiceKind.CALENDAR, ChoiceKind.REMINDERS, ChoiceKind.LEARN,
                  ChoiceKind.LEARN_NEW, ChoiceKind.LEARN_CATEGORY, ChoiceKind.LEARN_AS,
                  ChoiceKind.LEARN_CANCEL}

HANDOFF_CONSENT = (
    "Jeśli przekażę pytanie, koordynator przeczyta je razem z tą rozmową; zapiszę je na "
    "{days} dni."
)
ANSWER_COMES_HERE = (
    "Odpowiedź pokażę w tym oknie. Możesz je zamknąć: ta przeglądarka zapamięta rozmowę, "
    "a przycisk „Zapisz link do tej rozmowy” pozwoli wrócić do niej na innym urządzeniu."
)
EMAIL_OFFER = "Chcę odpowiedź także e-mailem"
EMAIL_SAVED = (
    "Zapisałem adres {email}. Odpowiedź koordynatora wyślę też tam. Adres usuniesz przyciskiem "
    "„Usuń moje dane”."
)
EMAIL_REMOVED = "Usunąłem adres e-mail. Odpowiedź pokażę tylko tutaj."
EMAIL_OFF = "Nie wysyłam e-maili; odpowiedź pokażę tutaj."
NOT_HERE = "Tego nie zrobię w czacie na stronie. Napisz pytanie albo wybierz temat z menu."
MY_DATA_WEB = (
    "W tej rozmowie na stronie: {count} wiadomości. E-mail do odpowiedzi: {email}. "
    "Rozmowę usuwam po {days} dniach bez nowych wiadomości."
)


@dataclass
class Exchange:
    """What one request did: the session to use from now on and the bot's new messages."""

    session: str
    messages: list[WebMessage]
    retired: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"session": self.session, "messages": [m.as_json() for m in self.messages],
                "retired": self.retired}


class UnknownSession(LookupError):
    pass


class WebChat:
    def __init__(self, core: Conversation, store: WebSessions, live: Live, *,
                 retention_days: int, email_enabled: bool,
                 kick: Callable[[], None] = lambda: None) -> None:
        self.core = core
        self.store = store
        self.live = live
        self.retention_days = retention_days
        self.email_enabled = email_enabled
        self._kick = kick

    # -- requests -------------------------------------------------------------------------
    def say(self, session: str | None, text: str) -> Exchange:
        with self.store.transaction():
            session = self._open(session)
            self.store.add(session, "person", text)
            sender = self._sender(session)
            word = text.split(maxsplit=1)[0].casefold()
            command = COMMANDS.get(word)
            if command is not None:
                turn = getattr(self.core, command)(sender)
            elif word.startswith("/") and word[1:].isalpha():
                turn = Turn.of(Reply(texts.UNKNOWN_COMMAND, kind="info"))
            else:
                turn = self.core.message(sender, text)
            exchange = self._record(session, turn)
        self._after(exchange)
        return exchange

    def choose(self, session: str | None, choice: str) -> Exchange:
        decoded = decode(choice)
        if (decoded is not None and decoded[0] is ChoiceKind.FORGET_YES and session is not None
                and decoded[1] == session):
            return self._forget(session)
        with self.store.transaction():
            session = self._open(session)
            label = self._label(session, choice)
            if label is not None:
                self.store.add(session, "person", label)
            sender = self._sender(session)
            page_action = PAGE_CHOICES.get(choice)
            turn: Turn | None
            if page_action is not None:
                turn = getattr(self.core, page_action)(sender)
            elif decoded is not None and decoded[0] in NOT_ON_THE_WEB:
                turn = None
            else:
                turn = self.core.choose(sender, choice)
            exchange = self._record(session, turn or Turn.of())
            if turn is None:
                exchange.messages.append(self.store.add(session, "bot", NOT_HERE))
            if turn is not None and turn.retire_buttons:
                exchange.retired = self.store.retire(session, choice)
        self._after(exchange)
        return exchange

    def set_email(self, session: str, email: str | None) -> Exchange:
        with self.store.transaction():
            session = self._open(session)
            if not self.email_enabled:
                text = EMAIL_OFF
            else:
                self.store.set_email(session, email)
                text = EMAIL_SAVED.format(email=email) if email else EMAIL_REMOVED
            exchange = Exchange(session, [self.store.add(session, "bot", text)])
            if email:
                exchange.retired = self.store.retire(session, EMAIL_CHOICE)
        self._after(exchange)
        return exchange

    def messages_after(self, session: str, seq: int) -> list[WebMessage]:
        if not self.store.exists(session):
            raise UnknownSession(session)
        return self.store.after(session, seq)

    # -- pieces ---------------------------------------------------------------------------
    def _open(self, session: str | None) -> str:
        if session is None:
            return self.store.create()
        if not self.store.exists(session):
            raise UnknownSession(session)
        self.store.touch(session)
        return session

    def _forget(self, session: str) -> Exchange:
        """Everything about the session goes; the page goes on in a new, empty one."""
        with self.store.transaction():
            if not self.store.exists(session):
                raise UnknownSession(session)
            turn = self.core.forget(self._sender(session))
            self.store.delete(session)
            fresh = self.store.create()
            exchange = self._record(fresh, turn)
        self._kick()
        self.live.notify(session)
        return exchange

    def _record(self, session: str, turn: Turn) -> Exchange:
        messages = [self.store.add(session, "bot", text, choices)
                    for text, choices in self._render(session, turn)]
        return Exchange(session, messages)

    def _render(self, session: str, turn: Turn) -> list[tuple[str, list[tuple[str, str]]]]:
        out: list[tuple[str, list[tuple[str, str]]]] = []
        for reply in turn.replies:
            if reply.text == texts.REMINDERS_PITCH:
                continue  # reminders are Telegram's
            choices = [(c.id, c.label) for c in reply.choices
                       if not c.private_link and _on_the_web(c.id)]
            text = reply.text
            if reply.meeting_id is not None:
                choices.append((CALENDAR_CHOICE + reply.meeting_id, texts.ADD_TO_CALENDAR))
            if _hands_off_next(reply.kind, text, choices):
                text += "\n\n" + HANDOFF_CONSENT.format(days=self.retention_days)
            if reply.kind == "handed_off":
                text += "\n\n" + ANSWER_COMES_HERE
                if self.email_enabled and not self.store.email_of(session):
                    choices.append((EMAIL_CHOICE, EMAIL_OFFER))
            if reply.kind == "my_data":
                email = self.store.email_of(session)
                text += "\n\n" + MY_DATA_WEB.format(
                    count=self.store.count(session), email=email or "nie podano",
                    days=self.retention_days)
            out.append((text, choices))
        if turn.notice:
            out.append((turn.notice, []))
        return out

    def _label(self, session: str, choice: str) -> str | None:
        if choice in PAGE_LABELS:
            return PAGE_LABELS[choice]
        label = self.store.label_of(session, choice)
        if label is None:  # the menu is part of the page itself
            label = next((c.label for c in self.core.menu_reply().choices if c.id == choice),
                         None)
        return label

    def _after(self, exchange: Exchange) -> None:
        self._kick()  # a hand-off may owe a ticket post
        self.live.notify(exchange.session)  # the same conversation open on another device

    @staticmethod
    def _sender(session: str) -> Sender:
        return Sender.private_chat(CHANNEL, session)


def _on_the_web(choice: str) -> bool:
    decoded = decode(choice)
    return decoded is None or decoded[0] not in NOT_ON_THE_WEB


def _hands_off_next(kind: str, text: str, choices: list[tuple[str, str]]) -> bool:
    """A reply after which one tap or the next message goes to the coordinator: it says so."""
    if texts.ASK_PROMPT in text:
        return True
    return kind in ("offer", "prompt") and any(
        (decoded := decode(c)) is not None and decoded[0] is ChoiceKind.HAND_OFF
        for c, _ in choices)
