"""A setting that cannot be read is one line naming the variable and what it expects."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from webapp.cli import main
from webapp.config import _FROM_ENV, ConfigError, environment, load

BAD = {  # a value each variable that expects a form refuses
    "KEDJEKOLL_DEV": "maybe",
    "KEDJEKOLL_SMTP_PORT": "abc",
    "KEDJEKOLL_SMTP_SECURITY": "tls",
    "KEDJEKOLL_SMTP_TIMEOUT": "soon",
    "KEDJEKOLL_REMIND_DAYS_BEFORE": "-1",
    "KEDJEKOLL_REMIND_DAYS_AFTER": "three",
    "KEDJEKOLL_PROXY_COUNT": "yes",
    "KEDJEKOLL_LOG_FORMAT": "xml",
}


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in (*_FROM_ENV, "KEDJEKOLL_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_smtp_port_error_says_what_a_port_is(monkeypatch):
    monkeypatch.setenv("KEDJEKOLL_SMTP_PORT", "abc")
    with pytest.raises(ConfigError) as refused:
        environment()
    assert str(refused.value) == ("KEDJEKOLL_SMTP_PORT must be a whole number (a port such "
                                  "as 587), not 'abc'.")


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_variable_with_a_form_names_itself(monkeypatch, name):
    monkeypatch.setenv(name, BAD[name])
    with pytest.raises(ConfigError) as refused:
        environment()
    message = str(refused.value)
    assert message.startswith(f"{name} must be ") and message.endswith(f"not {BAD[name]!r}.")
    assert "\n" not in message


def test_every_variable_read_is_listed_with_what_it_expects():
    for name, (key, _convert, expected) in _FROM_ENV.items():
        assert name == f"KEDJEKOLL_{key}" and expected


def test_good_values_are_read(monkeypatch):
    for name, value in {"KEDJEKOLL_DEV": "no", "KEDJEKOLL_SMTP_PORT": " 587",
                        "KEDJEKOLL_SMTP_SECURITY": "SSL", "KEDJEKOLL_SMTP_TIMEOUT": "7,5",
                        "KEDJEKOLL_PROXY_COUNT": "2", "KEDJEKOLL_LOG_FORMAT": "json"}.items():
        monkeypatch.setenv(name, value)
    config = environment()
    assert (config["DEV"], config["SMTP_PORT"], config["SMTP_SECURITY"], config["SMTP_TIMEOUT"],
            config["PROXY_COUNT"], config["LOG_FORMAT"]) == (False, 587, "ssl", 7.5, 2, "json")


def test_a_bad_time_zone_or_database_address_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KEDJEKOLL_TIMEZONE", "Europe/Sthlm")
    with pytest.raises(ConfigError, match=r"^KEDJEKOLL_TIMEZONE must be a time zone name such "
                                          r"as Europe/Stockholm, not 'Europe/Sthlm'\.$"):
        load({"TESTING": True, "RESPONSES_DIR": tmp_path})
    monkeypatch.delenv("KEDJEKOLL_TIMEZONE")
    monkeypatch.setenv("KEDJEKOLL_DATABASE_URL", "mysql://kk:hunter2@db/kk")
    with pytest.raises(ConfigError, match="^KEDJEKOLL_DATABASE_URL must be a database") as bad:
        load({"TESTING": True, "RESPONSES_DIR": tmp_path})
    assert "hunter2" not in str(bad.value)


def test_every_command_says_it_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["outbox", "send"], env={
        "KEDJEKOLL_RESPONSES_DIR": str(tmp_path), "KEDJEKOLL_SMTP_PORT": "abc"})
    assert result.exit_code == 2
    assert result.output == ("kedjekoll: KEDJEKOLL_SMTP_PORT must be a whole number (a port "
                             "such as 587), not 'abc'.\n")


@pytest.mark.parametrize(("count", "trusted"), [(None, ""), ("0", ""), ("1", "*"),
                                                ("two", "")])
def test_gunicorn_trusts_proxies_as_the_app_does(monkeypatch, count, trusted):
    from webapp.server import settings

    if count is not None:
        monkeypatch.setenv("KEDJEKOLL_PROXY_COUNT", count)
    chosen = settings("127.0.0.1:8000")
    assert chosen["forwarded_allow_ips"] == trusted  # gunicorn's own default trusts 127.0.0.1
    assert 3 <= chosen["workers"] <= 8 and chosen["threads"] == 2
    assert chosen["bind"] == ["127.0.0.1:8000"] and chosen["accesslog"] is None
    assert settings(workers=3, threads=4)["workers"] == 3


PRODUCTION_KEY = {"SECRET_KEY": "k" * 40}


def test_production_needs_a_base_url_and_development_has_a_local_one(tmp_path):
    """S16: outside development no address for links is one line naming the variable."""
    with pytest.raises(ConfigError) as refused:
        load({"RESPONSES_DIR": tmp_path, "RATELIMIT_STORAGE_URI": "memory://",
              **PRODUCTION_KEY})
    assert str(refused.value) == (
        "KEDJEKOLL_BASE_URL is not set. Set it to the address suppliers and staff open, such "
        "as https://kedjekoll.region.se: links in mail start with it. Only development "
        "(`kedjekoll serve --dev`, KEDJEKOLL_DEV=1) uses http://127.0.0.1:5000.")
    for relaxed in ("DEV", "DEBUG", "TESTING"):
        assert load({"RESPONSES_DIR": tmp_path, relaxed: True})["BASE_URL"] == (
            "http://127.0.0.1:5000")


def test_production_needs_a_limit_storage_and_memory_must_be_chosen(tmp_path, monkeypatch):
    """S6/S16: limits counted per process are refused unless memory:// is set on purpose."""
    settings = {"RESPONSES_DIR": tmp_path, "BASE_URL": "https://kk.region.se/",
                **PRODUCTION_KEY}
    with pytest.raises(ConfigError, match=r"^KEDJEKOLL_RATELIMIT_STORAGE_URI is not set\. "
                                          r"Set it to a Redis address such as redis://"):
        load(settings)
    assert load({**settings, "TESTING": True})["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("KEDJEKOLL_RATELIMIT_STORAGE_URI", " Memory:// ")
    config = load(settings)
    assert (config["RATELIMIT_STORAGE_URI"], config["BASE_URL"]) == (
        "memory://", "https://kk.region.se")
    monkeypatch.setenv("KEDJEKOLL_RATELIMIT_STORAGE_URI", "redis://:pw@redis.region.se:6379/2")
    assert load(settings)["RATELIMIT_STORAGE_URI"] == "redis://:pw@redis.region.se:6379/2"


@pytest.mark.parametrize(("given", "shown"), [
    ("memcached://kk:hunter2@cache:11211", "memcached://kk:***@cache:11211"),
    ("redis:/hunter2@cache", "redis:***@cache"),
    ("127.0.0.1:6379", "127.0.0.1:6379"),
    ("redis-host/0?password=hunter2", "redis-host/0?password=***"),
])
def test_a_bad_limit_storage_is_one_line_without_its_password(monkeypatch, given, shown):
    """S16: a limit storage the app cannot use stops it with one line, and the line
    never repeats the password the address may hold."""
    monkeypatch.setenv("KEDJEKOLL_RATELIMIT_STORAGE_URI", given)
    with pytest.raises(ConfigError) as refused:
        environment()
    assert str(refused.value) == (
        "KEDJEKOLL_RATELIMIT_STORAGE_URI must be a Redis address such as "
        "redis://127.0.0.1:6379/0 (shared by every worker and server) or memory:// (one "
        f"process only), not {shown!r}.")
    assert "hunter2" not in str(refused.value)
