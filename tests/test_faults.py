"""Faults: a killed process, a flaky Bot API, and random input: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bot.config import KnowledgeSettings, Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeTelegram, FakeUser
from tests.test_run_bot import write_config
from tests.test_telegram_meetings import MEETING_START, MEETINGS_YAML, Clock, subscribe


async def start_bot_process(config: Path, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(config), cwd=cwd,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def test_killed_between_ticket_and_reply_the_reply_still_arrives(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    config = write_config(tmp_path, tg)
    first = await start_bot_process(config, tmp_path)
    try:
        await tg.send_text(RESIDENT, "zgubiłem psa na spacerze")
        offer = await tg.wait_for_text(RESIDENT.id, "Nie mam gotowej odpowiedzi", timeout=20)
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        await tg.wait_for_text(RESIDENT.id, "zgłoszenie nr 1")
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL

    await tg.send_text(COORDINATOR, "Odpowiedź po awarii.", chat=COORDINATOR_CHAT,
                       reply_to=ticket)  # waits in Telegram until the bot is back
    second = await start_bot_process(config, tmp_path)
    try:
        answer = await tg.wait_for_text(RESIDENT.id, "Odpowiedź koordynatora", timeout=20)
        assert answer.text.endswith("Odpowiedź po awarii.")
    finally:
        second.send_signal(signal.SIGINT)
        await asyncio.wait_for(second.wait(), timeout=20)


async def test_a_flaky_api_loses_nothing_and_doubles_nothing(
    tg: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    settings = replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)))
    clock = Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))
    residents = [FakeUser(400 + i, f"Mieszkaniec {i}") for i in range(4)]
    async with running_bot(settings, clock=clock):
        offers = []
        for resident in residents:
            await tg.send_text(resident, f"zgubiłem psa numer {resident.id}")
            offers.append(await tg.wait_for_text(resident.id, "Nie mam gotowej odpowiedzi"))
            await subscribe(tg, resident)

        tg.fail_randomly(0.3, {"sendMessage", "answerCallbackQuery", "editMessageReplyMarkup"},
                         seed=7)
        for resident, offer in zip(residents, offers, strict=True):
            await tg.press(resident, offer, offer.buttons[0][1])
        for number in range(1, 5):
            await tg.wait_for_text(COORDINATOR_CHAT.id, f"Zgłoszenie #{number}\n", timeout=15)
            await tg.send_text(COORDINATOR, f"/odpowiedz {number} Odpowiedź nr {number}.",
                               chat=COORDINATOR_CHAT)
        clock.now = MEETING_START - dt.timedelta(hours=3)  # reminders fall due meanwhile
        await asyncio.sleep(2)
        tg.stop_failing()

        for resident in residents:
            await tg.wait_for_text(resident.id, "Odpowiedź koordynatora", timeout=20)
            await tg.wait_for_text(resident.id, "🔔 Przypomnienie", timeout=20)
        await asyncio.sleep(1)  # anything doubled would show up by now
    assert any(status in (429, 500) for _, _, status in tg.errors)

    posts = Counter(s.text.split("\n")[0] for s in tg.messages_to(COORDINATOR_CHAT.id)
                    if s.method == "sendMessage" and s.text.startswith("<b>Zgłoszenie #"))
    assert sorted(posts.values()) == [1, 1, 1, 1], posts
    for resident in residents:
        sent = [s.text for s in tg.messages_to(resident.id) if s.method == "sendMessage"]
        assert sum(t.startswith("Odpowiedź koordynatora") for t in sent) == 1
        assert sum(t.startswith("🔔 Przypomnienie") for t in sent) == 1
