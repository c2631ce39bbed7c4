"""No desk route reads or writes a file named by the request: every {placeholder} of every
desk route, filled with path-traversal attempts, gets a Polish refusal and changes nothing."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import replace
from pathlib import Path

from yarl import URL

from bot.desk.auth import PUBLIC
from tests.conftest import ROOT
from tests.desk import csrf, desk_client, desk_settings

ATTEMPTS = (
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fpyproject.toml",
    "..%5C..%5Cbot%5Cconfig.py",
    "....%2F%2F....%2F%2Fetc%2Fpasswd",
    "faq%2Fkontakt.yaml",
    "%2Fetc%2Fpasswd",
    "desk.css%00.js",
    "..",
)
LEAKS = ("root:x:", "[project]", "def load_settings", "entries:")


def fingerprint(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


async def test_traversal_in_any_path_parameter_is_refused(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    base = desk_settings(tmp_path)
    settings = replace(base, knowledge=replace(base.knowledge, path=str(knowledge)))
    before = fingerprint(knowledge)
    async with desk_client(settings) as (client, channel):
        token = await csrf(client, "/koordynator")
        templated = sorted({(route.method, route.resource.canonical)
                            for route in channel.app.router.routes()
                            if route.resource is not None
                            and route.resource.canonical.startswith("/koordynator")
                            and "{" in route.resource.canonical
                            and (route.method, route.resource.canonical) not in PUBLIC
                            and route.method in ("GET", "POST")})
        assert len(templated) >= 8, templated
        for method, canonical in templated:
            for attempt in ATTEMPTS:
                path = re.sub(r"\{[^}]+\}", attempt, canonical)
                url = URL(str(client.make_url("/")).rstrip("/") + path, encoded=True)
                response = await client.session.request(
                    method, url, data={"csrf": token, "tresc": "x", "powod": "x"},
                    allow_redirects=False, headers={"Accept": "text/html"})
                body = await response.text()
                assert response.status in (400, 404, 422), (method, path, response.status)
                assert not any(leak in body for leak in LEAKS), (method, path)
    assert fingerprint(knowledge) == before
