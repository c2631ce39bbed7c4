"""/panel: a coordinator's one-time link to the web desk (valid 10 minutes, used once), sent
only in a private chat."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.ext import ContextTypes

from bot.desk.sessions import LINK_LIFETIME, SignInLinks
from bot.tg.services import coordinators_only, services
from bot.web.server import WEB_KEY  # the web chat's channel, when it runs

PRIVATE_ONLY = ("Link do biurka wysyłam tylko w prywatnej rozmowie: napisz do mnie /panel "
                "bezpośrednio.")
NO_DESK = ("Biurko w przeglądarce nie działa, bo nie działa czat na stronie. Włącz "
           "web.enabled: true w konfiguracji (albo uruchom bota z --web).")
LINK = ("Twój link do biurka koordynatora (działa {minutes} minut i tylko raz; nie "
        "przekazuj go nikomu):\n{url}")


async def panel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await coordinators_only(update, context):
        return
    message = update.effective_message
    user = update.effective_user
    if update.effective_chat is None or update.effective_chat.type != "private":
        await message.reply_text(PRIVATE_ONLY)
        return
    svc = services(context)
    channel = context.bot_data.get(WEB_KEY)
    if channel is None or not channel.url:
        await message.reply_text(NO_DESK)
        return
    base = svc.settings.web.public_url.rstrip("/") or channel.url.removesuffix("/czat")
    token = SignInLinks(svc.desk.connection, svc.clock).issue(user.full_name)
    await message.reply_text(
        LINK.format(minutes=int(LINK_LIFETIME.total_seconds() // 60),
                    url=f"{base}/koordynator/link/{token}"),
        link_preview_options=LinkPreviewOptions(is_disabled=True))
