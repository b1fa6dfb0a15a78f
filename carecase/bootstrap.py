"""All the wiring in one place: settings -> database -> channel objects.

Nothing connects at import time; ``open_app`` does it when a command or flow run starts.
This module (with cli.py) is the only part of ``carecase/`` that imports the connectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from carecase import config
from carecase.config import Settings
from carecase.errors import InputError
from carecase.store import migrate
from carecase.store.db import Database, open_database


@dataclass
class App:
    settings: Settings
    db: Database

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_app(settings: Settings | None = None, *, upgrade: bool = True,
             max_size: int = 8) -> App:
    """Load settings (unless given), open the database and bring its schema and the
    customers' blocking keys up to date."""
    settings = settings or config.load()
    db = open_database(settings.database_url, settings.home, max_size=max_size)
    if upgrade:
        from carecase import engine  # the engine's models load only when needed

        with db.connection() as conn:
            migrate.upgrade(conn)
        engine.reindex_keys(db)
    return App(settings, db)


BlockLoader = Callable[[str], str]


def make_channel(settings: Settings, name: str, *,
                 block_loader: BlockLoader | None = None) -> Any:
    """The connector for channel ``name``, with its secrets resolved now."""
    _require_known(name)
    section = getattr(settings.channels, name)

    def secret(key: str, required: bool = True) -> str | None:
        return config.resolve_secret(section, key, block_loader=block_loader,
                                     required=required)

    if name == "email":
        from connectors.email import EmailChannel

        return EmailChannel(
            name="email", imap_host=section.imap_host, imap_port=section.imap_port,
            imap_ssl=section.imap_ssl, imap_starttls=section.imap_starttls,
            username=section.username, password=secret("password"),
            folder=section.folder, processed_folder=section.processed_folder,
            max_message_bytes=section.max_message_bytes,
            smtp_host=section.smtp_host, smtp_port=section.smtp_port,
            smtp_ssl=section.smtp_ssl, smtp_starttls=section.smtp_starttls,
            smtp_username=section.smtp_username,
            smtp_password=secret("smtp_password", required=False),
            from_address=section.from_address,
            from_name=section.from_name or settings.business.name,
            message_id_domain=settings.business.message_id_domain,
            rate_limit_per_hour=section.rate_limit_per_hour, tls_ca_file=section.tls_ca_file,
            own_addresses=frozenset({section.from_address.lower(),
                                     settings.business.email.lower()}),
        )
    if name == "facebook":
        from connectors.facebook import FacebookChannel

        return FacebookChannel(name="facebook", base_url=section.base_url,
                               api_version=section.api_version, page_id=section.page_id,
                               token=secret("token"))
    if name == "x":
        from connectors.x import XChannel

        return XChannel(
            name="x", base_url=section.base_url, user_id=section.user_id,
            username=section.username, bearer_token=secret("bearer_token"),
            consumer_key=secret("consumer_key", required=False),
            consumer_secret=secret("consumer_secret", required=False),
            access_token=secret("access_token", required=False),
            access_token_secret=secret("access_token_secret", required=False),
            search_query=section.search_query, read_dms=section.read_dms,
            monthly_read_budget=section.monthly_read_budget,
            monthly_post_budget=section.monthly_post_budget,
        )
    if name == "trustpilot":
        from connectors.trustpilot import TrustpilotChannel

        return TrustpilotChannel(
            name="trustpilot", base_url=section.base_url,
            business_unit_id=section.business_unit_id,
            business_user_id=section.business_user_id,
            api_key=secret("api_key"), api_secret=secret("api_secret"),
            edit_window=timedelta(days=section.edit_window_days),
            edit_scan_every=timedelta(minutes=section.edit_scan_minutes),
        )
    if name == "google":
        from connectors.google_reviews import GoogleReviewsChannel

        return GoogleReviewsChannel(name="google", base_url=section.base_url,
                                    account_id=section.account_id,
                                    location_id=section.location_id, token=secret("token"))
    raise config.ConfigError(f"unknown channel {name!r}; one of {config.CHANNEL_NAMES}")


def _require_known(name: str) -> None:
    if name not in config.CHANNEL_NAMES:
        raise InputError(f"there is no channel {name!r}: the channels are "
                         f"{', '.join(config.CHANNEL_NAMES)}")


def channel_names(settings: Settings, only: str | None = None) -> list[str]:
    """The channels a pass polls: every enabled one, or ``only``, which must be enabled."""
    if only is None:
        return list(settings.channels.enabled())
    _require_known(only)
    if only not in settings.channels.enabled():
        raise InputError(f"channel {only!r} is not enabled: set enabled = true under "
                         f"[channels.{only}] in carecase.toml")
    return [only]


def make_channels(settings: Settings, *, only: str | None = None,
                  block_loader: BlockLoader | None = None) -> dict[str, Any]:
    """Every enabled channel (or just ``only``, which must be enabled), keyed by name."""
    return {name: make_channel(settings, name, block_loader=block_loader)
            for name in channel_names(settings, only)}
