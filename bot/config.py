"""Settings from `config.yaml`: every key known, every value checked, one clear error."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from bot.durations import parse_duration
from bot.matcher import Thresholds
from bot.office_hours import parse_office_hours


class ConfigError(Exception):
    """A bad configuration; the message names the key."""


@dataclass(frozen=True)
class WebhookSettings:
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "/telegram"
    public_url: str = ""
    secret_token: str = ""


@dataclass(frozen=True)
class TelegramSettings:
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    mode: str = "polling"
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    health_port: int = 0  # polling mode: serve GET /healthz on webhook.listen:this (0: off)


@dataclass(frozen=True)
class CoordinatorSettings:
    chat_id: int = 0
    user_ids: tuple[int, ...] = ()
    office_hours: str = ""  # e.g. "pn-pt 8:00-16:00"; empty: no office hours are shown
    # Said at a hand-off when office hours do not tell when the answer comes; "" says nothing.
    reply_expectation: str = "zwykle w ciągu 2 dni roboczych"
    # Open tickets older than this (working hours when office_hours are set, otherwise plain
    # hours) are listed in the coordinator chat once a day; "": no reminders.
    remind_after: str = "24h"

    @property
    def remind_after_delta(self) -> dt.timedelta | None:
        return parse_duration(self.remind_after) if self.remind_after.strip() else None


@dataclass(frozen=True)
class ClusterSettings:
    """Who the bot speaks for: one deployment per cluster, so names are configuration."""

    name: str = "Klaster Energii Powiatu Częstochowskiego"
    name_genitive: str = "Klastra Energii Powiatu Częstochowskiego"  # "infolinia Klastra …"
    coordinator_org: str = "DOEKO Group Sp. z o.o."


@dataclass(frozen=True)
class KnowledgeSettings:
    path: str = "knowledge"


@dataclass(frozen=True)
class StorageSettings:
    path: str = "data/bot.sqlite3"


@dataclass(frozen=True)
class PrivacySettings:
    notice_url: str = ""
    controller: str = ""  # the data controller's name, shown in the privacy notes
    retention_days: int = 365
    keep_question_text: bool = True


@dataclass(frozen=True)
class LimitSettings:
    messages_per_minute: int = 20
    open_tickets_per_user: int = 3


@dataclass(frozen=True)
class MatcherSettings:
    answer_threshold: float = Thresholds.answer
    margin: float = Thresholds.margin
    suggest_threshold: float = Thresholds.suggest

    def thresholds(self) -> Thresholds:
        return Thresholds(answer=self.answer_threshold, margin=self.margin,
                          suggest=self.suggest_threshold)


@dataclass(frozen=True)
class MeetingSettings:
    remind_before: str = "24h"
    member_user_ids: tuple[int, ...] = ()

    @property
    def reminder_lead(self) -> dt.timedelta:
        return parse_duration(self.remind_before)


@dataclass(frozen=True)
class WebSettings:
    """The web chat (bot.web): a page, a widget and a JSON API on the bot's own server."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # e.g. "https://infolinia.example.pl": links to a conversation
    allowed_origins: tuple[str, ...] = ()  # pages that may embed the chat (frame-ancestors)
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For counts


@dataclass(frozen=True)
class EmailSettings:
    """SMTP for answers sent by e-mail to residents of the web chat who asked for it."""

    host: str = ""  # empty: no e-mail is sent
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = ""  # better: the environment variable INFOLINIA_SMTP_PASSWORD
    sender: str = ""  # the From address, e.g. "Infolinia Klastra <infolinia@example.pl>"

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class DeskAccount:
    """One coordinator who may sign in to the web desk; the hash from `python -m bot haslo`."""

    login: str = ""
    password_hash: str = ""


@dataclass(frozen=True)
class DeskSettings:
    """The coordinator's web desk (/koordynator) on the web chat's server."""

    accounts: tuple[DeskAccount, ...] = ()
    idle_minutes: int = 30  # a session unused this long ends
    session_hours: int = 12  # and any session ends this long after sign-in

    def account(self, login: str) -> DeskAccount | None:
        return next((a for a in self.accounts if a.login == login), None)


