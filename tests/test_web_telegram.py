"""The web chat beside Telegram in one process: a web hand-off reaches the coordinator chat
marked as coming from the web, and the coordinator's Telegram reply reaches the page."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot import texts
from bot.config import Settings, WebSettings
from bot.tg.render import WEB_CHANNEL_NAME
from tests.conftest import COORDINATOR, COORDINATOR_CHAT
from tests.fakebot import FakeTelegram
from tests.webchat import running_bot_with_web


async def test_web_ticket_goes_to_the_coordinator_and_the_answer_comes_back(
        tg: FakeTelegram, settings: Settings, tmp_path: Path) -> None:
    settings = replace(settings, web=WebSettings(enabled=True, port=0))
    async with running_bot_with_web(settings) as (_, channel), aiohttp.ClientSession() as http:
        api = channel.url.replace("/czat", "/api/czat")
        async with http.post(api, json={"session": None, "text": "zgubiłem psa"}) as response:
            first = await response.json()
        session = first["session"]
        offer = first["messages"][-1]
        start = len(tg.sent)
        async with http.post(api, json={"session": session,
                                        "choice": offer["choices"][0]["id"]}) as response:
            handed = await response.json()
        assert handed["messages"][0]["text"].startswith("Przekazałem pytanie")
        post = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #", start=start)
        assert f"Kanał: {WEB_CHANNEL_NAME}" in post.text and "zgubiłem psa" in post.text
        assert session not in post.text  # the session id is the key to the conversation
        last = handed["messages"][-1]["id"]
        waiting = asyncio.ensure_future(http.get(f"{api}/{session}?po={last}"))
        await tg.send_text(COORDINATOR, "Pies czeka w schronisku.", chat=COORDINATOR_CHAT,
                           reply_to=post)
        async with await asyncio.wait_for(waiting, 5) as response:
            [answer] = (await response.json())["messages"]
        assert answer["text"].endswith("(zgłoszenie nr 1):\n\nPies czeka w schronisku.")
        assert not [s for s in tg.sent if str(s.chat_id) == session]  # nothing to Telegram
        told = await tg.wait_for_text(COORDINATOR_CHAT.id, "jest już na czacie na stronie")
        assert told.buttons == [(texts.LEARN, "learn:1")]
        assert not [s for s in tg.messages_to(COORDINATOR_CHAT.id)
                    if "gdy tylko Telegram pozwoli" in (s.text or "")]

        # A conversation gone (expired) before the answer: the coordinator hears so.
        channel.chat.store.delete(session)
        await tg.send_text(COORDINATOR, "Jeszcze jedno.", chat=COORDINATOR_CHAT, reply_to=post)
        again = await tg.wait_for_text(COORDINATOR_CHAT.id, "ma już odpowiedź – wysłać drugą?")
        await tg.press(COORDINATOR, again, again.buttons[0][1])
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie dostarczyłem odpowiedzi na "
                               "zgłoszenie #1: tej rozmowy na stronie już nie ma")
