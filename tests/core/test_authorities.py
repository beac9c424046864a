"""The data protection authorities a person is pointed to after an unresolved dispute."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from core.authorities import DATA_FILE, Authority, all_authorities, authority_for

EU_MEMBER_STATES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
EEA_EFTA = {"IS", "LI", "NO"}
OTHERS = {"GB", "GI", "CH"}
EXPECTED = EU_MEMBER_STATES | EEA_EFTA | OTHERS


def test_every_expected_country_is_covered_and_nothing_else():
    assert {authority.country for authority in all_authorities()} == EXPECTED


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_country_has_its_authority(code):
    authority = authority_for(code)
    assert isinstance(authority, Authority)
    assert authority.country == code


def test_all_authorities_is_sorted_by_country():
    codes = [authority.country for authority in all_authorities()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("authority", all_authorities(), ids=lambda a: a.country)
def test_url_is_https_with_a_host(authority):
    parts = urlsplit(authority.url)
    assert parts.scheme == "https"
    assert authority.url.startswith("https://")
    assert parts.hostname
    assert "." in parts.hostname


@pytest.mark.parametrize("authority", all_authorities(), ids=lambda a: a.country)
def test_names_are_not_empty(authority):
    assert authority.name.strip()
    assert authority.local_name.strip()


@pytest.mark.parametrize("authority", all_authorities(), ids=lambda a: a.country)
def test_codes_are_uppercase_two_letters(authority):
    assert re.fullmatch(r"[A-Z]{2}", authority.country)


def test_greece_is_gr_and_the_uk_is_gb():
    assert authority_for("GR") is not None
    assert authority_for("EL") is None
    assert authority_for("GB") is not None
    assert authority_for("UK") is None


def test_lookup_is_case_insensitive():
    assert authority_for("fr") == authority_for("FR") == authority_for("Fr")
    assert authority_for("fr").url == "https://www.cnil.fr"


@pytest.mark.parametrize(
    ("territory", "state"),
    [("GP", "FR"), ("MQ", "FR"), ("GF", "FR"), ("RE", "FR"), ("YT", "FR"), ("MF", "FR")]
    + [("AX", "FI"), ("ax", "FI")],
)
def test_an_eu_territory_with_a_code_of_its_own_has_its_states_authority(territory, state):
    assert authority_for(territory) == authority_for(state)


def test_gibraltar_has_the_gibraltar_regulatory_authority():
    assert authority_for("GI").url == "https://www.gra.gi/data-protection"


@pytest.mark.parametrize("code", ["US", "us", "BL", "NC", "JE", "", "XX"])
def test_countries_not_covered_give_none(code):
    assert authority_for(code) is None


def test_source_entry_is_not_a_country():
    assert authority_for("_source") is None
    assert authority_for("_SOURCE") is None
    assert all(not authority.country.startswith("_") for authority in all_authorities())


def test_source_entry_records_the_check():
    source = json.loads(DATA_FILE.read_text(encoding="utf-8"))["_source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["checked_on"])
    assert source["reference"] == "https://edpb.europa.eu/about-edpb/about-edpb/members_en"


def test_germany_points_to_the_federal_authority_and_its_list_of_the_laender():
    germany = authority_for("DE")
    assert "bfdi.bund.de" in germany.url
    assert urlsplit(germany.regional_url).hostname == "www.bfdi.bund.de"
    assert "Laender" in germany.regional_url
    assert [a.country for a in all_authorities() if a.regional_url] == ["DE"]


def test_gibraltar_is_named_as_the_gra_in_every_language():
    with translation.override("pl"):
        assert authority_for("GI").name_here == "Gibraltar Regulatory Authority"


def test_an_authority_is_named_in_its_own_words_but_in_english():
    poland = authority_for("PL")
    with translation.override("en"):
        assert poland.name_here == poland.name
    with translation.override("fr"):
        assert poland.name_here == poland.local_name == "Urząd Ochrony Danych Osobowych"


def test_switzerland_and_the_uk():
    assert authority_for("CH").url == "https://www.edoeb.admin.ch"
    assert authority_for("GB").url == "https://ico.org.uk"


def test_authority_is_immutable():
    authority = authority_for("IT")
    with pytest.raises(AttributeError):
        authority.url = "https://example.org"  # type: ignore[misc]
