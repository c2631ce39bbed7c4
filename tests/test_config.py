from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_the_documented_defaults() -> None:
    settings = load_settings(ROOT / "config.example.yaml", env={})
    assert settings == load_settings(None, env={})
    assert settings.storage.path == "data/bot.sqlite3"
    assert settings.knowledge.path == "knowledge"


def test_values_are_read_and_the_env_token_wins(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  token: from-file\ncoordinator:\n  chat_id: -100123\n"
                           "  user_ids: [1, 2]\nmatcher:\n  answer_threshold: 70\n")
    assert load_settings(path, env={}).telegram.token == "from-file"
    settings = load_settings(path, env={"TELEGRAM_BOT_TOKEN": "from-env"})
    assert settings.telegram.token == "from-env"
    assert settings.coordinator.chat_id == -100123
    assert settings.coordinator.user_ids == (1, 2)
    assert settings.matcher.thresholds().answer == 70.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("telegram:\n  tokn: x\n", "telegram.tokn"),
        ("coordinator:\n  chat_id: dwa\n", "coordinator.chat_id"),
        ("coordinator:\n  user_ids: [abc]\n", "coordinator.user_ids"),
        ("privacy:\n  retention_days: 0\n", "privacy.retention_days"),
        ("telegram:\n  base_url: ftp://x\n", "telegram.base_url"),
        ("matcher:\n  answer_threshold: 30\n  suggest_threshold: 50\n",
         "matcher.suggest_threshold"),
        ("storage: [1]\n", "storage"),
        ("unknown: 1\n", "unknown"),
        ("coordinator:\n  remind_after: jutro\n", "coordinator.remind_after"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert str(caught.value).startswith(key + ":")


def test_the_cluster_and_the_data_controller_come_from_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, "cluster:\n  name: Klaster Energii Gminy Kłobuck\n"
                           "  name_genitive: Klastra Energii Gminy Kłobuck\n"
                           "  coordinator_org: Urząd Gminy Kłobuck\n"
                           "privacy:\n  controller: Gmina Kłobuck, ul. 11 Listopada 6\n")
    settings = load_settings(path, env={})
    assert settings.cluster.name_genitive == "Klastra Energii Gminy Kłobuck"
    assert settings.cluster.coordinator_org == "Urząd Gminy Kłobuck"
    assert settings.privacy.controller.startswith("Gmina Kłobuck")
    with pytest.raises(ConfigError, match=r"cluster\.name_genitive"):
        load_settings(write(tmp_path, "cluster:\n  name_genitive: ''\n"), env={})
