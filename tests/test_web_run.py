"""`python run_bot.py --web` as a real process: no token needed, the address printed, a
hand-off stored; the next start with Telegram posts it to the coordinator chat."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp
import yaml

from tests.conftest import COORDINATOR_CHAT, ROOT
from tests.fakebot import FakeTelegram
from tests.test_run_bot import write_config
from tests.webchat import free_port


async def test_web_alone_then_with_telegram(tg: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "web.yaml"
    database = tmp_path / "data" / "bot.sqlite3"
    config.write_text(yaml.safe_dump({
        "knowledge": {"path": str(ROOT / "knowledge")}, "storage": {"path": str(database)},
        "web": {"port": port}}), encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--web", "--config", str(config),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        assert f"http://127.0.0.1:{port}/czat" in line
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/czat") as page:
                assert page.status == 200 and "Zapisz link do tej rozmowy" in await page.text()
            api = f"http://127.0.0.1:{port}/api/czat"
            async with http.post(api, json={"session": None, "text": "zgubiłem psa"}) as r:
                first = await r.json()
            choice = first["messages"][-1]["choices"][0]["id"]
            async with http.post(api, json={"session": first["session"], "choice": choice}
                                 ) as r:
                handed = await r.json()
        assert "Odpowiedź pokażę w tym oknie" in handed["messages"][0]["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT channel, question FROM tickets").fetchall() == [
            ("web", "zgubiłem psa")]

    telegram = write_config(tmp_path, tg, web={"enabled": True, "port": free_port()})
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), "--config", str(telegram), cwd=tmp_path,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        post = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1", timeout=20)
        assert "Kanał: czat na stronie" in post.text and "zgubiłem psa" in post.text
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()


async def test_a_busy_port_is_one_config_error_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "web.yaml"
        config.write_text(yaml.safe_dump({
            "knowledge": {"path": str(ROOT / "knowledge")},
            "storage": {"path": str(tmp_path / "bot.sqlite3")}, "web": {"port": port}}),
            encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), "--web", "--config", str(config),
            cwd=tmp_path, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1].startswith(
        f"config error: web.port: cannot listen on 127.0.0.1:{port}")
