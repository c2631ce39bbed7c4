"""Answers by e-mail: a real local SMTP server (aiosmtpd) receives them; an SMTP failure or a
restart loses nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot import texts
from bot.config import load_settings
from bot.web.chat import EMAIL_CHOICE, EMAIL_SAVED
from tests.conftest import Clock
from tests.test_web_api import hand_off
from tests.webchat import NOW, SmtpServer, free_port, post, web_client, web_settings, with_email


def email_rows(channel) -> list:
    return channel.chat.store.connection.execute(
        "SELECT * FROM deliveries WHERE channel = 'email' ORDER BY id").fetchall()


async def leave_address(client, session: str, address: str = "anna@example.pl") -> dict:
    response = await client.post(f"/api/czat/{session}/email",
                                 json={"email": address, "consent": True})
    assert response.status == 200
    return await response.json()


async def test_the_answer_is_emailed_when_the_resident_asked(tmp_path: Path) -> None:
    smtp = SmtpServer(free_port()).start()
    try:
        settings = with_email(web_settings(tmp_path), smtp.port)
        async with web_client(settings) as (client, channel):
            session, handed = await hand_off(client)
            assert handed["messages"][0]["choices"][-1]["id"] == EMAIL_CHOICE
            refused = await client.post(f"/api/czat/{session}/email",
                                        json={"email": "anna@example.pl"})
            assert refused.status == 400 and "zgody" in (await refused.json())["error"]
            bad = await client.post(f"/api/czat/{session}/email",
                                    json={"email": "nie adres", "consent": True})
            assert bad.status == 400
            saved = await leave_address(client, session)
            assert saved["messages"][0]["text"] == EMAIL_SAVED.format(email="anna@example.pl")
            assert saved["retired"] == [handed["messages"][0]["id"]]  # no second offer
            desk = channel.chat.core.desk
            desk.answer(1, "Pies jest w schronisku przy ul. Polnej.")
            assert await channel.postman.drain() == 1  # into the page; the e-mail is owed now
            assert await channel.postman.drain() == 1  # the e-mail
            [message] = smtp.mailbox.messages
            assert message["To"] == "anna@example.pl"
            assert message["From"] == "infolinia@klaster.example"
            assert "zgłoszenie nr 1" in message["Subject"]
            body = message.get_content()
            assert "Pies jest w schronisku przy ul. Polnej." in body
            assert f"https://infolinia.example/czat#s={session}" in body
            assert email_rows(channel)[0]["sent_at"] is not None
    finally:
        smtp.stop()


async def test_smtp_down_then_back_and_a_restart_lose_nothing(tmp_path: Path) -> None:
    port = free_port()
    clock = Clock(NOW)
    settings = with_email(web_settings(tmp_path), port)
    async with web_client(settings, clock) as (client, channel):
        session, _ = await hand_off(client)
        await leave_address(client, session)
        channel.chat.core.desk.answer(1, "Odpowiedź.")
        await channel.postman.drain()
        assert await channel.postman.drain() == 0  # nothing listens on the SMTP port
        [row] = email_rows(channel)
        assert row["attempts"] == 1 and row["last_error"] and row["sent_at"] is None
        assert await channel.postman.drain() == 0  # backing off: not tried again at once
        assert email_rows(channel)[0]["attempts"] == 1
    smtp = SmtpServer(port).start()
    try:
        clock.now = NOW + dt.timedelta(minutes=1)
        async with web_client(settings, clock) as (client, channel):  # a restart
            assert await channel.postman.drain() == 1
            assert "Odpowiedź." in smtp.mailbox.messages[0].get_content()
            history = await (await client.get(f"/api/czat/{session}?po=0")).json()
            answers = [m for m in history["messages"] if m["text"].startswith(
                texts.COORDINATOR_ANSWER.split("(")[0])]
            assert len(answers) == 1  # stored once, whatever was retried
    finally:
        smtp.stop()


async def test_forgetting_cancels_an_owed_email(tmp_path: Path) -> None:
    settings = with_email(web_settings(tmp_path), free_port())
    async with web_client(settings) as (client, channel):
        session, _ = await hand_off(client)
        await leave_address(client, session)
        channel.chat.core.desk.answer(1, "Odpowiedź.")
        await channel.postman.drain()
        asked = await post(client, session=session, choice="usun_dane")
        await post(client, session=session, choice=asked["messages"][0]["choices"][0]["id"])
        [row] = email_rows(channel)
        assert row["failed"] and row["text"] == "" and row["sent_at"] is None


def test_email_settings_and_password_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("email:\n  host: smtp.example.pl\n  user: infolinia\n"
                      "  sender: infolinia@example.pl\nweb:\n  enabled: true\n"
                      "  allowed_origins: [https://www.gmina.pl]\n"
                      "  trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n"
                      "privacy:\n  controller: Gmina Przykładowa\n", encoding="utf-8")
    settings = load_settings(config, env={"INFOLINIA_SMTP_PASSWORD": "tajne"})
    assert settings.email.password == "tajne" and settings.email.port == 587
    assert settings.email.starttls and settings.web.port == 8080
    assert settings.web.listen == "127.0.0.1" and settings.web.enabled
    assert settings.web.allowed_origins == ("https://www.gmina.pl",)
    assert settings.privacy.controller == "Gmina Przykładowa"
    assert load_settings(None, env={}).web.enabled is False
