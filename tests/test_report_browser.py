"""The HTML report in a real headless Chromium: it renders, offline, with its charts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage import connect
from tests.test_insight import NOW, Clock, sample_history

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Screenshots land here for a person to look at (git-ignored).
SCREENSHOTS = ROOT / "tests" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by .ci/run (apt chromium)")
def test_report_renders_in_chromium_and_is_captured(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    sample_history(connect(database), Clock(NOW.replace(day=24)))
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  path: {database}\nknowledge:\n  path: {ROOT / 'knowledge'}\n",
                      encoding="utf-8")
    page, table = tmp_path / "raport.html", tmp_path / "bez_odpowiedzi.csv"
    done = subprocess.run([sys.executable, "-m", "bot", "report", "--days", "30", "--out",
                           str(page), "--csv", str(table), "--config", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert table.read_text(encoding="utf-8-sig").splitlines()[0].startswith("pytanie,")

    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert "Raport infolinii Klastra Energii Powiatu Częstochowskiego" in dom.stdout
    assert dom.stdout.count('class="bar"') == 30  # the daily volume chart, drawn by the browser
    assert 'class="rate"' in dom.stdout

    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "raport.png"
    shot.unlink(missing_ok=True)
    subprocess.run([CHROMIUM, *FLAGS, *profile, f"--screenshot={shot}",
                    "--window-size=1000,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
