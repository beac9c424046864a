"""Synthetic requesters and their words, for demo data (`manage.py seed_demo`) and benchmarks.

Small word lists, no Faker: names, documentation-only addresses (example.com, RFC 5737
blocks), and what people write in each kind of request. Draws take a `random.Random`, so a
seed gives the same people again.
"""

from __future__ import annotations

import bisect
import itertools
import random
import unicodedata
from typing import Any

from requests_app.models import RefusalReason, RequestType, WaitReason

FIRST_NAMES = (
    "Anna Lukas Marie Jonas Sofia Mateo Emma Noah Julia Luca Léa Hugo Chloé Giulia "
    "Alessandro Lucía Pablo Sanne Daan Zofia Jakub Elin Oskar Aoife Seán Inês João Freja "
    "Mads Aino Eliška Nikos Réka Ioana Mia Oliver Charlotte James Léon Emily Björn Zoë"
).split()
LAST_NAMES = (
    "Müller Schmidt Schneider Fischer Weber Martin Bernard Dubois Rossi Russo Bianchi "
    "García Fernández López Jansen Kowalski Nowak Andersson Johansson Murphy Kelly Silva "
    "Santos Nielsen Jensen Korhonen Novák Papadopoulos Nagy Popescu Smith Jones Taylor "
    "Brown Meier Keller Johnson Williams Peeters Østergaard"
).split()
MAIL_DOMAINS = ("example.com", "example.org", "example.net")
# Documentation address blocks (RFC 5737): never a real person's address.
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")

TYPE_WEIGHTS = {
    RequestType.ACCESS: 35,
    RequestType.DELETION: 24,
    RequestType.OBJECTION: 10,
    RequestType.CORRECTION: 8,
    RequestType.QUESTION: 7,
    RequestType.COMPLAINT: 6,
    RequestType.PORTABILITY: 6,
    RequestType.RESTRICTION: 4,
}
# Mostly EU member states, some UK, Switzerland, the US and a few others, among them
# Gibraltar and territories of member states with codes of their own (Réunion, Åland).
COUNTRY_WEIGHTS = {
    "DE": 18, "FR": 12, "IT": 8, "ES": 7, "NL": 6, "PL": 5, "BE": 3, "AT": 3, "SE": 3,
    "IE": 2, "PT": 2, "DK": 2, "FI": 2, "CZ": 2, "GR": 1, "HU": 1, "RO": 1, "BG": 1,
    "HR": 1, "SK": 1, "SI": 1, "LT": 1, "LV": 1, "EE": 1, "LU": 1, "CY": 1, "MT": 1,
    "NO": 1, "IS": 1, "LI": 1, "GB": 8, "CH": 5, "US": 5, "CA": 1, "AU": 1,
    "GI": 1, "RE": 1, "AX": 1,
}  # fmt: skip
LANGUAGE_OF = {"DE": "de", "AT": "de", "LI": "de", "CH": "de", "FR": "fr", "LU": "fr", "IT": "it"}
LANGUAGE_OF |= {"RE": "fr"}

OPENINGS = {
    RequestType.ACCESS: (
        "Please send me a copy of all personal data you hold about me.",
        "I would like to know which data you have about me and how you use it.",
    ),
    RequestType.CORRECTION: (
        "My {field} in your records is wrong; please correct it.",
        "Please update my {field}, it changed last year.",
    ),
    RequestType.DELETION: (
        "Please delete my account and all data linked to it.",
        "I no longer use your products: please erase my data.",
    ),
    RequestType.PORTABILITY: (
        "Please send me my data in a machine-readable format (CSV or JSON).",
    ),
    RequestType.RESTRICTION: ("Please stop using my data while you check my {field}.",),
    RequestType.OBJECTION: (
        "I object to the use of my data for direct marketing.",
        "Please stop sending me newsletters and product offers.",
    ),
    RequestType.COMPLAINT: (
        "I keep receiving marketing e-mails although I unsubscribed twice.",
        "Your support shared my {field} with a reseller without asking me.",
    ),
    RequestType.QUESTION: (
        "Which subprocessors receive my data, and in which countries?",
        "How long do you keep the data of former customers?",
    ),
}
CONTEXTS = (
    "I used {product} from {since} to {until}.",
    "My customer number is KZ-{number}.",
    "I wrote to your support before but got no answer.",
    "I bought a licence for {product} in {since}.",
    "",
)
PRODUCTS = ("Kaizen Assets", "Training Manager", "the web shop", "the mobile app", "the newsletter")
FIELDS = ("postal address", "surname", "date of birth", "phone number", "e-mail address")

