"""The project's errors: one root, each class's docstring is its default message.

    CarecaseError
     ├── ConfigError          bad carecase.toml or environment
     ├── DatabaseUnavailable  the database cannot be reached
     ├── InputError           a bad import line or bad command argument
     ├── NotFound             a case, customer or message that does not exist
     └── ChannelError         (connectors/base.py) a channel API failed
"""

from __future__ import annotations


class CarecaseError(Exception):
    """carecase failed."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class ConfigError(CarecaseError):
    """The configuration is invalid: check carecase.toml and the CARECASE_* variables."""


class DatabaseUnavailable(CarecaseError):
    """The database cannot be reached."""


class InputError(CarecaseError):
    """The input is invalid."""


class NotFound(CarecaseError):
    """Not found."""
