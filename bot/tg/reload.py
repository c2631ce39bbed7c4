"""Knowledge hot reload: the coordinator's /przeladuj and a watch on the files.

The rules (wait for files being written, hold back a reload that drops entries, start on the
snapshot) are in bot/knowledge_keeper.py; this module puts them into words for the
coordinator chat.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.config import Settings
from bot.knowledge_keeper import KnowledgeKeeper, Outcome, Removal, StartReport
from bot.meetings import WARSAW
from bot.snapshot import snapshot_dir
from bot.tg.render import split_message
from bot.tg.services import Services, coordinators_only, services

log = logging.getLogger(__name__)

MAX_IDS_PER_FILE = 30


def start_keeper(settings: Settings, now: dt.datetime) -> KnowledgeKeeper:
    """The keeper with the knowledge to start on (the files, or the last good snapshot in
    the data folder); raises KnowledgeError when the files are broken and no snapshot
    exists."""
    keeper = KnowledgeKeeper(settings.knowledge.path, snapshot_dir(settings.storage.path))
    keeper.start(now)
    if keeper.start_report is not None:
        keeper.to_tell.append(keeper.start_report)
    return keeper


def outcome_text(outcome: Outcome, automatic: bool) -> str:
    how = "automatycznie, po zmianie plików" if automatic else "na polecenie"
    kb = outcome.knowledge
    if outcome.kind == "applied":
        text = texts.RELOADED.format(how=how, entries=len(kb.entries), meetings=len(kb.meetings))
        if outcome.removal:
            ids = [i.partition(":")[2] for i in sorted(outcome.removal.keys)]
            text += "\n" + texts.RELOAD_CONFIRMED.format(ids=", ".join(ids))
        return text
    if outcome.kind == "held":
        return "\n".join([texts.RELOAD_HELD.format(how=how), *removal_lines(outcome.removal),
                          texts.RELOAD_HELD_TAIL])
    if outcome.kind == "unsettled":
        return texts.RELOAD_UNSETTLED.format(files=", ".join(outcome.unsettled))
    errors = [str(p) for p in outcome.problems]
    return texts.RELOAD_FAILED.format(how=how, count=len(errors)) + "\n" + "\n".join(errors)


def start_report_text(report: StartReport) -> str:
    saved = report.saved_at.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")
    if report.problems:
        return "\n".join([texts.STARTED_ON_SNAPSHOT_BROKEN.format(
            saved=saved, count=len(report.problems)), *(str(p) for p in report.problems)])
    return "\n".join([texts.STARTED_ON_SNAPSHOT_REMOVED.format(saved=saved),
                      *removal_lines(report.removal), texts.RELOAD_HELD_TAIL])


def removal_lines(removal: Removal) -> list[str]:
    """One line per file: "• faq/kontakt.yaml (pliku nie ma): kontakt.ogolny, …"."""
    lines = []
    for file, ids in sorted(removal.entries.items()):
        gone = f" ({texts.REMOVED_FILE_GONE})" if file in removal.missing_files else ""
        lines.append(f"• {file}{gone}: {_some(ids)}")
    if removal.meetings:
        lines.append(f"• meetings.yaml – {texts.REMOVED_MEETINGS}: {_some(removal.meetings)}")
    return lines


def _some(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:MAX_IDS_PER_FILE])
    if len(ids) > MAX_IDS_PER_FILE:
        shown += " " + texts.REMOVED_MORE.format(count=len(ids) - MAX_IDS_PER_FILE)
    return shown


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/przeladuj, /reload (coordinators): load now; confirms losses shown before."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    outcome = await svc.reload_on_command()
    log.info("knowledge reload on command: %s", outcome.kind)
    for part in split_message(outcome_text(outcome, automatic=False)):
        await update.effective_message.reply_text(part)


async def watch_knowledge(bot: Bot, svc: Services) -> None:
    """Reload when the files changed and settled; tell the coordinator chat what happened
    (and anything not told yet, e.g. why the bot started on the snapshot)."""
    outcome = svc.watch_knowledge()
    if outcome is not None:
        log.info("knowledge files changed, reload: %s", outcome.kind)
        svc.keeper.to_tell.append(outcome)
    while svc.keeper.to_tell:
        item = svc.keeper.to_tell[0]
        text = (start_report_text(item) if isinstance(item, StartReport)
                else outcome_text(item, automatic=True))
        try:
            for part in split_message(text):
                await bot.send_message(svc.settings.coordinator.chat_id, part)
        except TelegramError as exc:
            log.warning("could not tell the coordinator chat about the knowledge: %s", exc)
            return  # told at the next look
        svc.keeper.to_tell.pop(0)


async def knowledge_watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await watch_knowledge(context.bot, services(context))
