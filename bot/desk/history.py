"""Who changed what from the desk, and when (/koordynator/historia), with "Cofnij" where a
change can be undone (`undo_ref`: a stored version, see bot/desk/versions.py)."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass

from aiohttp import web

from bot.desk import versions
from bot.desk.context import DeskContext
from bot.desk.page import LOGIN_KEY, Html, csrf_field, html, join, page, see_other
from bot.loader import load_knowledge
from bot.meetings import WARSAW

log = logging.getLogger(__name__)
SHOWN = 200


@dataclass(frozen=True)
class Change:
    id: int
    at: dt.datetime
    login: str
    action: str
    detail: str
    undo_ref: int | None = None
    undone_at: dt.datetime | None = None


def record(connection: sqlite3.Connection, when: dt.datetime, login: str, action: str,
           detail: str, undo_ref: int | None = None) -> int:
    """Write one line of history; its id."""
    cursor = connection.execute(
        "INSERT INTO desk_history (at, login, action, detail, undo_ref) VALUES (?, ?, ?, ?, ?)",
        (when.astimezone(dt.UTC).isoformat(), login, action, detail, undo_ref))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def recent(connection: sqlite3.Connection, limit: int = SHOWN) -> list[Change]:
    """The newest changes first."""
    rows = connection.execute("SELECT * FROM desk_history ORDER BY id DESC LIMIT ?", (limit,))
    return [_change(r) for r in rows]


def change(connection: sqlite3.Connection, change_id: int) -> Change | None:
    row = connection.execute("SELECT * FROM desk_history WHERE id = ?", (change_id,)).fetchone()
    return _change(row) if row else None


def mark_undone(connection: sqlite3.Connection, change_id: int, when: dt.datetime) -> None:
    connection.execute("UPDATE desk_history SET undone_at = ? WHERE id = ?",
                       (when.astimezone(dt.UTC).isoformat(), change_id))


def _change(row: sqlite3.Row) -> Change:
    return Change(row["id"], dt.datetime.fromisoformat(row["at"]), row["login"], row["action"],
                  row["detail"], row["undo_ref"],
                  dt.datetime.fromisoformat(row["undone_at"]) if row["undone_at"] else None)


def when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(WARSAW):%d.%m.%Y %H:%M}"


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    async def history_page(request: web.Request) -> web.StreamResponse:
        changes = recent(ctx.connection)
        if not changes:
            body = Html("<p>Z biurka nikt jeszcze niczego nie zmienił.</p>")
        else:
            rows = [_row(request, c) for c in changes]
            body = html('<table class="stack"><thead><tr><th scope="col">Kiedy</th>'
                        '<th scope="col">Kto</th><th scope="col">Co</th>'
                        '<th scope="col">Szczegóły</th><th scope="col">'
                        '<span class="muted">Cofnięcie</span></th></tr></thead>'
                        "<tbody>{rows}</tbody></table>", rows=join(rows))
        return page(request, "Historia zmian", body)

    async def undo(request: web.Request) -> web.StreamResponse:
        number = request.match_info["id"]
        found = change(ctx.connection, int(number)) if number.isdigit() else None
        if found is None or found.undo_ref is None:
            raise web.HTTPNotFound()
        if found.undone_at is not None:
            return see_other("/koordynator/historia", "Tę zmianę już cofnąłem.")
        try:
            path = versions.restore(ctx.connection, found.undo_ref, ctx.knowledge_root)
        except versions.WouldBreak as exc:
            return see_other("/koordynator/historia",
                             f"Nie cofnąłem tej zmiany: {exc}. Popraw najpierw tamten wpis.")
        except (LookupError, ValueError, OSError) as exc:
            log.warning("undo of change %s failed: %s", found.id, exc)
            return see_other("/koordynator/historia",
                             "Nie udało mi się cofnąć tej zmiany: nie mam już poprzedniej wersji.")
        outcome = await ctx.reload(_removed_by_restore(ctx))
        login = request[LOGIN_KEY]
        mark_undone(ctx.connection, found.id, ctx.clock())
        name = path.relative_to(ctx.knowledge_root) if path.is_relative_to(
            ctx.knowledge_root) else path.name
        record(ctx.connection, ctx.clock(), login, "Cofnięcie zmiany",
               f"{found.action}: {found.detail} (plik {name})")
        return see_other("/koordynator/historia", f"Cofnąłem zmianę. {outcome}")

    return [web.get("/koordynator/historia", history_page),
            web.post("/koordynator/historia/{id}/cofnij", undo)]


def _row(request: web.Request, item: Change) -> Html:
    if item.undone_at is not None:
        action = html('<span class="muted">cofnięta {at}</span>', at=when(item.undone_at))
    elif item.undo_ref is not None:
        action = html('<form method="post" action="/koordynator/historia/{id}/cofnij">{csrf}'
                      '<button type="submit" class="secondary">Cofnij</button></form>',
                      id=item.id, csrf=csrf_field(request))
    else:
        action = Html("")
    return html('<tr><td data-label="Kiedy">{at}</td><td data-label="Kto">{login}</td>'
                '<td data-label="Co">{action}</td><td data-label="Szczegóły" class="text">'
                "{detail}</td><td>{undo}</td></tr>", at=when(item.at), login=item.login,
                action=item.action, detail=item.detail, undo=action)


def _removed_by_restore(ctx: DeskContext) -> frozenset[str]:
    """What the restored files no longer have: removed on purpose, so the reload may drop it."""
    result = load_knowledge(ctx.knowledge_root, ctx.clock())
    if not result.ok:
        return frozenset()
    kb = ctx.knowledge()
    entries = {e.id for e in kb.entries} - {e.id for e in result.knowledge.entries}
    meetings = {m.id for m in kb.meetings} - {m.id for m in result.knowledge.meetings}
    return frozenset({f"entry:{i}" for i in entries} | {f"meeting:{m}" for m in meetings})
