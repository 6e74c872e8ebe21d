"""Configuration: defaults, then the environment (KEDJEKOLL_*), then the caller's mapping.

A value that cannot be read stops the app with one line naming the variable and what it
expects (ConfigError), never a traceback from deep inside a library.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.errors import AppImportError

from .formats import DEFAULT_TIMEZONE, zone
from .store.blobs import STORES

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError, AppImportError):
    """The app cannot start safely with this configuration.

    It is also gunicorn's AppImportError: a gunicorn worker then prints the message as
    one line and the master stops ("App failed to load") instead of printing a
    traceback and restarting workers; with --preload gunicorn prints a RuntimeError as
    one line too.
    """


def defaults() -> dict[str, Any]:
    root = Path(os.environ.get("KEDJEKOLL_ROOT", PROJECT_ROOT))
    return {
        "QUESTIONNAIRES_DIR": root / "questionnaires",
        "RESPONSES_DIR": root / "responses",
        "SECRET_KEY": None,
        "DEV": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        "BUYER_NAME": "Regionernas hållbarhetsuppföljning (demo)",
        # whom a supplier asks when no campaign is known (a link that does not work)
        "BUYER_CONTACT_NAME": None,
        "BUYER_CONTACT_EMAIL": None,
        "BUYER_CONTACT_PHONE": None,
        "BASE_URL": "http://127.0.0.1:5000",
        "SMTP_HOST": None,  # unset: mail is printed instead of sent
        "SMTP_PORT": None,  # by security: 25, 587 (starttls), 465 (ssl)
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_SECURITY": "starttls",  # none | starttls | ssl
        "SMTP_FROM": "kedjekoll@localhost",
        "SMTP_TIMEOUT": 30.0,
        "REMIND_DAYS_BEFORE": 7,
        "REMIND_DAYS_AFTER": 3,
        "TIMEZONE": DEFAULT_TIMEZONE,  # times on pages and in mail; stored times are UTC
        "PROXY_COUNT": 0,  # proxies whose X-Forwarded-* headers are trusted; 0: none
        "LOG_FORMAT": "text",  # the request log: text | json
        "FILE_STORAGE": "local",  # evidence bytes: local (responses/files/) | database
    }


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    def convert(text: str) -> int:
        value = int(text.strip())
        if value < low or (high is not None and value > high):
            raise ValueError(text)
        return value

    return convert


def _seconds(text: str) -> float:
    value = float(text.strip().replace(",", "."))
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(text)
    return value


def _yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word not in _YES_NO:
        raise ValueError(text)
    return _YES_NO[word]


def _one_of(*words: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        word = text.strip().lower()
        if word not in words:
            raise ValueError(text)
        return word

    return convert


def _text(text: str) -> str:
    return text


_FILE_STORAGE = " or ".join(STORES) + " (where evidence files are kept)"
_YES_NO = {"1": True, "true": True, "yes": True, "on": True,
           "0": False, "false": False, "no": False, "off": False}

#: Every KEDJEKOLL_* variable the app reads: its key, how it is read, and what it expects
#: (the words of the error when a value cannot be read).
_FROM_ENV: dict[str, tuple[str, Callable[[str], Any], str]] = {
    "KEDJEKOLL_QUESTIONNAIRES_DIR": ("QUESTIONNAIRES_DIR", Path, "a folder"),
    "KEDJEKOLL_RESPONSES_DIR": ("RESPONSES_DIR", Path, "a folder"),
    "KEDJEKOLL_SECRET_KEY": ("SECRET_KEY", _text, "a long random text"),
    "KEDJEKOLL_DEV": ("DEV", _yes_no, "yes or no (1/0, true/false)"),
    "KEDJEKOLL_BUYER_NAME": ("BUYER_NAME", _text, "a name"),
    "KEDJEKOLL_BUYER_CONTACT_NAME": ("BUYER_CONTACT_NAME", _text, "a name"),
    "KEDJEKOLL_BUYER_CONTACT_EMAIL": ("BUYER_CONTACT_EMAIL", _text, "an e-mail address"),
    "KEDJEKOLL_BUYER_CONTACT_PHONE": ("BUYER_CONTACT_PHONE", _text, "a phone number"),
    "KEDJEKOLL_BASE_URL": ("BASE_URL", _text, "an address such as https://kedjekoll.example.se"),
    "KEDJEKOLL_SMTP_HOST": ("SMTP_HOST", _text, "a host name"),
    "KEDJEKOLL_SMTP_PORT": ("SMTP_PORT", _whole_number(1, 65535),
                            "a whole number (a port such as 587)"),
    "KEDJEKOLL_SMTP_USERNAME": ("SMTP_USERNAME", _text, "a user name"),
    "KEDJEKOLL_SMTP_PASSWORD": ("SMTP_PASSWORD", _text, "a password"),
    "KEDJEKOLL_SMTP_SECURITY": ("SMTP_SECURITY", _one_of("none", "starttls", "ssl"),
                                "none, starttls or ssl"),
    "KEDJEKOLL_SMTP_FROM": ("SMTP_FROM", _text, "an e-mail address"),
    "KEDJEKOLL_SMTP_TIMEOUT": ("SMTP_TIMEOUT", _seconds, "a number of seconds such as 30"),
    "KEDJEKOLL_REMIND_DAYS_BEFORE": ("REMIND_DAYS_BEFORE", _whole_number(0),
                                     "a whole number of days such as 7"),
    "KEDJEKOLL_REMIND_DAYS_AFTER": ("REMIND_DAYS_AFTER", _whole_number(0),
                                    "a whole number of days such as 3"),
    "KEDJEKOLL_TIMEZONE": ("TIMEZONE", _text, "a time zone name such as Europe/Stockholm"),
    "KEDJEKOLL_PROXY_COUNT": ("PROXY_COUNT", _whole_number(0, 10),
                              "a whole number from 0 to 10 (the proxies in front of the app)"),
    "KEDJEKOLL_LOG_FORMAT": ("LOG_FORMAT", _one_of("text", "json"), "text or json"),
    "KEDJEKOLL_FILE_STORAGE": ("FILE_STORAGE", _one_of(*STORES), _FILE_STORAGE),
}


def environment() -> dict[str, Any]:
    """The defaults, then the environment: for commands that need no secret key.

    Raises ConfigError naming the variable when a value cannot be read.
    """
    config = defaults()
    for name, (key, convert, expected) in _FROM_ENV.items():
        value = os.environ.get(name)
        if not value:
            continue
        try:
            config[key] = convert(value)
        except ValueError:
            raise ConfigError(f"{name} must be {expected}, not {value!r}.") from None
    return config


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's configuration; raises ConfigError when it would be unsafe to run."""
    config = environment()
    config.update(overrides or {})
    _check_database_url()
    if str(config.get("SMTP_SECURITY")).lower() not in ("none", "starttls", "ssl"):
        raise ConfigError("KEDJEKOLL_SMTP_SECURITY must be none, starttls or ssl, "
                          f"not {config.get('SMTP_SECURITY')!r}.")
    if config.get("FILE_STORAGE") not in STORES:
        raise ConfigError(f"KEDJEKOLL_FILE_STORAGE must be {_FILE_STORAGE}, "
                          f"not {config.get('FILE_STORAGE')!r}.")
    try:
        zone(config.get("TIMEZONE"))
    except ValueError:
        raise ConfigError("KEDJEKOLL_TIMEZONE must be a time zone name such as "
                          f"Europe/Stockholm, not {config.get('TIMEZONE')!r}.") from None
    relaxed = config.get("DEBUG") or config.get("TESTING") or config.get("DEV")
    if relaxed:
        config["SESSION_COOKIE_SECURE"] = False
    if not config.get("SECRET_KEY"):
        if not relaxed:
            raise ConfigError(
                "KEDJEKOLL_SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), or use "
                "`kedjekoll serve --dev` on your own machine."
            )
        config["SECRET_KEY"] = _development_key(Path(config["RESPONSES_DIR"]))
    elif len(str(config["SECRET_KEY"])) < 32 and not relaxed:
        raise ConfigError("KEDJEKOLL_SECRET_KEY is too short: use at least 32 characters.")
    return config


def _check_database_url() -> None:
    """KEDJEKOLL_DATABASE_URL (read by store/db.py) must parse; its value is not repeated,
    as it may hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = os.environ.get("KEDJEKOLL_DATABASE_URL")
    if not url:
        return
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError("KEDJEKOLL_DATABASE_URL must be a database address such as "
                          "postgresql://kedjekoll@localhost/kedjekoll or "
                          "sqlite:////var/lib/kedjekoll/kedjekoll.sqlite3.")


def _development_key(folder: Path) -> str:
    """A random key kept in responses/ so development sessions survive a restart."""
    key_file = folder / ".development-secret-key"
    try:
        return key_file.read_text(encoding="ascii").strip()
    except OSError:
        key = secrets.token_hex(32)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            key_file.write_text(key, encoding="ascii")
            key_file.chmod(0o600)
        except OSError:
            pass
        return key
