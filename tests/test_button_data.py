"""Button data fits Telegram's 64 bytes: the codec refuses more, and `check` names the id."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.conversation import choices
from bot.conversation.choices import ChoiceKind

ROOT = Path(__file__).parent.parent
LONG_ID = "klaster." + "bardzo_dlugi_identyfikator_wpisu_" * 2  # 74 characters


def test_the_codec_round_trips_and_refuses_data_over_64_bytes() -> None:
    data = choices.encode(ChoiceKind.QUESTION, "klaster.czym_jest")
    assert choices.decode(data) == (ChoiceKind.QUESTION, "klaster.czym_jest")
    assert choices.decode("nonsense:1") is None and choices.decode("") is None
    with pytest.raises(choices.ChoiceTooLong):
        choices.encode(ChoiceKind.QUESTION, LONG_ID)
    with pytest.raises(choices.ChoiceTooLong):  # bytes, not characters: ż is two
        choices.encode(ChoiceKind.QUESTION, "ż" * 32)


def test_check_rejects_an_entry_or_meeting_id_too_long_for_a_button(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", knowledge)
    entries = knowledge / "faq" / "klaster.yaml"
    entries.write_text(entries.read_text(encoding="utf-8").replace(
        "id: klaster.kontakt", f"id: {LONG_ID}"), encoding="utf-8")
    meeting_id = "spotkanie-" + "x" * 60
    (knowledge / "meetings.yaml").write_text(
        f"meetings:\n  - id: {meeting_id}\n    title: Spotkanie\n"
        "    start: 2020-01-01T10:00\n    end: 2020-01-01T12:00\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "check", str(knowledge)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert f"klaster.yaml:14: [{LONG_ID}] błąd: id za długi" in out
    assert f"[{meeting_id}] błąd: id spotkania za długi" in out
