"""A full or read-only disk does not silence the bot (issue 9, 2b).

A real full disk: a 512 KB tmpfs filled to the last block, mounted in a private mount
namespace (`unshare -Urm`, no privileges needed where user namespaces are allowed), with the
bot as a real process talking to the fake Bot API. A read-only database in process:
`PRAGMA query_only` on the bot's own connection, so every write fails as on a read-only disk.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import storage, texts
from bot.degraded import storage_down_text
from bot.loader import load_valid_knowledge
from bot.question_log import QuestionLog
from bot.subscriptions import Subscriber, SubscriptionBook
from tests.conftest import COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeTelegram
from tests.test_run_bot import write_config
from tests.test_telegram import ask

KNOWLEDGE = load_valid_knowledge(ROOT / "knowledge")
STORAGE_DOWN = storage_down_text(KNOWLEDGE)
JOINING = "jak dołączyć do klastra"  # an FAQ question
_joining = KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc")
assert _joining is not None
JOINING_ANSWER = _joining.answer.strip()[:40]


def test_storage_errors_are_told_apart_from_other_errors(tmp_path: Path) -> None:
    full = sqlite3.OperationalError("database or disk is full")
    assert storage.is_unavailable(full)
    assert storage.is_unavailable(OSError(28, "No space left on device"))
    assert not storage.is_unavailable(sqlite3.OperationalError("no such table: x"))
    assert not storage.is_unavailable(sqlite3.IntegrityError("UNIQUE constraint failed"))
    connection = storage.connect(tmp_path / "bot.sqlite3")
    connection.execute("PRAGMA query_only=ON")
    with pytest.raises(storage.StorageUnavailable) as raised:
        connection.execute("INSERT INTO bot_state VALUES ('k', 'v', 'now')")
    assert isinstance(raised.value, sqlite3.OperationalError)  # old handlers still catch it
    assert raised.value.sqlite_errorname == "SQLITE_READONLY"
    with pytest.raises(sqlite3.OperationalError) as other:
        connection.execute("SELECT * FROM no_such_table")
    assert not isinstance(other.value, storage.StorageUnavailable)


def test_the_question_log_and_subscriptions_go_on_when_the_disk_refuses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    connection = storage.connect(tmp_path / "bot.sqlite3")
    log, book = QuestionLog(connection), SubscriptionBook(connection)
    connection.execute("PRAGMA query_only=ON")
    assert log.record("pytanie", "answer", "x.y", 90.0) is None
    log.feedback(1, helped=True)
    log.handed_off(1)
    assert book.subscribe(Subscriber(5, 5)) is False
    assert "storage unavailable" in caplog.text


async def test_a_read_only_database_answers_faq_and_refuses_hand_offs_plainly(
    tg: FakeTelegram, settings
) -> None:
    async with running_bot(settings) as application:
        connection = application.bot_data["services"].questions._db
        connection.execute("PRAGMA query_only=ON")  # every write now fails as on a ro disk

        answer = await ask(tg, JOINING)
        assert JOINING_ANSWER in answer.text and answer.buttons == []
        unknown = await ask(tg, "zgubiłem psa na spacerze")
        assert unknown.text == storage_down_text(KNOWLEDGE, unanswered=True)
        assert unknown.buttons == []
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/start")
        menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT, start=start)
        await tg.press(RESIDENT, menu, "ask")  # said at once, before the question is typed
        refused = await tg.wait_for_text(RESIDENT.id, STORAGE_DOWN, start=start)
        assert "533 353 697" in refused.text
        assert "533 353 697" in (await ask(tg, "/kontakt")).text
        assert not [s for s in tg.sent if s.text == texts.APOLOGY]

        connection.execute("PRAGMA query_only=OFF")  # the disk is back: hand-offs work again
        offer = await ask(tg, "zgubiłem psa na spacerze")
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not _namespaces_work(),
                                      reason="unshare -Urm (a private tmpfs) not allowed here")


def _on_a_full_disk(disk: Path, database: Path, command: list[str], *,
                    read_only: bool = False) -> list[str]:
    """`command` in a private mount namespace where `disk` is a tiny tmpfs holding a copy of
    `database`, filled to the last block (or remounted read-only)."""
    quoted = shlex.quote(str(disk))
    script = (f"mount -t tmpfs -o size=512k tmpfs {quoted} && "
              f"cp {shlex.quote(str(database))} {quoted}/ && "
              + (f"mount -o remount,ro {quoted} && " if read_only else
                 f"(dd if=/dev/zero of={quoted}/filler bs=4k 2>/dev/null; true) && ")
              + "exec " + shlex.join(command))
    return ["unshare", "-Urm", "sh", "-c", script]


def _database_with_current_schema(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bot.sqlite3"
    storage.connect(path).close()
    return path


@needs_namespaces
@pytest.mark.parametrize("read_only", [False, True], ids=["full", "read-only"])
def test_storage_connect_opens_a_current_database_on_a_full_or_read_only_disk(
    tmp_path: Path, read_only: bool
) -> None:
    database = _database_with_current_schema(tmp_path / "prepared")
    disk = tmp_path / "disk"
    disk.mkdir()
    code = ("import sys; from bot import storage\n"
            f"c = storage.connect({str(disk / 'bot.sqlite3')!r})\n"
            "print(c.execute('SELECT count(*) FROM tickets').fetchone()[0])\n"
            "try:\n"
            "    c.execute(\"INSERT INTO bot_state VALUES ('k', 'v', 'now')\")\n"
            "except storage.StorageUnavailable as exc:\n"
            "    print('unavailable', exc.sqlite_errorname)\n")
    done = subprocess.run(_on_a_full_disk(disk, database, [sys.executable, "-c", code],
                                          read_only=read_only),
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    expected = "SQLITE_READONLY" if read_only else "SQLITE_FULL"
    assert done.stdout.split() == ["0", "unavailable", expected]


@needs_namespaces
async def test_the_bot_starts_on_a_full_disk_answers_faq_and_refuses_hand_offs_plainly(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    database = _database_with_current_schema(tmp_path / "prepared")
    disk = tmp_path / "disk"
    disk.mkdir()
    config = write_config(tmp_path, tg, storage={"path": str(disk / "bot.sqlite3")})
    command = [sys.executable, str(ROOT / "run_bot.py"), "--config", str(config)]
    process = await asyncio.create_subprocess_exec(
        *_on_a_full_disk(disk, database, command), cwd=tmp_path,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        start = len(tg.sent)
        await tg.send_text(RESIDENT, JOINING)
        answer = await tg.wait_for_text(RESIDENT.id, JOINING_ANSWER, timeout=30, start=start)
        assert answer.buttons == []
        unknown = await ask(tg, "zgubiłem psa na spacerze")
        assert unknown.text == storage_down_text(KNOWLEDGE, unanswered=True)
        assert "533 353 697" in (await ask(tg, "/kontakt")).text
        assert not [s for s in tg.sent if s.text == texts.APOLOGY]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "the disk refuses writes" in log
    assert "could not save the knowledge snapshot" in log
