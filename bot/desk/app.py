"""The desk on the web chat's aiohttp app: every pages module's routes registered here, behind
the sign-in and CSRF middleware (bot/desk/auth.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from aiohttp import web

from bot.desk import (
    announcing,
    assets,
    history,
    inbox,
    knowledge_editor,
    meetings,
    signin,
    statistics,
    ticket_page,
)
from bot.desk.auth import SESSIONS_KEY, auth_middleware
from bot.desk.context import DeskContext
from bot.desk.limits import SignInLimiter
from bot.desk.sessions import DeskSessions

log = logging.getLogger(__name__)
CONTEXT_KEY = web.AppKey("desk_context", DeskContext)

# Every pages module of the desk: `routes(ctx) -> list[web.RouteDef]`. Add new ones here.
PAGES: tuple[Callable[[DeskContext], list[web.RouteDef]], ...] = (
    signin.routes,
    inbox.routes,
    ticket_page.routes,
    knowledge_editor.routes,
    history.routes,
    assets.routes,
    meetings.routes,
    announcing.routes,
    statistics.routes,
)


def add_desk(app: web.Application, ctx: DeskContext, *,
             limiter: SignInLimiter | None = None) -> None:
    """Serve the desk from `app` (before it starts)."""
    desk = ctx.settings.desk
    sessions = DeskSessions(ctx.connection, ctx.clock,
                            idle=dt.timedelta(minutes=desk.idle_minutes),
                            lifetime=dt.timedelta(hours=desk.session_hours))
    sessions.forget_expired()
    app[CONTEXT_KEY] = ctx
    app[SESSIONS_KEY] = sessions
    app[signin.LIMITER_KEY] = limiter or SignInLimiter()
    app.middlewares.append(auth_middleware(ctx.settings, sessions))
    for routes in PAGES:
        app.router.add_routes(routes(ctx))
    if not desk.accounts:
        log.info("web desk: no accounts in desk.accounts (python -m bot haslo); "
                 "Telegram coordinators can sign in with /panel")
