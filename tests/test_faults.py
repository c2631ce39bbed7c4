"""Faults: a killed process loses nothing. (A flaky Bot API: tests/test_outbox_load.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT
from tests.fakebot import FakeTelegram
from tests.test_run_bot import write_config


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