@dataclass(frozen=True)
class Settings:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    coordinator: CoordinatorSettings = field(default_factory=CoordinatorSettings)
    knowledge: KnowledgeSettings = field(default_factory=KnowledgeSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    matcher: MatcherSettings = field(default_factory=MatcherSettings)
    meetings: MeetingSettings = field(default_factory=MeetingSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    web: WebSettings = field(default_factory=WebSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)


TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
SMTP_PASSWORD_ENV = "INFOLINIA_SMTP_PASSWORD"


DEFAULT_CONFIG = "config.yaml"


def config_path(given: str | None) -> str | None:
    """The file a command reads: the one given, else config.yaml when present, else none."""
    if given is None and Path(DEFAULT_CONFIG).exists():
        return DEFAULT_CONFIG
    return given


def load_settings(path: str | Path | None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `path` (None: defaults only); the token env variable wins."""
    env = os.environ if env is None else env
    raw: Any = {}
    if path is not None:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    settings = _build(Settings, raw, "")
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        settings = replace(settings, telegram=replace(settings.telegram, token=token))
    password = env.get(SMTP_PASSWORD_ENV, "")
    if password:
        settings = replace(settings, email=replace(settings.email, password=password))
    _check_values(settings)
    return settings


def _build(cls: type, raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a mapping of keys")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{prefix}{key}: unknown key")
    values: dict[str, Any] = {}
    for name in known & set(raw):
        key, kind, value = f"{prefix}{name}", hints[name], raw[name]
        if is_dataclass(kind):
            values[name] = _build(kind, value or {}, f"{key}.")
        else:
            values[name] = _convert(key, kind, value)
    return cls(**values)


def _convert(key: str, kind: Any, value: Any) -> Any:
    if kind is str:
        if value is None:
            return ""
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind == tuple[int, ...]:
        items = value if isinstance(value, list) else [value] if value is not None else []
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return tuple(items)
    elif kind == tuple[DeskAccount, ...]:
        items = value if isinstance(value, list) else [] if value is None else None
        if items is not None:
            return tuple(_build(DeskAccount, item, f"{key}[{n}].")
                         for n, item in enumerate(items))
    elif kind == tuple[str, ...]:
        items = value if isinstance(value, list) else [value] if value is not None else []
        if all(isinstance(v, str) for v in items):
            return tuple(v.strip() for v in items if v.strip())
    raise ConfigError(f"{key}: bad value {value!r} (expected {_describe(kind)})")


def _describe(kind: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false",
            tuple[str, ...]: "a list of texts",
            tuple[DeskAccount, ...]: "a list of {login, password_hash}",
            }.get(kind, "a list of whole numbers")


def _check_values(settings: Settings) -> None:
    for key, url in (("telegram.base_url", settings.telegram.base_url),
                     ("telegram.base_file_url", settings.telegram.base_file_url)):
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{key}: must start with http:// or https://")
    try:
        settings.meetings.reminder_lead  # noqa: B018 - parsing is the check
    except ValueError as exc:
        raise ConfigError(f"meetings.remind_before: {exc}") from None
    try:
        settings.coordinator.remind_after_delta  # noqa: B018 - parsing is the check
    except ValueError as exc:
        raise ConfigError(f"coordinator.remind_after: {exc}") from None
    if settings.telegram.mode not in ("polling", "webhook"):
        raise ConfigError("telegram.mode: must be polling or webhook")
    hook = settings.telegram.webhook
    if settings.telegram.mode == "webhook":
        if not hook.public_url.startswith("https://"):
            raise ConfigError("telegram.webhook.public_url: webhook mode needs the public "
                              "https:// address Telegram will call")
        if not hook.path.startswith("/"):
            raise ConfigError("telegram.webhook.path: must start with /")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", hook.secret_token):
            raise ConfigError("telegram.webhook.secret_token: 1-256 characters A-Z a-z 0-9 _ -")
    if not 1 <= hook.port <= 65535:
        raise ConfigError("telegram.webhook.port: must be 1-65535")
    if not 0 <= settings.telegram.health_port <= 65535:
        raise ConfigError("telegram.health_port: must be 0 (off) or 1-65535")
    for key in ("messages_per_minute", "open_tickets_per_user"):
        if getattr(settings.limits, key) < 1:
            raise ConfigError(f"limits.{key}: must be at least 1")
    try:
        parse_office_hours(settings.coordinator.office_hours)
    except ValueError as exc:
        raise ConfigError(f"coordinator.office_hours: {exc}") from None
    for key in ("name", "name_genitive"):
        if not getattr(settings.cluster, key).strip():
            raise ConfigError(f"cluster.{key}: must not be empty")
    if settings.privacy.retention_days < 1:
        raise ConfigError("privacy.retention_days: must be at least 1")
    for key in ("answer_threshold", "suggest_threshold", "margin"):
        if not 0 <= getattr(settings.matcher, key) <= 100:
            raise ConfigError(f"matcher.{key}: must be between 0 and 100")
    if settings.matcher.suggest_threshold > settings.matcher.answer_threshold:
        raise ConfigError("matcher.suggest_threshold: must not exceed matcher.answer_threshold")
    _check_web(settings)
    _check_desk(settings.desk)


def _check_desk(desk: DeskSettings) -> None:
    from bot.desk.passwords import is_password_hash  # no import cycle: passwords is stdlib

    logins: set[str] = set()
    for n, account in enumerate(desk.accounts):
        key = f"desk.accounts[{n}]"
        if not re.fullmatch(r"[^\s<>&\"']{1,64}", account.login):
            raise ConfigError(f"{key}.login: 1-64 characters, no spaces or < > & \" '")
        if account.login in logins:
            raise ConfigError(f"{key}.login: {account.login!r} is listed twice")
        logins.add(account.login)
        if not is_password_hash(account.password_hash):
            raise ConfigError(f"{key}.password_hash: not a hash from `python -m bot haslo`")
    if desk.idle_minutes < 1:
        raise ConfigError("desk.idle_minutes: must be at least 1")
    if desk.session_hours < 1:
        raise ConfigError("desk.session_hours: must be at least 1")


def _check_web(settings: Settings) -> None:
    web, email = settings.web, settings.email
    for key, port in (("web.port", web.port), ("email.port", email.port)):
        if not 1 <= port <= 65535:
            raise ConfigError(f"{key}: must be 1-65535")
    if web.public_url and not web.public_url.startswith(("http://", "https://")):
        raise ConfigError("web.public_url: must start with http:// or https://")
    for origin in web.allowed_origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
            raise ConfigError(f"web.allowed_origins: {origin!r} is not an origin like "
                              "https://www.gmina.pl (scheme and host, no path)")
    for proxy in web.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(f"web.trusted_proxies: {proxy!r} is not an IP address or "
                              "network") from None
    hook = settings.telegram.webhook
    if (settings.telegram.mode == "webhook" and (hook.listen, hook.port) == (web.listen, web.port)):
        raise ConfigError("web.port: the web chat needs a port other than the webhook's")
    if email.enabled and "@" not in email.sender:
        raise ConfigError("email.sender: the From address is needed to send e-mail")



def check_telegram_ready(settings: Settings) -> None:
    """What the Telegram channel needs beyond valid values; the console needs none of it."""
    if not settings.telegram.token:
        raise ConfigError(f"telegram.token: missing (set it in the config file or in {TOKEN_ENV}); "
                          "to try the bot without Telegram run: python run_bot.py --console")
    if settings.coordinator.chat_id == 0:
        raise ConfigError("coordinator.chat_id: missing; hand-offs need a chat to go to "
                          "(see README: finding the coordinator chat id)")
    if not settings.coordinator.user_ids:
        raise ConfigError("coordinator.user_ids: empty; nobody could answer the tickets")
