"""Knowledge hot reload: the coordinator's /przeladuj and a watch on the files."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.loader import LoadResult, knowledge_fingerprint
from bot.tg.render import split_message
from bot.tg.services import Services, coordinators_only, services

log = logging.getLogger(__name__)


def outcome_text(result: LoadResult, automatic: bool, root: str = "") -> str:
    how = "automatycznie, po zmianie plików" if automatic else "na polecenie"
    if result.ok:
        kb = result.knowledge
        return texts.reloaded(how, len(kb.entries), len(kb.meetings))
    errors = [str(p.relative_to(root)) for p in result.problems if p.level == "error"]
    return texts.reload_failed(how, len(errors)) + "\n" + "\n".join(errors)


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/przeladuj, /reload (coordinators)."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    result = svc.reload_knowledge()
    log.info("knowledge reloaded on command: %s", "ok" if result.ok else "rejected")
    text = outcome_text(result, automatic=False, root=svc.settings.knowledge.path)
    for part in split_message(text):
        await update.effective_message.reply_text(part)


async def watch_knowledge(bot: Bot, svc: Services) -> None:
    """Reload when a file under the knowledge directory changed; report to the coordinator."""
    if knowledge_fingerprint(svc.settings.knowledge.path) == svc.knowledge_fingerprint:
        return
    result = svc.reload_knowledge()
    log.info("knowledge files changed, reload: %s", "ok" if result.ok else "rejected")
    text = outcome_text(result, automatic=True, root=svc.settings.knowledge.path)
    for part in split_message(text):
        await bot.send_message(svc.settings.coordinator.chat_id, part)


async def knowledge_watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await watch_knowledge(context.bot, services(context))
