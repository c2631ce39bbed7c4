"""The HTML report in a real headless Chromium, at a desktop and a phone's width (390 px):
it renders offline, nothing overflows, charts are drawn; screenshots for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from bot.question_log import QuestionLog
from bot.storage import connect
from tests.test_insight import NOW, Clock, sample_history

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Screenshots land here for a person to look at (git-ignored).
SCREENSHOTS = ROOT / "tests" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
PHONE, DESKTOP = 390, 1000
# The page in frames exactly as wide as a phone and a desktop (a headless window is at least
# 500 px): after layout, what sticks out of each frame's viewport is noted on the outer <body>.
PROBE = """<!DOCTYPE html><html><body style="margin:0"><script>
function measure(frame, key) {
  const doc = frame.contentDocument, view = frame.contentWindow;
  const wide = [...doc.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > view.innerWidth + 0.5)
    .map(e => e.tagName + '.' + e.className);
  const note = (name, value) => document.body.setAttribute(`data-${name}-${key}`, value);
  note('overflow', wide.length ? wide.join(' ') : 'none');
  note('scroll', doc.documentElement.scrollWidth);
  note('bars', doc.querySelectorAll('.bar').length);
  note('rates', doc.querySelectorAll('.rate').length);
  note('title', doc.querySelector('h1').textContent);
}
</script>FRAMES</body></html>"""
FRAME = """<iframe onload="measure(this, 'KEY')" style="width:WIDTHpx;height:900px;border:0"
srcdoc="PAGE"></iframe>"""

pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is installed by .ci/run (apt chromium)")


def write_report(tmp_path: Path, database: Path, name: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  path: {database}\nknowledge:\n  path: {ROOT / 'knowledge'}\n",
                      encoding="utf-8")
    page, table = tmp_path / f"{name}.html", tmp_path / f"{name}.csv"
    done = subprocess.run([sys.executable, "-m", "bot", "report", "--days", "30", "--out",
                           str(page), "--csv", str(table), "--config", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert table.read_text(encoding="utf-8-sig").splitlines()[0].startswith("pytanie,")
    return page


def rendered(frames: dict[str, tuple[Path, int]], tmp_path: Path) -> str:
    """The outer <body> after each page was laid out at its width (one browser start for
    all), with what was found noted as data-<what>-<key>."""
    probe = tmp_path / "probe.html"
    html = "".join(FRAME.replace("KEY", key).replace("WIDTH", str(width)).replace(
        "PAGE", escape(page.read_text(encoding="utf-8"), quote=True))
        for key, (page, width) in frames.items())
    probe.write_text(PROBE.replace("FRAMES", html), encoding="utf-8")
    profile = "--user-data-dir=" + str(tmp_path / "profile-probe")
    dom = subprocess.run([CHROMIUM, *FLAGS, profile, "--window-size=1500,900",
                          "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120)
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body is not None, dom.stderr
    return body.group(0)


def screenshot(page: Path, width: int, height: int, name: str, tmp_path: Path) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / name
    shot.unlink(missing_ok=True)
    profile = "--user-data-dir=" + str(tmp_path / f"profile-shot-{width}")
    subprocess.run([CHROMIUM, *FLAGS, profile, f"--screenshot={shot}",
                    f"--window-size={width},{height}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    return shot


def test_report_reads_on_a_phone_and_a_desktop_and_says_when_nobody_asked(
    tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    db = connect(database)
    clock = Clock(NOW.replace(day=24))
    sample_history(db, clock)
    log = QuestionLog(db, clock=clock)
    for text in ("ok", "xD", "???", "👍", "tak"):  # acknowledgements, not questions
        log.record(text, "handoff")
    log.handed_off(log.record("czy dostanę dotację na panele ☀️🔋 i magazyn energii?",
                              "handoff"))
    log.handed_off(log.record("https://example.org/" + "bardzo-dlugi-adres-" * 8, "handoff"))
    page = write_report(tmp_path, database, "raport")
    html = page.read_text(encoding="utf-8")
    assert ">ok<" not in html and "xD" not in html and "👍" not in html
    assert "Poza tym 5 wiadomości bez pytania" in html
    empty_db = tmp_path / "empty.sqlite3"
    connect(empty_db).close()
    empty = write_report(tmp_path, empty_db, "pusty")
    assert "nikt nie zadał pytania" in empty.read_text(encoding="utf-8")

    dom = rendered({"phone": (page, PHONE), "desktop": (page, DESKTOP),
                    "empty": (empty, PHONE)}, tmp_path)
    for key, width in (("phone", PHONE), ("desktop", DESKTOP), ("empty", PHONE)):
        assert (f'data-title-{key}="Raport infolinii Klastra Energii Powiatu Częstochowskiego"'
                in dom)
        assert f'data-bars-{key}="30"' in dom
        assert f'data-overflow-{key}="none"' in dom, dom
        assert f'data-scroll-{key}="{width}"' in dom, dom
    assert 'data-rates-phone="0"' not in dom and 'data-rates-empty="0"' in dom
    screenshot(page, DESKTOP, 1900, "raport.png", tmp_path)
    screenshot(page, PHONE, 2600, "raport-390.png", tmp_path)
    screenshot(empty, PHONE, 1500, "raport-pusty-390.png", tmp_path)
