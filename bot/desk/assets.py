"""The desk's scripts (bot/desk/static/*.js), served to signed-in coordinators only."""

from __future__ import annotations

import re

from aiohttp import web

from bot.desk.context import DeskContext
from bot.desk.page import STATIC

NAME = re.compile(r"[a-z0-9_-]{1,40}\.js")


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    async def script(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = STATIC / name
        if not NAME.fullmatch(name) or not path.is_file():  # no path outside static/
            raise web.HTTPNotFound()
        return web.Response(body=path.read_bytes(),
                            headers={"Content-Type": "text/javascript; charset=utf-8"})

    return [web.get("/koordynator/zasoby/{name}", script)]