# What the privacy team writes.
QUESTIONS = {
    WaitReason.IDENTITY: "To confirm it is you, please tell us the customer number on your "
    "last invoice.",
    WaitReason.FEE: "Your request repeats the last three; we ask a reasonable fee before we "
    "answer it. Please reply to agree.",
    WaitReason.CLARIFICATION: "Which of our products or websites does your request concern?",
}
ANSWERS = (
    "We have answered your request: the export of your data is on this page.",
    "We made the change you asked for in every system that holds your data.",
    "We found no further data about you beyond what is listed on this page.",
)
REFUSALS = "We cannot fulfil your request, for the reason shown on this page. You may complain "
REFUSALS += "to your data protection authority or go to court."
EXTENSION_REASONS = (
    "The data is held in several systems and must be collected from a subprocessor.",
    "We received many requests from you at once.",
)
TASK_OUTCOMES = ("No data found.", "Data exported.", "Record changed as asked.")

# What the requester writes back.
REPLIES = {
    WaitReason.IDENTITY: "My customer number is KZ-{number}.",
    WaitReason.FEE: "I agree to pay the fee.",
    WaitReason.CLARIFICATION: "It is about {product}.",
}
FOLLOW_UPS = (
    "Is there any news on my request?",
    "I have moved; please use my new postal address for any letter.",
    "Please also include the data of my old account.",
)
ESCALATION_REASONS = (
    "The answer left out the data of my old account.",
    "I was refused without a reason I can follow.",
    "No answer came by the due date.",
)


class Weighted:
    """Draws from a table of weights with one random number and a bisection."""

    def __init__(self, weights: dict[Any, float]) -> None:
        # Plain strings: rows written with COPY and JSON take them as they are.
        self.values = [str(value) for value in weights]
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


TYPES = Weighted(TYPE_WEIGHTS)
COUNTRIES = Weighted(COUNTRY_WEIGHTS)
WAIT_REASONS = [str(reason) for reason in QUESTIONS]
REFUSAL_REASONS = RefusalReason.values


def ascii_name(name: str) -> str:
    """For e-mail addresses: Müller -> muller, Østergaard -> ostergaard, de Jong -> dejong."""
    name = name.replace("Ø", "O").replace("ø", "o").replace(" ", "")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


ASCII_NAMES = {name: ascii_name(name) for name in FIRST_NAMES + LAST_NAMES}


def pick(rng: random.Random, items: tuple | list) -> Any:
    # rng.choice costs three times as much, and the benchmarks' fill runs it millions of times.
    return items[int(rng.random() * len(items))]


def number(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low (included) to high (excluded)."""
    return low + int(rng.random() * (high - low))


def requester(rng: random.Random, year: int) -> dict[str, str]:
    """The intake form's fields of one synthetic request (as `services.file_request` takes them)."""
    first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
    request_type, country = TYPES.draw(rng), COUNTRIES.draw(rng)
    mailbox = f"{ASCII_NAMES[first]}.{ASCII_NAMES[last]}{number(rng, 1, 10_000)}"
    return {
        "request_type": request_type,
        "full_name": f"{first} {last}",
        "email": f"{mailbox}@{pick(rng, MAIL_DOMAINS)}",
        "country": country,
        "details": details(rng, request_type, year),
    }


def details(rng: random.Random, request_type: str, year: int) -> str:
    opening = pick(rng, OPENINGS[request_type]).format(field=pick(rng, FIELDS))
    context = pick(rng, CONTEXTS).format(
        product=pick(rng, PRODUCTS),
        since=year - number(rng, 2, 8),
        until=year - number(rng, 0, 2),
        number=number(rng, 100_000, 1_000_000),
    )
    return f"{opening} {context}".strip()


def ip_address(rng: random.Random) -> str:
    return f"{pick(rng, IP_PREFIXES)}.{number(rng, 1, 255)}"


def language(country: str) -> str:
    return LANGUAGE_OF.get(country, "en")


def reply(rng: random.Random, reason: str) -> str:
    return REPLIES[reason].format(
        number=number(rng, 100_000, 1_000_000), product=pick(rng, PRODUCTS)
    )
