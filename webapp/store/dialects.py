"""The two ways a CSV export is written: for Swedish Excel, and the international way.

Swedish Excel splits a CSV line on the list separator of Windows' regional settings,
which is `;` in Sweden, and reads `59,3` as a number but `59.3` as text. So the Swedish
dialect writes semicolons, decimal commas and moments in the buyer's local time
(Europe/Stockholm); the international one writes commas, decimal points and UTC, as
most other programs expect. Both are UTF-8 with a byte-order mark (so Excel does not
guess the encoding) and CRLF line ends, and both write days as YYYY-MM-DD, which is
also how Swedish Excel writes a date. The columns and their order are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..formats import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Dialect:
    """How one kind of reader wants separators, numbers and moments written."""

    name: str
    delimiter: str
    decimal: str
    local_time: bool  # moments in the buyer's time zone (else UTC)

    def zone_label(self, lang: str, zone: str = DEFAULT_TIMEZONE) -> str:
        """How the header names the clock the moments are given in."""
        return zone_label(zone if self.local_time else None, lang)

    def cell(self, value: Any, zone: str = DEFAULT_TIMEZONE) -> Any:
        """A cell as this dialect writes it: decimals with its separator, moments as
        `YYYY-MM-DD HH:MM:SS` in its clock; other values unchanged."""
        if isinstance(value, datetime):
            return moment_in(value, zone if self.local_time else None).strftime(
                "%Y-%m-%d %H:%M:%S")
        if isinstance(value, float) and self.decimal != ".":
            return repr(value).replace(".", self.decimal)
        return value


#: by the name used in `?dialect=` and `kedjekoll export --dialect`
DIALECTS: dict[str, Dialect] = {
    "sv": Dialect("sv", ";", ",", local_time=True),
    "en": Dialect("en", ",", ".", local_time=False),
}


def dialect_for(name: str | None, lang: str) -> Dialect:
    """The dialect asked for by name, else the one of the reader's language."""
    return DIALECTS.get(name or "") or DIALECTS.get(lang) or DIALECTS["en"]


def moment_in(moment: datetime, zone: str | None) -> datetime:
    """A stored moment (UTC, aware or naive) as a naive wall-clock time in `zone`
    (None: UTC): spreadsheets have no time zones, so the header says which clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone) if zone else UTC).replace(tzinfo=None)


def zone_label(zone: str | None, lang: str) -> str:
    """The name of a clock in a header: "svensk tid" for Stockholm, else the zone's name."""
    if zone is None or zone == "UTC":
        return "UTC"
    if zone == DEFAULT_TIMEZONE:
        return "svensk tid" if lang == "sv" else "Swedish time"
    return zone
