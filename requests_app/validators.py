"""What every form accepts as text and as an e-mail address: one rule each, used by all of them."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Unicode's control characters (category Cc, fixed by its stability policy). Text of several
# lines keeps tab, line feed and carriage return; a single line keeps none.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROLS_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Shown as nothing, although Unicode files them as letters, marks or symbols: the combining
# grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the braille blank and the
# variation selectors. Names made of them pass for blank in every font.
BLANK_LOOKING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})

CONTROL_CHARACTERS = _(
    "Remove the control characters from this text (invisible codes that copying and "
    "pasting sometimes brings along)."
)
UNDELIVERABLE = _(
    "This portal cannot send e-mail to addresses with accented or non-Latin letters before "
    "the “@”. Please give another address."
)


def is_invisible(char: str) -> bool:
    return (
        char.isspace()
        or unicodedata.category(char) in INVISIBLE_CATEGORIES
        or char in BLANK_LOOKING
    )


def is_visible_letter(char: str) -> bool:
    """A letter, mark, digit, punctuation or symbol that shows: no control, format or space."""
    return unicodedata.category(char)[0] in "LMNPS" and char not in BLANK_LOOKING


def clean_text(value: str, empty_message: str, *, multiline: bool = False) -> str:
    """`value` without surrounding white space; refused if it holds control characters or
    shows nothing (white space, zero-width and other format characters only).

    `empty_message` is the field's own "required" message: text that shows nothing is no text.
    """
    controls = CONTROLS_BUT_LINE_BREAKS if multiline else CONTROLS
    if controls.search(value):
        raise ValidationError(CONTROL_CHARACTERS, code="control_characters")
    text = value.strip()
    if all(map(is_invisible, text)):
        raise ValidationError(empty_message, code="required")
    return text


def validate_email_address(value: str) -> None:
    """An address the portal can write to.

    ASCII addresses are checked as Django checks them. An internationalised one (RFC 6531:
    UTF-8 letters before the @) is well formed when it is with each such letter taken for an
    ASCII one, and is taken only when the mail transport speaks SMTPUTF8 (EMAIL_SMTPUTF8).
    """
    local_part, _at, domain = value.rpartition("@")
    if local_part.isascii():
        validate_email(value)
        return
    if not all(is_visible_letter(char) for char in local_part if not char.isascii()):
        raise ValidationError(validate_email.message, code="invalid")
    ascii_local_part = "".join(char if char.isascii() else "x" for char in local_part)
    validate_email(f"{ascii_local_part}@{domain}")
    if not settings.EMAIL_SMTPUTF8:
        raise ValidationError(UNDELIVERABLE, code="smtputf8")
