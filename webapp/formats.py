"""Dates, times, numbers and file sizes the way the reader's language writes them.

One style per language (`STYLES`), used by every page, mail and error message, so a
Swedish reader sees "22 dec. 2026 14:44" and "40,5" everywhere and an English one
"22 Dec 2026, 14:44" and "40.5". Moments are stored in UTC and shown in the
configured time zone (Europe/Stockholm by default); a date such as a deadline is a
day, never shifted by a time zone. Pure Babel: the web app, the mail composer and
the definitions' error messages all use it, and none of them needs Flask for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.units import format_unit

DEFAULT_TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class Style:
    """How one language writes a day, a moment, a clock time and numbers."""

    locale: str  # the CLDR locale whose month names and number symbols are used
    date: str
    datetime: str
    time: str
    example: str  # a number written this way, for error messages


STYLES: dict[str, Style] = {
    "sv": Style("sv_SE", "d MMM y", "d MMM y HH:mm", "HH:mm", "40,5"),
    "en": Style("en_GB", "d MMM y", "d MMM y, HH:mm", "HH:mm", "40.5"),
}


def style(lang: str) -> Style:
    """The language's style; Swedish for a language Kedjekoll does not speak."""
    return STYLES.get(lang, STYLES["sv"])


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name` (raises ValueError for an unknown name)."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def local(moment: datetime, tz: str | None = None) -> datetime:
    """A stored moment in the given zone; a naive moment is UTC (as SQLite returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(tz))


def today(tz: str | None = None) -> date:
    """Today's date where the buyer is, not where the server happens to run."""
    return datetime.now(zone(tz)).date()


def date_text(value: date | datetime, lang: str, tz: str | None = None) -> str:
    """A day: a date as it is; a moment as the day it was in the zone."""
    if isinstance(value, datetime):
        value = local(value, tz).date()
    return format_date(value, style(lang).date, locale=style(lang).locale)


def datetime_text(moment: datetime, lang: str, tz: str | None = None) -> str:
    """A moment in the zone: "22 dec. 2026 14:44"; a bare date is shown as a day."""
    if not isinstance(moment, datetime):
        return date_text(moment, lang, tz)
    return format_datetime(local(moment, tz), style(lang).datetime, tzinfo=zone(tz),
                           locale=style(lang).locale)


def time_text(moment: datetime, lang: str, tz: str | None = None) -> str:
    """The clock time of a moment in the zone: "14:44"."""
    return format_datetime(local(moment, tz), style(lang).time, tzinfo=zone(tz),
                           locale=style(lang).locale)


def number_text(value: float | int | Decimal, lang: str) -> str:
    """A number to read: every decimal kept, the language's signs ("1 234,5")."""
    return format_decimal(value, locale=style(lang).locale, decimal_quantization=False)


def number_input(value: float | int | Decimal, lang: str) -> str:
    """A number to edit: exact, the language's decimal sign, no grouping ("1234,5")."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(exact, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", _decimal_sign(lang))


def _decimal_sign(lang: str) -> str:
    return "," if style(lang).locale.startswith("sv") else "."


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(G\d{3})+(\.\d*)?")


def parse_number(text: str, lang: str) -> Decimal:
    """A number typed in the reader's way; raises ValueError when it is not one.

    Spaces (and apostrophes) between digits are thousands separators. Where both a
    comma and a point appear, the last is the decimal sign and the other groups
    thousands ("1.234,5", "1,234.5"). A lone sign is the decimal sign ("40,5" and
    "40.5" in either language), except a comma before exactly three digits in
    English ("1,500") and, being ambiguous, a point before exactly three digits in
    Swedish ("1.500" could be 1,5 or 1 500), which is refused so the supplier says.
    """
    cleaned = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    signs = [c for c in cleaned if c in ",."]
    if not signs:
        return _decimal(cleaned)
    if len(set(signs)) == 2:
        point = cleaned.rfind(".") > cleaned.rfind(",")
        decimal_sign, group = (".", ",") if point else (",", ".")
        return _grouped(cleaned, group, decimal_sign)
    sign = signs[0]
    if len(signs) > 1:  # "1,000,000" or "1.000.000": thousands only
        return _grouped(cleaned, sign, None)
    after = cleaned.split(sign, 1)[1]
    whole = cleaned.split(sign, 1)[0].lstrip("+-")
    three = len(after) == 3 and after.isdigit() and whole not in ("", "0")
    if three and sign == "," and _decimal_sign(lang) == ".":
        return _grouped(cleaned, ",", None)
    if three and sign == "." and _decimal_sign(lang) == ",":
        raise ValueError(f"ambiguous number {text!r}")
    return _decimal(cleaned.replace(",", "."))


def _grouped(cleaned: str, group: str, decimal_sign: str | None) -> Decimal:
    marked = cleaned.replace(group, "G")
    if decimal_sign is not None:
        marked = marked.replace(decimal_sign, ".")
    if not _GROUPED.fullmatch(marked):
        raise ValueError(f"not a number: {cleaned!r}")
    return _decimal(marked.replace("G", ""))


def _decimal(cleaned: str) -> Decimal:
    if not _PLAIN.fullmatch(cleaned):
        raise ValueError(f"not a number: {cleaned!r}")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {cleaned!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {cleaned!r}")
    return number


_UNITS = (("digital-byte", 1), ("digital-kilobyte", 1024), ("digital-megabyte", 1024 ** 2),
          ("digital-gigabyte", 1024 ** 3))


def size_text(size: int | float, lang: str) -> str:
    """A file size in the largest fitting unit, at most one decimal: "1,5 MB", "20 MB"."""
    unit, scale = next(((u, s) for u, s in reversed(_UNITS) if size >= s), _UNITS[0])
    return format_unit(Decimal(str(size)) / scale, unit, length="short", format="#,##0.#",
                       locale=style(lang).locale)


__all__ = [
    "DEFAULT_TIMEZONE", "STYLES", "Style", "date_text", "datetime_text", "local",
    "number_input", "number_text", "parse_number", "size_text", "style", "time_text",
    "today", "zone",
]
