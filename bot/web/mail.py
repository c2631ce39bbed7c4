"""E-mail to web chat residents who asked for it: the coordinator's answer, over SMTP.

smtplib in a worker thread: one short message now and then does not need an async client.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.config import EmailSettings

SUBJECT = "Odpowiedź koordynatora – zgłoszenie nr {number} (Infolinia Klastra)"
BODY = """Dzień dobry,

odpowiadam na Twoje pytanie z czatu na stronie Klastra Energii Powiatu Częstochowskiego
(zgłoszenie nr {number}):

{text}
{link}
Ten e-mail wysłałem, bo podałeś(-aś) ten adres w czacie. Jeśli nie chcesz więcej wiadomości,
wybierz w czacie „Usuń moje dane”.

Infolinia Klastra
"""
LINK = "\nRozmowa na stronie (możesz w niej dopytać): {url}\n"


class PermanentMailError(Exception):
    """The server will never take this message (a refused address)."""


def answer_message(settings: EmailSettings, to: str, number: int, text: str,
                   conversation_url: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = SUBJECT.format(number=number)
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2].strip("> ") or None
    message["Message-ID"] = make_msgid(domain=domain)
    link = LINK.format(url=conversation_url) if conversation_url else ""
    message.set_content(BODY.format(number=number, text=text, link=link))
    return message


def send(settings: EmailSettings, message: EmailMessage, timeout: float = 30.0) -> None:
    """Blocking: run in a thread. PermanentMailError for a refused recipient; any other
    smtplib or network error is passing."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.port == 465:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with smtp:
        if settings.starttls and settings.port != 465:
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password)
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentMailError(str(exc)) from exc
