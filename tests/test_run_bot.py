"""`python run_bot.py --config ...` as a real process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import yaml

from bot import texts
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT
from tests.fakebot import FakeTelegram


def write_config(tmp_path: Path, tg: FakeTelegram, **changes: object) -> Path:
    config = {
        "telegram": {"token": tg.token, "base_url": tg.base_url,
                     "base_file_url": tg.base_file_url},
        "coordinator": {"chat_id": COORDINATOR_CHAT.id, "user_ids": [COORDINATOR.id]},
        "knowledge": {"path": str(ROOT / "knowledge")},
        "storage": {"path": str(tmp_path / "data" / "bot.sqlite3")},
        **changes,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


async def test_run_bot_serves_a_resident_and_stops_cleanly(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    config = write_config(tmp_path, tg)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(config), cwd=tmp_path,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await tg.send_text(RESIDENT, "/start")
        await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT, timeout=20)
        await tg.send_text(RESIDENT, "kiedy powstał klaster")
        await tg.wait_for_text(RESIDENT.id, "21 grudnia 2021", timeout=5)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    assert tg.token not in stderr.decode()  # the token never reaches the logs


async def test_run_bot_refuses_a_config_without_coordinator_chat(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    config = write_config(tmp_path, tg, coordinator={"chat_id": 0, "user_ids": [1]})
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(config), cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert stderr.decode().strip().startswith("config error: coordinator.chat_id:")


async def test_run_bot_names_an_unknown_key(tg: FakeTelegram, tmp_path: Path) -> None:
    config = write_config(tmp_path, tg, telegramm={"token": "x"})
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(config), cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert "telegramm: unknown key" in stderr.decode()


async def test_run_bot_names_a_token_telegram_rejects(tg: FakeTelegram, tmp_path: Path) -> None:
    config = write_config(tmp_path, tg)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(config), cwd=tmp_path,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": "999:WRONG"}, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "config error: telegram.token: Telegram rejected the token")
