"""Typed settings from ``carecase.toml`` and ``CARECASE_*`` environment variables.

Lookup: the file named by ``CARECASE_CONFIG``, else ``./carecase.toml``, else
``$CARECASE_HOME/carecase.toml``, else built-in defaults. Any key can be overridden from
the environment with ``__`` between levels: ``CARECASE_CARE__WEEKDAYS_ONLY=true``,
``CARECASE_CHANNELS__EMAIL__IMAP_PORT=1143``, a list as a JSON array:
``CARECASE_CARE__ACCOUNT_PATTERNS='["\\bKD-\\d+\\b"]'``; an unknown section or key there is
an error, as in the file. ``CARECASE_DATABASE_URL``, ``CARECASE_HOME``, ``CARECASE_CONFIG``
and ``CARECASE_LOG_LEVEL`` (``log_level``) are read directly; a variable without ``__`` in
its name, or one a ``*_env`` setting names, is no setting.

Secrets are never settings: a channel names the environment variable (``*_env``) or
Prefect Secret block (``*_block``) that holds one, and ``resolve_secret`` loads it at run
time. A bad file fails with the key and the problem named, and the bad value only where
it cannot be a secret (``_may_echo``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from carecase.errors import ConfigError

ENV_PREFIX = "CARECASE_"
SECTIONS = ("business", "care", "matching", "channels")
# Names of settings whose values are not echoed in an error even though carecase knows
# them: references to secrets (token_env), where a secret itself is often pasted by
# mistake, and the database URL, which may hold a password.
LISTS = (list, tuple)  # settings of these types are set from the environment as JSON
SECRET_NAME = re.compile(r"token|secret|pass|key|auth|credential|database_url")
LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
              "error": logging.ERROR, "critical": logging.CRITICAL}


def _address(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if value and (not at or not local or not domain or any(c.isspace() for c in value)):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value.strip()


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http:// or https:// address")
    return value


Address = Annotated[str, AfterValidator(_address)]  # or empty where empty is allowed
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Port = Annotated[int, Field(ge=1, le=65535)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Business(_Section):
    name: str = "Our shop"
    signature: str = "The customer care team"
    email: Address = "care@example.com"
    phone: str = ""
    timezone: str = "Europe/Stockholm"
    language: Literal["da", "sv", "nb", "en"] = "sv"
    message_id_domain: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Care(_Section):
    status_update_time: time = time(17, 0)
    weekdays_only: bool = False
    skip_opened_within_hours: float = Field(3.0, ge=0)
    first_response_minutes: int = Field(60, gt=0)
    reopen_within_days: int = Field(7, ge=0)
    moderation_action: Literal["hide", "delete"] = "hide"
    approval: bool = False
    thank_praise: bool = True
    account_patterns: tuple[str, ...] = ()
    order_pattern: str | None = None
    max_attempts: int = Field(5, ge=1)
    # On an account's first poll (no cursor yet), what was written more than this many
    # days ago is stored and matched but never answered: connecting a Trustpilot account
    # with years of reviews must not answer them all. 0: everything is answered.
    first_poll_days: int = Field(0, ge=0)
    # How often `carecase serve` runs ingest (prefect.yaml sets its own interval). A
    # comment waits for the next pass, so the time to a public acknowledgment is about
    # this interval at worst; each pass polls every channel's API, and 15 s keeps well
    # inside their rate limits (X: 450 mention reads per 15 minutes).
    ingest_every_seconds: int = Field(60, ge=15, le=3600)


class Matching(_Section):
    merge_threshold: float = Field(0.9, gt=0, le=1)
    suggest_threshold: float = Field(0.6, gt=0, le=1)


class Channel(_Section):
    enabled: bool = False
    thank_praise: bool | None = None  # None: follow care.thank_praise


class EmailChannel(Channel):
    imap_host: str = "127.0.0.1"
    imap_port: Port = 993
    imap_ssl: bool = True
    imap_starttls: bool = False
    username: str = ""
    password_env: str | None = None
    password_block: str | None = None
    folder: str = "INBOX"
    processed_folder: str | None = None
    max_message_bytes: int = Field(25 * 1024 * 1024, gt=0)
    smtp_host: str = "127.0.0.1"
    smtp_port: Port = 465
    smtp_ssl: bool = True
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password_env: str | None = None
    smtp_password_block: str | None = None
    from_address: Address = "care@example.com"
    from_name: str | None = None
    rate_limit_per_hour: int = 10
    tls_ca_file: str | None = None  # a private CA to trust (certificates are always verified)


class FacebookChannel(Channel):
    base_url: HttpUrl = "https://graph.facebook.com"
    api_version: str = "v25.0"
    page_id: str = ""
    token_env: str | None = None
    token_block: str | None = None


class XChannel(Channel):
    base_url: HttpUrl = "https://api.twitter.com"
    user_id: str = ""
    username: str = ""
    search_query: str | None = None
    read_dms: bool = False
    monthly_read_budget: int | None = None
    monthly_post_budget: int | None = None
    bearer_token_env: str | None = None
    bearer_token_block: str | None = None
    consumer_key_env: str | None = None
    consumer_secret_env: str | None = None
    access_token_env: str | None = None
    access_token_secret_env: str | None = None


class TrustpilotChannel(Channel):
    base_url: HttpUrl = "https://api.trustpilot.com"
    business_unit_id: str = ""
    business_user_id: str = ""
    api_key_env: str | None = None
    api_key_block: str | None = None
    api_secret_env: str | None = None
    api_secret_block: str | None = None
    # an edited review is read again if it was written within edit_window_days (0: edits
    # are not read); the reviews of that window are listed again every edit_scan_minutes
    # (0: at every poll)
    edit_window_days: int = Field(14, ge=0, le=365)
    edit_scan_minutes: int = Field(30, ge=0)


class GoogleChannel(Channel):
    base_url: HttpUrl = "https://mybusiness.googleapis.com"
    account_id: str = ""
    location_id: str = ""
    token_env: str | None = None
    token_block: str | None = None


class Channels(_Section):
    email: EmailChannel = EmailChannel()
    facebook: FacebookChannel = FacebookChannel()
    x: XChannel = XChannel()
    trustpilot: TrustpilotChannel = TrustpilotChannel()
    google: GoogleChannel = GoogleChannel()

    def enabled(self) -> dict[str, Channel]:
        return {name: ch for name in CHANNEL_NAMES if (ch := getattr(self, name)).enabled}


CHANNEL_NAMES = ("email", "facebook", "x", "trustpilot", "google")


class Settings(_Section):
    business: Business = Business()
    care: Care = Care()
    matching: Matching = Matching()
    channels: Channels = Channels()
    database_url: str | None = None
    home: Path = Field(default_factory=lambda: default_home())
    source: str = "defaults"  # where the settings came from, for messages


def default_home() -> Path:
    """The per-user data folder (XDG), unless CARECASE_HOME says otherwise."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "carecase"


