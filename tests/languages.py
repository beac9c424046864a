"""What the language tests share: the portal's languages but English, and how to tell that a
translated page still has an English sentence."""

from __future__ import annotations

import html
import re

from django.conf import settings

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
HTML_TAG = re.compile(r"<[^>]*>")
LETTER = re.compile(r"[^\W\d_]")


SKIPPED_ELEMENTS = re.compile(r"<(script|style|select)\b.*?</\1>", re.S)


def visible_text(page: str) -> set[str]:
    """The text pieces of a page with at least two words (form controls' options left out)."""
    page = SKIPPED_ELEMENTS.sub(" ", page)
    pieces = set()
    for piece in HTML_TAG.split(page):
        text = " ".join(html.unescape(piece).split())
        if len(LETTER.findall(text)) >= 4 and " " in text:
            pieces.add(text)
    return pieces


def organisation_data() -> list[str]:
    return [
        settings.ORGANISATION_NAME,
        settings.ORGANISATION_EMAIL,
        *settings.ORGANISATION_ADDRESS.splitlines(),
        *settings.ORGANISATION_WEBSITES,
        *settings.ORGANISATION_SUBPROCESSORS,
    ]


def english_left(english: set[str], translated: set[str], theirs: tuple[str, ...] = ()) -> set[str]:
    """Pieces of the English page that the translated page repeats, the organisation's own
    name, address and so on aside, and what the requester wrote themselves (`theirs`)."""
    left = set()
    for piece in english & translated:
        rest = piece
        for value in [*organisation_data(), *theirs]:
            rest = rest.replace(value.strip(), " ")
        # A single word left ("Name: Erika Mustermann") may well be the same in both languages.
        if len(LETTER.findall(rest)) >= 4 and len(re.findall(r"\w{2,}", rest)) >= 2:
            left.add(piece)
    return left
