"""Configuration: defaults, then the environment (KEDJEKOLL_*), then the caller's mapping.

A value that cannot be read stops the app with one line naming the variable and what it
expects (ConfigError), never a traceback from deep inside a library.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.errors import AppImportError

from .formats import DEFAULT_TIMEZONE, zone
from .store.blobs import STORES

PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE.parent
#: the questionnaires a wheel carries (copied in when it is built: wheel_build.py)
SHIPPED_QUESTIONNAIRES = PACKAGE / "questionnaires"
#: where links point in development (`--dev`, tests) only: a production server needs
#: KEDJEKOLL_BASE_URL, or its mail would lead to the reader's own machine
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
#: the rate-limit storage of one process, counted in its memory
PROCESS_MEMORY = "memory://"


class ConfigError(RuntimeError, AppImportError):
    """The app cannot start safely with this configuration.

    It is also gunicorn's AppImportError: a gunicorn worker then prints the message as
    one line and the master stops ("App failed to load") instead of printing a
    traceback and restarting workers; with --preload gunicorn prints a RuntimeError as
    one line too.
    """


def _folders() -> tuple[Path, Path]:
    """The default questionnaires and responses folders.

    A checkout (or KEDJEKOLL_ROOT) has both at its top. An installed package has no
    such top: it serves the questionnaires it ships and keeps responses/ in the working
    folder (production sets KEDJEKOLL_QUESTIONNAIRES_DIR and KEDJEKOLL_RESPONSES_DIR).
    """
    root = os.environ.get("KEDJEKOLL_ROOT")
    if root or (PROJECT_ROOT / "pyproject.toml").is_file():
        top = Path(root or PROJECT_ROOT)
        return top / "questionnaires", top / "responses"
    return SHIPPED_QUESTIONNAIRES, Path.cwd() / "responses"


def defaults() -> dict[str, Any]:
    questionnaires, responses = _folders()
    return {
        "QUESTIONNAIRES_DIR": questionnaires,
        "RESPONSES_DIR": responses,
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
        "BASE_URL": None,  # required outside development (see load)
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
        # Flask-Limiter's storage: redis://... shared by every worker and server;
        # required outside development, where memory:// is the default (see load)
        "RATELIMIT_STORAGE_URI": None,
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


#: the storages the rate limits can use: Redis (the `redis` client is a dependency),
#: or the memory of one process
_LIMIT_STORAGES = ("redis", "rediss", "redis+unix", "memory")


def _limit_storage(text: str) -> str:
    scheme, separator, rest = text.strip().partition("://")
    if not separator or scheme.lower() not in _LIMIT_STORAGES:
        raise ValueError(text)
    return f"{scheme.lower()}://{rest}"


def without_password(uri: str) -> str:
    """The address with its password (what stands between the user name and the last @,
    or a password= parameter) hidden, fit for an error or a log line."""
    shown = re.sub(r"(?i)(password=)[^&#]*", r"\1***", uri)
    head, at, place = shown.rpartition("@")
    if not at:
        return shown
    scheme, slashes, credentials = head.rpartition("//")
    user, colon, _password = credentials.partition(":")
    return f"{scheme}{slashes}{user + ':' if colon else ''}***@{place}"


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
    "KEDJEKOLL_RATELIMIT_STORAGE_URI": (
        "RATELIMIT_STORAGE_URI", _limit_storage,
        "a Redis address such as redis://127.0.0.1:6379/0 (shared by every worker and "
        "server) or memory:// (one process only)"),
}
#: variables whose value may hold a password: an error shows it with the password hidden
_SECRET_IN_VALUE = frozenset({"KEDJEKOLL_RATELIMIT_STORAGE_URI"})


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
            shown = without_password(value) if name in _SECRET_IN_VALUE else value
            raise ConfigError(f"{name} must be {expected}, not {shown!r}.") from None
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
    config["BASE_URL"] = base_url(config)
    config["RATELIMIT_STORAGE_URI"] = _limit_storage_of(config, bool(relaxed))
    return config


def base_url(config: dict[str, Any]) -> str:
    """Where the app is served, the start of every link in mail and printed links:
    KEDJEKOLL_BASE_URL, or in development (`--dev`, DEBUG, tests) the local default.

    Raises ConfigError outside development when it is not set: a production server
    would otherwise mail links that lead to the reader's own machine.
    """
    if config.get("BASE_URL"):
        return str(config["BASE_URL"]).rstrip("/")
    if config.get("DEBUG") or config.get("TESTING") or config.get("DEV"):
        return DEVELOPMENT_BASE_URL
    raise ConfigError(
        "KEDJEKOLL_BASE_URL is not set. Set it to the address suppliers and staff open, "
        "such as https://kedjekoll.region.se: links in mail start with it. Only "
        f"development (`kedjekoll serve --dev`, KEDJEKOLL_DEV=1) uses {DEVELOPMENT_BASE_URL}.")


def _limit_storage_of(config: dict[str, Any], relaxed: bool) -> str:
    """KEDJEKOLL_RATELIMIT_STORAGE_URI, required outside development: limits counted in
    each process's memory are N times looser with N workers and reset with a restart."""
    given = config.get("RATELIMIT_STORAGE_URI")
    if not given:
        if relaxed:
            return PROCESS_MEMORY
        raise ConfigError(
            "KEDJEKOLL_RATELIMIT_STORAGE_URI is not set. Set it to a Redis address such as "
            "redis://127.0.0.1:6379/0 so every worker and server shares the rate limits, "
            "or to memory:// to run one process only, or use `kedjekoll serve --dev`.")
    try:
        return _limit_storage(str(given))
    except ValueError:
        expected = _FROM_ENV["KEDJEKOLL_RATELIMIT_STORAGE_URI"][2]
        raise ConfigError(f"KEDJEKOLL_RATELIMIT_STORAGE_URI must be {expected}, not "
                          f"{without_password(str(given))!r}.") from None


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
