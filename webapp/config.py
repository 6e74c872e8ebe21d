"""Configuration: defaults, then the environment (KEDJEKOLL_*), then the caller's mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from .formats import DEFAULT_TIMEZONE, zone

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The app cannot start safely with this configuration."""


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
    }


_FROM_ENV = {
    "KEDJEKOLL_QUESTIONNAIRES_DIR": ("QUESTIONNAIRES_DIR", Path),
    "KEDJEKOLL_RESPONSES_DIR": ("RESPONSES_DIR", Path),
    "KEDJEKOLL_SECRET_KEY": ("SECRET_KEY", str),
    "KEDJEKOLL_DEV": ("DEV", lambda v: v.lower() in ("1", "true", "yes")),
    "KEDJEKOLL_BUYER_NAME": ("BUYER_NAME", str),
    "KEDJEKOLL_BUYER_CONTACT_NAME": ("BUYER_CONTACT_NAME", str),
    "KEDJEKOLL_BUYER_CONTACT_EMAIL": ("BUYER_CONTACT_EMAIL", str),
    "KEDJEKOLL_BUYER_CONTACT_PHONE": ("BUYER_CONTACT_PHONE", str),
    "KEDJEKOLL_BASE_URL": ("BASE_URL", str),
    "KEDJEKOLL_SMTP_HOST": ("SMTP_HOST", str),
    "KEDJEKOLL_SMTP_PORT": ("SMTP_PORT", int),
    "KEDJEKOLL_SMTP_USERNAME": ("SMTP_USERNAME", str),
    "KEDJEKOLL_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "KEDJEKOLL_SMTP_SECURITY": ("SMTP_SECURITY", str.lower),
    "KEDJEKOLL_SMTP_FROM": ("SMTP_FROM", str),
    "KEDJEKOLL_SMTP_TIMEOUT": ("SMTP_TIMEOUT", float),
    "KEDJEKOLL_REMIND_DAYS_BEFORE": ("REMIND_DAYS_BEFORE", int),
    "KEDJEKOLL_REMIND_DAYS_AFTER": ("REMIND_DAYS_AFTER", int),
    "KEDJEKOLL_TIMEZONE": ("TIMEZONE", str),
}


def environment() -> dict[str, Any]:
    """The defaults, then the environment: for commands that need no secret key."""
    config = defaults()
    for name, (key, convert) in _FROM_ENV.items():
        if os.environ.get(name):
            config[key] = convert(os.environ[name])
    return config


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's configuration; raises ConfigError when it would be unsafe to run."""
    config = environment()
    config.update(overrides or {})
    if str(config.get("SMTP_SECURITY")).lower() not in ("none", "starttls", "ssl"):
        raise ConfigError("KEDJEKOLL_SMTP_SECURITY must be none, starttls or ssl.")
    try:
        zone(config.get("TIMEZONE"))
    except ValueError:
        raise ConfigError(f"KEDJEKOLL_TIMEZONE {config.get('TIMEZONE')!r} is not a time zone "
                          "name such as Europe/Stockholm.") from None
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