def load(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the TOML file and the environment; raises ConfigError naming the key."""
    env = os.environ if env is None else env
    home = Path(env["CARECASE_HOME"]) if env.get("CARECASE_HOME") else default_home()
    file = _find_file(path, env, home)
    data: dict[str, Any] = {}
    if file is not None:
        try:
            # utf-8-sig: an editor's byte-order mark (Notepad writes one) is not a key
            data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{file}: not UTF-8 text (byte {exc.start}): save it as "
                              "UTF-8") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read it: {exc.strerror}") from exc
    from_env: dict[tuple[str, ...], str] = {}  # a setting's path -> the variable that set it
    elsewhere: list[str] = []  # CARECASE_<NOT A SECTION>__...
    for name, value in env.items():
        # Only CARECASE_<SECTION>__<KEY> is a setting; other CARECASE_* variables
        # (CARECASE_LOG_LEVEL, a secret's own name) belong to someone else.
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        path = name[len(ENV_PREFIX):].lower().split("__")
        if path[0] not in SECTIONS:
            elsewhere.append(name)
            continue
        _set_path(data, path, _env_value(name, tuple(path), value))
        from_env[tuple(path)] = name
    # a misspelled section, unless a *_env setting names the variable (a secret's own)
    if stray := sorted(set(elsewhere) - _named_variables(data)):
        section = stray[0][len(ENV_PREFIX):].lower().split("__")[0]
        raise ConfigError(f"{stray[0]}: there is no section {section!r}: the sections are "
                          f"{', '.join(SECTIONS)} (value not shown)")
    data["home"] = home
    data["source"] = str(file) if file else "defaults"
    if env.get("CARECASE_DATABASE_URL"):
        data["database_url"] = env["CARECASE_DATABASE_URL"]
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(str(p) for p in first["loc"])
        key = ".".join(loc)
        # Name where the value came from: the variable that set it, else the file.
        where = next((var for path, var in from_env.items() if loc[:len(path)] == path),
                     data["source"])
        problem = first["msg"].removeprefix("Value error, ")
        shown = repr(first.get("input"))
        if not _may_echo(loc):
            got = " (value not shown)"
        elif shown in problem:  # "unknown time zone 'Mars/Olympus'": named once is enough
            got = ""
        else:
            got = f" (got {shown})"
        raise ConfigError(f"{where}: {key}: {problem}{got}") from exc


def log_level(env: Mapping[str, str] | None = None) -> int:
    """The ``logging`` level ``CARECASE_LOG_LEVEL`` names, in any case (unset or empty:
    warning); ConfigError names the variable and the levels."""
    env = os.environ if env is None else env
    value = env.get("CARECASE_LOG_LEVEL", "")
    level = LOG_LEVELS.get(value.strip().lower() or "warning")
    if level is None:
        *first, last = LOG_LEVELS
        raise ConfigError(f"CARECASE_LOG_LEVEL: {value!r} is not a log level: use "
                          f"{', '.join(first)} or {last}")
    return level


def _may_echo(loc: tuple[str, ...]) -> bool:
    """Whether an error may show the value at ``loc``: only a setting carecase knows,
    whose name says nothing of a secret. An unknown key may be a secret in the wrong place
    (CARECASE_CHANNELS__FACEBOOK__TOKEN=EAAB...), and a whole section may hold one."""
    found = _setting(loc)
    return found is not None and not SECRET_NAME.search(loc[found[0]])


def _setting(loc: tuple[str, ...]) -> tuple[int, Any] | None:
    """(its index in ``loc``, its annotation) of the setting ``loc`` names (what follows
    it are positions in its value); None for an unknown key or a whole section."""
    model: type[BaseModel] = Settings
    for i, part in enumerate(loc):
        field = model.model_fields.get(part)
        if field is None:
            return None
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            model = field.annotation  # a section: its keys follow
            continue
        return i, field.annotation
    return None


def _env_value(name: str, path: tuple[str, ...], value: str) -> Any:
    """A variable's text as its setting takes it: a list (care.account_patterns) as a
    JSON array; anything else as text, which pydantic reads ("true", "1143", "17:00")."""
    found = _setting(path)
    if found is None or found[0] != len(path) - 1 or get_origin(found[1]) not in LISTS:
        return value
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list):
        raise ConfigError(f"{name}: {'.'.join(path)}: a list is written as a JSON array, "
                          'e.g. ["first", "second"] ([] for none)')
    return items


def _find_file(path: str | Path | None, env: Mapping[str, str], home: Path) -> Path | None:
    if path or env.get("CARECASE_CONFIG"):
        file = Path(path or env["CARECASE_CONFIG"])
        if not file.exists():
            raise ConfigError(f"config file {file} does not exist")
        if not file.is_file():
            raise ConfigError(f"config file {file} is not a file")
        return file
    for candidate in (Path("carecase.toml"), home / "carecase.toml"):
        if candidate.is_file():
            return candidate
    return None


def _named_variables(data: Mapping[str, Any]) -> set[str]:
    """The environment variables the ``*_env`` settings in ``data`` name."""
    names: set[str] = set()
    for key, value in data.items():
        if isinstance(value, Mapping):
            names |= _named_variables(value)
        elif key.endswith("_env") and isinstance(value, str):
            names.add(value)
    return names


def _set_path(data: dict[str, Any], parts: list[str], value: str) -> None:
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


BlockLoader = Callable[[str], str]


def resolve_secret(
    section: BaseModel, name: str, *, env: Mapping[str, str] | None = None,
    block_loader: BlockLoader | None = None, required: bool = True,
) -> str | None:
    """Load the secret ``name`` of a channel section from its ``name_env``/``name_block``.

    The error names the reference (variable or block), never a value.
    """
    env = os.environ if env is None else env
    var = getattr(section, f"{name}_env", None)
    block = getattr(section, f"{name}_block", None)
    if var:
        if env.get(var):
            return env[var]
        if not block:
            raise ConfigError(f"the environment variable {var} (for {name}) is not set")
    if block:
        if block_loader is None:
            raise ConfigError(f"{name} comes from the Prefect Secret block {block!r}, "
                              "which can only be read inside a Prefect run")
        return block_loader(block)
    if required:
        raise ConfigError(f"no secret reference for {name}: set {name}_env or {name}_block")
    return None
