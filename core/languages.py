"""The portal's languages, and what Django's own list of them (LANG_INFO) lacks.

The 24 official languages of the EU and the EEA's Icelandic and Norwegian Bokmål, each named
in English for the admin's lists (settings.LANGUAGES is this list). Of Django's list:

- Maltese, an official language of the EU, is not in it.
- The switcher names each language in itself, as a noun: Django's Czech, Slovak and
  Lithuanian names are adverbs ("česky": "in Czech").
- A browser asking for Norwegian ("no") or Nynorsk ("nn") gets Norwegian Bokmål, which both
  read, rather than English.
"""

from __future__ import annotations

from django.conf import locale
from django.utils.translation import gettext_lazy as _

PORTAL_LANGUAGES = [
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("ga", _("Irish")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("is", _("Icelandic")),
    ("it", _("Italian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("nb", _("Norwegian Bokmål")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sv", _("Swedish")),
]

MALTESE = {"bidi": False, "code": "mt", "name": "Maltese", "name_local": "Malti"}
NAMES_IN_THEMSELVES = {"cs": "čeština", "sk": "slovenčina", "lt": "lietuvių"}
FALLBACKS = {"no": ["nb"], "nn": ["nb"]}


def complete_language_info() -> None:
    info = locale.LANG_INFO
    info.setdefault("mt", MALTESE)
    for code, name in NAMES_IN_THEMSELVES.items():
        info[code] = {**info[code], "name_local": name}
    for code, fallback in FALLBACKS.items():
        info[code] = {**info[code], "fallback": fallback}
