"""Random bodies, sessions and parameters to every endpoint of the web chat: only the
documented statuses come back (200, 400, 404, 413, 429), never a 500, always JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.web.app import LIMITS_KEY
from bot.web.limits import RateLimit
from tests.webchat import web_client, web_settings

ALLOWED = {200, 400, 404, 413, 429}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({}, optional={
        "session": st.none() | st.text(max_size=30) | st.integers() | st.just("A" * 22),
        "text": st.text(max_size=50) | st.integers() | st.none() | st.just("x" * 4001),
        "choice": st.text(max_size=70) | st.sampled_from(
            ["menu", "cat:spoldzielnie", "q:klaster.czym_jest", "h:1", "ok:1", "fy:x",
             "ics:x", "ask", "moje_dane", "usun_dane", "kontakt", "web:email", "ph:1"]),
        "email": st.text(max_size=30) | st.none() | st.just("anna@example.pl"),
        "consent": st.booleans() | st.none(),
    }).map(lambda d: json.dumps(d).encode()),
)


class Served:
    """One web chat on its own event loop, driven from synchronous Hypothesis examples."""

    def __init__(self, tmp_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self._context = web_client(web_settings(tmp_path), poll_seconds=0.01)
        self.client, self.channel = self.loop.run_until_complete(self._context.__aenter__())
        self.session = self.run(self._session())

    async def _session(self) -> str:
        response = await self.client.post("/api/czat", json={"session": None, "text": "klaster"})
        return (await response.json())["session"]

    def run(self, step: Any) -> Any:
        return self.loop.run_until_complete(step)

    def close(self) -> None:
        self.loop.run_until_complete(self._context.__aexit__(None, None, None))
        self.loop.close()

    def request(self, method: str, path: str, body: bytes | None = None) -> int:
        async def go() -> int:
            response = await self.client.request(method, path, data=body)
            data = await response.json()  # always JSON, also for errors
            assert isinstance(data, dict)
            if response.status != 200:
                assert isinstance(data["error"], str) and data["error"]
            if response.status == 429:
                assert int(response.headers["Retry-After"]) >= 1
            return response.status
        return self.run(go())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("web"))
    yield server
    server.close()


def _unlimited(served: Served) -> None:
    """Rate limits would answer 429 to nearly everything after a while: lifted here (they have
    their own tests) so the examples reach the handlers."""
    for limit in served.channel.app[LIMITS_KEY].__dict__.values():
        if isinstance(limit, RateLimit):
            limit.rate, limit.count = 1e9, 10**9


common = settings(max_examples=80, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


@common
@given(body=bodies, known=st.booleans())
def test_post_message(served: Served, body: bytes, known: bool) -> None:
    _unlimited(served)
    if known and body.startswith(b"{") and b'"session"' not in body:
        body = body[:-1] + (b", " if body != b"{}" else b"") + \
            f'"session": "{served.session}"}}'.encode()
    assert served.request("POST", "/api/czat", body) in ALLOWED


@common
@given(body=bodies, known=st.booleans())
def test_post_email(served: Served, body: bytes, known: bool) -> None:
    _unlimited(served)
    session = served.session if known else "A" * 22
    assert served.request("POST", f"/api/czat/{session}/email", body) in ALLOWED


@common
@given(session=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1,
                       max_size=40).filter(lambda s: "/" not in s and "?" not in s
                                           and "#" not in s and "%" not in s),
       position=st.text(max_size=20) | st.integers().map(str), known=st.booleans())
def test_poll(served: Served, session: str, position: str, known: bool) -> None:
    _unlimited(served)
    from urllib.parse import quote
    path = served.session if known else quote(session, safe="")
    assert served.request("GET", f"/api/czat/{path}?po={quote(position)}") in ALLOWED
