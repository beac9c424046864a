"""The data protection authority of each country: named in an access answer and after a dispute.

The list lives in ``data/authorities.json`` next to this module, keyed by ISO 3166-1 alpha-2 code
(Greece is ``GR``, the United Kingdom ``GB``). It covers the EU member states, the EEA members
Iceland, Liechtenstein and Norway, the United Kingdom, Gibraltar and Switzerland. The parts of
member states with ISO codes of their own where EU law applies (France's outermost regions,
Åland) are supervised by their State's authority. The ``_source`` entry records when and
against what the list was last checked; it is not a country.

Each authority is named in its own words (`local_name`) to a reader in any language but
English. Where a federal State has an authority in each of its regions (Germany's Länder),
`regional_url` is the federal authority's list of them: which one is competent depends on
where the organisation is established, and templates/includes/authority.html says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).parent / "data" / "authorities.json"
# Territories under EU law with codes of their own, and the State whose authority they have.
TERRITORY_STATES = {
    "GP": "FR",
    "MQ": "FR",
    "GF": "FR",
    "RE": "FR",
    "YT": "FR",
    "MF": "FR",
    "AX": "FI",
}


@dataclass(frozen=True)
class Authority:
    country: str
    name: str
    local_name: str
    url: str
    regional_url: str = ""

    @property
    def name_here(self) -> str:
        """The name for the active language: the authority's own, but in English."""
        language = get_language() or "en"
        return self.name if language == "en" or not self.local_name else self.local_name


@cache
def _load() -> dict[str, Authority]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {
        code: Authority(
            country=code,
            name=entry["name"],
            local_name=entry["local_name"],
            url=entry["url"],
            regional_url=entry.get("regional_url", ""),
        )
        for code, entry in raw.items()
        if not code.startswith("_")
    }


def authority_for(country: str) -> Authority | None:
    """The authority for an ISO country code, in any case; None for a country not covered."""
    code = country.strip().upper()
    return _load().get(TERRITORY_STATES.get(code, code))


def all_authorities() -> list[Authority]:
    """Every covered authority, sorted by country code."""
    return sorted(_load().values(), key=lambda authority: authority.country)
