"""Text for the case file's PDF: the font, what it can draw, and the labels of values."""

from __future__ import annotations

import functools
import logging
import unicodedata
from datetime import datetime, timedelta

import ttf_opensans
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont

# fpdf2 replaces this alias with the page count when the document is closed.
PAGE_COUNT_ALIAS = "{nb}"

# Invisible formatting characters: dropped when the font lacks them (they only modify
# the emoji next to them, which is replaced anyway).
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF] + list(range(0xFE00, 0xFE10)))

FONT_FAMILY = "OpenSans"
FONT_FILES = {
    "": ttf_opensans.OPENSANS_REGULAR.path,
    "B": ttf_opensans.OPENSANS_BOLD.path,
    "I": ttf_opensans.OPENSANS_ITALIC.path,
}

# fpdf2 subsets the font with fontTools, which logs ~100 INFO lines per PDF; the portal's
# root logger is at INFO. Quiet it unless someone configured that logger on purpose.
_SUBSET_LOGGER = logging.getLogger("fontTools.subset")
if _SUBSET_LOGGER.level == logging.NOTSET:
    _SUBSET_LOGGER.setLevel(logging.WARNING)

# A4 portrait, millimetres.
MARGIN = 18
BODY_SIZE = 10
LINE = 5
LABEL_WIDTH = 48


@functools.cache
def font_codepoints() -> frozenset[int]:
    """The code points every embedded face can draw."""
    covered = None
    for path in FONT_FILES.values():
        font = TTFont(path, lazy=True)
        cmap = set(font.getBestCmap())
        font.close()
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


class Text:
    """Makes free text printable with the embedded font, and remembers if it had to."""

    def __init__(self) -> None:
        self.replaced = False
        self._covered = font_codepoints()

    def __call__(self, value: object) -> str:
        if value is None:
            return ""
        text = unicodedata.normalize("NFC", str(value))
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        out = []
        for char in text:
            code = ord(char)
            if char == "\n" or code in self._covered:
                out.append(char)
            elif unicodedata.category(char) == "Cc" or code in _INVISIBLE:
                continue
            elif char.isspace():
                out.append(" ")
            else:
                self.replaced = True
                out.append(f"[U+{code:04X}]")
        return "".join(out)


def when(value: str | None) -> str:
    """An ISO date-time as "2026-03-02 10:00 UTC"; a date, or anything else, as given."""
    if not value or "T" not in value:
        return value or ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    if offset == timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    zone = moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M ") + f"{zone[:3]}:{zone[3:]}"


def outcome_label(outcome: str) -> str:
    return {
        "none": _("No final answer"),
        "answered": _("Answered"),
        "refused": _("Refused"),
        "answered_in_part": _("Answered in part"),
    }[outcome]


def sender_label(sender: str) -> str:
    if sender == "requester":
        return _("The requester")
    if sender == "team":
        return _("The organisation")
    return sender
