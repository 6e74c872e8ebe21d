"""Countries (ISO 3166-1) and their subdivisions (ISO 3166-2) as form choices.

Country names come in the user's language (Babel's locale data); subdivision names as
ISO publishes them. Lists are built once per language and country.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale


@lru_cache(maxsize=4)
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for every ISO 3166-1 country, sorted by name in `lang`."""
    names = Locale(lang).territories
    pairs = [(c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


@lru_cache(maxsize=300)
def regions(country: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for the subdivisions of a country; empty for an unknown code."""
    found = pycountry.subdivisions.get(country_code=country) if country else None
    return tuple(sorted(((s.code, s.name) for s in found or []), key=lambda p: p[1]))


def country_name(code: str | None, lang: str) -> str:
    return dict(countries(lang)).get(code or "", code or "")


def region_name(code: str | None) -> str:
    if not code:
        return ""
    found = pycountry.subdivisions.get(code=code)
    return found.name if found is not None else code
