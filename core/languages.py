"""What Django's own list of languages (django.conf.locale.LANG_INFO) lacks for the portal.

- Maltese, an official language of the EU, is not in it.
- The switcher names each language in itself, as a noun: Django's Czech, Slovak and
  Lithuanian names are adverbs ("česky": "in Czech").
- A browser asking for Norwegian ("no") or Nynorsk ("nn") gets Norwegian Bokmål, which both
  read, rather than English.
"""

from __future__ import annotations

from django.conf import locale

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
